//! ROA (RESTful) requests against vectors made by the official ACK SDK
//! (`runtime/testdata/signing/make_roa_vectors.py`, `alibabacloud-cs20151215` on
//! `alibabacloud-tea-openapi`): each case's parameter table and input go through
//! `params::encode` and the V3 signer, and the path, query, headers, body, canonical
//! request, string to sign and signature must equal the SDK's byte for byte. No Python is
//! needed to run these.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use livegen_runtime::credentials::Credentials;
use livegen_runtime::operation::{HttpMethod, Operation, ParamInfo, ParamLocation, Service, Shape};
use livegen_runtime::params;
use livegen_runtime::signing::encode::decode_query;
use livegen_runtime::signing::{self, Payload, SignatureVersion, SigningInput, SigningParams, v3};
use serde_json::Value;
use support::vectors::{self, leak};

mod support;

#[derive(serde::Deserialize)]
struct Param {
    name: String,
    #[serde(rename = "in")]
    location: String,
    style: String,
    shape: String,
}

#[derive(serde::Deserialize)]
struct Input {
    action: String,
    version: String,
    method: String,
    host: String,
    path: String,
    params: Vec<Param>,
    input: Value,
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    timestamp_unix: u64,
    nonce: String,
    user_agent: String,
}

/// The operation table livegen would generate for the case.
fn operation(name: &str, input: &Input) -> &'static Operation {
    let service: &'static Service = Box::leak(Box::new(Service {
        code: "cs",
        version: leak(&input.version),
        default_endpoint: leak(&input.host),
        endpoint_pattern: "cs.{regionId}.aliyuncs.com",
        regional_endpoints: &[],
    }));
    let params: Vec<ParamInfo> = input
        .params
        .iter()
        .map(|p| {
            let shape = match p.shape.as_str() {
                "string" => Shape::STRING,
                "integer" => Shape::INTEGER,
                "any" => Shape::Any,
                other => panic!("{name}: unknown shape {other}"),
            };
            let param = match p.location.as_str() {
                "query" => ParamInfo::query(leak(&p.name), shape),
                "path" => ParamInfo::path(leak(&p.name), shape),
                "header" => ParamInfo::header(leak(&p.name), shape),
                "body" => ParamInfo::json_body(leak(&p.name), shape),
                other => panic!("{name}: unknown location {other}"),
            };
            param.style(vectors::style(&p.style))
        })
        .collect();
    let method = HttpMethod::parse(&input.method).expect("a known method");
    Box::leak(Box::new(vectors::operation(
        service,
        &input.action,
        &input.path,
        method,
        params,
    )))
}

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

#[test]
fn roa_requests_match_the_official_sdk() {
    let dirs = vectors::case_dirs("testdata/signing/roa");
    assert!(
        dirs.len() >= 7,
        "expected the ROA vectors, found {}",
        dirs.len()
    );
    let mut kinds = BTreeMap::<ParamLocation, usize>::new();
    for dir in dirs {
        let name = dir
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let input: Input = serde_json::from_str(&read(&dir, "input.json").expect("input.json"))
            .unwrap_or_else(|e| panic!("{name}: input.json: {e}"));
        let op = operation(&name, &input);
        for param in op.params {
            *kinds.entry(param.location).or_default() += 1;
        }
        let encoded = params::encode(op, &input.input)
            .unwrap_or_else(|e| panic!("{name}: the input does not encode: {e}"));
        assert_eq!(
            Some(encoded.path.clone()),
            read(&dir, "path.txt"),
            "{name}: path"
        );

        let mut credentials =
            Credentials::new(input.access_key_id.clone(), input.access_key_secret.clone());
        if let Some(token) = &input.security_token {
            credentials = credentials.with_security_token(token.clone());
        }
        let payload = encoded.json_body.as_ref().map(|json| Payload {
            content_type: params::roa::JSON_CONTENT_TYPE,
            bytes: json.as_bytes(),
        });
        let signing_input = SigningInput {
            method: op.method().expect("a method"),
            host: &input.host,
            path: &encoded.path,
            action: op.action,
            version: op.service.version,
            params: &encoded.query,
            body: &encoded.body,
            payload,
        };
        let signing_params = SigningParams {
            credentials: &credentials,
            timestamp: UNIX_EPOCH + Duration::from_secs(input.timestamp_unix),
            nonce: &input.nonce,
        };
        let mut extra = vec![("user-agent".to_owned(), input.user_agent.clone())];
        extra.extend(encoded.headers.iter().cloned());
        let signed = signing::sign_with_headers(
            SignatureVersion::V3,
            &signing_input,
            &signing_params,
            &extra,
        );

        // Stage by stage, so a failure says where the two part ways.
        let body = signed.body.clone();
        let hash = v3::hashed_payload(&body);
        let headers_to_sign = v3::headers_to_sign(&signing_input, &signing_params, &hash, &extra);
        let (block, signed_headers) = v3::canonical_headers(&headers_to_sign);
        let canonical = v3::canonical_request(
            op.method().expect("a method").as_str(),
            &encoded.path,
            &v3::canonical_query(&encoded.query),
            &block,
            &signed_headers,
            &hash,
        );
        assert_eq!(
            Some(canonical.clone()),
            read(&dir, "canonical_request.txt"),
            "{name}: canonical request"
        );
        let string_to_sign = v3::string_to_sign(&canonical);
        assert_eq!(
            Some(string_to_sign.clone()),
            read(&dir, "string_to_sign.txt"),
            "{name}: string to sign"
        );
        assert_eq!(
            Some(v3::signature(&input.access_key_secret, &string_to_sign)),
            read(&dir, "signature.txt"),
            "{name}: signature"
        );

        let sdk_headers: BTreeMap<String, String> =
            serde_json::from_str(&read(&dir, "headers.json").expect("headers.json"))
                .unwrap_or_else(|e| panic!("{name}: headers.json: {e}"));
        let ours: BTreeMap<String, String> = signed.headers.iter().cloned().collect();
        assert_eq!(ours, sdk_headers, "{name}: headers");

        let body_text = String::from_utf8(body).expect("UTF-8 body");
        assert_eq!(
            read(&dir, "body.txt").unwrap_or_default(),
            body_text,
            "{name}: body"
        );

        let (path, query) = signed
            .path_and_query
            .split_once('?')
            .unwrap_or((signed.path_and_query.as_str(), ""));
        assert_eq!(path, encoded.path, "{name}: sent path");
        let mut sent = decode_query(query).expect("UTF-8 query");
        sent.sort();
        let sdk_query: Vec<(String, String)> =
            serde_json::from_str(&read(&dir, "query.json").expect("query.json"))
                .unwrap_or_else(|e| panic!("{name}: query.json: {e}"));
        assert_eq!(sent, sdk_query, "{name}: query");
    }
    // The vectors cover every ROA location the ACK SDK uses.
    for location in [
        ParamLocation::Path,
        ParamLocation::Query,
        ParamLocation::JsonBody,
    ] {
        assert!(
            kinds.contains_key(&location),
            "no vector with a {location:?} parameter"
        );
    }
}

#[test]
fn a_path_parameter_is_required_and_a_slash_stays_in_its_segment() {
    let input = Input {
        action: "DescribeClusterDetail".to_owned(),
        version: "2015-12-15".to_owned(),
        method: "GET".to_owned(),
        host: "cs.aliyuncs.com".to_owned(),
        path: "/clusters/{ClusterId}".to_owned(),
        params: vec![
            Param {
                name: "ClusterId".to_owned(),
                location: "path".to_owned(),
                style: "simple".to_owned(),
                shape: "string".to_owned(),
            },
            // SAE and PAI have ROA parameters named like RPC's protocol ones; V3 sends
            // those as headers, so for ROA they are ordinary parameters.
            Param {
                name: "Version".to_owned(),
                location: "query".to_owned(),
                style: "simple".to_owned(),
                shape: "string".to_owned(),
            },
        ],
        input: Value::Null,
        access_key_id: String::new(),
        access_key_secret: String::new(),
        security_token: None,
        timestamp_unix: 0,
        nonce: String::new(),
        user_agent: String::new(),
    };
    let op = operation("required", &input);
    let err = params::encode(op, &Value::Null).expect_err("required");
    assert_eq!(err.parameter, "ClusterId");
    let err = params::encode(op, &serde_json::json!({"ClusterId": ""})).expect_err("empty");
    assert!(err.reason.contains("empty"), "{err}");
    let encoded = params::encode(op, &serde_json::json!({"ClusterId": "../x"})).expect("ok");
    assert_eq!(encoded.path, "/clusters/..%2Fx");
    let encoded =
        params::encode(op, &serde_json::json!({"ClusterId": "c", "Version": "v2"})).expect("ok");
    assert_eq!(encoded.query, vec![("Version".to_owned(), "v2".to_owned())]);
}

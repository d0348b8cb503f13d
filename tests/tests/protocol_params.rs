//! The protocol-parameter rule (`livegen_runtime::protocol`) end to end: an operation
//! parameter named like a protocol parameter goes from the input table through encoding
//! and signing to a request the server-side verifier accepts, with the values the
//! official SDK (`alibabacloud-tea-openapi`) would send: under V3 as an ordinary
//! parameter, under V1 merged by the one list's precedence.

use livegen_runtime::credentials::Credentials;
use livegen_runtime::operation::{HttpMethod, Operation, ParamInfo, RamAuthorization, Service};
use livegen_runtime::protocol::{PROTOCOL_PARAMS, V1Value};
use livegen_runtime::signing::encode::decode_query;
use livegen_runtime::signing::{
    ReceivedRequest, SignatureVersion, SigningInput, SigningParams, sign, verify,
};
use livegen_runtime::{Shape, encode};
use serde_json::{Map, Value, json};

/// Every protocol name as an optional string parameter, plus one ordinary parameter.
static PARAMS: &[ParamInfo] = &[
    ParamInfo::query("JobId", Shape::STRING),
    ParamInfo::query("SecurityToken", Shape::STRING),
    ParamInfo::query("Version", Shape::STRING),
    ParamInfo::query("Action", Shape::STRING),
    ParamInfo::query("Format", Shape::STRING),
    ParamInfo::query("Timestamp", Shape::STRING),
    ParamInfo::query("SignatureMethod", Shape::STRING),
    ParamInfo::query("SignatureType", Shape::STRING),
    ParamInfo::query("SignatureVersion", Shape::STRING),
    ParamInfo::query("SignatureNonce", Shape::STRING),
    ParamInfo::query("AccessKeyId", Shape::STRING),
    ParamInfo::query("Signature", Shape::STRING),
];

static SERVICE: Service = Service {
    code: "ice",
    version: "2020-11-09",
    default_endpoint: "ice.aliyuncs.com",
    endpoint_pattern: "ice.{regionId}.aliyuncs.com",
    regional_endpoints: &[],
};

fn operation() -> Operation {
    Operation {
        service: &SERVICE,
        action: "GetBatchMediaProducingJob",
        summary: "",
        path: "/",
        methods: &[HttpMethod::Get, HttpMethod::Post],
        qps: None,
        ram: RamAuthorization::UNDOCUMENTED,
        params: PARAMS,
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: None,
    }
}

/// The input: every protocol name set to `op-<name>`.
fn input() -> Value {
    let mut fields = Map::new();
    fields.insert("JobId".to_owned(), json!("j-1"));
    for p in PROTOCOL_PARAMS {
        fields.insert(p.name.to_owned(), json!(format!("op-{}", p.name)));
    }
    Value::Object(fields)
}

/// Signs the encoded input with `version` and returns the query as sent (decoded),
/// after checking the verifier accepts the request.
fn sent_query(version: SignatureVersion) -> Vec<(String, String)> {
    let op = operation();
    let encoded = encode(&op, &input()).expect("every protocol name is a parameter here");
    assert!(PROTOCOL_PARAMS.iter().all(|p| {
        encoded
            .query
            .iter()
            .any(|(n, v)| n == p.name && *v == format!("op-{}", p.name))
    }));
    let credentials = Credentials::new("testid", "testsecret");
    let signed = sign(
        version,
        &SigningInput {
            method: HttpMethod::Get,
            host: "127.0.0.1:9",
            path: "/",
            action: op.action,
            version: SERVICE.version,
            params: &encoded.query,
            body: &encoded.body,
            payload: None,
        },
        &SigningParams {
            credentials: &credentials,
            timestamp: std::time::SystemTime::now(),
            nonce: "signer-nonce",
        },
    );
    let (path, query) = signed
        .path_and_query
        .split_once('?')
        .expect("a query is sent");
    let mut headers = signed.headers.clone();
    if !headers.iter().any(|(n, _)| n == "host") {
        headers.push(("host".to_owned(), "127.0.0.1:9".to_owned()));
    }
    let received = ReceivedRequest {
        method: "GET",
        path,
        query,
        headers: &headers,
        body: &signed.body,
    };
    verify(&received, |id| {
        (id == "testid").then(|| "testsecret".to_owned())
    })
    .unwrap_or_else(|e| panic!("{version:?} request does not verify: {e}"));
    decode_query(query).expect("UTF-8 query")
}

fn values<'a>(query: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn under_v3_protocol_names_are_ordinary_query_parameters() {
    let query = sent_query(SignatureVersion::V3);
    for p in PROTOCOL_PARAMS {
        assert_eq!(
            values(&query, p.name),
            [format!("op-{}", p.name)],
            "{}",
            p.name
        );
    }
    assert_eq!(values(&query, "JobId"), ["j-1"]);
}

#[test]
fn under_v1_each_name_is_sent_once_with_the_value_the_list_says_wins() {
    let query = sent_query(SignatureVersion::V1);
    for p in PROTOCOL_PARAMS {
        let sent = values(&query, p.name);
        assert_eq!(sent.len(), 1, "{} sent {sent:?}", p.name);
        let theirs = format!("op-{}", p.name);
        match p.v1 {
            V1Value::Operation => assert_eq!(sent[0], theirs, "{}", p.name),
            // No STS token here: the signer sends no `SecurityToken`, so the
            // operation's goes through, as in the SDK.
            V1Value::Signer if p.name == "SecurityToken" => assert_eq!(sent[0], theirs),
            V1Value::Signer => assert_ne!(sent[0], theirs, "{}", p.name),
        }
    }
    assert_eq!(values(&query, "AccessKeyId"), ["testid"]);
    assert_eq!(values(&query, "SignatureMethod"), ["HMAC-SHA1"]);
}

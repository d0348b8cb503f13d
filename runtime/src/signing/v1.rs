//! The RPC `HMAC-SHA1` signature (signature version 1.0) of the older SDKs.
//!
//! Everything travels in the query: the operation's parameters, then `SecurityToken`
//! (with an STS token), `Version`, `Action`, `Format=JSON`, `Timestamp`,
//! `SignatureMethod=HMAC-SHA1`, `SignatureType=` (empty, but sent and signed),
//! `SignatureVersion=1.0`, `SignatureNonce`, `AccessKeyId` and finally `Signature`, the
//! order `aliyun-python-sdk-core` sends them in. An operation parameter with one of these
//! names is merged as `alibabacloud-tea-openapi` merges it ([`crate::protocol`]).
//!
//! Stages, each public so the vectors can check them one by one:
//!
//! 1. [`query_params`]: every query parameter to send except `Signature`;
//! 2. [`canonicalized_query`]: those and the form-body parameters (the SDK signs both
//!    together), sorted by name, percent-encoded, joined with `&`;
//! 3. [`string_to_sign`]: `METHOD&%2F&` plus the canonicalized query percent-encoded again;
//! 4. [`signature`]: base64 HMAC-SHA1 of the string to sign keyed with `secret&`;
//! 5. [`path_and_query`]: the URL to request, `Signature` last.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::encode::{encode_pairs, percent_encode, sorted_pairs};
use super::{SignedRequest, SigningInput, SigningParams, extra_headers_except, format_timestamp};
use crate::protocol::{V1Value, protocol_param};

/// The `SignatureMethod` value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// The `SignatureVersion` value.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Every parameter to send except `Signature`, in the order the SDK sends them.
///
/// An operation parameter named like one the signer sends follows
/// [`crate::protocol`]'s rule: for [`V1Value::Operation`] names (`Format`, `Version`, …)
/// its value replaces the signer's, for [`V1Value::Signer`] names it is left out. A
/// protocol name the signer does not send on this request (`SecurityToken` without an STS
/// token, the key and signature names of an anonymous call) is sent as the operation's.
pub fn query_params(input: &SigningInput<'_>, params: &SigningParams<'_>) -> Vec<(String, String)> {
    let mut system: Vec<(&str, String)> = Vec::new();
    if let Some(token) = super::security_token(params.credentials) {
        system.push(("SecurityToken", token.to_owned()));
    }
    let anonymous = params.credentials.is_anonymous();
    system.extend(
        [
            ("Version", input.version.to_owned()),
            ("Action", input.action.to_owned()),
            ("Format", "JSON".to_owned()),
            ("Timestamp", format_timestamp(params.timestamp)),
            ("SignatureMethod", SIGNATURE_METHOD.to_owned()),
            ("SignatureType", String::new()),
            ("SignatureVersion", SIGNATURE_VERSION.to_owned()),
            ("SignatureNonce", params.nonce.to_owned()),
            ("AccessKeyId", params.credentials.access_key_id().to_owned()),
        ]
        .into_iter()
        // An anonymous request (STS `AssumeRoleWithOIDC`) names no key and no signature.
        .filter(|(name, _)| !(anonymous && UNSIGNED_OMITS.contains(name))),
    );
    let mut query = Vec::with_capacity(input.params.len() + system.len());
    for (name, value) in input.params {
        let sent_by_signer = system.iter_mut().find(|(n, _)| n == name);
        match (sent_by_signer, protocol_param(name)) {
            (Some((_, ours)), Some(p)) if p.v1 == V1Value::Operation => ours.clone_from(value),
            (Some(_), _) => {}
            (None, Some(p)) if p.name == "Signature" && !anonymous => {}
            (None, _) => query.push((name.clone(), value.clone())),
        }
    }
    query.extend(
        system
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    query
}

/// What an anonymous request leaves out, as the official SDKs send one.
const UNSIGNED_OMITS: &[&str] = &[
    "SignatureMethod",
    "SignatureType",
    "SignatureVersion",
    "SignatureNonce",
    "AccessKeyId",
];

/// The form-body parameters to send and sign, as they are and in the given order (the
/// SDK's `urlencode(body_params)` keeps insertion order and never merges the body into
/// the query, protocol names included).
pub fn body_params(input: &SigningInput<'_>) -> Vec<(String, String)> {
    input.body.to_vec()
}

/// The parameters sorted by name, names and values percent-encoded, joined with `&`.
pub fn canonicalized_query(params: &[(String, String)]) -> String {
    encode_pairs(sorted_pairs(params))
}

/// `METHOD&<encoded path>&<encoded canonicalized query>`; for RPC the path part is `%2F`.
pub fn string_to_sign(method: &str, path: &str, canonicalized_query: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{method}&{}&{}",
        percent_encode(path),
        percent_encode(canonicalized_query)
    )
}

/// Base64 HMAC-SHA1 of the string to sign, keyed with the secret followed by `&`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    BASE64.encode(
        mac(access_key_secret, string_to_sign)
            .finalize()
            .into_bytes(),
    )
}

/// The keyed MAC over the string to sign, for constant-time checks in `verify`.
pub(crate) fn mac(access_key_secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    // The `&` stands for the (never used) token secret of the OAuth-like original scheme.
    let key = format!("{access_key_secret}&");
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// `path?<params in order>&Signature=<signature>`, all percent-encoded.
pub fn path_and_query(path: &str, params: &[(String, String)], signature: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let query = encode_pairs(
        params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .chain(std::iter::once(("Signature", signature))),
    );
    format!("{path}?{query}")
}

/// Runs every stage and returns the request to send.
///
/// The headers are `x-acs-action` and `x-acs-version` (the SDK sends them too, unsigned)
/// plus `extra_headers`.
pub fn sign(
    input: &SigningInput<'_>,
    params: &SigningParams<'_>,
    extra_headers: &[(String, String)],
) -> SignedRequest {
    let query = query_params(input, params);
    let body = body_params(input);
    let signed: Vec<(String, String)> = query.iter().chain(body.iter()).cloned().collect();
    let to_sign = string_to_sign(
        input.method.as_str(),
        input.path,
        &canonicalized_query(&signed),
    );
    let signature = signature(params.credentials.access_key_secret(), &to_sign);
    let mut headers = vec![
        ("x-acs-action".to_owned(), input.action.to_owned()),
        ("x-acs-version".to_owned(), input.version.to_owned()),
    ];
    if !body.is_empty() {
        headers.push((
            "content-type".to_owned(),
            super::FORM_CONTENT_TYPE.to_owned(),
        ));
    }
    headers.extend(extra_headers_except(
        extra_headers,
        &["x-acs-action", "x-acs-version", "content-type"],
    ));
    headers.sort();
    let path_and_query = if params.credentials.is_anonymous() {
        let path = if input.path.is_empty() {
            "/"
        } else {
            input.path
        };
        let pairs = query.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        format!("{path}?{}", encode_pairs(pairs))
    } else {
        path_and_query(input.path, &query, &signature)
    };
    SignedRequest {
        method: input.method,
        path_and_query,
        headers,
        body: super::form_body(&body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::operation::HttpMethod;

    fn signed_query(
        params: &[(String, String)],
        credentials: &Credentials,
    ) -> Vec<(String, String)> {
        let input = SigningInput {
            method: HttpMethod::Get,
            host: "localhost",
            path: "/",
            action: "GetBatchMediaProducingJob",
            version: "2020-11-09",
            params,
            body: &[],
            payload: None,
        };
        let signing = SigningParams {
            credentials,
            timestamp: std::time::UNIX_EPOCH,
            nonce: "ours",
        };
        query_params(&input, &signing)
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn values<'a>(query: &'a [(String, String)], name: &str) -> Vec<&'a str> {
        query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn protocol_named_parameters_merge_as_the_official_sdk_merges_them() {
        let credentials = Credentials::new("testid", "testsecret");
        let params = pairs(&[
            ("JobId", "j"),
            ("Format", "xml"),
            ("Version", "v9"),
            ("SignatureNonce", "theirs"),
            ("SignatureType", "t"),
            ("SignatureVersion", "9.9"),
            ("SignatureMethod", "NONE"),
            ("AccessKeyId", "someone-else"),
            ("Signature", "forged"),
            ("SecurityToken", "kept-without-sts"),
        ]);
        let query = signed_query(&params, &credentials);
        // Every name once; the operation's value where the SDK lets it win.
        for (name, want) in [
            ("JobId", "j"),
            ("Format", "xml"),
            ("Version", "v9"),
            ("Action", "GetBatchMediaProducingJob"),
            ("SignatureNonce", "theirs"),
            ("SignatureType", "t"),
            ("SignatureVersion", SIGNATURE_VERSION),
            ("SignatureMethod", SIGNATURE_METHOD),
            ("AccessKeyId", "testid"),
            ("SecurityToken", "kept-without-sts"),
        ] {
            assert_eq!(values(&query, name), [want], "{name}");
        }
        // `Signature` is the signer's alone: `path_and_query` appends it.
        assert!(values(&query, "Signature").is_empty());
    }

    #[test]
    fn a_security_token_parameter_gives_way_to_the_sts_token() {
        let credentials = Credentials::new("testid", "testsecret").with_security_token("sts");
        let query = signed_query(&pairs(&[("SecurityToken", "theirs")]), &credentials);
        assert_eq!(values(&query, "SecurityToken"), ["sts"]);
    }

    #[test]
    fn body_parameters_are_sent_as_they_are() {
        let body = pairs(&[("Format", "mp4"), ("Name", "n")]);
        let input = SigningInput {
            method: HttpMethod::Post,
            host: "localhost",
            path: "/",
            action: "A",
            version: "2020-01-01",
            params: &[],
            body: &body,
            payload: None,
        };
        assert_eq!(body_params(&input), body);
    }
}

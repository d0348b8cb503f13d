//! The RPC `HMAC-SHA1` signature (signature version 1.0) of the older SDKs.
//!
//! Everything travels in the query: the operation's parameters, then `SecurityToken`
//! (with an STS token), `Version`, `Action`, `Format=JSON`, `Timestamp`,
//! `SignatureMethod=HMAC-SHA1`, `SignatureType=` (empty, but sent and signed),
//! `SignatureVersion=1.0`, `SignatureNonce`, `AccessKeyId` and finally `Signature`, the
//! order `aliyun-python-sdk-core` sends them in.
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

/// The `SignatureMethod` value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// The `SignatureVersion` value.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Parameter names the signer sets itself; operation parameters with these names are
/// dropped, as the SDK's dictionary would overwrite them.
pub const RESERVED_PARAMS: &[&str] = crate::params::RESERVED_PARAM_NAMES;

/// Every parameter to send except `Signature`, in the order the SDK sends them.
pub fn query_params(input: &SigningInput<'_>, params: &SigningParams<'_>) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = input
        .params
        .iter()
        .filter(|(name, _)| !RESERVED_PARAMS.contains(&name.as_str()))
        .cloned()
        .collect();
    if let Some(token) = super::security_token(params.credentials) {
        query.push(("SecurityToken".to_owned(), token.to_owned()));
    }
    let system = [
        ("Version", input.version.to_owned()),
        ("Action", input.action.to_owned()),
        ("Format", "JSON".to_owned()),
        ("Timestamp", format_timestamp(params.timestamp)),
        ("SignatureMethod", SIGNATURE_METHOD.to_owned()),
        ("SignatureType", String::new()),
        ("SignatureVersion", SIGNATURE_VERSION.to_owned()),
        ("SignatureNonce", params.nonce.to_owned()),
        ("AccessKeyId", params.credentials.access_key_id().to_owned()),
    ];
    let anonymous = params.credentials.is_anonymous();
    query.extend(
        system
            .into_iter()
            // An anonymous request (STS `AssumeRoleWithOIDC`) names no key and no signature.
            .filter(|(name, _)| !(anonymous && UNSIGNED_OMITS.contains(name)))
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

/// The form-body parameters to send and sign, in the given order (the SDK's
/// `urlencode(body_params)` keeps insertion order); reserved names are dropped as in
/// [`query_params`].
pub fn body_params(input: &SigningInput<'_>) -> Vec<(String, String)> {
    input
        .body
        .iter()
        .filter(|(name, _)| !RESERVED_PARAMS.contains(&name.as_str()))
        .cloned()
        .collect()
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

    #[test]
    fn reserved_params_are_not_sent_twice() {
        let credentials = Credentials::new("testid", "testsecret");
        let params = vec![
            ("Action".to_owned(), "Evil".to_owned()),
            ("TaskId".to_owned(), "t".to_owned()),
        ];
        let input = SigningInput {
            method: HttpMethod::Get,
            host: "localhost",
            path: "/",
            action: "StopLivePullToPush",
            version: "2016-11-01",
            params: &params,
            body: &[],
            payload: None,
        };
        let signing = SigningParams {
            credentials: &credentials,
            timestamp: std::time::UNIX_EPOCH,
            nonce: "n",
        };
        let query = query_params(&input, &signing);
        let actions: Vec<&str> = query
            .iter()
            .filter(|(name, _)| name == "Action")
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(actions, ["StopLivePullToPush"]);
    }
}

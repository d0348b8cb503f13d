//! `ACS3-HMAC-SHA256`, the signature of the current official SDKs.
//!
//! Stages, each public so the vectors can check them one by one:
//!
//! 1. [`hashed_payload`]: hex SHA-256 of the body, sent as `x-acs-content-sha256`;
//! 2. [`headers_to_sign`]: the headers the signer sends and signs;
//! 3. [`canonical_query`] and [`canonical_headers`], assembled by [`canonical_request`];
//! 4. [`string_to_sign`]: the algorithm name and the hex SHA-256 of the canonical request;
//! 5. [`signature`]: hex HMAC-SHA256 of the string to sign, keyed with the AccessKey secret;
//! 6. [`authorization`]: the `Authorization` header value.
//!
//! `Action` and `Version` travel in the `x-acs-action` / `x-acs-version` headers, not in
//! the query; the query holds only the operation's own parameters. ROA (RESTful)
//! operations are signed the same way (the SDK's `do_request` serves both styles): their
//! path is the encoded path, their header parameters are signed extra headers and a JSON
//! body is a [`Payload`](super::Payload) hashed like a form.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::encode::{encode_pairs, sorted_pairs};
use super::{SignedRequest, SigningInput, SigningParams, extra_headers_except, format_timestamp};

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// `x-acs-content-sha256` of an empty body (an RPC request without body parameters).
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The headers the signer sets itself; extra headers with these names are ignored (and a
/// ROA header parameter may not use them, `params::roa::check_header_name`).
pub const OWN_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-type",
    "host",
    "x-acs-accesskey-id",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-security-token",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// Lowercase hex SHA-256 of the body.
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical query: parameters sorted by name, names and values percent-encoded
/// (RFC 3986 unreserved kept), joined with `&`; empty when there are none.
pub fn canonical_query(params: &[(String, String)]) -> String {
    encode_pairs(sorted_pairs(params))
}

/// The headers a request sends and signs, lowercase names, sorted by name:
/// `accept`, `host`, `x-acs-action`, `x-acs-content-sha256`, `x-acs-date`,
/// `x-acs-signature-nonce`, `x-acs-version`, with an STS token also `x-acs-accesskey-id`
/// and `x-acs-security-token`, with a form body or a [`Payload`](super::Payload) its
/// `content-type` (the SDK signs every header it sends), plus `extra` (see
/// [`super::sign_with_headers`]; ROA header parameters travel there).
pub fn headers_to_sign(
    input: &SigningInput<'_>,
    params: &SigningParams<'_>,
    payload_hash: &str,
    extra: &[(String, String)],
) -> Vec<(String, String)> {
    let mut headers = vec![
        ("accept".to_owned(), "application/json".to_owned()),
        ("host".to_owned(), input.host.to_owned()),
        ("x-acs-action".to_owned(), input.action.to_owned()),
        ("x-acs-content-sha256".to_owned(), payload_hash.to_owned()),
        ("x-acs-date".to_owned(), format_timestamp(params.timestamp)),
        ("x-acs-signature-nonce".to_owned(), params.nonce.to_owned()),
        ("x-acs-version".to_owned(), input.version.to_owned()),
    ];
    if let Some(payload) = &input.payload {
        headers.push(("content-type".to_owned(), payload.content_type.to_owned()));
    } else if !input.body.is_empty() {
        headers.push((
            "content-type".to_owned(),
            super::FORM_CONTENT_TYPE.to_owned(),
        ));
    }
    if let Some(token) = super::security_token(params.credentials) {
        // The SDK names the key id in a header too when it sends a token.
        headers.push((
            "x-acs-accesskey-id".to_owned(),
            params.credentials.access_key_id().to_owned(),
        ));
        headers.push(("x-acs-security-token".to_owned(), token.to_owned()));
    }
    headers.extend(extra_headers_except(extra, OWN_HEADERS));
    headers.sort();
    headers
}

/// The canonical header block and the `SignedHeaders` list, from `(name, value)` pairs.
///
/// Names are lowercased and sorted; values trimmed. A name given more than once becomes
/// one line with its values sorted and joined by `,`. Each line ends with `\n`.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let value = value.trim();
        match grouped.iter_mut().find(|(seen, _)| *seen == name) {
            Some((_, values)) => values.push(value),
            None => grouped.push((name, vec![value])),
        }
    }
    grouped.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut block = String::new();
    let mut names = Vec::with_capacity(grouped.len());
    for (name, mut values) in grouped {
        values.sort_unstable();
        block.push_str(&name);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
        names.push(name);
    }
    (block, names.join(";"))
}

/// Assembles the canonical request:
/// `METHOD\nPATH\nQUERY\nHEADER-BLOCK\nSIGNED-HEADERS\nPAYLOAD-HASH`.
///
/// The path is used as given (`/` for RPC; for ROA the template with each parameter
/// already percent-encoded), as the SDK does.
pub fn canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}"
    )
}

/// `ACS3-HMAC-SHA256\n` followed by the hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Lowercase hex HMAC-SHA256 of the string to sign, keyed with the secret itself.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    hex::encode(
        mac(access_key_secret, string_to_sign)
            .finalize()
            .into_bytes(),
    )
}

/// The keyed MAC over the string to sign, for constant-time checks in `verify`.
pub(crate) fn mac(access_key_secret: &str, string_to_sign: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>`.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

/// The path and query to send: parameters in the caller's order, percent-encoded like
/// the canonical query (so `%20` for a space, where the SDK sends `+`).
pub fn path_and_query(path: &str, params: &[(String, String)]) -> String {
    let path = if path.is_empty() { "/" } else { path };
    if params.is_empty() {
        return path.to_owned();
    }
    let query = encode_pairs(
        params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    format!("{path}?{query}")
}

/// The form body the Tea SDK sends: pairs sorted by name (its `Form.to_form_string`),
/// then `urlencode`d; empty without body parameters.
pub fn body(params: &[(String, String)]) -> Vec<u8> {
    let mut sorted = params.to_vec();
    sorted.sort();
    super::form_body(&sorted)
}

/// Runs every stage and returns the request to send (headers include `authorization`).
pub fn sign(
    input: &SigningInput<'_>,
    params: &SigningParams<'_>,
    extra_headers: &[(String, String)],
) -> SignedRequest {
    let body = match &input.payload {
        Some(payload) => payload.bytes.to_vec(),
        None => body(input.body),
    };
    let payload_hash = hashed_payload(&body);
    let mut headers = headers_to_sign(input, params, &payload_hash, extra_headers);
    let (header_block, signed_headers) = canonical_headers(&headers);
    let canonical = canonical_request(
        input.method.as_str(),
        input.path,
        &canonical_query(input.params),
        &header_block,
        &signed_headers,
        &payload_hash,
    );
    let signature = signature(
        params.credentials.access_key_secret(),
        &string_to_sign(&canonical),
    );
    // An anonymous request (STS `AssumeRoleWithOIDC`) carries no `Authorization`.
    if !params.credentials.is_anonymous() {
        headers.push((
            "authorization".to_owned(),
            authorization(
                params.credentials.access_key_id(),
                &signed_headers,
                &signature,
            ),
        ));
    }
    headers.sort();
    SignedRequest {
        method: input.method,
        path_and_query: path_and_query(input.path, input.params),
        headers,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_payload_constant_is_the_hash_of_nothing() {
        assert_eq!(hashed_payload(b""), EMPTY_PAYLOAD_SHA256);
    }

    #[test]
    fn repeated_headers_join_sorted_values() {
        let headers = vec![
            ("X-B".to_owned(), " 2 ".to_owned()),
            ("a".to_owned(), "x".to_owned()),
            ("x-b".to_owned(), "1".to_owned()),
        ];
        let (block, names) = canonical_headers(&headers);
        assert_eq!(block, "a:x\nx-b:1,2\n");
        assert_eq!(names, "a;x-b");
    }

    #[test]
    fn no_params_means_bare_path() {
        assert_eq!(path_and_query("/", &[]), "/");
        assert_eq!(canonical_query(&[]), "");
    }
}

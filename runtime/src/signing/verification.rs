//! Checking a received request's signature, for the local fake server.
//!
//! The canonical form is rebuilt from what arrived (decoded, then re-encoded by the same
//! rules the signer uses), never from what our signer would have sent, so requests from
//! the official SDKs verify too: they order and encode their query differently (`+` for
//! a space, insertion order) and V3 SDKs sign different header sets.

use hmac::Mac;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::encode::decode_query;
use super::{v1, v3};

/// A request as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The path, e.g. `/`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// The headers, names in any case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

impl ReceivedRequest<'_> {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first query parameter called `name` (exact case), decoded; `None` when absent
    /// or not decodable.
    pub fn query_param(&self, name: &str) -> Option<String> {
        decode_query(self.query)
            .ok()?
            .into_iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value)
    }

    /// The signing timestamp and nonce, from the V3 headers or else the V1 query, so a
    /// server can check the time window and reject reused nonces.
    pub fn timestamp_and_nonce(&self) -> Option<(String, String)> {
        if let (Some(date), Some(nonce)) = (
            self.header("x-acs-date"),
            self.header("x-acs-signature-nonce"),
        ) {
            return Some((date.to_owned(), nonce.to_owned()));
        }
        Some((
            self.query_param("Timestamp")?,
            self.query_param("SignatureNonce")?,
        ))
    }
}

/// Who signed a request that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// Signed with `ACS3-HMAC-SHA256`.
    V3 {
        /// The AccessKey id from the `Credential` part of `Authorization`.
        access_key_id: String,
        /// The `x-acs-security-token` header, if sent.
        security_token: Option<String>,
    },
    /// Signed with the RPC `HMAC-SHA1` signature.
    V1 {
        /// The `AccessKeyId` parameter.
        access_key_id: String,
        /// The `SecurityToken` parameter, if sent.
        security_token: Option<String>,
    },
}

/// Why a request did not verify. [`VerifyError::service_code`] gives the code the real
/// service answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Something the signature needs was not sent (a header or parameter).
    #[error("the request has no {0}")]
    Missing(&'static str),
    /// A header named in `SignedHeaders` was not received.
    #[error("header `{0}` is listed in SignedHeaders but was not sent")]
    MissingSignedHeader(String),
    /// A header that must be signed (`host`, `x-acs-*`, `content-type`) was sent unsigned.
    #[error("header `{0}` was sent but is not listed in SignedHeaders")]
    UnsignedHeader(String),
    /// The AccessKey id is not known to the server.
    #[error("AccessKey id `{0}` is not known")]
    UnknownAccessKey(String),
    /// The signature method is not one this implementation checks.
    #[error("unsupported signature method `{0}`")]
    UnsupportedSignatureMethod(String),
    /// `x-acs-content-sha256` does not match the received body.
    #[error("x-acs-content-sha256 is {declared} but the body hashes to {actual}")]
    BodyHashMismatch {
        /// The header value.
        declared: String,
        /// The hash of the received body.
        actual: String,
    },
    /// The signature is wrong. The real service echoes its string to sign so callers can
    /// compare; so does this.
    #[error(
        "the signature does not match; the server's string to sign is {expected_string_to_sign:?}"
    )]
    SignatureMismatch {
        /// The string to sign as rebuilt from the received request.
        expected_string_to_sign: String,
    },
    /// The request is not well formed (e.g. a bad `Authorization` header, a parameter
    /// given twice, a query that is not UTF-8).
    #[error("malformed request: {0}")]
    Malformed(String),
}

impl VerifyError {
    /// The error code the real service answers with for this failure.
    pub fn service_code(&self) -> &'static str {
        match self {
            VerifyError::UnknownAccessKey(_) => "InvalidAccessKeyId.NotFound",
            VerifyError::UnsupportedSignatureMethod(_) => "InvalidSignatureMethod",
            VerifyError::BodyHashMismatch { .. } | VerifyError::SignatureMismatch { .. } => {
                "SignatureDoesNotMatch"
            }
            VerifyError::Missing(_)
            | VerifyError::MissingSignedHeader(_)
            | VerifyError::UnsignedHeader(_)
            | VerifyError::Malformed(_) => "IncompleteSignature",
        }
    }

    /// The HTTP status the real service answers with for this failure.
    pub fn http_status(&self) -> u16 {
        match self {
            VerifyError::UnknownAccessKey(_) => 404,
            _ => 400,
        }
    }
}

/// Checks a received request's signature, looking secrets up with `secret_for`.
///
/// V3 is recognised by an `Authorization` header starting with `ACS3-HMAC-SHA256`, V1 by
/// a `Signature` query parameter. Signatures are compared in constant time. Freshness of
/// the timestamp and reuse of the nonce are the caller's business (see
/// [`ReceivedRequest::timestamp_and_nonce`]).
///
/// # Errors
///
/// Whenever the request is not correctly signed by a known key; see [`VerifyError`].
pub fn verify(
    req: &ReceivedRequest<'_>,
    secret_for: impl Fn(&str) -> Option<String>,
) -> Result<Verified, VerifyError> {
    if let Some(authorization) = req.header("authorization") {
        let scheme = authorization.split(' ').next().unwrap_or_default();
        if scheme != v3::ALGORITHM {
            return Err(VerifyError::UnsupportedSignatureMethod(scheme.to_owned()));
        }
        return verify_v3(req, authorization, secret_for);
    }
    let query = decode_query(req.query)
        .map_err(|_| VerifyError::Malformed("the query is not UTF-8".to_owned()))?;
    if query.iter().any(|(name, _)| name == "Signature") {
        return verify_v1(req, query, secret_for);
    }
    Err(VerifyError::Missing(
        "Authorization header or Signature parameter",
    ))
}

/// The parts of an `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, VerifyError> {
    let rest = value
        .strip_prefix(v3::ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| VerifyError::Malformed("Authorization has no parameters".to_owned()))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or_else(|| {
            VerifyError::Malformed(format!("Authorization part `{}` has no `=`", part.trim()))
        })?;
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => {
                return Err(VerifyError::Malformed(format!(
                    "unknown Authorization part `{other}`"
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(VerifyError::Malformed(format!(
                "Authorization names {name} twice"
            )));
        }
    }
    Ok(Authorization {
        credential: credential.ok_or(VerifyError::Missing("Credential in Authorization"))?,
        signed_headers: signed_headers
            .ok_or(VerifyError::Missing("SignedHeaders in Authorization"))?,
        signature: signature.ok_or(VerifyError::Missing("Signature in Authorization"))?,
    })
}

/// Headers V3 requires, with what to call them when they are missing.
const REQUIRED_V3_HEADERS: &[(&str, &str)] = &[
    ("host", "host header"),
    ("x-acs-action", "x-acs-action header"),
    ("x-acs-version", "x-acs-version header"),
    ("x-acs-date", "x-acs-date header"),
    ("x-acs-signature-nonce", "x-acs-signature-nonce header"),
    ("x-acs-content-sha256", "x-acs-content-sha256 header"),
];

fn verify_v3(
    req: &ReceivedRequest<'_>,
    authorization: &str,
    secret_for: impl Fn(&str) -> Option<String>,
) -> Result<Verified, VerifyError> {
    let auth = parse_authorization(authorization)?;
    let signed: Vec<&str> = auth.signed_headers.split(';').collect();
    if let Some(bad) = signed
        .iter()
        .find(|name| name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(VerifyError::Malformed(format!(
            "SignedHeaders entry `{bad}` is not a lowercase header name"
        )));
    }
    for (name, what) in REQUIRED_V3_HEADERS {
        if req.header(name).is_none() {
            return Err(VerifyError::Missing(what));
        }
    }
    // The service insists that host, every x-acs-* header and content-type are signed,
    // so nothing that changes the request's meaning can be swapped in transit.
    for (name, _) in req.headers {
        let name = name.to_ascii_lowercase();
        let must_sign = name == "host" || name == "content-type" || name.starts_with("x-acs-");
        if must_sign && !signed.contains(&name.as_str()) {
            return Err(VerifyError::UnsignedHeader(name));
        }
    }

    let access_key_id = auth.credential;
    if let Some(header_id) = req.header("x-acs-accesskey-id")
        && header_id != access_key_id
    {
        return Err(VerifyError::Malformed(format!(
            "x-acs-accesskey-id `{header_id}` differs from the Credential `{access_key_id}`"
        )));
    }
    let secret = secret_for(access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(access_key_id.to_owned()))?;

    let declared = req.header("x-acs-content-sha256").unwrap_or_default();
    let actual = v3::hashed_payload(req.body);
    if !declared.eq_ignore_ascii_case(&actual) {
        return Err(VerifyError::BodyHashMismatch {
            declared: declared.to_owned(),
            actual,
        });
    }

    let mut listed = Vec::new();
    for name in &signed {
        let values: Vec<(String, String)> = req
            .headers
            .iter()
            .filter(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| ((*name).to_owned(), value.clone()))
            .collect();
        if values.is_empty() {
            return Err(VerifyError::MissingSignedHeader((*name).to_owned()));
        }
        listed.extend(values);
    }
    let (header_block, _) = v3::canonical_headers(&listed);
    let query = decode_query(req.query)
        .map_err(|_| VerifyError::Malformed("the query is not UTF-8".to_owned()))?;
    reject_duplicates(&query)?;
    let canonical = v3::canonical_request(
        req.method,
        req.path,
        &v3::canonical_query(&query),
        &header_block,
        auth.signed_headers,
        declared,
    );
    let string_to_sign = v3::string_to_sign(&canonical);
    let matches = hex::decode(auth.signature).is_ok_and(|given| {
        v3::mac(&secret, &string_to_sign)
            .verify_slice(&given)
            .is_ok()
    });
    if !matches {
        return Err(VerifyError::SignatureMismatch {
            expected_string_to_sign: string_to_sign,
        });
    }
    Ok(Verified::V3 {
        access_key_id: access_key_id.to_owned(),
        security_token: req.header("x-acs-security-token").map(str::to_owned),
    })
}

fn verify_v1(
    req: &ReceivedRequest<'_>,
    mut params: Vec<(String, String)>,
    secret_for: impl Fn(&str) -> Option<String>,
) -> Result<Verified, VerifyError> {
    // The old SDK signs form-encoded body parameters along with the query.
    let is_form = req.header("content-type").is_some_and(|value| {
        value
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if is_form && !req.body.is_empty() {
        let body = std::str::from_utf8(req.body)
            .map_err(|_| VerifyError::Malformed("the form body is not UTF-8".to_owned()))?;
        let form = decode_query(body)
            .map_err(|_| VerifyError::Malformed("the form body is not UTF-8".to_owned()))?;
        params.extend(form);
    }
    reject_duplicates(&params)?;

    let take = |params: &mut Vec<(String, String)>, name: &str| {
        params
            .iter()
            .position(|(candidate, _)| candidate == name)
            .map(|index| params.remove(index).1)
    };
    let signature =
        take(&mut params, "Signature").ok_or(VerifyError::Missing("Signature parameter"))?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.clone())
    };
    let method = get("SignatureMethod").ok_or(VerifyError::Missing("SignatureMethod parameter"))?;
    if method != v1::SIGNATURE_METHOD {
        return Err(VerifyError::UnsupportedSignatureMethod(method));
    }
    let version =
        get("SignatureVersion").ok_or(VerifyError::Missing("SignatureVersion parameter"))?;
    if version != v1::SIGNATURE_VERSION {
        return Err(VerifyError::Malformed(format!(
            "SignatureVersion `{version}` is not {}",
            v1::SIGNATURE_VERSION
        )));
    }
    get("SignatureNonce").ok_or(VerifyError::Missing("SignatureNonce parameter"))?;
    get("Timestamp").ok_or(VerifyError::Missing("Timestamp parameter"))?;
    let access_key_id = get("AccessKeyId").ok_or(VerifyError::Missing("AccessKeyId parameter"))?;
    let secret = secret_for(&access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(access_key_id.clone()))?;

    let string_to_sign =
        v1::string_to_sign(req.method, req.path, &v1::canonicalized_query(&params));
    let matches = BASE64.decode(signature.as_bytes()).is_ok_and(|given| {
        v1::mac(&secret, &string_to_sign)
            .verify_slice(&given)
            .is_ok()
    });
    if !matches {
        return Err(VerifyError::SignatureMismatch {
            expected_string_to_sign: string_to_sign,
        });
    }
    Ok(Verified::V1 {
        access_key_id,
        security_token: get("SecurityToken"),
    })
}

/// A name given twice has no single canonical form; the SDKs never send one.
fn reject_duplicates(params: &[(String, String)]) -> Result<(), VerifyError> {
    let mut names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    match names.windows(2).find(|pair| pair[0] == pair[1]) {
        Some(pair) => Err(VerifyError::Malformed(format!(
            "parameter `{}` is given more than once",
            pair[0]
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(id: &str) -> Option<String> {
        (id == "testid").then(|| "testsecret".to_owned())
    }

    #[test]
    fn nothing_signed_is_missing() {
        let req = ReceivedRequest {
            method: "GET",
            path: "/",
            query: "TaskId=t",
            headers: &[],
            body: b"",
        };
        let err = verify(&req, secrets).err();
        assert!(matches!(err, Some(VerifyError::Missing(_))), "{err:?}");
        assert_eq!(err.map(|e| e.service_code()), Some("IncompleteSignature"));
    }

    #[test]
    fn other_authorization_schemes_are_unsupported() {
        let headers = vec![("Authorization".to_owned(), "Bearer xyz".to_owned())];
        let req = ReceivedRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            verify(&req, secrets),
            Err(VerifyError::UnsupportedSignatureMethod("Bearer".to_owned()))
        );
    }

    #[test]
    fn authorization_parts_are_checked() {
        for (value, expected) in [
            ("ACS3-HMAC-SHA256", "no parameters"),
            ("ACS3-HMAC-SHA256 Credential=a", "SignedHeaders"),
            ("ACS3-HMAC-SHA256 Credential=a,Credential=b", "twice"),
            ("ACS3-HMAC-SHA256 Credential=a,Bogus=1", "unknown"),
            ("ACS3-HMAC-SHA256 Credential", "no `=`"),
        ] {
            let message = parse_authorization(value)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(message.contains(expected), "{value}: {message}");
        }
    }
}

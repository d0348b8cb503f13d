//! Request signing: ACS3-HMAC-SHA256 (V3) and the RPC HMAC-SHA1 signature (V1).
//!
//! The official SDKs are the reference: `alibabacloud-tea-openapi` for V3 and
//! `aliyun-python-sdk-core` for V1. Vectors computed by those SDKs live in
//! `runtime/testdata/signing/` and every stage here is tested against them.
//!
//! With the `test-util` feature the same code also checks signatures: `verify` is what the
//! local fake server and the signing tests use, so the client and the fake cannot drift
//! apart. Clients never need it, and generated crates never turn the feature on.
//!
//! ```
//! use livegen_runtime::credentials::Credentials;
//! use livegen_runtime::operation::HttpMethod;
//! use livegen_runtime::signing::{self, SignatureVersion, SigningInput, SigningParams};
//!
//! let params = vec![("TaskId".to_owned(), "t-1".to_owned())];
//! let credentials = Credentials::new("testid", "testsecret");
//! let signed = signing::sign(
//!     SignatureVersion::V3,
//!     &SigningInput {
//!         method: HttpMethod::Get,
//!         host: "live.aliyuncs.com",
//!         path: "/",
//!         action: "StopLivePullToPush",
//!         version: "2016-11-01",
//!         params: &params,
//!         body: &[],
//!         payload: None,
//!     },
//!     &SigningParams {
//!         credentials: &credentials,
//!         timestamp: std::time::SystemTime::now(),
//!         nonce: &signing::new_nonce(),
//!     },
//! );
//! assert_eq!(signed.path_and_query, "/?TaskId=t-1");
//! assert!(signed.headers.iter().any(|(name, _)| name == "authorization"));
//! ```

use std::time::SystemTime;

use crate::credentials::Credentials;
use crate::operation::HttpMethod;

pub mod encode;
mod timestamp;
pub mod v1;
pub mod v3;
#[cfg(feature = "test-util")]
mod verification;

pub use timestamp::{format_timestamp, format_unix_seconds, parse_timestamp};
#[cfg(feature = "test-util")]
pub use verification::{ReceivedRequest, Verified, VerifyError, verify};

/// Which Alibaba Cloud signature algorithm to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256`, the default of the current official SDKs.
    #[default]
    V3,
    /// The RPC `HMAC-SHA1` signature of the older SDKs (`Signature` query parameter).
    V1,
}

/// What is being called: everything about the request except who signs it and when.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The `Host` the request is sent to, with the port when it is not the scheme's
    /// default (e.g. `live.aliyuncs.com` or `127.0.0.1:8080`). V3 signs it, so it must be
    /// exactly the `Host` header the HTTP stack sends.
    pub host: &'a str,
    /// The request path, `/` for RPC actions.
    pub path: &'a str,
    /// The RPC action, e.g. `StopLivePullToPush`.
    pub action: &'a str,
    /// The API version, e.g. `2016-11-01`.
    pub version: &'a str,
    /// The operation's query parameters, already flattened (`Name.1`, …), names unique.
    pub params: &'a [(String, String)],
    /// The operation's form-body parameters, flattened likewise; sent as an
    /// `application/x-www-form-urlencoded` body when not empty (see [`form_body`]).
    pub body: &'a [(String, String)],
    /// A body that is not a form (a ROA operation's JSON document), sent and, under V3,
    /// hashed as given instead of the form; `body` is then empty. V1 signs RPC-style
    /// requests only and does not send it: callers refuse V1 for ROA operations.
    pub payload: Option<Payload<'a>>,
}

/// A request body other than a form: its bytes and their `content-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload<'a> {
    /// The `content-type` header to send and sign, e.g. `application/json; charset=utf-8`.
    pub content_type: &'a str,
    /// The bytes to send.
    pub bytes: &'a [u8],
}

/// Who signs and the per-request values that make each signature unique.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The key pair (and STS token) to sign with.
    pub credentials: &'a Credentials,
    /// The signing time; sent as UTC `YYYY-MM-DDThh:mm:ssZ`, see [`format_timestamp`].
    pub timestamp: SystemTime,
    /// A value never reused with the same key; see [`new_nonce`].
    pub nonce: &'a str,
}

/// A request ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The HTTP method.
    pub method: HttpMethod,
    /// Path and query exactly as to be sent, e.g. `/?RegionId=cn-shanghai&TaskId=t-1`.
    pub path_and_query: String,
    /// Headers to send, names lowercase, sorted by name; for V3 this includes `host` and
    /// `authorization`.
    pub headers: Vec<(String, String)>,
    /// The form body; empty when the operation sends no body parameters.
    pub body: Vec<u8>,
}

// The STS token travels in a header (V3) or the query (V1); keep it out of logs.
impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name == "x-acs-security-token" {
                    "** redacted **"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        let path_and_query = match self.path_and_query.find("SecurityToken=") {
            Some(start) => format!(
                "{}SecurityToken=** redacted **…",
                &self.path_and_query[..start]
            ),
            None => self.path_and_query.clone(),
        };
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("path_and_query", &path_and_query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Signs a request with the chosen algorithm.
pub fn sign(
    version: SignatureVersion,
    input: &SigningInput<'_>,
    params: &SigningParams<'_>,
) -> SignedRequest {
    sign_with_headers(version, input, params, &[])
}

/// Like [`sign`], also sending `extra_headers` and, for V3, signing them (the official SDK
/// signs its `user-agent`, for instance). Names are lowercased; extra headers named like
/// one the signer sets itself are ignored. V1 signs no headers, so there they are only
/// sent.
pub fn sign_with_headers(
    version: SignatureVersion,
    input: &SigningInput<'_>,
    params: &SigningParams<'_>,
    extra_headers: &[(String, String)],
) -> SignedRequest {
    match version {
        SignatureVersion::V3 => v3::sign(input, params, extra_headers),
        SignatureVersion::V1 => v1::sign(input, params, extra_headers),
    }
}

/// A fresh random nonce: 32 lowercase hex digits (128 random bits).
///
/// The SDKs send an MD5 hex digest of time, thread and counter; the service only needs
/// the value to be unique per AccessKey within the timestamp window.
pub fn new_nonce() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The `content-type` of a form body, as both SDKs send it (no charset).
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// The form body both SDKs would send for `pairs`: Python's `urlencode` (`+` for a space).
/// V3 (the Tea SDK) sorts the pairs by name first; V1 keeps their order.
pub fn form_body(pairs: &[(String, String)]) -> Vec<u8> {
    encode::form_body(pairs).into_bytes()
}

/// The STS token to send, if any: the SDKs treat an empty token as none.
fn security_token(credentials: &Credentials) -> Option<&str> {
    credentials
        .security_token()
        .filter(|token| !token.is_empty())
}

/// Lowercases extra header names and drops those that collide with `reserved`.
fn extra_headers_except<'h>(
    extra: &'h [(String, String)],
    reserved: &[&str],
) -> impl Iterator<Item = (String, String)> + 'h {
    let reserved: Vec<String> = reserved.iter().map(|name| (*name).to_owned()).collect();
    extra
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .filter(move |(name, _)| !reserved.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_differ_and_have_the_sdk_length() {
        let a = new_nonce();
        let b = new_nonce();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn debug_hides_the_security_token() {
        let credentials = Credentials::new("testid", "testsecret").with_security_token("sekrit");
        let params = vec![("TaskId".to_owned(), "t".to_owned())];
        let input = SigningInput {
            method: HttpMethod::Get,
            host: "localhost",
            path: "/",
            action: "A",
            version: "2016-11-01",
            params: &params,
            body: &[],
            payload: None,
        };
        let signing = SigningParams {
            credentials: &credentials,
            timestamp: SystemTime::UNIX_EPOCH,
            nonce: "n",
        };
        for version in [SignatureVersion::V3, SignatureVersion::V1] {
            let shown = format!("{:?}", sign(version, &input, &signing));
            assert!(!shown.contains("sekrit"), "{shown}");
            assert!(!shown.contains("testsecret"), "{shown}");
        }
    }
}

//! A signed request that has not been sent, for dry runs and inspection.

use std::fmt;

use crate::credentials::CredentialsError;
use crate::operation::HttpMethod;
use crate::params::InvalidInput;

const REDACTED: &str = "<redacted>";

/// Query parameters that must not be shown: the V1 signature authorizes this very request
/// until its timestamp expires, and the security token is a credential.
const SECRET_QUERY_PARAMS: &[&str] = &["Signature", "SecurityToken"];

/// A fully signed request, exactly as [`Client::call`](super::Client::call) would send it
/// (the HTTP stack adds only `content-length` and, unless signed, `host`).
///
/// The fields hold the real values. [`Display`](fmt::Display) and [`Debug`] redact the
/// signature and any security token, so a printed dry run cannot be replayed or leak a
/// credential; the AccessKey id stays visible because it is not secret and helps diagnosis.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The full URL, query string included.
    pub url: String,
    /// Request headers, lower-case names, in sending order.
    pub headers: Vec<(String, String)>,
    /// The form body (empty without body parameters); shown by `Display` as is, since it
    /// holds only the operation's own parameters, never a signature or credential.
    pub body: Vec<u8>,
}

impl PreparedRequest {
    /// The signature nonce (the `x-acs-signature-nonce` header under V3, the
    /// `SignatureNonce` query parameter under V1); empty if neither is there.
    #[cfg(feature = "test-util")]
    pub(crate) fn nonce(&self) -> String {
        let header = self
            .headers
            .iter()
            .find(|(name, _)| name == "x-acs-signature-nonce")
            .map(|(_, value)| value.clone());
        header
            .or_else(|| {
                let query = self.url.split_once('?')?.1;
                crate::signing::encode::decode_query(query)
                    .ok()?
                    .into_iter()
                    .find(|(name, _)| name == "SignatureNonce")
                    .map(|(_, value)| value)
            })
            .unwrap_or_default()
    }

    /// The URL with secret query parameters redacted.
    pub fn redacted_url(&self) -> String {
        let Some((base, query)) = self.url.split_once('?') else {
            return self.url.clone();
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| {
                let name = pair.split_once('=').map_or(pair, |(name, _)| name);
                if SECRET_QUERY_PARAMS.contains(&name) {
                    format!("{name}={REDACTED}")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        format!("{base}?{}", pairs.join("&"))
    }

    /// The headers with secret values redacted.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.clone(), redact_header(name, value)))
            .collect()
    }
}

fn redact_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization") {
        // `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=<hex>`: keep the
        // algorithm, key id and signed header list, which are what one checks by eye.
        return match value.find("Signature=") {
            Some(start) => {
                let start = start + "Signature=".len();
                let end = value[start..]
                    .find(',')
                    .map_or(value.len(), |offset| start + offset);
                format!("{}{REDACTED}{}", &value[..start], &value[end..])
            }
            None => REDACTED.to_owned(),
        };
    }
    if name.eq_ignore_ascii_case("x-acs-security-token") {
        return REDACTED.to_owned();
    }
    value.to_owned()
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method.as_str(), self.redacted_url())?;
        for (name, value) in self.redacted_headers() {
            writeln!(f, "{name}: {value}")?;
        }
        if !self.body.is_empty() {
            writeln!(f)?;
            writeln!(f, "{}", String::from_utf8_lossy(&self.body))?;
        }
        Ok(())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.redacted_url())
            .field("headers", &self.redacted_headers())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why a request could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The input breaks a constraint of the spec.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// No credentials could be found (the message says so itself).
    #[error(transparent)]
    Credentials(CredentialsError),
    /// The operation lists no HTTP method (a generator bug).
    #[error("operation `{0}` declares no HTTP method")]
    NoMethod(&'static str),
    /// A ROA (RESTful) operation with the V1 signature, which signs RPC actions only.
    #[error(
        "operation `{0}` is ROA-style (RESTful); the V1 (HMAC-SHA1) signature signs RPC actions only: use V3"
    )]
    RoaNeedsV3(&'static str),
    /// The signed request is not valid HTTP (e.g. a control character in a header value).
    #[error("the signed request is not valid HTTP: {0}")]
    InvalidRequest(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_redacts_signatures_and_tokens() {
        let request = PreparedRequest {
            method: HttpMethod::Post,
            url: "https://live.aliyuncs.com/?Action=X&Signature=abc%3D&SecurityToken=tok&TaskId=1"
                .to_owned(),
            headers: vec![
                (
                    "authorization".to_owned(),
                    "ACS3-HMAC-SHA256 Credential=LTAI-fake,SignedHeaders=host;x-acs-date,Signature=deadbeef"
                        .to_owned(),
                ),
                ("x-acs-security-token".to_owned(), "tok".to_owned()),
                ("x-acs-action".to_owned(), "X".to_owned()),
            ],
            body: Vec::new(),
        };
        let shown = format!("{request}\n{request:?}");
        assert!(!shown.contains("deadbeef"), "{shown}");
        assert!(!shown.contains("abc%3D"), "{shown}");
        assert!(
            !shown.contains("tok&") && !shown.contains(": tok"),
            "{shown}"
        );
        assert!(shown.starts_with(
            "POST https://live.aliyuncs.com/?Action=X&Signature=<redacted>&SecurityToken=<redacted>&TaskId=1\n"
        ));
        assert!(
            shown.contains(
                "Credential=LTAI-fake,SignedHeaders=host;x-acs-date,Signature=<redacted>"
            )
        );
        assert!(shown.contains("x-acs-action: X"));
    }
}

//! Turning one HTTP answer into a value, a service error, or an "unreadable" verdict.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ServiceError;

/// Bodies larger than this are refused: no Live API answer comes near it, and reading an
/// unbounded body from a misbehaving proxy would exhaust memory.
pub(crate) const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How much of a rejected body is kept for diagnosis.
pub(crate) const EXCERPT_BYTES: usize = 1024;

/// An answer whose body was read in full (up to the cap).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) request_id_header: Option<String>,
    pub(crate) retry_after: Option<std::time::Duration>,
    pub(crate) body: Body,
}

pub(crate) enum Body {
    Complete(Vec<u8>),
    /// Larger than [`MAX_BODY_BYTES`]; holds the first bytes for the excerpt.
    TooLarge(Vec<u8>),
}

/// Why an answer could not be used, with what to show the caller.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) body_excerpt: String,
}

/// What one answer amounts to.
pub(crate) enum Parsed<O> {
    Success {
        value: O,
        request_id: Option<String>,
    },
    Service(ServiceError),
    Unreadable(Unreadable),
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]).into_owned()
}

pub(crate) fn parse<O: DeserializeOwned>(answer: &Answer) -> Parsed<O> {
    let status = answer.status;
    let body = match &answer.body {
        Body::Complete(body) => body,
        Body::TooLarge(start) => {
            return Parsed::Unreadable(Unreadable {
                status,
                reason: format!("body exceeds {} MiB", MAX_BODY_BYTES / (1024 * 1024)),
                body_excerpt: excerpt(start),
            });
        }
    };
    let unreadable = |reason: String| {
        Parsed::Unreadable(Unreadable {
            status,
            reason,
            body_excerpt: excerpt(body),
        })
    };
    let content_type = || {
        answer
            .content_type
            .as_deref()
            .map(|t| format!(" (content-type {t})"))
            .unwrap_or_default()
    };

    if (200..300).contains(&status) {
        if body.iter().all(u8::is_ascii_whitespace) {
            return unreadable(format!("empty body{}", content_type()));
        }
        return match serde_json::from_slice::<O>(body) {
            Ok(value) => Parsed::Success {
                value,
                request_id: answer
                    .request_id_header
                    .clone()
                    .or_else(|| body_request_id(body)),
            },
            Err(e) => unreadable(format!("not the expected JSON{}: {e}", content_type())),
        };
    }

    match parse_envelope(status, body) {
        Some(mut error) => {
            if error.request_id.is_none() {
                error.request_id = answer.request_id_header.clone();
            }
            Parsed::Service(error)
        }
        None => unreadable(format!(
            "error answer without an error envelope{}",
            content_type()
        )),
    }
}

/// Reads `{RequestId, HostId, Code, Message, Recommend}`, also in lower camel case as some
/// gateways write it; `None` unless there is a non-empty code.
pub(crate) fn parse_envelope(status: u16, body: &[u8]) -> Option<ServiceError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let field = |upper: &str, lower: &str| {
        object
            .get(upper)
            .or_else(|| object.get(lower))
            .and_then(text)
    };
    let code = field("Code", "code").filter(|code| !code.is_empty())?;
    Some(ServiceError {
        status,
        code,
        message: field("Message", "message").unwrap_or_default(),
        request_id: field("RequestId", "requestId"),
        host_id: field("HostId", "hostId"),
        recommend: field("Recommend", "recommend"),
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct RequestIdOnly {
        #[serde(rename = "RequestId", default)]
        request_id: Option<String>,
    }
    serde_json::from_slice::<RequestIdOnly>(body)
        .ok()
        .and_then(|r| r.request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: Some("application/json".to_owned()),
            request_id_header: None,
            retry_after: None,
            body: Body::Complete(body.as_bytes().to_vec()),
        }
    }

    #[test]
    fn envelope_in_both_spellings() {
        let upper = parse_envelope(
            400,
            br#"{"RequestId":"r1","HostId":"h","Code":"CodeTaskNotExist","Message":"m","Recommend":"u"}"#,
        )
        .expect("envelope");
        assert_eq!(upper.code, "CodeTaskNotExist");
        assert_eq!(upper.request_id.as_deref(), Some("r1"));
        assert_eq!(upper.host_id.as_deref(), Some("h"));
        assert_eq!(upper.recommend.as_deref(), Some("u"));
        let lower = parse_envelope(
            403,
            br#"{"requestId":"r2","code":"Forbidden","message":"no"}"#,
        )
        .expect("envelope");
        assert_eq!(lower.code, "Forbidden");
        assert_eq!(lower.message, "no");
        assert_eq!(lower.status, 403);
    }

    #[test]
    fn not_an_envelope() {
        assert!(parse_envelope(500, b"<html>oops</html>").is_none());
        assert!(parse_envelope(500, br#"{"Message":"no code"}"#).is_none());
        assert!(parse_envelope(500, br#"{"Code":""}"#).is_none());
        assert!(parse_envelope(500, br#"["Code"]"#).is_none());
    }

    #[test]
    fn success_takes_request_id_from_body() {
        match parse::<Value>(&answer(200, r#"{"RequestId":"abc","X":1}"#)) {
            Parsed::Success { request_id, .. } => assert_eq!(request_id.as_deref(), Some("abc")),
            _ => panic!("expected success"),
        }
    }

    #[test]
    fn excerpt_is_capped() {
        let long = "x".repeat(5000);
        match parse::<Value>(&answer(200, &format!("<{long}"))) {
            Parsed::Unreadable(u) => assert_eq!(u.body_excerpt.len(), EXCERPT_BYTES),
            _ => panic!("expected unreadable"),
        }
    }
}

//! Turning one HTTP answer into a value, a service error, or an "unreadable" verdict.

use std::time::Duration;

use serde_json::Value;

use crate::error::{ServiceError, sanitize_text};

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
    pub(crate) retry_after: Option<Duration>,
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

/// A successful answer before it is decoded into an output type.
#[derive(Debug, Clone)]
pub struct RawSuccess {
    /// HTTP status (2xx).
    pub status: u16,
    /// The answer's content type, if given.
    pub content_type: Option<String>,
    /// The request id from the `x-acs-request-id` header or the body.
    pub request_id: Option<String>,
    /// The whole body: JSON the caller decodes.
    pub body: Vec<u8>,
}

/// What one answer amounts to.
pub(crate) enum Parsed {
    /// A 2xx answer that is not an error envelope; its body is decoded by the caller.
    Success(RawSuccess),
    Service {
        error: ServiceError,
        retry_after: Option<Duration>,
    },
    Unreadable {
        unreadable: Unreadable,
        retry_after: Option<Duration>,
    },
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]).into_owned()
}

pub(crate) fn parse(answer: Answer) -> Parsed {
    let status = answer.status;
    let retry_after = answer.retry_after;
    let body = match answer.body {
        Body::Complete(body) => body,
        Body::TooLarge(start) => {
            return Parsed::Unreadable {
                unreadable: Unreadable {
                    status,
                    reason: format!("body exceeds {} MiB", MAX_BODY_BYTES / (1024 * 1024)),
                    body_excerpt: excerpt(&start),
                },
                retry_after,
            };
        }
    };
    let unreadable = |reason: String, body: &[u8]| Parsed::Unreadable {
        unreadable: Unreadable {
            status,
            reason,
            body_excerpt: excerpt(body),
        },
        retry_after,
    };
    let content_type = answer
        .content_type
        .as_deref()
        .map(|t| format!(" (content-type {t})"))
        .unwrap_or_default();

    let success = (200..300).contains(&status);
    if success && body.iter().all(u8::is_ascii_whitespace) {
        return unreadable(format!("empty body{content_type}"), &body);
    }
    match envelope(status, &body, success) {
        Envelope::Error(mut error) => {
            if error.request_id.is_none() {
                error.request_id = answer
                    .request_id_header
                    .as_deref()
                    .map(|id| sanitize_text(id).into_owned());
            }
            return Parsed::Service { error, retry_after };
        }
        Envelope::Malformed(reason) => return unreadable(reason, &body),
        Envelope::None => {}
    }
    if !success {
        return unreadable(
            format!("error answer without an error envelope{content_type}"),
            &body,
        );
    }
    Parsed::Success(RawSuccess {
        status,
        request_id: answer.request_id_header.or_else(|| body_request_id(&body)),
        content_type: answer.content_type,
        body,
    })
}

/// The top-level keys of an error envelope, in both spellings gateways use.
const ENVELOPE_KEYS: &[(&str, &str)] = &[
    ("Code", "code"),
    ("Message", "message"),
    ("RequestId", "requestId"),
    ("HostId", "hostId"),
    ("Recommend", "recommend"),
];

/// What a body says about errors.
pub(crate) enum Envelope {
    /// A service error.
    Error(ServiceError),
    /// Looks like an envelope but cannot be trusted (a key given twice, a numeric code).
    Malformed(String),
    /// No error envelope (a success answer, or not an envelope at all).
    None,
}

/// A JSON object's top-level entries in order, duplicates kept (serde_json's own maps
/// keep only the last of a repeated key, which would let a body say two things at once).
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Reads `{RequestId, HostId, Code, Message, Recommend}`, also in lower camel case as some
/// gateways write it.
///
/// In an error answer (`success == false`) any non-empty string `Code` makes an envelope.
/// In a 2xx answer only a body that is nothing but an envelope (a `Code` and a `Message`,
/// no other keys but `RequestId`, `HostId` and `Recommend`) counts as an error: some
/// gateways answer failures with HTTP 200. Text fields are sanitised for terminals.
pub(crate) fn envelope(status: u16, body: &[u8], success: bool) -> Envelope {
    let Ok(Entries(entries)) = serde_json::from_slice::<Entries>(body) else {
        return Envelope::None;
    };
    let mut found: [Option<&Value>; ENVELOPE_KEYS.len()] = [None; ENVELOPE_KEYS.len()];
    let mut other_keys = false;
    for (key, value) in &entries {
        match ENVELOPE_KEYS
            .iter()
            .position(|(upper, lower)| key == upper || key == lower)
        {
            Some(index) => {
                if found[index].replace(value).is_some() {
                    return Envelope::Malformed(format!(
                        "the answer gives `{}` more than once",
                        ENVELOPE_KEYS[index].0
                    ));
                }
            }
            None => other_keys = true,
        }
    }
    let [code, message, request_id, host_id, recommend] = found;
    let code = match code {
        None | Some(Value::Null) => return Envelope::None,
        Some(Value::String(code)) if code.is_empty() => return Envelope::None,
        Some(Value::String(code)) => code,
        Some(other) => {
            if success && other_keys {
                return Envelope::None;
            }
            return Envelope::Malformed(format!("the error code is not a string but {other}"));
        }
    };
    if success && (other_keys || message.is_none()) {
        return Envelope::None;
    }
    let field =
        |value: Option<&Value>| value.and_then(text).map(|t| sanitize_text(&t).into_owned());
    Envelope::Error(ServiceError {
        status,
        code: sanitize_text(code).into_owned(),
        message: field(message).unwrap_or_default(),
        request_id: field(request_id),
        host_id: field(host_id),
        recommend: field(recommend),
    })
}

/// The envelope of an error answer, if it has one (for callers that only need that).
#[cfg(test)]
pub(crate) fn parse_envelope(status: u16, body: &[u8]) -> Option<ServiceError> {
    match envelope(status, body, false) {
        Envelope::Error(error) => Some(error),
        Envelope::Malformed(_) | Envelope::None => None,
    }
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
        match parse(answer(200, r#"{"RequestId":"abc","X":1}"#)) {
            Parsed::Success(success) => assert_eq!(success.request_id.as_deref(), Some("abc")),
            _ => panic!("expected success"),
        }
    }

    #[test]
    fn excerpt_is_capped() {
        let long = "x".repeat(5000);
        match parse(answer(500, &format!("<{long}"))) {
            Parsed::Unreadable { unreadable: u, .. } => {
                assert_eq!(u.body_excerpt.len(), EXCERPT_BYTES)
            }
            _ => panic!("expected unreadable"),
        }
    }

    #[test]
    fn http_200_carrying_only_an_envelope_is_an_error() {
        let body = r#"{"RequestId":"r","Code":"Forbidden.RAM","Message":"no"}"#;
        match parse(answer(200, body)) {
            Parsed::Service { error: e, .. } => {
                assert_eq!((e.status, e.code.as_str()), (200, "Forbidden.RAM"));
            }
            _ => panic!("expected a service error"),
        }
        // A real answer that happens to carry a Code field stays a success.
        let body = r#"{"RequestId":"r","Code":"x","Message":"m","TaskId":"t"}"#;
        assert!(matches!(parse(answer(200, body)), Parsed::Success(_)));
        // Without a message it is not an envelope either.
        assert!(matches!(
            parse(answer(200, r#"{"RequestId":"r","Code":"x"}"#)),
            Parsed::Success(_)
        ));
    }

    #[test]
    fn duplicate_codes_are_refused() {
        for status in [200, 400] {
            let body = r#"{"Code":"Throttling","Code":"InvalidParameter","Message":"m"}"#;
            match parse(answer(status, body)) {
                Parsed::Unreadable { unreadable: u, .. } => {
                    assert!(u.reason.contains("`Code`"), "{}", u.reason)
                }
                _ => panic!("expected an unreadable answer for HTTP {status}"),
            }
        }
        let body = r#"{"Code":"A","code":"B","Message":"m"}"#;
        assert!(matches!(
            parse(answer(400, body)),
            Parsed::Unreadable { .. }
        ));
    }

    #[test]
    fn numeric_codes_are_malformed() {
        match parse(answer(400, r#"{"Code":400,"Message":"m"}"#)) {
            Parsed::Unreadable { unreadable: u, .. } => {
                assert!(u.reason.contains("not a string"), "{}", u.reason)
            }
            _ => panic!("expected an unreadable answer"),
        }
    }

    #[test]
    fn control_characters_never_survive() {
        let body = "{\"Code\":\"Bad\\u001b[31m\",\"Message\":\"ring\\u0007 \\u009b2J\",\"RequestId\":\"r\\u001b\"}";
        match parse(answer(400, body)) {
            Parsed::Service { error: e, .. } => {
                let all = format!("{}{}{:?}{e}", e.code, e.message, e.request_id);
                assert!(!all.chars().any(|c| c.is_control()), "{all:?}");
                assert_eq!(e.code, "Bad\\u{1b}[31m");
                assert_eq!(e.message, "ring\\u{7} \\u{9b}2J");
            }
            _ => panic!("expected a service error"),
        }
    }
}

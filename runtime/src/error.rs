//! Errors: the service's error envelope, shared service errors, and the outer [`SdkError`].

use std::fmt;
use std::time::Duration;

/// One error answer from the service, as parsed from its JSON envelope.
///
/// Every generated per-operation error variant carries one of these, so request id, HTTP
/// status, code and message are always at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status of the answer.
    pub status: u16,
    /// The `Code` field, e.g. `CodeTaskNotExist`.
    pub code: String,
    /// The `Message` field.
    pub message: String,
    /// The `RequestId` field; quote it when asking Alibaba Cloud support.
    pub request_id: Option<String>,
    /// The `HostId` field: the endpoint that answered.
    pub host_id: Option<String>,
    /// The `Recommend` field: a diagnosis link.
    pub recommend: Option<String>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Already sanitised when parsed; again here for values built by hand.
        write!(
            f,
            "{} (HTTP {}): {}",
            sanitize_text(&self.code),
            self.status,
            sanitize_text(&self.message)
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {}]", sanitize_text(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A bare [`ServiceError`] is the error type of calls without a per-operation enum, such
/// as [`Client::call_value`](crate::Client::call_value).
impl OperationError for ServiceError {
    fn from_service_error(error: ServiceError) -> Self {
        error
    }

    fn service_error(&self) -> &ServiceError {
        self
    }
}

/// `text` with every character that could steer a terminal written as a Rust escape
/// (`\u{1b}`): C0 controls (tab and newline included), DEL, C1 controls, and the Unicode
/// line, paragraph and bidirectional-override controls. Text from a server passes
/// through here before it can reach a terminal; the result is unchanged by a second pass.
pub fn sanitize_text(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Errors any Alibaba Cloud API may answer, whatever the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum CommonErrorKind {
    /// The request rate was too high (`Throttling`, `Throttling.User`, `Throttling.Api`, …).
    Throttling,
    /// The signature did not match (`SignatureDoesNotMatch`, `IncompleteSignature`).
    SignatureDoesNotMatch,
    /// The AccessKey id is unknown or disabled (`InvalidAccessKeyId.NotFound`, …).
    InvalidAccessKeyId,
    /// The STS token is invalid or expired (`InvalidSecurityToken.*`).
    InvalidSecurityToken,
    /// The timestamp was outside the allowed window (`InvalidTimeStamp.Expired`, …).
    InvalidTimestamp,
    /// The nonce was used before (`SignatureNonceUsed`).
    SignatureNonceUsed,
    /// A required parameter was missing (`MissingParameter`, `Missing*`).
    MissingParameter,
    /// The action or version is unknown (`InvalidAction.NotFound`, `InvalidVersion`).
    InvalidAction,
    /// The caller lacks RAM permission (`Forbidden.RAM`, `NoPermission`, …).
    Forbidden,
    /// The service is temporarily unavailable (`ServiceUnavailable`, HTTP 503).
    ServiceUnavailable,
}

impl CommonErrorKind {
    /// Classifies a code shared by all APIs; `None` for anything else.
    pub fn classify(status: u16, code: &str) -> Option<Self> {
        let kind = match code {
            c if c == "Throttling" || c.starts_with("Throttling.") => Self::Throttling,
            "SignatureDoesNotMatch" | "IncompleteSignature" | "InvalidSignatureMethod" => {
                Self::SignatureDoesNotMatch
            }
            c if c.starts_with("InvalidAccessKeyId") => Self::InvalidAccessKeyId,
            c if c.starts_with("InvalidSecurityToken") => Self::InvalidSecurityToken,
            c if c.starts_with("InvalidTimeStamp") => Self::InvalidTimestamp,
            "SignatureNonceUsed" => Self::SignatureNonceUsed,
            c if c.starts_with("MissingParameter") || c.starts_with("Missing") => {
                Self::MissingParameter
            }
            c if c.starts_with("InvalidAction") || c.starts_with("InvalidVersion") => {
                Self::InvalidAction
            }
            c if c.starts_with("Forbidden") || c == "NoPermission" => Self::Forbidden,
            "ServiceUnavailable" => Self::ServiceUnavailable,
            _ if status == 503 => Self::ServiceUnavailable,
            _ => return None,
        };
        Some(kind)
    }

    /// Whether sending the same request again later may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Throttling | Self::ServiceUnavailable)
    }
}

/// A [`ServiceError`] whose code every API shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonError {
    /// What kind of shared error this is.
    pub kind: CommonErrorKind,
    /// The service's answer.
    pub error: ServiceError,
}

impl CommonError {
    /// Wraps `error` if its code is one every API shares; gives it back otherwise.
    #[allow(
        clippy::result_large_err,
        reason = "the error is handed back by value for the caller to wrap"
    )]
    pub fn classify(error: ServiceError) -> Result<Self, ServiceError> {
        match CommonErrorKind::classify(error.status, &error.code) {
            Some(kind) => Ok(Self { kind, error }),
            None => Err(error),
        }
    }
}

impl fmt::Display for CommonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for CommonError {}

/// Implemented by each generated per-operation error enum.
pub trait OperationError: std::error::Error + Sized + Send + Sync + 'static {
    /// Maps a parsed service answer to the operation's variant for its code.
    fn from_service_error(error: ServiceError) -> Self;

    /// The service answer behind this error.
    fn service_error(&self) -> &ServiceError;

    /// The error code, e.g. `CodeTaskNotExist`.
    fn code(&self) -> &str {
        &self.service_error().code
    }

    /// The error message.
    fn message(&self) -> &str {
        &self.service_error().message
    }

    /// The request id; quote it when asking Alibaba Cloud support.
    fn request_id(&self) -> Option<&str> {
        self.service_error().request_id.as_deref()
    }

    /// The HTTP status.
    fn status(&self) -> u16 {
        self.service_error().status
    }

    /// Whether sending the same request again later may succeed: server-side failures
    /// (HTTP 5xx) and shared retryable codes such as throttling.
    fn is_retryable(&self) -> bool {
        let error = self.service_error();
        error.status >= 500
            || CommonErrorKind::classify(error.status, &error.code)
                .is_some_and(CommonErrorKind::is_retryable)
    }
}

/// Everything that can go wrong with one call, from building the request to reading the answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The request could not be built (bad configuration, missing credentials, bad input).
    #[error("could not build the request: {0}")]
    Construction(String),
    /// No answer within the configured timeout (after all retries).
    #[error("timed out after {attempts} attempt(s) (per-attempt timeout {timeout:?})")]
    Timeout {
        /// How many attempts were made.
        attempts: u32,
        /// The per-attempt timeout in force.
        timeout: Duration,
    },
    /// The connection failed or broke (after all retries).
    #[error("transport error after {attempts} attempt(s): {message}")]
    Transport {
        /// How many attempts were made.
        attempts: u32,
        /// What the HTTP stack reported.
        message: String,
    },
    /// The service answered with an error it documents (or a shared one).
    #[error("service error: {0}")]
    Service(E),
    /// A write failed in a way that may have left it applied (its answer was lost, it timed
    /// out, or the service failed with a 5xx), so it was not resent; see
    /// [`retry`](crate::retry) for when that happens and how to opt in to resending.
    #[error(
        "may have been applied, so not resent (the operation changes state): {}; \
         check its effect before calling again",
        failure.as_ref() as &dyn std::fmt::Display
    )]
    MayHaveBeenApplied {
        /// How many attempts were made.
        attempts: u32,
        /// The failure of the last attempt.
        failure: Box<SdkError<E>>,
    },
    /// The call's overall deadline
    /// ([`CallOptions::deadline`](crate::client::CallOptions::deadline)) passed, or would
    /// have before the next step could finish: a rate-limit slot, a backoff or an answer.
    #[error("deadline of {deadline:?} exceeded after {attempts} attempt(s): {reason}")]
    DeadlineExceeded {
        /// How many requests were sent (0: nothing was).
        attempts: u32,
        /// The deadline the call had.
        deadline: Duration,
        /// What the call was waiting for, and whether anything was sent.
        reason: String,
    },
    /// The answer could not be understood: not JSON, truncated, too large, or missing fields.
    #[error("unreadable response (HTTP {status}): {reason}")]
    Response {
        /// HTTP status of the answer.
        status: u16,
        /// Why the body was rejected.
        reason: String,
        /// Up to the first 1 KiB of the body, lossily decoded, for diagnosis.
        body_excerpt: String,
    },
}

impl<E: OperationError> SdkError<E> {
    /// The operation error, if the service answered with one (also inside
    /// [`MayHaveBeenApplied`](Self::MayHaveBeenApplied)).
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service(error) => Some(error),
            SdkError::MayHaveBeenApplied { failure, .. } => failure.service_error(),
            _ => None,
        }
    }

    /// Whether the call changes state and may have been applied although it failed.
    pub fn may_have_been_applied(&self) -> bool {
        matches!(self, SdkError::MayHaveBeenApplied { .. })
    }

    /// The request id of the failed call, where the service gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error()
            .and_then(|e| e.service_error().request_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_terminal_controls_once() {
        let raw = "a\u{1b}[2Jb\u{7}\t\n\u{9b}\u{7f}\u{202e}c";
        let clean = sanitize_text(raw);
        assert_eq!(
            clean,
            "a\\u{1b}[2Jb\\u{7}\\u{9}\\u{a}\\u{9b}\\u{7f}\\u{202e}c"
        );
        assert_eq!(sanitize_text(&clean), clean);
        assert!(matches!(
            sanitize_text("plain 中"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn display_is_sanitised() {
        let error = ServiceError {
            status: 400,
            code: "X\u{1b}".to_owned(),
            message: "m\u{7}".to_owned(),
            request_id: Some("r\u{1b}".to_owned()),
            host_id: None,
            recommend: None,
        };
        assert!(!error.to_string().chars().any(char::is_control));
    }
}

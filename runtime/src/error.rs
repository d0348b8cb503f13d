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
        write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

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
    /// The operation error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service(error) => Some(error),
            _ => None,
        }
    }

    /// The request id of the failed call, where the service gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error()
            .and_then(|e| e.service_error().request_id.as_deref())
    }
}

//! Per-call options: [`CallOptions`], a call's overrides of the client's configuration.

use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::retry::RetryConfig;

/// Per-call settings: a call can override the client's per-attempt timeout, retry policy
/// and endpoint, and set an overall deadline, without building a second client. Each one
/// left unset keeps the client's configuration.
///
/// [`Client::with_options`](super::Client::with_options) returns a view of the client (the
/// same connection pool, limiter and credentials, a few words of settings) whose calls use
/// the options, in the spirit of smithy-rs's `customize()` and google-cloud-rust's
/// `RequestOptions`:
///
/// ```no_run
/// # async fn demo(client: livegen_runtime::Client, op: &'static livegen_runtime::Operation) {
/// use std::time::Duration;
/// use livegen_runtime::client::CallOptions;
///
/// let quick = client.with_options(
///     CallOptions::new()
///         .attempt_timeout(Duration::from_secs(2))
///         .deadline(Duration::from_secs(5)),
/// );
/// let answer = quick.call_value(op, &serde_json::json!({})).await;
/// # }
/// ```
///
/// # The deadline
///
/// A deadline bounds the whole call, measured from when it starts: resolving credentials,
/// every wait for the rate limiter, every attempt and every backoff between attempts.
/// Each attempt's timeout is cut to what is left. A call whose next rate-limit slot lies
/// past its deadline fails at once, before sending, instead of waiting for a slot it
/// could not use ([`SdkError::DeadlineExceeded`](crate::SdkError::DeadlineExceeded)); so
/// does a retry whose backoff would end past it. When the deadline cuts an attempt short,
/// a write without an idempotency token is reported as
/// [`MayHaveBeenApplied`](crate::SdkError::MayHaveBeenApplied) around the deadline error,
/// as for any timeout. Without a deadline (the default) a call may wait for the limiter
/// as long as the queue is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    attempt_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    endpoint: Option<Endpoint>,
    deadline: Option<Duration>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long one attempt may take (request sent and answer read).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The retry policy, e.g. [`RetryConfig::disabled`] or one with
    /// [`resend_writes`](RetryConfig::resend_writes) for this call only.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sends the calls to `endpoint` instead of the configured or regional one (parse a
    /// URL with [`Endpoint::parse`]).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// The longest a call may take in all, from its start to its answer: limiter waits,
    /// attempts and backoffs included (see [the deadline](CallOptions#the-deadline)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The per-attempt timeout override, if set.
    pub fn attempt_timeout_override(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The retry policy override, if set.
    pub fn retry_override(&self) -> Option<&RetryConfig> {
        self.retry.as_ref()
    }

    /// The endpoint override, if set.
    pub fn endpoint_override(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// The deadline, if set.
    pub fn deadline_override(&self) -> Option<Duration> {
        self.deadline
    }

    /// These options with every setting `later` makes taking its place.
    pub fn merged(&self, later: CallOptions) -> CallOptions {
        CallOptions {
            attempt_timeout: later.attempt_timeout.or(self.attempt_timeout),
            retry: later.retry.or(self.retry),
            endpoint: later.endpoint.or_else(|| self.endpoint.clone()),
            deadline: later.deadline.or(self.deadline),
        }
    }

    /// Why these options cannot be used, if they cannot: the same rules as the client's
    /// configuration.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.attempt_timeout.is_some_and(|t| t.is_zero()) {
            return Some("the per-call attempt timeout must be greater than zero");
        }
        if self.retry.is_some_and(|r| r.max_attempts == 0) {
            return Some("the per-call retry policy's max_attempts must be at least 1");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_settings_win_and_unset_ones_are_kept() {
        let first = CallOptions::new()
            .attempt_timeout(Duration::from_secs(1))
            .deadline(Duration::from_secs(9));
        let merged = first.merged(CallOptions::new().deadline(Duration::from_secs(3)));
        assert_eq!(
            merged.attempt_timeout_override(),
            Some(Duration::from_secs(1))
        );
        assert_eq!(merged.deadline_override(), Some(Duration::from_secs(3)));
        assert_eq!(merged.retry_override(), None);
    }

    #[test]
    fn unusable_settings_are_named() {
        let zero = CallOptions::new().attempt_timeout(Duration::ZERO);
        assert!(
            zero.problem()
                .is_some_and(|p| p.contains("attempt timeout"))
        );
        let none = CallOptions::new().retry(RetryConfig {
            max_attempts: 0,
            ..RetryConfig::default()
        });
        assert!(none.problem().is_some_and(|p| p.contains("max_attempts")));
        assert_eq!(CallOptions::new().problem(), None);
    }
}

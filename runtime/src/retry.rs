//! When a failed attempt is sent again, and how long the client waits first.
//!
//! # What is retried
//!
//! - transport failures (connection refused or reset, a body cut short),
//! - attempts that hit the per-attempt timeout,
//! - any HTTP 5xx answer, with or without an error envelope,
//! - service errors whose [`OperationError::is_retryable`](crate::OperationError::is_retryable)
//!   is true (throttling, `ServiceUnavailable`).
//!
//! Other 4xx answers are never retried: the same request would be refused again.
//!
//! # Backoff
//!
//! Before retry `n` (1-based) the client sleeps a uniformly random duration in
//! `[0, min(max_backoff, initial_backoff × 2^(n-1))]` ("full jitter"), so many clients
//! throttled at once do not come back in lockstep. A `Retry-After` header (in seconds)
//! raises the wait to at least that long, still capped at `max_backoff`.
//!
//! # Retrying actions that change state
//!
//! Retries resend the same action, which is not always idempotent. If the first attempt of
//! `StopLivePullToPush` did stop the task but its answer was lost (a timeout or a reset
//! connection), the retry finds the task already stopped and the service answers
//! `CodeTaskHasStopped`. The client does not guess: it reports exactly that typed error.
//! Callers that treat "already stopped" as success should do so when more than one attempt
//! was made; [`Client::call_with_attempts`](crate::client::Client::call_with_attempts)
//! reports the count, and the `livegen.call` tracing span records it as `attempt`. With
//! [`RetryConfig::disabled`] the question never arises.

use std::time::Duration;

/// How often and how patiently failed attempts are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Total attempts per call, the first one included; `1` disables retries.
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles for each later retry.
    pub initial_backoff: Duration,
    /// The largest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    /// Three attempts, backoff starting at 100 ms and capped at 5 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryConfig {
    /// One attempt per call, never retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The largest backoff before retry number `retry` (1 for the first retry).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        // Past 2^20 the product exceeds any sane max_backoff anyway; the clamp keeps the
        // shift and the multiplication from overflowing.
        let factor = 1u32 << retry.saturating_sub(1).min(20);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    /// A random wait in `[0, backoff_ceiling(retry)]` (full jitter).
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// The wait before retry `retry`, honouring a server's `Retry-After` (capped at
    /// `max_backoff` so a hostile or confused server cannot stall the caller).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let jittered = self.backoff(retry);
        match retry_after {
            Some(hint) => jittered.max(hint.min(self.max_backoff)),
            None => jittered,
        }
    }
}

/// How one attempt failed, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The connection failed or broke.
    Transport,
    /// No complete answer within the per-attempt timeout.
    Timeout,
    /// An answer that is not a usable success or error envelope, with its HTTP status.
    Unreadable {
        /// HTTP status of the answer.
        status: u16,
    },
    /// A parsed service error.
    Service {
        /// HTTP status of the answer.
        status: u16,
        /// What the operation's error type says about retrying its code.
        retryable: bool,
    },
}

/// Whether an attempt that failed this way is worth sending again.
pub fn is_retryable(kind: FailureKind) -> bool {
    match kind {
        FailureKind::Transport | FailureKind::Timeout => true,
        FailureKind::Unreadable { status } => is_server_error(status),
        FailureKind::Service { status, retryable } => retryable || is_server_error(status),
    }
}

fn is_server_error(status: u16) -> bool {
    (500..600).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let config = RetryConfig::default();
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.initial_backoff, Duration::from_millis(100));
        assert_eq!(config.max_backoff, Duration::from_secs(5));
        assert_eq!(RetryConfig::disabled().max_attempts, 1);
    }

    #[test]
    fn ceiling_doubles_and_is_capped() {
        let config = RetryConfig::default();
        assert_eq!(config.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(config.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(config.backoff_ceiling(3), Duration::from_millis(400));
        assert_eq!(config.backoff_ceiling(7), Duration::from_secs(5));
        assert_eq!(config.backoff_ceiling(u32::MAX), Duration::from_secs(5));
    }

    #[test]
    fn jitter_stays_within_the_ceiling() {
        let config = RetryConfig::default();
        for retry in 1..10 {
            for _ in 0..100 {
                assert!(config.backoff(retry) <= config.backoff_ceiling(retry));
            }
        }
    }

    #[test]
    fn retry_after_raises_the_wait_but_not_past_the_cap() {
        let config = RetryConfig::default();
        assert!(config.delay(1, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
        assert_eq!(
            config.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn classification() {
        assert!(is_retryable(FailureKind::Transport));
        assert!(is_retryable(FailureKind::Timeout));
        assert!(is_retryable(FailureKind::Unreadable { status: 502 }));
        assert!(!is_retryable(FailureKind::Unreadable { status: 200 }));
        assert!(!is_retryable(FailureKind::Unreadable { status: 404 }));
        assert!(is_retryable(FailureKind::Service {
            status: 500,
            retryable: false
        }));
        assert!(is_retryable(FailureKind::Service {
            status: 400,
            retryable: true
        }));
        assert!(!is_retryable(FailureKind::Service {
            status: 400,
            retryable: false
        }));
    }
}

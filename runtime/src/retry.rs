//! When a failed attempt is sent again, and how long the client waits first.
//!
//! # What is resent
//!
//! A request is resent only when the service certainly did not act on it, or when acting
//! twice is harmless. Which operations are harmless to repeat comes from the spec, never
//! from the action's name: an operation whose RAM access level (`x-acs-ram.accessLevel`)
//! is `read`, `list` or `get` only reads ([`Effect::Read`]); a write that takes an
//! idempotency token (`x-acs-idempotency-token`, usually `ClientToken`) is
//! [`Effect::IdempotentWrite`]: the client fills the token when the caller left it unset,
//! one generated value per call sent unchanged on every attempt, and the service acts
//! once on requests repeating it. Any other operation, or one whose access level is not
//! documented, is a write ([`Effect::Write`]).
//!
//! | Failure of one attempt | Read | Write with a token | Write without a token |
//! |---|---|---|---|
//! | connection never established (refused, DNS, connect timeout) | resent | resent | resent |
//! | throttling code (`Throttling*`) or HTTP 429 | resent | resent | resent |
//! | "service unavailable": HTTP 503 or code `ServiceUnavailable` | resent | resent | resent |
//! | connection reset after it was established (before or after the request was read, or after the service acted: the client cannot tell) | resent | resent | **not resent**: [`SdkError::MayHaveBeenApplied`](crate::SdkError::MayHaveBeenApplied) |
//! | no answer within the per-attempt timeout | resent | resent | **not resent**: `MayHaveBeenApplied` |
//! | other HTTP 5xx, with or without an error envelope (e.g. `InternalError`) | resent | resent | **not resent**: `MayHaveBeenApplied` |
//! | other 4xx (bad parameter, unknown task, signature…) | not resent | not resent | not resent |
//! | 2xx whose body cannot be read | not resent | not resent | not resent |
//!
//! A write whose answer was lost is therefore reported, not repeated: the caller learns
//! it *may* have been applied and can check (describe the task) before acting again.
//! Setting [`RetryConfig::resend_writes`] (per client, or per call with
//! [`CallOptions`](crate::client::CallOptions)) opts in to resending writes as if they
//! were reads; the service may then act twice (each attempt is freshly signed, so it is
//! not refused as a replay). A write with a token is resent without opting in: the
//! repeated token makes the service answer the resend as it answered the first request,
//! without acting again. Every row is tested against the local fake with fault injection
//! (`tests/tests/e2e_resend_table.rs`), which honours tokens as the service does.
//!
//! For a write whose answer the fake drops after acting (`Fault::Drop`), with three
//! attempts allowed:
//!
//! | Settings | Requests sent | Times the fake acted | What the caller gets |
//! |---|---|---|---|
//! | default | 1 | 1 | `MayHaveBeenApplied` wrapping the transport error |
//! | `resend_writes` (opted in) | 2 | 1: the stop's second attempt meets `CodeTaskHasStopped` (a write the service does not refuse would act twice; not measured) | the second answer, `CodeTaskHasStopped` |
//! | with an idempotency token (default settings) | 2 | 1 | the first answer, replayed by the service: success |
//!
//! # Backoff
//!
//! Before retry `n` (1-based) the client sleeps a uniformly random duration in
//! `[0, min(max_backoff, initial_backoff × 2^(n-1))]` ("full jitter"), so many clients
//! throttled at once do not come back in lockstep. A server's hint raises the wait to at
//! least that long, still capped at `max_backoff`: `x-acs-retry-after` (milliseconds, as
//! `alibabacloud-tea-openapi` reads it) or else `Retry-After` (seconds).
//!
//! # When a resent write meets its own effect
//!
//! With [`RetryConfig::resend_writes`], if the first attempt of `StopLivePullToPush` did
//! stop the task but its answer was lost, the retry finds the task already stopped and the
//! service answers `CodeTaskHasStopped`. The client reports exactly that typed error.
//! [`Client::call_with_attempts`](crate::client::Client::call_with_attempts) reports how
//! many attempts were made, and the `livegen.call` tracing span records it as `attempt`.
//! An operation with an idempotency token does not meet this: the resend repeats the
//! token, and the service answers with the first request's result.

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
    /// Resend writes after failures that may have been applied (lost answers, timeouts,
    /// 5xx), as reads are; off by default, see the module docs.
    pub resend_writes: bool,
}

impl Default for RetryConfig {
    /// Three attempts, backoff starting at 100 ms and capped at 5 s, writes not resent
    /// after a failure that may have been applied.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            resend_writes: false,
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
    /// The connection was never established: nothing reached the service.
    Connect,
    /// The connection broke after it was established (the request may have been read).
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
        /// The code says the request was refused before it was acted on (throttling,
        /// service unavailable).
        refused: bool,
    },
}

/// What sending an operation twice can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The operation only reads (RAM access level `read`, `list` or `get`).
    Read,
    /// The operation may change state but carries an idempotency token
    /// ([`Operation::idempotency_token`](crate::operation::Operation::idempotency_token)),
    /// so the service acts once however often the same call is resent.
    IdempotentWrite,
    /// The operation may change state: any other or no documented access level.
    Write,
}

impl Effect {
    /// The effect of `op`, from its RAM access level and idempotency token in the spec.
    pub fn of(op: &crate::operation::Operation) -> Effect {
        match op.ram.access_level {
            Some(level)
                if ["read", "list", "get"]
                    .iter()
                    .any(|read| level.eq_ignore_ascii_case(read)) =>
            {
                Effect::Read
            }
            _ if op.idempotency_token.is_some() => Effect::IdempotentWrite,
            _ => Effect::Write,
        }
    }
}

/// What to do after a failed attempt (when attempts remain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send the request again.
    Resend,
    /// Report the failure: resending would meet the same answer.
    Report,
    /// Report the failure as one that may have been applied: resending could act twice.
    MayHaveBeenApplied,
}

/// Whether an attempt that failed this way is resent for an operation with `effect`;
/// `resend_writes` is [`RetryConfig::resend_writes`]. See the module docs' table.
pub fn decide(kind: FailureKind, effect: Effect, resend_writes: bool) -> Verdict {
    if certainly_not_acted(kind) {
        return Verdict::Resend;
    }
    if !is_retryable(kind) {
        return Verdict::Report;
    }
    match effect {
        Effect::Read | Effect::IdempotentWrite => Verdict::Resend,
        Effect::Write if resend_writes => Verdict::Resend,
        Effect::Write => Verdict::MayHaveBeenApplied,
    }
}

/// Whether the service certainly did not act on the attempt: no connection, throttled,
/// or unavailable.
pub fn certainly_not_acted(kind: FailureKind) -> bool {
    match kind {
        FailureKind::Connect => true,
        FailureKind::Transport | FailureKind::Timeout => false,
        FailureKind::Unreadable { status } => status == 503 || status == 429,
        FailureKind::Service {
            status, refused, ..
        } => refused || status == 503 || status == 429,
    }
}

/// Whether the same request may succeed when sent again (a transient failure), whatever
/// it may have done already; [`decide`] adds whether resending is safe.
pub fn is_retryable(kind: FailureKind) -> bool {
    match kind {
        FailureKind::Connect | FailureKind::Transport | FailureKind::Timeout => true,
        FailureKind::Unreadable { status } => is_server_error(status) || status == 429,
        FailureKind::Service {
            status,
            retryable,
            refused,
        } => retryable || refused || is_server_error(status) || status == 429,
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
        let service = |status, retryable, refused| FailureKind::Service {
            status,
            retryable,
            refused,
        };
        assert!(is_retryable(service(500, false, false)));
        assert!(is_retryable(service(400, true, false)));
        assert!(!is_retryable(service(400, false, false)));
    }

    #[test]
    fn decisions_follow_the_table() {
        use Effect::{Read, Write};
        use Verdict::{MayHaveBeenApplied, Report, Resend};
        let service = |status, retryable, refused| FailureKind::Service {
            status,
            retryable,
            refused,
        };
        let rows = [
            (FailureKind::Connect, Resend, Resend),
            (service(400, true, true), Resend, Resend),
            (service(503, true, true), Resend, Resend),
            (FailureKind::Unreadable { status: 503 }, Resend, Resend),
            (FailureKind::Transport, Resend, MayHaveBeenApplied),
            (FailureKind::Timeout, Resend, MayHaveBeenApplied),
            (service(500, true, false), Resend, MayHaveBeenApplied),
            (
                FailureKind::Unreadable { status: 502 },
                Resend,
                MayHaveBeenApplied,
            ),
            (service(404, false, false), Report, Report),
            (FailureKind::Unreadable { status: 200 }, Report, Report),
        ];
        for (kind, read, write) in rows {
            assert_eq!(decide(kind, Read, false), read, "{kind:?} read");
            assert_eq!(
                decide(kind, Effect::IdempotentWrite, false),
                read,
                "{kind:?} write with a token"
            );
            assert_eq!(decide(kind, Write, false), write, "{kind:?} write");
            let opted_in = if write == MayHaveBeenApplied {
                Resend
            } else {
                write
            };
            assert_eq!(decide(kind, Write, true), opted_in, "{kind:?} opted in");
        }
    }
}

//! The non-generic core of a call: the loop that retries ([`try_op`]) apart from one
//! attempt ([`try_attempt`]), after smithy-rs's `orchestrator.rs`.
//!
//! Nothing here depends on an operation's input, output or error type: inputs arrive as
//! JSON keyed by wire names, successes leave as bytes, service errors as
//! [`ServiceError`]. The typed shells in [`Client`] convert on either side, so this code
//! is compiled once however many operations a crate has.

use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use super::request::{self, Setup};
use super::response::{self, Parsed, RawSuccess, Unreadable};
use super::transport;
use super::{Client, RetryableCode};
use crate::endpoint;
use crate::error::{CommonErrorKind, SdkError, ServiceError};
use crate::limiter::LimiterError;
use crate::operation::Operation;
use crate::retry::{self, Effect, FailureKind, Verdict};

/// What the non-generic core returns: [`CallOutcome`](super::CallOutcome) before typing.
#[derive(Debug)]
pub struct RawOutcome {
    /// The answer, or why there is none.
    pub result: Result<RawSuccess, SdkError<ServiceError>>,
    /// Requests actually sent (0 when the call failed before sending anything).
    pub attempts: u32,
}

/// Runs a whole call in its `livegen.call` span: set up once, then attempt until an
/// answer, a failure not worth retrying, or the last allowed attempt.
pub(super) async fn try_op(
    client: &Client,
    op: &'static Operation,
    input: &serde_json::Value,
    retryable: RetryableCode,
) -> RawOutcome {
    let span = tracing::info_span!(
        "livegen.call",
        action = op.action,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
    );
    retry_loop(client, op, input, retryable)
        .instrument(span)
        .await
}

async fn retry_loop(
    client: &Client,
    op: &'static Operation,
    input: &serde_json::Value,
    retryable: RetryableCode,
) -> RawOutcome {
    let not_sent = |message: String, attempts: u32| RawOutcome {
        result: Err(SdkError::Construction(message)),
        attempts,
    };
    let sender = match client.sender() {
        Ok(sender) => sender,
        Err(message) => return not_sent(message, 0),
    };
    if let Some(problem) = client.options.problem() {
        return not_sent(problem.to_owned(), 0);
    }
    let clock = Clock::start(client.options.deadline_override());
    let setup = match clock.within(Setup::new(client, op, input)).await {
        Some(Ok(setup)) => setup,
        Some(Err(e)) => return not_sent(e.to_string(), 0),
        None => return clock.exceeded(0, "still resolving credentials; nothing was sent"),
    };
    tracing::debug!(
        endpoint = %setup.endpoint,
        method = setup.method.as_str(),
        params = ?setup.params.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        body_params = ?setup.body.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        "calling"
    );

    let retry = client.retry();
    let max_attempts = retry.max_attempts.max(1);
    let effect = Effect::of(op);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let timeout = clock.cut(client.attempt_timeout());
        let failure = match try_attempt(client, sender, op, &setup, attempt, timeout, &clock).await
        {
            Attempted::Answered(success) => {
                return RawOutcome {
                    result: Ok(success),
                    attempts: attempt,
                };
            }
            Attempted::NotSent(message) => return not_sent(message, attempt - 1),
            Attempted::OutOfTime(reason) => return clock.exceeded(attempt - 1, &reason),
            Attempted::Failed(failure) => failure,
        };
        let kind = failure.kind(retryable);
        let verdict = retry::decide(kind, effect, retry.resend_writes);
        let delay = retry.delay(attempt, failure.retry_after());
        // An attempt the deadline cut short, or a backoff that would end past it, ends
        // the call with the deadline's error (around a write's may-have-been-applied).
        let out_of_time = (matches!(failure, Failure::Timeout) && timeout < client.attempt_timeout())
            .then(|| format!("attempt {attempt} had no answer when the deadline came"))
            .or_else(|| {
                (verdict == Verdict::Resend && attempt < max_attempts && !clock.allows(delay)).then(|| {
                    format!(
                        "attempt {attempt} failed ({}) and the backoff of {delay:?} would end after the deadline",
                        failure.describe()
                    )
                })
            });
        if verdict != Verdict::Resend || attempt >= max_attempts || out_of_time.is_some() {
            tracing::debug!(?kind, ?verdict, attempt, "giving up");
            let error = match &out_of_time {
                Some(reason) => clock.error(attempt, reason),
                None => failure.into_sdk_error(attempt, timeout),
            };
            return RawOutcome {
                result: Err(match verdict {
                    Verdict::MayHaveBeenApplied => SdkError::MayHaveBeenApplied {
                        attempts: attempt,
                        failure: Box::new(error),
                    },
                    Verdict::Resend | Verdict::Report => error,
                }),
                attempts: attempt,
            };
        }
        tracing::debug!(?kind, attempt, delay_ms = delay.as_millis(), "retrying");
        tokio::time::sleep(delay).await;
    }
}

/// The call's overall deadline, if it has one, from when the call started.
struct Clock {
    deadline: Option<(Duration, Instant)>,
}

impl Clock {
    fn start(deadline: Option<Duration>) -> Clock {
        Clock {
            deadline: deadline.map(|d| (d, Instant::now() + d)),
        }
    }

    /// When the call must be done, if ever.
    fn at(&self) -> Option<Instant> {
        self.deadline.map(|(_, at)| at)
    }

    /// `timeout`, cut to what is left before the deadline.
    fn cut(&self, timeout: Duration) -> Duration {
        match self.at() {
            Some(at) => timeout.min(at.saturating_duration_since(Instant::now())),
            None => timeout,
        }
    }

    /// Whether waiting `delay` from now still ends before the deadline.
    fn allows(&self, delay: Duration) -> bool {
        self.at().is_none_or(|at| Instant::now() + delay < at)
    }

    /// `future`'s output, or `None` when the deadline comes first.
    async fn within<F: std::future::Future>(&self, future: F) -> Option<F::Output> {
        match self.at() {
            Some(at) => tokio::time::timeout_at(at, future).await.ok(),
            None => Some(future.await),
        }
    }

    fn error(&self, attempts: u32, reason: &str) -> SdkError<ServiceError> {
        SdkError::DeadlineExceeded {
            attempts,
            deadline: self.deadline.map_or(Duration::ZERO, |(d, _)| d),
            reason: reason.to_owned(),
        }
    }

    fn exceeded(&self, attempts: u32, reason: &str) -> RawOutcome {
        RawOutcome {
            result: Err(self.error(attempts, reason)),
            attempts,
        }
    }
}

/// What one attempt came to.
enum Attempted {
    Answered(RawSuccess),
    /// Stopped before sending (limiter store failure, request not representable).
    NotSent(String),
    /// Stopped before sending: no rate-limit slot before the deadline.
    OutOfTime(String),
    Failed(Failure),
}

/// One attempt: wait for the rate limiter, sign, send, read and parse the answer.
async fn try_attempt(
    client: &Client,
    sender: Sender<'_>,
    op: &'static Operation,
    setup: &Setup,
    attempt: u32,
    timeout: Duration,
    clock: &Clock,
) -> Attempted {
    let span = tracing::Span::current();
    span.record("attempt", attempt);
    // Per attempt, not per call: the service counts every request, retries included. The
    // ticket is ended when the answer (or the failure) comes, or as it drops.
    let limited = client
        .inner
        .limiter
        .grant(
            op,
            setup.credentials.access_key_id(),
            clock.at(),
            client.attempt_timeout(),
        )
        .await;
    let ticket = match limited {
        Ok(ticket) => {
            if !ticket.waited().is_zero() {
                tracing::debug!(waited_ms = ticket.waited().as_millis(), "rate limited");
            }
            ticket
        }
        Err(e @ LimiterError::NoSlotBeforeDeadline { .. }) => {
            return Attempted::OutOfTime(e.to_string());
        }
        Err(e) => return Attempted::NotSent(e.to_string()),
    };
    // The slot may have come right at the deadline: leave no attempt without time.
    let timeout = clock.cut(timeout);
    if timeout.is_zero() {
        return Attempted::OutOfTime(format!(
            "the rate-limit slot for {} came at the deadline; nothing was sent",
            op.action
        ));
    }
    let prepared = setup.sign(client, op);
    let http_request = match request::to_http(&prepared) {
        Ok(http_request) => http_request,
        Err(e) => return Attempted::NotSent(e.to_string()),
    };
    // Without the `test-doubles` feature the network is the only sender.
    #[cfg_attr(
        not(feature = "test-doubles"),
        allow(clippy::infallible_destructuring_match)
    )]
    let http = match sender {
        Sender::Http(http) => http,
        #[cfg(feature = "test-doubles")]
        Sender::Mock(mock) => {
            let recorded = setup.record(op, prepared);
            let answer = mock.respond(op, recorded);
            ticket.end().await;
            match answer {
                Ok(answer) => return answered(&span, from_mock(answer)),
                Err(message) => return Attempted::NotSent(message),
            }
        }
    };

    #[cfg(feature = "test-util")]
    if let Some(slot) = ticket.slot() {
        crate::limiter::handover::record(&prepared.nonce(), slot.into_std());
    }
    let answer = tokio::time::timeout(timeout, transport::send(http, http_request)).await;
    ticket.end().await;
    let answer = match answer {
        Err(_elapsed) => return Attempted::Failed(Failure::Timeout),
        Ok(Err(e)) => {
            let message = match &setup.resolution {
                // A host nobody chose on purpose: say where it came from.
                how @ endpoint::Resolution::Pattern { .. } => {
                    format!("{} ({how})", transport::describe(&e))
                }
                _ => transport::describe(&e),
            };
            return Attempted::Failed(Failure::Transport {
                message,
                connected: !e.is_connect(),
            });
        }
        Ok(Ok(answer)) => answer,
    };
    answered(&span, answer)
}

/// Where an attempt's request goes: the network, or a test double.
#[derive(Clone, Copy)]
pub(crate) enum Sender<'c> {
    Http(&'c reqwest::Client),
    #[cfg(feature = "test-doubles")]
    Mock(&'c crate::mock::MockService),
}

/// A test double's answer as if it had come over HTTP, so it is parsed like any other.
#[cfg(feature = "test-doubles")]
fn from_mock(answer: crate::mock::MockAnswer) -> response::Answer {
    response::Answer {
        status: answer.status,
        content_type: Some("application/json;charset=utf-8".to_owned()),
        request_id_header: None,
        retry_after: None,
        body: response::Body::Complete(answer.body),
    }
}

/// An answer, parsed, as what the attempt came to.
fn answered(span: &tracing::Span, answer: response::Answer) -> Attempted {
    span.record("status", answer.status);
    match response::parse(answer) {
        Parsed::Success(success) => {
            if let Some(id) = &success.request_id {
                span.record("request_id", id.as_str());
            }
            Attempted::Answered(success)
        }
        Parsed::Service { error, retry_after } => {
            if let Some(id) = &error.request_id {
                span.record("request_id", id.as_str());
            }
            Attempted::Failed(Failure::Service { error, retry_after })
        }
        Parsed::Unreadable {
            unreadable,
            retry_after,
        } => Attempted::Failed(Failure::Unreadable {
            unreadable,
            retry_after,
        }),
    }
}

/// How one attempt failed.
enum Failure {
    Transport {
        message: String,
        /// False when the connection was never established, so nothing was sent.
        connected: bool,
    },
    Timeout,
    Unreadable {
        unreadable: Unreadable,
        retry_after: Option<Duration>,
    },
    Service {
        error: ServiceError,
        retry_after: Option<Duration>,
    },
}

impl Failure {
    fn kind(&self, retryable: RetryableCode) -> FailureKind {
        match self {
            Failure::Transport {
                connected: false, ..
            } => FailureKind::Connect,
            Failure::Transport { .. } => FailureKind::Transport,
            Failure::Timeout => FailureKind::Timeout,
            Failure::Unreadable { unreadable, .. } => FailureKind::Unreadable {
                status: unreadable.status,
            },
            Failure::Service { error, .. } => FailureKind::Service {
                status: error.status,
                retryable: retryable(error),
                refused: CommonErrorKind::classify(error.status, &error.code)
                    .is_some_and(CommonErrorKind::is_retryable),
            },
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Unreadable { retry_after, .. } | Failure::Service { retry_after, .. } => {
                *retry_after
            }
            Failure::Transport { .. } | Failure::Timeout => None,
        }
    }

    /// The failure in a few words, for a deadline error's reason.
    fn describe(&self) -> String {
        match self {
            Failure::Transport { message, .. } => message.clone(),
            Failure::Timeout => "no answer in time".to_owned(),
            Failure::Unreadable { unreadable, .. } => format!("HTTP {}", unreadable.status),
            Failure::Service { error, .. } => format!("{} (HTTP {})", error.code, error.status),
        }
    }

    fn into_sdk_error(self, attempts: u32, timeout: Duration) -> SdkError<ServiceError> {
        match self {
            Failure::Transport { message, .. } => SdkError::Transport { attempts, message },
            Failure::Timeout => SdkError::Timeout { attempts, timeout },
            Failure::Unreadable { unreadable, .. } => SdkError::Response {
                status: unreadable.status,
                reason: unreadable.reason,
                body_excerpt: unreadable.body_excerpt,
            },
            Failure::Service { error, .. } => SdkError::Service(error),
        }
    }
}

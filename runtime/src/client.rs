//! The HTTP client every generated operation calls.
//!
//! One [`Client::call`] encodes the input, resolves credentials and the endpoint, then makes
//! up to `max_attempts` attempts. Each attempt waits for the rate limiter (the service
//! counts retries against the limit too), is signed anew (fresh timestamp and nonce, so a
//! retry is never refused as a replay), sent, and has its answer read under one
//! per-attempt timeout. See [`retry`](crate::retry) for what is retried and what that
//! means for actions that change state.
//!
//! # Layout
//!
//! The typed methods here ([`Client::call`], [`Client::call_with_attempts`],
//! [`Client::prepare`]) are thin shells: they turn the input into JSON, hand it to the
//! non-generic core ([`Client::call_erased`]) and turn its answer into the operation's
//! output or error type. Everything heavy is compiled once for all operations, not once
//! per operation:
//!
//! - `orchestrator`: the loop that retries (`try_op`) apart from one attempt
//!   (`try_attempt`: limiter wait, sign, send, parse), after smithy-rs's orchestrator,
//! - `request`: what a call computes once (encoded parameters, credentials, endpoint) and
//!   how each attempt signs it into an HTTP request,
//! - `transport`: sending one request and reading its answer under the size caps,
//! - `response`: an answer → success body, service error, or unreadable,
//! - `prepared`: the signed request a dry run shows.
//!
//! Each call runs in a `livegen.call` tracing span with the fields `action`, `attempt`,
//! `status` and `request_id`. Parameter names are logged at debug level; parameter values,
//! signatures and credentials never are.

mod options;
mod orchestrator;
mod prepared;
mod request;
mod response;
mod transport;

use std::future::Future as _;
use std::sync::Arc;

use serde::de::DeserializeOwned;

pub use self::options::CallOptions;
pub use self::orchestrator::RawOutcome;
pub use self::prepared::{PrepareError, PreparedRequest};
pub use self::request::{MAX_HEADER_BYTES, MAX_REQUEST_BODY_BYTES, MAX_URL_BYTES};
pub use self::response::RawSuccess;
use crate::config::Config;
use crate::error::{OperationError, SdkError, ServiceError};
use crate::limiter::RateLimiter;
use crate::operation::Operation;
use crate::params::InvalidInput;

/// Sends signed, retried, rate-limited calls. Cheap to clone; clones share the connection
/// pool. The rate limiter's schedule is shared as the configured
/// [`LimiterStore`](crate::config::LimiterStore) says: by default with every client in
/// the process.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Overrides for this view's calls ([`Client::with_options`]).
    options: CallOptions,
}

struct Inner {
    /// Building the HTTP stack can fail (e.g. the TLS backend cannot initialise); the
    /// message is kept so every call reports it instead of `Client::new` being fallible.
    http: Result<reqwest::Client, String>,
    /// Answers calls in place of `http` (test doubles; never set without the
    /// `test-doubles` feature).
    mock: Option<MockTransport>,
    config: Config,
    limiter: RateLimiter,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("http_ready", &self.inner.http.is_ok())
            .field("transport", &self.transport_name())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The result of a call together with how many attempts it took.
#[derive(Debug)]
pub struct CallOutcome<O, E> {
    /// What [`Client::call`] would have returned.
    pub result: Result<O, SdkError<E>>,
    /// Requests actually sent (0 when the call failed before sending anything).
    pub attempts: u32,
}

/// The mock a test client carries (nothing without the `test-doubles` feature).
#[cfg(feature = "test-doubles")]
type MockTransport = crate::mock::MockService;
#[cfg(not(feature = "test-doubles"))]
type MockTransport = std::convert::Infallible;

/// Decides from a service error whether the same request may succeed when sent again;
/// the type-erased form of [`OperationError::is_retryable`] the core takes.
pub type RetryableCode = fn(&ServiceError) -> bool;

/// [`OperationError::is_retryable`] of `E`, for a service error not yet mapped to `E`.
pub fn retryable_code<E: OperationError>(error: &ServiceError) -> bool {
    E::from_service_error(error.clone()).is_retryable()
}

impl Client {
    /// A client for `config`.
    ///
    /// Never fails: if the HTTP stack cannot be built, every call returns
    /// [`SdkError::Construction`] with the reason.
    pub fn new(config: Config) -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout())
            // The signature covers host and path, so a redirected request would be refused
            // anyway; following one would only resend a signed request somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                format!(
                    "could not build the HTTP client: {}",
                    transport::describe(&e)
                )
            });
        Client::from_parts(config, http, None)
    }

    /// A client whose calls `mock` answers instead of the network.
    #[cfg(feature = "test-doubles")]
    pub(crate) fn with_mock(config: Config, mock: crate::mock::MockService) -> Client {
        let http = Err("a mock client has no HTTP stack".to_owned());
        Client::from_parts(config, http, Some(mock))
    }

    fn from_parts(
        config: Config,
        http: Result<reqwest::Client, String>,
        mock: Option<MockTransport>,
    ) -> Client {
        let limiter = RateLimiter::for_config(&config);
        Client {
            inner: Arc::new(Inner {
                http,
                mock,
                config,
                limiter,
            }),
            options: CallOptions::default(),
        }
    }

    /// How this client's requests travel: `"http"`, or `"mock"` for a test double.
    fn transport_name(&self) -> &'static str {
        if self.inner.mock.is_some() {
            "mock"
        } else {
            "http"
        }
    }

    /// Where this client's attempts go.
    pub(crate) fn sender(&self) -> Result<orchestrator::Sender<'_>, String> {
        #[cfg(feature = "test-doubles")]
        if let Some(mock) = &self.inner.mock {
            return Ok(orchestrator::Sender::Mock(mock));
        }
        #[cfg(not(feature = "test-doubles"))]
        if let Some(never) = &self.inner.mock {
            match *never {}
        }
        match &self.inner.http {
            Ok(http) => Ok(orchestrator::Sender::Http(http)),
            Err(message) => Err(message.clone()),
        }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A view of this client whose calls use `options` (per-attempt timeout, retry
    /// policy, endpoint, overall deadline) over the configuration; everything else —
    /// connection pool, rate limiter, credentials — is shared, so it costs a clone of a
    /// few settings. Options of an earlier `with_options` stay unless `options` sets them
    /// again. See [`CallOptions`].
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            options: self.options.merged(options),
        }
    }

    /// The per-call options of this view (empty for a client from [`Client::new`]).
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The per-attempt timeout calls use: the option, else the configuration's.
    pub(crate) fn attempt_timeout(&self) -> std::time::Duration {
        self.options
            .attempt_timeout_override()
            .unwrap_or_else(|| self.inner.config.attempt_timeout())
    }

    /// The retry policy calls use: the option, else the configuration's.
    pub(crate) fn retry(&self) -> &crate::retry::RetryConfig {
        self.options
            .retry_override()
            .unwrap_or_else(|| self.inner.config.retry())
    }

    /// The explicit endpoint calls use, if any: the option, else the configuration's.
    pub(crate) fn endpoint(&self) -> Option<&crate::endpoint::Endpoint> {
        self.options
            .endpoint_override()
            .or_else(|| self.inner.config.endpoint())
    }

    /// Calls `op` with `input`, decoding a success into `O` and a service error into `E`.
    ///
    /// Retries follow the configured [`RetryConfig`](crate::config::RetryConfig). For an
    /// action that changes state, a retried attempt may meet the effect of an earlier one
    /// whose answer was lost (`CodeTaskHasStopped` after a stop); that error is reported
    /// as is. Use [`call_with_attempts`](Self::call_with_attempts) to tell whether a retry
    /// happened.
    pub async fn call<I, O, E>(&self, op: &'static Operation, input: &I) -> Result<O, SdkError<E>>
    where
        I: serde::Serialize + ?Sized,
        O: DeserializeOwned,
        E: OperationError,
    {
        self.call_with_attempts(op, input).await.result
    }

    /// Like [`call`](Self::call), also reporting how many requests were sent.
    ///
    /// A caller that stops a task can treat `CodeTaskHasStopped` as success when
    /// `attempts > 1`: an earlier attempt most likely did the stopping.
    pub async fn call_with_attempts<I, O, E>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> CallOutcome<O, E>
    where
        I: serde::Serialize + ?Sized,
        O: DeserializeOwned,
        E: OperationError,
    {
        let input = match to_json(input) {
            Ok(input) => input,
            Err(e) => {
                return CallOutcome {
                    result: Err(SdkError::Construction(e.to_string())),
                    attempts: 0,
                };
            }
        };
        let raw = self.call_erased(op, &input, retryable_code::<E>).await;
        CallOutcome {
            result: raw.result.map_err(typed_error).and_then(decode),
            attempts: raw.attempts,
        }
    }

    /// The non-generic core of every call: `input` keyed by wire names, the success body
    /// as bytes, service errors untyped. `retryable` classifies service errors (pass
    /// [`retryable_code::<E>`](retryable_code) for an operation's error type `E`).
    ///
    /// For code that works from the operation tables rather than typed shapes, such as a
    /// page loop calling the same operation once per page.
    pub async fn call_erased(
        &self,
        op: &'static Operation,
        input: &serde_json::Value,
        retryable: RetryableCode,
    ) -> RawOutcome {
        orchestrator::try_op(self, op, input, retryable).await
    }

    /// Signs a request for `op` without sending it (for `--dry-run`).
    ///
    /// Uses the same encoding, credentials, endpoint and signature as a real call, with
    /// the current time and a fresh nonce. Does not touch the rate limiter.
    pub async fn prepare_async<I>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<PreparedRequest, PrepareError>
    where
        I: serde::Serialize + ?Sized,
    {
        self.prepare_value_async(op, &to_json(input)?).await
    }

    /// [`prepare_async`](Self::prepare_async) for an input already given as JSON keyed
    /// by wire names.
    pub async fn prepare_value_async(
        &self,
        op: &'static Operation,
        input: &serde_json::Value,
    ) -> Result<PreparedRequest, PrepareError> {
        let setup = request::Setup::new(self, op, input).await?;
        let prepared = setup.sign(self, op);
        // Validating here means a dry run fails exactly where the real call would.
        request::to_http(&prepared)?;
        Ok(prepared)
    }

    /// Like [`prepare_async`](Self::prepare_async), for callers without an async
    /// runtime: works when the credentials are at hand without I/O (keys in code, the
    /// environment, a profile with keys, or temporary credentials already cached);
    /// otherwise it fails and says to use the async version.
    pub fn prepare<I>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<PreparedRequest, PrepareError>
    where
        I: serde::Serialize + ?Sized,
    {
        self.prepare_value(op, &to_json(input)?)
    }

    /// [`prepare`](Self::prepare) for an input already given as JSON keyed by wire names.
    pub fn prepare_value(
        &self,
        op: &'static Operation,
        input: &serde_json::Value,
    ) -> Result<PreparedRequest, PrepareError> {
        let mut future = std::pin::pin!(self.prepare_value_async(op, input));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(result) => result,
            std::task::Poll::Pending => Err(PrepareError::Credentials(
                crate::credentials::CredentialsError::Unavailable {
                    provider: "the configured credentials provider".to_owned(),
                    reason: "it has to fetch credentials first; use `Client::prepare_async`"
                        .to_owned(),
                },
            )),
        }
    }

    /// Calls `op` with an input given as JSON (keyed by wire names) and returns the
    /// answer as JSON; for table-driven tools such as the generated command line, which
    /// have no typed input or output.
    pub async fn call_value(
        &self,
        op: &'static Operation,
        input: &serde_json::Value,
    ) -> Result<serde_json::Value, SdkError<ServiceError>> {
        let raw = self
            .call_erased(op, input, retryable_code::<ServiceError>)
            .await;
        raw.result.and_then(decode)
    }
}

fn to_json<I: serde::Serialize + ?Sized>(input: &I) -> Result<serde_json::Value, InvalidInput> {
    serde_json::to_value(input)
        .map_err(|e| InvalidInput::new("<input>", format!("cannot be represented as JSON: {e}")))
}

/// The success body as the operation's output type. A body that does not fit is an
/// unreadable answer, as it was never worth retrying (the same answer would come back).
fn decode<O: DeserializeOwned, E>(success: RawSuccess) -> Result<O, SdkError<E>> {
    serde_json::from_slice::<O>(&success.body).map_err(|e| SdkError::Response {
        status: success.status,
        reason: format!(
            "not the expected JSON{}: {e}",
            success
                .content_type
                .as_deref()
                .map(|t| format!(" (content-type {t})"))
                .unwrap_or_default()
        ),
        body_excerpt: response::excerpt(&success.body),
    })
}

/// An untyped error as the operation's error type.
fn typed_error<E: OperationError>(error: SdkError<ServiceError>) -> SdkError<E> {
    match error {
        SdkError::Service(error) => SdkError::Service(E::from_service_error(error)),
        SdkError::Construction(message) => SdkError::Construction(message),
        SdkError::Timeout { attempts, timeout } => SdkError::Timeout { attempts, timeout },
        SdkError::Transport { attempts, message } => SdkError::Transport { attempts, message },
        SdkError::Response {
            status,
            reason,
            body_excerpt,
        } => SdkError::Response {
            status,
            reason,
            body_excerpt,
        },
        SdkError::MayHaveBeenApplied { attempts, failure } => SdkError::MayHaveBeenApplied {
            attempts,
            failure: Box::new(typed_error(*failure)),
        },
        SdkError::DeadlineExceeded {
            attempts,
            deadline,
            reason,
        } => SdkError::DeadlineExceeded {
            attempts,
            deadline,
            reason,
        },
    }
}

//! The HTTP client every generated operation calls.
//!
//! One [`Client::call`] encodes the input, resolves credentials and the endpoint, then makes
//! up to `max_attempts` attempts. Each attempt waits for the rate limiter (the service
//! counts retries against the limit too), is signed anew (fresh timestamp and nonce, so a
//! retry is never refused as a replay), sent, and has its answer read under one
//! per-attempt timeout. See [`retry`] for what is
//! retried and what that means for actions that change state.
//!
//! Each call runs in a `livegen.call` tracing span with the fields `action`, `attempt`,
//! `status` and `request_id`. Parameter names are logged at debug level; parameter values,
//! signatures and credentials never are.

mod prepared;
mod response;

use std::future::Future as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field::Empty;

pub use self::prepared::{PrepareError, PreparedRequest};
use self::response::{Answer, Body, MAX_BODY_BYTES, Parsed, Unreadable};
use crate::config::Config;
use crate::credentials::Credentials;
use crate::endpoint::{self, Endpoint};
use crate::error::ServiceError;
use crate::error::{OperationError, SdkError};
use crate::limiter::RateLimiter;
use crate::operation::{HttpMethod, Operation};
use crate::params::{self, InvalidInput};
use crate::retry::{self, FailureKind};
use crate::signing::{self, SigningInput, SigningParams};

/// Sends signed, retried, rate-limited calls. Cheap to clone; clones share the connection
/// pool. The rate limiter's schedule is shared as the configured
/// [`LimiterStore`](crate::config::LimiterStore) says: by default with every client in
/// the process.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    /// Building the HTTP stack can fail (e.g. the TLS backend cannot initialise); the
    /// message is kept so every call reports it instead of `Client::new` being fallible.
    http: Result<reqwest::Client, String>,
    config: Config,
    limiter: RateLimiter,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("http_ready", &self.inner.http.is_ok())
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
            .map_err(|e| format!("could not build the HTTP client: {}", describe(&e)));
        let limiter = RateLimiter::for_config(&config);
        Client {
            inner: Arc::new(Inner {
                http,
                config,
                limiter,
            }),
        }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
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
        let span = tracing::info_span!(
            "livegen.call",
            action = op.action,
            attempt = Empty,
            status = Empty,
            request_id = Empty,
        );
        self.run(op, input).instrument(span).await
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
        let setup = self.setup(op, input).await?;
        let prepared = self.sign(op, &setup);
        // Validating here means a dry run fails exactly where the real call would.
        to_request(&prepared)?;
        Ok(prepared)
    }

    /// Like [`Client::prepare_async`], for callers without an async runtime: works when
    /// the credentials are at hand without I/O (keys in code, the environment, a profile
    /// with keys, or temporary credentials already cached); otherwise it fails and says
    /// to use [`Client::prepare_async`].
    pub fn prepare<I>(
        &self,
        op: &'static Operation,
        input: &I,
    ) -> Result<PreparedRequest, PrepareError>
    where
        I: serde::Serialize + ?Sized,
    {
        let mut future = std::pin::pin!(self.prepare_async(op, input));
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
        self.call(op, input).await
    }

    async fn run<I, O, E>(&self, op: &'static Operation, input: &I) -> CallOutcome<O, E>
    where
        I: serde::Serialize + ?Sized,
        O: DeserializeOwned,
        E: OperationError,
    {
        let not_sent = |message: String| CallOutcome {
            result: Err(SdkError::Construction(message)),
            attempts: 0,
        };
        let http = match &self.inner.http {
            Ok(http) => http,
            Err(message) => return not_sent(message.clone()),
        };
        let setup = match self.setup(op, input).await {
            Ok(setup) => setup,
            Err(e) => return not_sent(e.to_string()),
        };
        let span = tracing::Span::current();
        tracing::debug!(
            endpoint = %setup.endpoint,
            method = setup.method.as_str(),
            params = ?setup.params.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
            body_params = ?setup.body.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
            "calling"
        );

        let config = &self.inner.config;
        let timeout = config.attempt_timeout();
        let max_attempts = config.retry().max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            // Per attempt, not per call: the service counts every request, retries included.
            let limited = self
                .inner
                .limiter
                .acquire(op, setup.credentials.access_key_id())
                .await;
            let waited = match limited {
                Ok(waited) => waited,
                Err(e) => {
                    return CallOutcome {
                        result: Err(SdkError::Construction(e.to_string())),
                        attempts: attempt - 1,
                    };
                }
            };
            if !waited.is_zero() {
                tracing::debug!(waited_ms = waited.as_millis(), "rate limited");
            }
            let request = match to_request(&self.sign(op, &setup)) {
                Ok(request) => request,
                Err(e) => {
                    return CallOutcome {
                        result: Err(SdkError::Construction(e.to_string())),
                        attempts: attempt - 1,
                    };
                }
            };

            let failure = match tokio::time::timeout(timeout, send(http, request)).await {
                Err(_elapsed) => Failure::Timeout,
                Ok(Err(e)) => Failure::Transport(match &setup.resolution {
                    // A host nobody chose on purpose: say where it came from.
                    how @ endpoint::Resolution::Pattern { .. } => {
                        format!("{} ({how})", describe(&e))
                    }
                    _ => describe(&e),
                }),
                Ok(Ok(answer)) => {
                    span.record("status", answer.status);
                    match response::parse::<O>(&answer) {
                        Parsed::Success { value, request_id } => {
                            if let Some(id) = &request_id {
                                span.record("request_id", id.as_str());
                            }
                            return CallOutcome {
                                result: Ok(value),
                                attempts: attempt,
                            };
                        }
                        Parsed::Service(error) => {
                            if let Some(id) = &error.request_id {
                                span.record("request_id", id.as_str());
                            }
                            let status = error.status;
                            Failure::Service {
                                error: E::from_service_error(error),
                                status,
                                retry_after: answer.retry_after,
                            }
                        }
                        Parsed::Unreadable(unreadable) => Failure::Unreadable {
                            unreadable,
                            retry_after: answer.retry_after,
                        },
                    }
                }
            };

            let kind = failure.kind();
            if attempt >= max_attempts || !retry::is_retryable(kind) {
                tracing::debug!(?kind, attempt, "giving up");
                return CallOutcome {
                    result: Err(failure.into_sdk_error(attempt, timeout)),
                    attempts: attempt,
                };
            }
            let delay = config.retry().delay(attempt, failure.retry_after());
            tracing::debug!(?kind, attempt, delay_ms = delay.as_millis(), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn setup<I>(&self, op: &'static Operation, input: &I) -> Result<Setup, PrepareError>
    where
        I: serde::Serialize + ?Sized,
    {
        let input = serde_json::to_value(input).map_err(|e| {
            InvalidInput::new("<input>", format!("cannot be represented as JSON: {e}"))
        })?;
        let encoded = params::encode(op, &input)?;
        let method = op
            .methods
            .first()
            .copied()
            .ok_or(PrepareError::NoMethod(op.action))?;
        let credentials = self
            .inner
            .config
            .credentials_provider()
            .provide()
            .await
            .map_err(PrepareError::Credentials)?;
        let config = &self.inner.config;
        let (endpoint, resolution) =
            endpoint::resolve_explained(op.service, config.region_id(), config.endpoint());
        if let endpoint::Resolution::Pattern { .. } = &resolution {
            tracing::warn!("{resolution}");
        }
        if op.is_roa() && config.signature_version() == signing::SignatureVersion::V1 {
            return Err(PrepareError::RoaNeedsV3(op.action));
        }
        Ok(Setup {
            params: encoded.query,
            body: encoded.body,
            path: encoded.path,
            headers: encoded.headers,
            json_body: encoded.json_body,
            credentials,
            endpoint,
            resolution,
            method,
        })
    }

    fn sign(&self, op: &'static Operation, setup: &Setup) -> PreparedRequest {
        let nonce = signing::new_nonce();
        // The official SDKs sign their user agent under V3; doing the same keeps the
        // request's shape identical to theirs.
        let mut extra_headers = vec![(
            "user-agent".to_owned(),
            self.inner.config.user_agent().to_owned(),
        )];
        extra_headers.extend(setup.headers.iter().cloned());
        let payload = setup.json_body.as_ref().map(|json| signing::Payload {
            content_type: params::roa::JSON_CONTENT_TYPE,
            bytes: json.as_bytes(),
        });
        let signed = signing::sign_with_headers(
            self.inner.config.signature_version(),
            &SigningInput {
                method: setup.method,
                host: setup.endpoint.authority(),
                path: &setup.path,
                action: op.action,
                version: op.service.version,
                params: &setup.params,
                body: &setup.body,
                payload,
            },
            &SigningParams {
                credentials: &setup.credentials,
                timestamp: SystemTime::now(),
                nonce: &nonce,
            },
            &extra_headers,
        );
        PreparedRequest {
            method: signed.method,
            url: setup.endpoint.url(&signed.path_and_query),
            headers: signed.headers,
            body: signed.body,
        }
    }
}

/// Everything a call needs that does not change between attempts.
struct Setup {
    params: Vec<(String, String)>,
    body: Vec<(String, String)>,
    /// The path to send (for ROA, the template filled in and encoded).
    path: String,
    /// ROA header parameters, signed with the other headers under V3.
    headers: Vec<(String, String)>,
    json_body: Option<String>,
    credentials: Credentials,
    endpoint: Endpoint,
    resolution: endpoint::Resolution,
    method: HttpMethod,
}

/// The longest URL (query string included) a call sends. Gateways commonly refuse URLs
/// past 8–64 KiB and the HTTP stack cannot represent one past 64 KiB at all; refusing
/// early makes an oversized input a construction error instead of a transport failure
/// that would be retried. Larger values belong in a form body.
pub const MAX_URL_BYTES: usize = 32 * 1024;

/// The largest header value a call sends (the same reasoning as [`MAX_URL_BYTES`]).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The largest form body a call sends.
pub const MAX_REQUEST_BODY_BYTES: usize = 8 * 1024 * 1024;

fn to_request(prepared: &PreparedRequest) -> Result<reqwest::Request, PrepareError> {
    if prepared.url.len() > MAX_URL_BYTES {
        return Err(PrepareError::InvalidRequest(format!(
            "the URL would be {} bytes, more than the {MAX_URL_BYTES} the client sends",
            prepared.url.len()
        )));
    }
    if prepared.body.len() > MAX_REQUEST_BODY_BYTES {
        return Err(PrepareError::InvalidRequest(format!(
            "the body would be {} bytes, more than the {MAX_REQUEST_BODY_BYTES} the client sends",
            prepared.body.len()
        )));
    }
    if let Some((name, _)) = prepared
        .headers
        .iter()
        .find(|(_, value)| value.len() > MAX_HEADER_BYTES)
    {
        return Err(PrepareError::InvalidRequest(format!(
            "header `{name}` would be longer than {MAX_HEADER_BYTES} bytes"
        )));
    }
    // The URL holds the signature; the error must not.
    let url = reqwest::Url::parse(&prepared.url)
        .map_err(|e| PrepareError::InvalidRequest(format!("bad URL: {e}")))?;
    let method = match prepared.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Patch => reqwest::Method::PATCH,
    };
    let mut headers = HeaderMap::with_capacity(prepared.headers.len());
    for (name, value) in &prepared.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| PrepareError::InvalidRequest(format!("bad header name `{name}`")))?;
        // The value may be a credential, so only the name is reported.
        let header_value = HeaderValue::from_str(value)
            .map_err(|_| PrepareError::InvalidRequest(format!("bad value for header `{name}`")))?;
        headers.append(header_name, header_value);
    }
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = headers;
    let sends_body = matches!(
        prepared.method,
        HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch
    );
    if sends_body || !prepared.body.is_empty() {
        // hyper omits the length of an empty body, and gateways may answer a POST without
        // one with 411 Length Required.
        if !request
            .headers()
            .contains_key(reqwest::header::CONTENT_LENGTH)
        {
            request
                .headers_mut()
                .insert(reqwest::header::CONTENT_LENGTH, prepared.body.len().into());
        }
        *request.body_mut() = Some(reqwest::Body::from(prepared.body.clone()));
    }
    Ok(request)
}

async fn send(http: &reqwest::Client, request: reqwest::Request) -> Result<Answer, reqwest::Error> {
    let mut response = http.execute(request).await?;
    let status = response.status().as_u16();
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type");
    let request_id_header = header("x-acs-request-id");
    let retry_after = header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);

    let declared_too_large = response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64);
    let mut body = Vec::new();
    let complete = loop {
        let Some(chunk) = response.chunk().await? else {
            break true;
        };
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            break false;
        }
        body.extend_from_slice(&chunk);
        if declared_too_large {
            // One chunk is plenty for the excerpt; no need to download the rest.
            break false;
        }
    };
    Ok(Answer {
        status,
        content_type,
        request_id_header,
        retry_after,
        body: if complete {
            Body::Complete(body)
        } else {
            Body::TooLarge(body)
        },
    })
}

/// The error and its causes on one line. The URL shows its scheme, host and path but not
/// its query, which carries the signature (and any security token).
fn describe(error: &reqwest::Error) -> String {
    let mut message = format!("{error}");
    if let Some(url) = error.url() {
        let host = url.host_str().unwrap_or_default();
        let authority = url
            .port()
            .map_or(host.to_owned(), |p| format!("{host}:{p}"));
        let shown = format!("{}://{authority}{}", url.scheme(), url.path());
        let withheld = if url.query().is_some() {
            "; query withheld: it carries the signature"
        } else {
            ""
        };
        message = message
            .replace(&format!("({url})"), &format!("({shown}{withheld})"))
            .replace(url.as_str(), &format!("{shown}{withheld}"));
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// How one attempt failed.
enum Failure<E> {
    Transport(String),
    Timeout,
    Unreadable {
        unreadable: Unreadable,
        retry_after: Option<Duration>,
    },
    Service {
        error: E,
        status: u16,
        retry_after: Option<Duration>,
    },
}

impl<E: OperationError> Failure<E> {
    fn kind(&self) -> FailureKind {
        match self {
            Failure::Transport(_) => FailureKind::Transport,
            Failure::Timeout => FailureKind::Timeout,
            Failure::Unreadable { unreadable, .. } => FailureKind::Unreadable {
                status: unreadable.status,
            },
            Failure::Service { error, status, .. } => FailureKind::Service {
                status: *status,
                retryable: error.is_retryable(),
            },
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Unreadable { retry_after, .. } | Failure::Service { retry_after, .. } => {
                *retry_after
            }
            Failure::Transport(_) | Failure::Timeout => None,
        }
    }

    fn into_sdk_error(self, attempts: u32, timeout: Duration) -> SdkError<E> {
        match self {
            Failure::Transport(message) => SdkError::Transport { attempts, message },
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

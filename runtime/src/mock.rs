//! Test doubles (feature `test-doubles`): an in-process fake service, so code that uses a
//! generated client can be unit-tested with no network, no port and no credentials.
//!
//! A [`MockService`] takes the place of the HTTP transport and nothing else. A call on a
//! client from [`MockService::client`] runs as in production — the input is checked
//! against the operation's table and encoded, the idempotency token filled, the endpoint
//! resolved, the limiter waited for, the request signed — and then, instead of being
//! sent, the request is recorded and answered from the canned answers given for its
//! action. So a missing required parameter or an out-of-range value still fails the call
//! with [`SdkError::Construction`](crate::SdkError::Construction) before anything is
//! recorded, a canned service error goes through the same error mapping as a real one
//! (a documented code becomes its variant of the operation's error enum), and retries,
//! deadlines and paginators behave as they do against the service.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use livegen_runtime::mock::MockService;
//! # use livegen_runtime::{HttpMethod, Operation, ParamInfo, RamAuthorization, Service, Shape};
//! # static SERVICE: Service = Service { code: "demo", version: "2020-01-01",
//! #     default_endpoint: "demo.aliyuncs.com", endpoint_pattern: "demo.{regionId}.aliyuncs.com",
//! #     regional_endpoints: &[] };
//! # static DESCRIBE_THINGS: Operation = Operation { service: &SERVICE, action: "DescribeThings",
//! #     summary: "", path: "/", methods: &[HttpMethod::Get], qps: None,
//! #     ram: RamAuthorization { action: None, access_level: Some("read"), resources: &[],
//! #         condition_keys: &[], dependent_actions: &[] },
//! #     params: &[ParamInfo::query("Name", Shape::STRING).required()], errors: &[],
//! #     pagination: None, deprecated: false, idempotency_token: None };
//! let mock = MockService::new();
//! mock.answer("DescribeThings", &serde_json::json!({"Total": 3}));
//! let client = mock.client();
//!
//! let answer = client
//!     .call_value(&DESCRIBE_THINGS, &serde_json::json!({"Name": "a b"}))
//!     .await;
//! assert_eq!(answer.unwrap()["Total"], 3);
//! assert_eq!(mock.requests()[0].param("Name"), Some("a b"));
//!
//! // A required parameter left out fails before anything reaches the mock.
//! let missing = client.call_value(&DESCRIBE_THINGS, &serde_json::json!({})).await;
//! assert!(missing.is_err());
//! assert_eq!(mock.requests().len(), 1);
//! # });
//! ```
//!
//! # Why a fake at the transport and not a stub of the client
//!
//! A stub (google-cloud-rust's `from_stub`: a trait with one method per operation that a
//! test implements) replaces the whole call, so a test passes even when the code under
//! test forgets a required parameter, and a generated crate would carry a trait with a
//! method per operation (hundreds of them) that only tests use. A fake built from the
//! operation tables needs no generated code per operation: the answers are keyed by
//! action, typed answers are serialised output types (`Serialize` on outputs comes with
//! the generated crate's `test-doubles` feature), and everything up to the socket is the
//! production path. This is also where aws-smithy-mocks sits (an interceptor that answers
//! in place of the HTTP client, after serialisation). It is behind a feature so that
//! code only tests need does not ship to users (google-cloud-rust keeps it in a separate
//! crate for the same reason); turn it on in `[dev-dependencies]`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::client::{Client, PreparedRequest};
use crate::config::{Config, ConfigBuilder, ConfigError, LimiterStore};
use crate::credentials::Credentials;
use crate::operation::{HttpMethod, Operation};

/// An in-process fake service: canned answers per action, and every request it received.
/// Cheap to clone; clones share answers and records.
#[derive(Clone, Default)]
pub struct MockService {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    answers: HashMap<String, VecDeque<Canned>>,
    requests: Vec<RecordedRequest>,
}

#[derive(Clone)]
enum Canned {
    Success(Value),
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// An answer that could not be turned into JSON: fails the call, saying why.
    Broken(String),
}

/// One request the mock received, after encoding and validation (as it would have been
/// sent).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation's action name.
    pub action: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The host (and port, if any) the request would have gone to: endpoint resolution
    /// with region, network and explicit endpoint applied.
    pub host: String,
    /// The path (for ROA operations, the template filled in and encoded).
    pub path: String,
    /// The operation's query parameters as encoded, in order (protocol parameters such as
    /// `Action` or the signature are not among them).
    pub query: Vec<(String, String)>,
    /// The operation's form-body parameters as encoded, in order.
    pub form: Vec<(String, String)>,
    /// The operation's header parameters (ROA).
    pub headers: Vec<(String, String)>,
    /// The JSON body (ROA), parsed.
    pub json_body: Option<Value>,
    /// The whole signed request (URL, headers, body) as it would have been sent.
    pub signed: PreparedRequest,
}

impl RecordedRequest {
    /// The encoded value of the operation parameter named `wire` (query first, then form
    /// body); flattened names such as `Tag.1.Key` are looked up as such.
    pub fn param(&self, wire: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .find(|(name, _)| name == wire)
            .map(|(_, value)| value.as_str())
    }
}

/// What the orchestrator turns into an HTTP answer.
pub(crate) struct MockAnswer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl MockService {
    /// A mock with no answers and no requests.
    pub fn new() -> MockService {
        MockService::default()
    }

    /// Answers `action` with `output` (an operation's output type, which implements
    /// `Serialize` under the generated crate's `test-doubles` feature, or any JSON).
    ///
    /// Answers given for one action are used in order, one per request; the last one
    /// then answers every further request.
    pub fn answer<O: serde::Serialize + ?Sized>(&self, action: &str, output: &O) -> &Self {
        let canned = match serde_json::to_value(output) {
            Ok(value) => Canned::Success(value),
            Err(e) => Canned::Broken(format!(
                "the mock's answer for {action} cannot be represented as JSON: {e}"
            )),
        };
        self.push(action, canned)
    }

    /// Answers `action` with a service error: HTTP `status` and the error envelope with
    /// `code` and `message`, mapped as a real one is (a documented code becomes its
    /// variant of the operation's error enum; throttling is retried).
    pub fn fail(&self, action: &str, status: u16, code: &str, message: &str) -> &Self {
        self.push(
            action,
            Canned::Error {
                status,
                code: code.to_owned(),
                message: message.to_owned(),
            },
        )
    }

    fn push(&self, action: &str, canned: Canned) -> &Self {
        self.lock()
            .answers
            .entry(action.to_owned())
            .or_default()
            .push_back(canned);
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// A client whose calls this mock answers: fake credentials, no region, and its own
    /// rate-limit schedule ([`LimiterStore::Client`]), so tests do not wait for each other.
    pub fn client(&self) -> Client {
        let config = Config::builder()
            .limiter_store(LimiterStore::Client)
            .build_for_mock();
        Client::with_mock(config, self.clone())
    }

    /// A client whose calls this mock answers, with the settings of `builder` (region,
    /// network, retries, signature version, …); fake credentials unless it sets some.
    pub fn client_with(&self, builder: ConfigBuilder) -> Result<Client, ConfigError> {
        Ok(Client::with_mock(builder.build_mock()?, self.clone()))
    }

    /// Records `request` and picks its answer; `Err` fails the call before sending.
    pub(crate) fn respond(
        &self,
        op: &'static Operation,
        request: RecordedRequest,
    ) -> Result<MockAnswer, String> {
        let mut state = self.lock();
        state.requests.push(request);
        let number = state.requests.len();
        let queue = state.answers.get_mut(op.action);
        let canned = match queue {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        };
        let request_id = format!("mock-request-{number}");
        match canned {
            None => Err(format!(
                "the mock service has no answer for {}: give one with `MockService::answer` or `MockService::fail`",
                op.action
            )),
            Some(Canned::Broken(message)) => Err(message),
            Some(Canned::Success(mut value)) => {
                if let Value::Object(fields) = &mut value
                    && !fields.contains_key("RequestId")
                {
                    fields.insert("RequestId".to_owned(), Value::String(request_id));
                }
                Ok(MockAnswer {
                    status: 200,
                    body: value.to_string().into_bytes(),
                })
            }
            Some(Canned::Error {
                status,
                code,
                message,
            }) => Ok(MockAnswer {
                status,
                body: serde_json::json!({
                    "RequestId": request_id,
                    "Code": code,
                    "Message": message,
                })
                .to_string()
                .into_bytes(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking test thread leaves plain data behind; keep using it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs `future` to completion on a new single-threaded Tokio runtime with timers, for
/// a test without a runtime of its own (`#[tokio::test]` gives one too).
///
/// # Panics
///
/// If the runtime cannot be started (the operating system refuses its resources).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(e) => panic!("could not start a Tokio runtime for the test: {e}"),
    }
}

impl std::fmt::Debug for MockService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("MockService")
            .field("actions", &state.answers.keys().collect::<Vec<_>>())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl ConfigBuilder {
    /// [`build`](Self::build) with fake credentials when none were set.
    fn build_mock(self) -> Result<Config, ConfigError> {
        let builder = if self.has_credentials() {
            self
        } else {
            self.credentials(Credentials::new(
                "mock-access-key-id",
                "mock-access-key-secret",
            ))
        };
        builder.build()
    }

    /// The mock's own settings, which are always valid.
    fn build_for_mock(self) -> Config {
        match self.build_mock() {
            Ok(config) => config,
            Err(e) => unreachable!("the mock's default settings are valid: {e}"),
        }
    }
}

#[cfg(test)]
mod tests;

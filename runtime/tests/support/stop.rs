//! `StopLivePullToPush` as the generator emits it (`generated/src/operations/
//! stop_live_pull_to_push.rs`), written by hand once for the runtime's tests and benches:
//! the runtime must not depend on the generated crate, and the generated client method is
//! one line, `runtime().call(&OPERATION, &input)`, so calling
//! [`Client::call`](livegen_runtime::Client::call) with these is the same code path.
//!
//! The tests include it as `support::stop`, the benches as
//! `#[path = "../tests/support/stop.rs"] mod stop;`. Keep it equal to the generated file:
//! GET only, 10 per second per account, the seven documented errors.

// Each test and bench uses a different subset.
#![allow(dead_code)]

use std::time::Duration;

use livegen_runtime::{
    HttpMethod, Operation, ParamInfo, QpsLimit, QpsScope, RamAuthorization, Service, Shape,
};

/// The Live service, with an empty regional table (tests and benches set the endpoint).
pub static LIVE: Service = Service {
    code: "live",
    version: "2016-11-01",
    default_endpoint: "live.aliyuncs.com",
    endpoint_pattern: "live.{regionId}.aliyuncs.com",
    regional_endpoints: &[],
};

/// `StopLivePullToPush`: GET, 10 per second per account.
pub static STOP: Operation = Operation {
    service: &LIVE,
    action: "StopLivePullToPush",
    summary: "Stops a pulled-stream relay task.",
    path: "/",
    methods: &[HttpMethod::Get],
    qps: Some(QpsLimit {
        limit: 10,
        per: Duration::from_secs(1),
        scope: QpsScope::Account,
    }),
    ram: RamAuthorization {
        action: Some("live:StopLivePullToPush"),
        access_level: Some("update"),
        resources: &["*"],
        condition_keys: &[],
        dependent_actions: &[],
    },
    params: &[
        ParamInfo::query("Region", Shape::STRING).required(),
        ParamInfo::query("TaskId", Shape::STRING).required(),
    ],
    errors: StopError::ERRORS,
    pagination: None,
    deprecated: false,
    idempotency_token: None,
};

/// The input, with the generated serde attributes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StopInput {
    #[serde(rename = "Region")]
    pub region: String,
    #[serde(rename = "TaskId")]
    pub task_id: String,
}

impl StopInput {
    /// A typical input (region `cn-shanghai`).
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            region: "cn-shanghai".to_owned(),
            task_id: task_id.into(),
        }
    }
}

/// The output, with the generated serde attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct StopOutput {
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
    #[serde(rename = "TaskId")]
    pub task_id: Option<String>,
}

livegen_runtime::operation_error! {
    /// The errors of `StopLivePullToPush`, as generated.
    pub enum StopError {
        /// Parameter error.
        InvalidParameter = (400, "InvalidParameter", "%s."),
        /// Your account has not yet activated ApsaraVideo Live.
        LiveServiceNotFound = (400, "LiveServiceNotFound", "Your account does not open Live service yet"),
        /// This aliuid does not have a live domain name.
        CodeInvalidAliUid = (400, "CodeInvalidAliUid", "This aliuid does not have a live domain name."),
        /// The value of start time should be less than the value of end time.
        InvalidParamCodeIllegalDuration = (400, "InvalidParam.CodeIllegalDuration", "%s."),
        /// The task does not exist.
        CodeTaskNotExist = (400, "CodeTaskNotExist", "Task does not exist."),
        /// The task has been stopped (possibly by an earlier attempt of the same call).
        CodeTaskHasStopped = (400, "CodeTaskHasStopped", "The task has been stopped."),
        /// An error occurred on the live API server.
        InternalError = (500, "InternalError", "%s."),
    }
}

//! What the generator emits for `StopLivePullToPush`, written by hand for the benches (as
//! `runtime/tests/support` does for the tests): the runtime must not depend on the
//! generated crate, and the generated client method is one line, `inner.call(&OPERATION,
//! &input)`, so calling [`Client::call`](livegen_runtime::Client::call) with these is the
//! same code path.

// Each bench uses a different subset.
#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use livegen_runtime::{
    CommonError, HttpMethod, Operation, OperationError, ParamInfo, QpsLimit, QpsScope,
    RamAuthorization, Service, ServiceError, Shape,
};

/// The `live` service as generated (regional table cut down: the benches set an endpoint).
pub static LIVE: Service = Service {
    code: "live",
    version: "2016-11-01",
    default_endpoint: "live.aliyuncs.com",
    endpoint_pattern: "live.{regionId}.aliyuncs.com",
    regional_endpoints: &[("cn-shanghai", "live.aliyuncs.com")],
};

/// `StopLivePullToPush` exactly as `generated/src/operations/stop_live_pull_to_push.rs`
/// declares it: GET first, 10 per second per account.
pub static STOP: Operation = Operation {
    service: &LIVE,
    action: "StopLivePullToPush",
    summary: "",
    path: "/",
    methods: &[HttpMethod::Get, HttpMethod::Post],
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
    errors: &[],
    pagination: None,
    deprecated: false,
};

/// The input, with the generated serde attributes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StopInput {
    #[serde(rename = "Region")]
    pub region: &'static str,
    #[serde(rename = "TaskId")]
    pub task_id: String,
}

impl StopInput {
    pub fn new(task_id: impl Into<String>) -> Self {
        Self {
            region: "cn-shanghai",
            task_id: task_id.into(),
        }
    }
}

/// The output, with the generated serde attributes.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
pub struct StopOutput {
    #[serde(rename = "RequestId", default)]
    pub request_id: Option<String>,
    #[serde(rename = "TaskId", default)]
    pub task_id: Option<String>,
}

/// The error enum: the generated one has seven documented codes; the match is the same
/// shape (string compare per code, then `CommonError::classify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopError {
    InvalidParameter(ServiceError),
    LiveServiceNotFound(ServiceError),
    CodeInvalidAliUid(ServiceError),
    InvalidParamCodeIllegalDuration(ServiceError),
    CodeTaskNotExist(ServiceError),
    CodeTaskHasStopped(ServiceError),
    InternalError(ServiceError),
    Common(CommonError),
    Unhandled(ServiceError),
}

impl OperationError for StopError {
    fn from_service_error(error: ServiceError) -> Self {
        match error.code.as_str() {
            "InvalidParameter" => Self::InvalidParameter(error),
            "LiveServiceNotFound" => Self::LiveServiceNotFound(error),
            "CodeInvalidAliUid" => Self::CodeInvalidAliUid(error),
            "InvalidParam.CodeIllegalDuration" => Self::InvalidParamCodeIllegalDuration(error),
            "CodeTaskNotExist" => Self::CodeTaskNotExist(error),
            "CodeTaskHasStopped" => Self::CodeTaskHasStopped(error),
            "InternalError" => Self::InternalError(error),
            _ => match CommonError::classify(error) {
                Ok(common) => Self::Common(common),
                Err(error) => Self::Unhandled(error),
            },
        }
    }

    fn service_error(&self) -> &ServiceError {
        match self {
            Self::InvalidParameter(e)
            | Self::LiveServiceNotFound(e)
            | Self::CodeInvalidAliUid(e)
            | Self::InvalidParamCodeIllegalDuration(e)
            | Self::CodeTaskNotExist(e)
            | Self::CodeTaskHasStopped(e)
            | Self::InternalError(e)
            | Self::Unhandled(e) => e,
            Self::Common(c) => &c.error,
        }
    }
}

impl fmt::Display for StopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.service_error().fmt(f)
    }
}

impl std::error::Error for StopError {}

//! Static descriptions of a service and its operations.
//!
//! Generated crates hold these as `const`s; the runtime reads them to pick an endpoint,
//! sign, rate-limit and label each call. Nothing here is specific to one operation.

/// An HTTP method an RPC action accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// Parameters travel in the query string.
    Get,
    /// Parameters travel in the query string; the body is empty.
    Post,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// A cloud product: its API version and how its endpoint is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Product code, e.g. `live`.
    pub code: &'static str,
    /// API version sent with every call, e.g. `2016-11-01`.
    pub version: &'static str,
    /// Host used when no region id is configured.
    pub default_endpoint: &'static str,
    /// Host pattern for region ids missing from `regional_endpoints`; `{regionId}` is replaced.
    pub endpoint_pattern: &'static str,
    /// Region id → host, sorted by region id.
    pub regional_endpoints: &'static [(&'static str, &'static str)],
}

/// The published request-rate limit of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QpsLimit {
    /// Requests allowed per `per`.
    pub limit: u32,
    /// The window the limit is counted over.
    pub per: std::time::Duration,
    /// Who shares the budget.
    pub scope: QpsScope,
}

/// Who shares a QPS budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QpsScope {
    /// Every caller using the same Alibaba Cloud account (the runtime keys by AccessKey id).
    Account,
    /// All callers of the API together.
    Api,
}

/// RAM authorization an operation requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamAuthorization {
    /// The RAM action, e.g. `live:StopLivePullToPush`.
    pub action: &'static str,
    /// `read`, `list`, `create`, `update` or `delete`.
    pub access_level: &'static str,
    /// Resource patterns the action applies to (`*` for all resources).
    pub resources: &'static [&'static str],
    /// Condition keys the action supports.
    pub condition_keys: &'static [&'static str],
    /// Other actions the caller must also be allowed.
    pub dependent_actions: &'static [&'static str],
}

/// How a parameter is laid out on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamStyle {
    /// `Name=value`.
    Simple,
    /// `Name.1=a&Name.2=b`.
    RepeatList,
    /// `Name=<JSON text>`.
    Json,
}

/// A parameter of an operation, as the service checks it. Typed inputs already enforce
/// this; the table is for tools that see raw requests (a local fake, a proxy, a linter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The wire name, e.g. `TaskId`.
    pub name: &'static str,
    /// Whether a request without it is refused.
    pub required: bool,
    /// The values an enumeration accepts; empty for free-form parameters.
    pub allowed: &'static [&'static str],
    /// The wire layout.
    pub style: ParamStyle,
}

/// An error code an operation documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The code, e.g. `CodeTaskNotExist`.
    pub code: &'static str,
    /// The HTTP status the service answers it with.
    pub http_status: u16,
    /// The message template; `%s` marks a variable part.
    pub message: &'static str,
    /// What the error means, per the documentation (may be empty).
    pub description: &'static str,
}

/// One RPC action of a [`Service`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The service the operation belongs to.
    pub service: &'static Service,
    /// The `Action` name, e.g. `StopLivePullToPush`.
    pub action: &'static str,
    /// The wire path (`/` for RPC actions).
    pub path: &'static str,
    /// Accepted methods; the first is the default.
    pub methods: &'static [HttpMethod],
    /// The published QPS limit, if any.
    pub qps: Option<QpsLimit>,
    /// RAM authorization the call needs.
    pub ram: RamAuthorization,
    /// The parameters, in spec order.
    pub params: &'static [ParamInfo],
    /// The documented error codes, in spec order.
    pub errors: &'static [ErrorInfo],
}

impl Operation {
    /// The documented error `code`, if this operation lists it.
    pub fn error(&self, code: &str) -> Option<&'static ErrorInfo> {
        self.errors.iter().find(|e| e.code == code)
    }
}

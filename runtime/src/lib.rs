//! Runtime support for livegen-generated Alibaba Cloud clients.
//!
//! Generated crates describe operations (shapes, errors, limits) and hand them to
//! [`Client::call`]; everything operations share lives here once:
//!
//! - [`signing`]: ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 RPC (V1) signatures,
//! - [`credentials`]: static, environment and `~/.aliyun/config.json` credentials,
//! - [`endpoint`]: region → host resolution from the spec's endpoint table,
//! - [`limiter`]: client-side QPS limiting from each operation's published limit, per
//!   process or, with the `redis` feature, for a whole fleet,
//! - [`retry`]: backoff with jitter for transient failures,
//! - [`error`]: the service error envelope and the outer [`SdkError`].

#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod limiter;
pub mod operation;
pub mod params;
pub mod retry;
pub mod signing;

pub use client::{CallOutcome, Client, PrepareError, PreparedRequest};
pub use config::{Config, ConfigError, LimiterStore, RateLimit, RedisLimiter, Unavailable};
pub use credentials::Credentials;
pub use error::{CommonError, CommonErrorKind, OperationError, SdkError, ServiceError};
pub use operation::{
    ErrorInfo, HttpMethod, Operation, ParamInfo, ParamStyle, QpsLimit, QpsScope, RamAuthorization,
    Service,
};
pub use params::{InvalidInput, Params, ToParams};
pub use retry::RetryConfig;
pub use signing::SignatureVersion;

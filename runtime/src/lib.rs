//! Runtime support for livegen-generated Alibaba Cloud clients.
//!
//! Generated crates describe operations (shapes, errors, limits) and hand them to
//! [`Client::call`]; everything operations share lives here once:
//!
//! - [`params`]: checking an input against its operation table and laying it out as the
//!   official SDKs do (query pairs and form bodies),
//! - [`signing`]: ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 RPC (V1) signatures,
//! - [`protocol`]: the one list of RPC protocol parameters and who wins a name clash,
//! - [`credentials`]: the official default credentials chain (environment, OIDC,
//!   aliyun CLI profiles, INI file, ECS RAM role, credentials URI, STS), cached and
//!   refreshed before expiry,
//! - [`env`](mod@env): the one injectable reader of environment variables,
//! - [`endpoint`]: region → host resolution from the spec's endpoint table,
//! - [`limiter`]: client-side QPS limiting from each operation's published limit, per
//!   process or, with the `redis` feature, for a whole fleet,
//! - [`pagination`]: paginators, the page loop as `Stream`s of pages and items,
//! - [`retry`]: what is resent, and backoff with jitter for transient failures,
//! - [`idempotency`]: the generated idempotency token (`ClientToken`) of a call,
//! - [`error`]: the service error envelope and the outer [`SdkError`],
//! - `mock` (feature `test-doubles`): an in-process fake service for unit tests of code
//!   that uses a generated client,
//! - `cli` (feature `cli`): the command line built from the operation tables,
//! - the macros generated crates invoke: [`operation_error!`], [`string_enum!`],
//!   [`int_enum!`].

#[cfg(feature = "cli")]
pub mod cli;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod env;
pub mod error;
pub mod idempotency;
pub mod limiter;
mod macros;
#[cfg(feature = "test-doubles")]
pub mod mock;
pub mod operation;
pub mod pagination;
pub mod params;
pub mod protocol;
pub mod retry;
pub mod signing;

pub use client::{CallOptions, CallOutcome, Client, PrepareError, PreparedRequest};
pub use config::{Config, ConfigError, LimiterStore, RateLimit, RedisLimiter, Unavailable};
pub use credentials::Credentials;
pub use error::{
    CommonError, CommonErrorKind, OperationError, SdkError, ServiceError, sanitize_text,
};
pub use operation::{
    ErrorInfo, FieldInfo, HttpMethod, ListShape, Operation, ParamInfo, ParamLocation, ParamStyle,
    QpsLimit, QpsScope, RamAuthorization, Service, Shape,
};
pub use pagination::{Items, PageStyle, Pages, Pagination, Paginator};
pub use params::{Encoded, InvalidInput, encode};
pub use retry::RetryConfig;

// For the macros' expansions, so generated code needs no serde import of its own.
#[doc(hidden)]
pub use serde as __serde;
pub use signing::SignatureVersion;

//! Credentials and where they come from: the official default chain, each source in a
//! file of its own (as aws-config does), the environment injected.
//!
//! | Source | File | Type |
//! |---|---|---|
//! | keys given in code | `provider.rs` | [`StaticCredentials`], [`Credentials`] |
//! | `ALIBABA_CLOUD_ACCESS_KEY_ID`, … | `environment.rs` | [`EnvironmentCredentials`] |
//! | OIDC / RRSA (`AssumeRoleWithOIDC`) | `oidc.rs` | [`OidcRoleArnCredentials`] |
//! | `~/.aliyun/config.json` profiles | `profile.rs` | [`ProfileCredentials`] |
//! | `~/.alibabacloud/credentials` INI | `ini.rs` | [`IniCredentials`] |
//! | ECS RAM role (instance metadata) | `ecs.rs` | [`EcsRamRoleCredentials`] |
//! | `ALIBABA_CLOUD_CREDENTIALS_URI` | `uri.rs` | [`UriCredentials`] |
//! | STS `AssumeRole` (`RamRoleArn`) | `sts.rs` | [`RamRoleArnCredentials`] |
//! | a command (`External`) | `external.rs` | [`ExternalCredentials`] |
//! | the default chain | `chain.rs` | [`DefaultCredentialsChain`] |
//! | cache and refresh | `cache.rs` | [`CredentialsCache`] |
//!
//! Every source is async ([`ProvideCredentials::provide`] returns a future); temporary
//! credentials carry an expiry and sit behind a [`CredentialsCache`]. STS calls go
//! through the runtime's own [`Client`](crate::Client) with two operation tables.
//! Secrets never appear in `Debug` output, logs or errors. Environment lookups go through
//! an injected [`EnvLookup`], so tests need not touch the process environment.

mod built;
mod cache;
mod chain;
mod ecs;
mod environment;
mod error;
mod external;
mod fetch;
mod ini;
mod oidc;
mod profile;
mod provider;
mod sts;
mod uri;

pub use self::cache::{CredentialsCache, RefreshWindows};
pub use self::chain::DefaultCredentialsChain;
pub use self::ecs::{
    DEFAULT_METADATA_ENDPOINT, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED,
    ENV_ECS_METADATA_ENDPOINT, ENV_IMDSV1_DISABLED, EcsOptions, EcsRamRoleCredentials,
};
pub use self::environment::{
    ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_PROFILE, ENV_SECURITY_TOKEN,
    EnvironmentCredentials,
};
pub use self::error::CredentialsError;
pub use self::external::{DEFAULT_EXTERNAL_TIMEOUT, ExternalCredentials};
pub use self::ini::{ENV_CREDENTIALS_FILE, IniCredentials};
pub use self::oidc::{ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, OidcRoleArnCredentials};
pub use self::profile::{ENV_CLI_PROFILE_DISABLED, ProfileCredentials};
pub use self::provider::{Credentials, ProvideCredentials, ProvideFuture, StaticCredentials};
pub use self::sts::{
    ASSUME_ROLE, ASSUME_ROLE_WITH_OIDC, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_STS_ENDPOINT,
    ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED, RamRoleArnCredentials, STS_SERVICE, StsError,
    StsOptions,
};
pub use self::uri::{ENV_CREDENTIALS_URI, UriCredentials};
pub use crate::env::EnvLookup;

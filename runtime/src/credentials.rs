//! Credentials and where they come from.
//!
//! Sources, each a [`ProvideCredentials`] in a file of its own:
//!
//! - [`StaticCredentials`] (`provider.rs`) holds a key pair given in code;
//! - [`EnvironmentCredentials`] (`environment.rs`) reads `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!   `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and optionally `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! - [`ProfileCredentials`] (`profile.rs`) reads a profile of the aliyun CLI's
//!   `~/.aliyun/config.json`;
//! - [`DefaultCredentialsChain`] (`chain.rs`) tries the environment, then the profile.
//!
//! Secrets never appear in `Debug` output or in errors. Environment lookups go through an
//! injected [`EnvLookup`], so tests need not touch the process environment.

mod chain;
mod environment;
mod error;
mod profile;
mod provider;

pub use self::chain::DefaultCredentialsChain;
pub use self::environment::{
    ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_PROFILE, ENV_SECURITY_TOKEN,
    EnvironmentCredentials,
};
pub use self::error::CredentialsError;
pub use self::profile::ProfileCredentials;
pub use self::provider::{Credentials, ProvideCredentials, StaticCredentials};
pub use crate::env::EnvLookup;

//! The default chain: each source in turn, the first with credentials wins.

use super::{
    Credentials, CredentialsError, EnvironmentCredentials, ProfileCredentials, ProvideCredentials,
};
use crate::env::EnvLookup;

/// The environment, then the aliyun CLI profile; the first that has credentials wins.
///
/// A source with nothing configured is skipped; a source that is configured but broken
/// (a half-set environment, a malformed file, an unsupported mode) stops the chain,
/// because silently falling through to other keys could act on the wrong account.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl DefaultCredentialsChain {
    /// Environment variables, then `~/.aliyun/config.json`, read from the process
    /// environment.
    pub fn new() -> Self {
        Self::with_env(EnvLookup::process())
    }

    /// The same sources, reading variables (including HOME and ALIBABA_CLOUD_PROFILE)
    /// through `env`.
    pub fn with_env(env: EnvLookup) -> Self {
        let profile = ProfileCredentials::with_env(&env);
        Self::from_providers(vec![
            Box::new(EnvironmentCredentials::with_env(env)),
            Box::new(profile),
        ])
    }

    /// Any sources, tried in order.
    pub fn from_providers(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let mut failures = Vec::new();
        for provider in &self.providers {
            match provider.provide() {
                Ok(credentials) => return Ok(credentials),
                Err(error) => {
                    let go_on = error.is_not_configured();
                    failures.push(error);
                    if !go_on {
                        break;
                    }
                }
            }
        }
        Err(CredentialsError::Chain(failures))
    }
}

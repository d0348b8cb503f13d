//! The default chain, in the official order (`DefaultCredentialsProvider` of
//! `alibabacloud-credentials`):
//!
//! 1. environment variables,
//! 2. the OIDC role (RRSA) when its three variables are set,
//! 3. the aliyun CLI's `~/.aliyun/config.json`,
//! 4. the credentials INI file,
//! 5. the ECS instance's RAM role, unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is `true`,
//! 6. `ALIBABA_CLOUD_CREDENTIALS_URI` when set.
//!
//! A source with nothing configured (variables unset, no file, no metadata service
//! answering) passes to the next one, as in the official chain. A source that is
//! configured but broken (half-set variables, a malformed file, an unsupported mode, STS
//! refusing the role) stops the chain with its reason: the official chain would go on,
//! but quietly signing with another source's keys can act on the wrong account. Either
//! way the error lists every source tried and what each said. The chain remembers the
//! source that worked and asks only that one from then on.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::ecs::{ENV_ECS_METADATA_DISABLED, EcsRamRoleCredentials};
use super::ini::IniCredentials;
use super::oidc::OidcRoleArnCredentials;
use super::uri::{ENV_CREDENTIALS_URI, UriCredentials};
use super::{
    CredentialsError, EnvironmentCredentials, ProfileCredentials, ProvideCredentials, ProvideFuture,
};
use crate::env::EnvLookup;

/// No source has worked yet.
const NONE: usize = usize::MAX;

/// The official default chain (see the module docs); the first source with credentials
/// wins and is remembered.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
    last_used: AtomicUsize,
}

impl DefaultCredentialsChain {
    /// The official chain, reading the process environment.
    pub fn new() -> Self {
        Self::with_env(EnvLookup::process())
    }

    /// The official chain, reading every variable (HOME, ALIBABA_CLOUD_PROFILE, the STS
    /// and metadata settings, …) through `env`.
    pub fn with_env(env: EnvLookup) -> Self {
        let mut providers: Vec<Box<dyn ProvideCredentials>> =
            vec![Box::new(EnvironmentCredentials::with_env(env.clone()))];
        match OidcRoleArnCredentials::with_env(&env) {
            Ok(oidc) => providers.push(Box::new(oidc)),
            Err(error) => providers.push(Box::new(Skipped(error))),
        }
        providers.push(Box::new(ProfileCredentials::with_env(&env)));
        providers.push(Box::new(IniCredentials::with_env(&env)));
        if env.flag(ENV_ECS_METADATA_DISABLED) {
            providers.push(Box::new(Skipped(CredentialsError::NotConfigured {
                provider: "ECS instance metadata".to_owned(),
                reason: format!("{ENV_ECS_METADATA_DISABLED} is true"),
            })));
        } else {
            providers.push(Box::new(EcsRamRoleCredentials::with_env(&env)));
        }
        match UriCredentials::with_env(&env) {
            Some(uri) => providers.push(Box::new(uri)),
            None => providers.push(Box::new(Skipped(CredentialsError::NotConfigured {
                provider: "credentials URI".to_owned(),
                reason: format!("{ENV_CREDENTIALS_URI} is not set"),
            }))),
        }
        Self::from_providers(providers)
    }

    /// Any sources, tried in order.
    pub fn from_providers(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self {
            providers,
            last_used: AtomicUsize::new(NONE),
        }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let last = self.last_used.load(Ordering::Acquire);
            if let Some(provider) = self.providers.get(last) {
                return provider.provide().await;
            }
            let mut failures = Vec::new();
            for (index, provider) in self.providers.iter().enumerate() {
                match provider.provide().await {
                    Ok(credentials) => {
                        self.last_used.store(index, Ordering::Release);
                        return Ok(credentials);
                    }
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
        })
    }
}

/// A source the environment leaves out; it reports why, so the chain's error lists it.
#[derive(Debug)]
struct Skipped(CredentialsError);

impl ProvideCredentials for Skipped {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(Err(self.0.clone())))
    }
}

//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
//! `ALIBABA_CLOUD_SECURITY_TOKEN`.

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use crate::env::EnvLookup;

/// The variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The variable holding an STS token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The variable naming the aliyun CLI profile to use.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
/// optionally, `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentCredentials {
    env: EnvLookup,
}

impl EnvironmentCredentials {
    /// Reads the process environment (at each [`ProvideCredentials::provide`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads variables through `env` instead.
    pub fn with_env(env: EnvLookup) -> Self {
        Self { env }
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(self.read()))
    }
}

impl EnvironmentCredentials {
    /// The credentials the variables hold now.
    fn read(&self) -> Result<Credentials, CredentialsError> {
        let provider = "environment variables".to_owned();
        let id = self.env.get(ENV_ACCESS_KEY_ID);
        let secret = self.env.get(ENV_ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::NotConfigured {
                    provider,
                    reason: format!("{ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} are not set"),
                });
            }
            (Some(_), None) => {
                return Err(CredentialsError::Invalid {
                    provider,
                    reason: format!(
                        "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
                    ),
                });
            }
            (None, Some(_)) => {
                return Err(CredentialsError::Invalid {
                    provider,
                    reason: format!(
                        "{ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
                    ),
                });
            }
        };
        let credentials = Credentials::new(id, secret);
        Ok(match self.env.get(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

//! RRSA on ACK: an OIDC token file exchanged with STS `AssumeRoleWithOIDC` for
//! temporary credentials of a RAM role.
//!
//! The token file is read again at every refresh, since the kubelet rotates it.

use std::path::PathBuf;

use super::sts::{self, ENV_ROLE_ARN, StsOptions};
use super::{Credentials, CredentialsCache, CredentialsError, ProvideCredentials, ProvideFuture};
use crate::env::EnvLookup;

/// The OIDC provider's ARN.
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// The file holding the OIDC token.
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

/// The largest token file read; real tokens are about 1 KiB.
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// Credentials of a RAM role for an OIDC token (RRSA), cached and refreshed.
#[derive(Debug, Clone)]
pub struct OidcRoleArnCredentials {
    cache: CredentialsCache,
}

impl OidcRoleArnCredentials {
    /// Assumes `role_arn` through `provider_arn` with the token in `token_file`.
    pub fn new(
        role_arn: impl Into<String>,
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
        options: StsOptions,
    ) -> Self {
        let role_arn = role_arn.into();
        let name = format!("STS AssumeRoleWithOIDC ({role_arn})");
        Self {
            cache: CredentialsCache::new(
                name.clone(),
                Fetcher {
                    name,
                    role_arn,
                    provider_arn: provider_arn.into(),
                    token_file: token_file.into(),
                    options,
                },
            ),
        }
    }

    /// From [`ENV_ROLE_ARN`], [`ENV_OIDC_PROVIDER_ARN`] and [`ENV_OIDC_TOKEN_FILE`] (and
    /// the STS variables of [`StsOptions::from_env`]).
    ///
    /// # Errors
    ///
    /// [`CredentialsError::NotConfigured`] when none of the three is set;
    /// [`CredentialsError::Invalid`] naming the missing ones when only some are.
    pub fn with_env(env: &EnvLookup) -> Result<Self, CredentialsError> {
        let names = [ENV_ROLE_ARN, ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE];
        let values: Vec<Option<String>> = names.iter().map(|name| env.get(name)).collect();
        let provider = "OIDC role (RRSA)".to_owned();
        match values.as_slice() {
            [Some(role), Some(provider_arn), Some(file)] => Ok(Self::new(
                role.clone(),
                provider_arn.clone(),
                file.clone(),
                StsOptions::from_env(env),
            )),
            _ if values.iter().all(Option::is_none) => Err(CredentialsError::NotConfigured {
                provider,
                reason: format!("{} are not set", names.join(", ")),
            }),
            _ => {
                let missing: Vec<&str> = names
                    .iter()
                    .zip(&values)
                    .filter(|(_, value)| value.is_none())
                    .map(|(name, _)| *name)
                    .collect();
                Err(CredentialsError::Invalid {
                    provider,
                    reason: format!("{} not set, though the others are", missing.join(", ")),
                })
            }
        }
    }
}

impl ProvideCredentials for OidcRoleArnCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.cache.provide()
    }
}

#[derive(Debug)]
struct Fetcher {
    name: String,
    role_arn: String,
    provider_arn: String,
    token_file: PathBuf,
    options: StsOptions,
}

impl ProvideCredentials for Fetcher {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl Fetcher {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = self.token().map_err(|reason| CredentialsError::Invalid {
            provider: self.name.clone(),
            reason,
        })?;
        sts::assume_role_with_oidc(&self.options, &self.role_arn, &self.provider_arn, &token)
            .await
            .map_err(|reason| CredentialsError::Unavailable {
                provider: self.name.clone(),
                reason,
            })
    }

    fn token(&self) -> Result<String, String> {
        let path = self.token_file.display();
        let metadata = std::fs::metadata(&self.token_file)
            .map_err(|e| format!("cannot read the OIDC token file {path}: {e}"))?;
        if metadata.len() > MAX_TOKEN_BYTES {
            return Err(format!(
                "the OIDC token file {path} is larger than {} KiB",
                MAX_TOKEN_BYTES / 1024
            ));
        }
        let text = std::fs::read_to_string(&self.token_file)
            .map_err(|e| format!("cannot read the OIDC token file {path}: {e}"))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(format!("the OIDC token file {path} is empty"));
        }
        Ok(token.to_owned())
    }
}

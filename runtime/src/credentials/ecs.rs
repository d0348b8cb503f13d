//! Credentials of the ECS instance's RAM role, from the instance metadata service.
//!
//! As the official providers do: a session token first (IMDSv2, `PUT /latest/api/token`),
//! then the role name (`ALIBABA_CLOUD_ECS_METADATA`, or the first role the service
//! lists), then the credentials document. Without a token the requests go out as IMDSv1,
//! unless `ALIBABA_CLOUD_IMDSV1_DISABLED` is `true`. Timeouts are short (1 s), since off
//! ECS nothing answers.

use std::time::Duration;

use super::fetch::{self, Fetched, SendError};
use super::{
    Credentials, CredentialsCache, CredentialsError, ProvideCredentials, ProvideFuture,
    RefreshWindows,
};
use crate::env::EnvLookup;

/// The role name to use (otherwise the first role the service lists).
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` leaves the metadata service out of the default chain.
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` forbids falling back to IMDSv1 (requests without a session token).
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// The metadata service's base URL (livegen only; the official SDKs have no such
/// variable). For tests and proxies.
pub const ENV_ECS_METADATA_ENDPOINT: &str = "LIVEGEN_ECS_METADATA_ENDPOINT";

/// Where the metadata service answers on every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
/// The official session-token lifetime: six hours.
const TOKEN_TTL_SECONDS: u32 = 21_600;

/// How to reach the metadata service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsOptions {
    /// The RAM role; `None` asks the service.
    pub role_name: Option<String>,
    /// The service's base URL, [`DEFAULT_METADATA_ENDPOINT`] unless overridden.
    pub endpoint: String,
    /// Refuse IMDSv1 (a request without a session token).
    pub imds_v1_disabled: bool,
    /// Connect and whole-request timeout of each request (official: 1 s each).
    pub timeout: Duration,
}

impl Default for EcsOptions {
    fn default() -> Self {
        Self {
            role_name: None,
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            imds_v1_disabled: false,
            timeout: Duration::from_secs(1),
        }
    }
}

impl EcsOptions {
    /// The options the variables set: [`ENV_ECS_METADATA`], [`ENV_IMDSV1_DISABLED`],
    /// [`ENV_ECS_METADATA_ENDPOINT`].
    pub fn from_env(env: &EnvLookup) -> Self {
        Self {
            role_name: env.get(ENV_ECS_METADATA),
            endpoint: env
                .get(ENV_ECS_METADATA_ENDPOINT)
                .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned()),
            imds_v1_disabled: env.flag(ENV_IMDSV1_DISABLED),
            ..Self::default()
        }
    }
}

/// The ECS instance's RAM role credentials, cached and refreshed
/// ([`RefreshWindows::metadata_service`]).
#[derive(Debug, Clone)]
pub struct EcsRamRoleCredentials {
    cache: CredentialsCache,
}

impl EcsRamRoleCredentials {
    /// The metadata service as `options` say.
    pub fn new(options: EcsOptions) -> Self {
        let name = describe(options.role_name.as_deref());
        Self {
            cache: CredentialsCache::with_windows(
                name,
                Fetcher { options },
                RefreshWindows::metadata_service(),
            ),
        }
    }

    /// The metadata service as the variables say ([`EcsOptions::from_env`]).
    pub fn with_env(env: &EnvLookup) -> Self {
        Self::new(EcsOptions::from_env(env))
    }
}

impl ProvideCredentials for EcsRamRoleCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.cache.provide()
    }
}

fn describe(role: Option<&str>) -> String {
    match role {
        Some(role) => format!("ECS instance metadata (role `{role}`)"),
        None => "ECS instance metadata".to_owned(),
    }
}

/// One uncached fetch.
#[derive(Debug)]
struct Fetcher {
    options: EcsOptions,
}

impl ProvideCredentials for Fetcher {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl Fetcher {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let unavailable = |reason: String| CredentialsError::Unavailable {
            provider: describe(self.options.role_name.as_deref()),
            reason,
        };
        let http = fetch::http_client(self.options.timeout).map_err(unavailable)?;
        let token = match self.token(&http).await {
            Ok(token) => Some(token),
            Err(error) if self.options.imds_v1_disabled => {
                return Err(unavailable(format!(
                    "no IMDSv2 session token ({error}) and {ENV_IMDSV1_DISABLED} forbids IMDSv1"
                )));
            }
            Err(error) => {
                tracing::debug!(%error, "no IMDSv2 session token; using IMDSv1");
                None
            }
        };
        let role = match &self.options.role_name {
            Some(role) => role.clone(),
            None => {
                let body = match self.get(&http, ROLES_PATH, token.as_deref()).await {
                    Ok(body) => body,
                    // Nothing listens: not on ECS, so this source is simply not there.
                    Err(error) if error.unreachable && token.is_none() => {
                        return Err(CredentialsError::NotConfigured {
                            provider: describe(None),
                            reason: format!(
                                "nothing answers at {} (not on ECS?): {error}",
                                self.base()
                            ),
                        });
                    }
                    Err(error) => {
                        return Err(unavailable(format!(
                            "cannot list the instance's RAM roles: {error}"
                        )));
                    }
                };
                let text = String::from_utf8_lossy(&body);
                match text.lines().map(str::trim).find(|line| !line.is_empty()) {
                    Some(role) => role.to_owned(),
                    None => {
                        return Err(unavailable(
                            "the instance has no RAM role attached".to_owned(),
                        ));
                    }
                }
            }
        };
        let provider = describe(Some(&role));
        let path = format!("{ROLES_PATH}{role}");
        let body = self
            .get(&http, &path, token.as_deref())
            .await
            .map_err(|error| CredentialsError::Unavailable {
                provider: provider.clone(),
                reason: error.reason,
            })?;
        fetch::parse_document(&body).map_err(|reason| CredentialsError::Unavailable {
            provider,
            reason: format!("unusable credentials document: {reason}"),
        })
    }

    async fn token(&self, http: &reqwest::Client) -> Result<String, SendError> {
        let request = http
            .put(format!("{}{TOKEN_PATH}", self.base()))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string());
        let Fetched { status, body } = fetch::send(request, self.options.timeout).await?;
        if status != 200 {
            return Err(SendError::answered(format!(
                "PUT {TOKEN_PATH} answered HTTP {status}"
            )));
        }
        String::from_utf8(body)
            .ok()
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .ok_or_else(|| SendError::answered(format!("PUT {TOKEN_PATH} answered no token")))
    }

    /// GET with the token if there is one; on failure with a token, once more without
    /// (IMDSv1), unless that is disabled.
    async fn get(
        &self,
        http: &reqwest::Client,
        path: &str,
        token: Option<&str>,
    ) -> Result<Vec<u8>, SendError> {
        let first = self.get_once(http, path, token).await;
        match first {
            Err(error) if token.is_some() && !self.options.imds_v1_disabled => {
                tracing::debug!(%error, "metadata request with a token failed; trying IMDSv1");
                self.get_once(http, path, None).await
            }
            other => other,
        }
    }

    async fn get_once(
        &self,
        http: &reqwest::Client,
        path: &str,
        token: Option<&str>,
    ) -> Result<Vec<u8>, SendError> {
        let mut request = http.get(format!("{}{path}", self.base()));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let Fetched { status, body } = fetch::send(request, self.options.timeout).await?;
        if status != 200 {
            return Err(SendError::answered(format!(
                "GET {path} answered HTTP {status}"
            )));
        }
        Ok(body)
    }

    fn base(&self) -> &str {
        self.options.endpoint.trim_end_matches('/')
    }
}

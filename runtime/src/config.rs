//! Client configuration: credentials, region, endpoint, signing, retries, timeouts and
//! rate limiting.
//!
//! Build one with [`Config::builder`] or [`Config::from_env`]; everything is validated once,
//! in [`ConfigBuilder::build`], so a [`Client`](crate::Client) never meets a setting it
//! cannot use.

use std::env::VarError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{DefaultCredentialsChain, ProvideCredentials};
use crate::endpoint::{Endpoint, InvalidEndpoint, check_region_id};
#[cfg(test)]
use crate::limiter::store::redact_url;
pub use crate::limiter::store::{
    DEFAULT_LIMITER_MARGIN, DEFAULT_LIMITER_TIMEOUT, LimiterStore, RATE_LIMIT_URL_ENV, RateLimit,
    RedisLimiter, Unavailable,
};
pub use crate::retry::RetryConfig;
use crate::signing::SignatureVersion;

/// The environment variable [`Config::from_env`] reads the region id from.
pub const REGION_ID_ENV: &str = "ALIBABA_CLOUD_REGION_ID";

/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The default per-attempt timeout (request sent and answer read).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `User-Agent` sent unless configured otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("livegen-runtime/", env!("CARGO_PKG_VERSION"));

/// Validated client settings. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    credentials: Arc<dyn ProvideCredentials>,
    region_id: Option<String>,
    endpoint: Option<Endpoint>,
    network: Option<String>,
    signature_version: SignatureVersion,
    retry: RetryConfig,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    rate_limit: RateLimit,
    limiter_store: LimiterStore,
    limiter_margin: Duration,
    user_agent: String,
}

impl Config {
    /// A builder with every default in place.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Defaults, the default credentials chain, and the region id from
    /// `ALIBABA_CLOUD_REGION_ID` (unset or empty means no region: the service's default
    /// endpoint).
    ///
    /// Credentials are not resolved here but on every call, so rotated or refreshed
    /// credentials are picked up; a missing credential shows up as
    /// [`SdkError::Construction`](crate::SdkError::Construction) on the first call.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name))
    }

    fn from_lookup(
        lookup: impl Fn(&str) -> Result<String, VarError>,
    ) -> Result<Config, ConfigError> {
        let mut builder = Config::builder();
        match lookup(REGION_ID_ENV) {
            Ok(region) if region.trim().is_empty() => {}
            Ok(region) => {
                let region = region.trim();
                check_region_id(region).map_err(|reason| ConfigError::InvalidEnvironment {
                    variable: REGION_ID_ENV,
                    reason: format!("`{region}` is not a region id: {reason}"),
                })?;
                builder = builder.region_id(region);
            }
            Err(VarError::NotPresent) => {}
            Err(VarError::NotUnicode(_)) => {
                return Err(ConfigError::InvalidEnvironment {
                    variable: REGION_ID_ENV,
                    reason: "the value is not valid UTF-8".to_owned(),
                });
            }
        }
        match lookup(RATE_LIMIT_URL_ENV) {
            Ok(url) if url.trim().is_empty() => {}
            Ok(url) => {
                let redis = RedisLimiter::new(url.trim());
                redis
                    .check()
                    .map_err(|reason| ConfigError::InvalidEnvironment {
                        variable: RATE_LIMIT_URL_ENV,
                        reason,
                    })?;
                builder = builder.limiter_store(LimiterStore::Redis(redis));
            }
            Err(VarError::NotPresent) => {}
            Err(VarError::NotUnicode(_)) => {
                return Err(ConfigError::InvalidEnvironment {
                    variable: RATE_LIMIT_URL_ENV,
                    reason: "the value is not valid UTF-8".to_owned(),
                });
            }
        }
        builder.build()
    }

    /// A builder holding this configuration, to derive a variant of it.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            credentials: Some(Arc::clone(&self.credentials)),
            region_id: self.region_id.clone(),
            endpoint_url: self.endpoint.as_ref().map(Endpoint::to_string),
            network: self.network.clone(),
            signature_version: self.signature_version,
            retry: self.retry,
            connect_timeout: self.connect_timeout,
            attempt_timeout: self.attempt_timeout,
            rate_limit: self.rate_limit,
            limiter_store: self.limiter_store.clone(),
            limiter_margin: self.limiter_margin,
            user_agent: self.user_agent.clone(),
        }
    }

    /// Where credentials come from.
    pub fn credentials_provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.credentials
    }

    /// The region id, if configured.
    pub fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }

    /// The explicit endpoint, if configured; it overrides region-based resolution.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// The network endpoints are chosen for (`vpc`…), if configured; see
    /// [`endpoint::resolve_on_network`](crate::endpoint::resolve_on_network).
    pub fn network(&self) -> Option<&str> {
        self.network.as_deref()
    }

    /// The signature algorithm.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// How long establishing a connection may take.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// How long one attempt may take, from sending the request to reading the whole answer.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }

    /// The client-side QPS limiting mode.
    pub fn rate_limit(&self) -> RateLimit {
        self.rate_limit
    }

    /// Where the rate limiter keeps its schedule.
    pub fn limiter_store(&self) -> &LimiterStore {
        &self.limiter_store
    }

    /// How much longer than the published window every `limit` requests are made to span.
    pub fn limiter_margin(&self) -> Duration {
        self.limiter_margin
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

impl fmt::Debug for Config {
    // Providers' own Debug impls redact secrets; nothing else here is secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials)
            .field("region_id", &self.region_id)
            .field("endpoint", &self.endpoint.as_ref().map(Endpoint::to_string))
            .field("network", &self.network)
            .field("signature_version", &self.signature_version)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("rate_limit", &self.rate_limit)
            .field("limiter_store", &self.limiter_store)
            .field("limiter_margin", &self.limiter_margin)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Collects settings for a [`Config`]; [`build`](Self::build) validates them.
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region_id: Option<String>,
    endpoint_url: Option<String>,
    network: Option<String>,
    signature_version: SignatureVersion,
    retry: RetryConfig,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    rate_limit: RateLimit,
    limiter_store: LimiterStore,
    limiter_margin: Duration,
    user_agent: String,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            region_id: None,
            endpoint_url: None,
            network: None,
            signature_version: SignatureVersion::default(),
            retry: RetryConfig::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            rate_limit: RateLimit::default(),
            limiter_store: LimiterStore::default(),
            limiter_margin: DEFAULT_LIMITER_MARGIN,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

impl ConfigBuilder {
    /// Uses `provider` for credentials (default: the default credentials chain).
    pub fn credentials(self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials_provider(Arc::new(provider))
    }

    /// Uses a shared `provider` for credentials.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Sets the region id, e.g. `cn-shanghai`, used to pick the endpoint.
    pub fn region_id(mut self, region_id: impl Into<String>) -> Self {
        self.region_id = Some(region_id.into());
        self
    }

    /// Sends every call to this URL (`http` or `https`, host and optional port only)
    /// instead of the region's endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Chooses endpoints for a network such as `vpc` (from a VPC without internet
    /// access): hosts from the service's pattern or default become
    /// `<product>-<network>.…`, as in the official SDKs' `network` setting; `public`
    /// is the default.
    pub fn network(mut self, network: impl Into<String>) -> Self {
        self.network = Some(network.into());
        self
    }

    /// Chooses the signature algorithm (default V3, `ACS3-HMAC-SHA256`).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Sets the retry policy (default: 3 attempts, 100 ms to 5 s backoff).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the connect timeout (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the per-attempt timeout covering the request and the whole answer (default 10 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the client-side QPS limiting mode (default: each operation's published limit).
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// Sets where the rate limiter keeps its schedule (default: one per process).
    pub fn limiter_store(mut self, store: LimiterStore) -> Self {
        self.limiter_store = store;
        self
    }

    /// Shares the rate limiter's schedule through the Redis server at `url`
    /// (`redis://host:port/db`), so the published limit holds for every process using
    /// it: the same as [`limiter_store`](Self::limiter_store) with
    /// [`LimiterStore::Redis`] and its defaults.
    pub fn rate_limit_url(self, url: impl Into<String>) -> Self {
        self.limiter_store(LimiterStore::Redis(RedisLimiter::new(url)))
    }

    /// Sets how much longer than the published window every `limit` requests must span
    /// (default [`DEFAULT_LIMITER_MARGIN`]); zero trusts timers and network to be exact.
    pub fn limiter_margin(mut self, margin: Duration) -> Self {
        self.limiter_margin = margin;
        self
    }

    /// Sets the `User-Agent` header value.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Whether credentials were set (the mock fills in fake ones otherwise).
    #[cfg(feature = "test-doubles")]
    pub(crate) fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// Validates the settings.
    pub fn build(self) -> Result<Config, ConfigError> {
        if let Some(region) = &self.region_id {
            check_region_id(region).map_err(|reason| ConfigError::InvalidRegionId {
                region_id: region.clone(),
                reason,
            })?;
        }
        if let Some(network) = self.network.as_deref().filter(|n| !n.is_empty()) {
            check_region_id(network).map_err(|reason| ConfigError::InvalidNetwork {
                network: network.to_owned(),
                reason,
            })?;
        }
        let endpoint = self
            .endpoint_url
            .as_deref()
            .map(Endpoint::parse)
            .transpose()?;
        for (name, value) in [
            ("connect_timeout", self.connect_timeout),
            ("attempt_timeout", self.attempt_timeout),
        ] {
            if value.is_zero() {
                return Err(ConfigError::InvalidTimeout { name });
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(ConfigError::InvalidRetry(
                "max_attempts must be at least 1 (1 disables retries)".to_owned(),
            ));
        }
        if let RateLimit::Override(limit) = self.rate_limit
            && (limit.limit == 0 || limit.per.is_zero())
        {
            return Err(ConfigError::InvalidRateLimit(format!(
                "{} per {:?} allows no request; use RateLimit::Disabled to turn limiting off",
                limit.limit, limit.per
            )));
        }
        if let LimiterStore::Redis(redis) = &self.limiter_store {
            redis.check().map_err(ConfigError::InvalidRateLimit)?;
        }
        if reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(ConfigError::InvalidUserAgent(self.user_agent));
        }
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new()));
        Ok(Config {
            credentials,
            region_id: self.region_id,
            endpoint,
            network: self.network,
            signature_version: self.signature_version,
            retry: self.retry,
            connect_timeout: self.connect_timeout,
            attempt_timeout: self.attempt_timeout,
            rate_limit: self.rate_limit,
            limiter_store: self.limiter_store,
            limiter_margin: self.limiter_margin,
            user_agent: self.user_agent,
        })
    }
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The endpoint URL is malformed or not usable for signed calls.
    #[error(transparent)]
    InvalidEndpoint(#[from] InvalidEndpoint),
    /// The region id cannot be part of a host name.
    #[error("invalid region id `{region_id}`: {reason}")]
    InvalidRegionId {
        /// The region id as given.
        region_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The network cannot be part of a host name.
    #[error("invalid network `{network}`: {reason}")]
    InvalidNetwork {
        /// The network as given.
        network: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An environment variable holds an unusable value.
    #[error("invalid environment variable {variable}: {reason}")]
    InvalidEnvironment {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// A timeout is zero.
    #[error("{name} must be greater than zero")]
    InvalidTimeout {
        /// Which timeout.
        name: &'static str,
    },
    /// The retry policy is unusable.
    #[error("invalid retry policy: {0}")]
    InvalidRetry(String),
    /// The rate-limit override is unusable.
    #[error("invalid rate limit: {0}")]
    InvalidRateLimit(String),
    /// The user agent is not a valid HTTP header value.
    #[error("invalid user agent {0:?}: not a valid HTTP header value")]
    InvalidUserAgent(String),
}

#[cfg(test)]
mod tests;

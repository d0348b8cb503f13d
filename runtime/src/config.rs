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
use crate::endpoint::{Endpoint, InvalidEndpoint};
use crate::operation::QpsLimit;
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

/// The environment variable [`Config::from_env`] reads a shared rate limiter's URL from,
/// e.g. `redis://redis.internal:6379/0` (see [`LimiterStore::Redis`]).
pub const RATE_LIMIT_URL_ENV: &str = "LIVEGEN_RATE_LIMIT_URL";

/// How much longer than the published window the limiter makes every `limit` requests
/// span, to absorb timer and network jitter: 30 ms.
///
/// At 10 requests per second the client then sends at most 10 requests in any 1.03 s
/// (9.7/s), so a request that reaches the service up to 30 ms later than its neighbours
/// still finds no window of 1 s holding 11. Measured on loopback on a loaded 2-core
/// machine (BENCHMARKS.md §5), arrivals ate up to 16 ms of a 20 ms margin and one burst
/// of 100 had a request refused; with 30 ms no row was refused and at most 24 ms were
/// eaten, while the sustained rate stays above 9.5/s (which rules out much more).
pub const DEFAULT_LIMITER_MARGIN: Duration = Duration::from_millis(30);

/// How long a shared limiter's store may take to connect or answer before the client
/// falls back (or fails, see [`Unavailable`]): 200 ms.
pub const DEFAULT_LIMITER_TIMEOUT: Duration = Duration::from_millis(200);

/// Where the rate limiter keeps its schedule, i.e. who shares an account's budget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimiterStore {
    /// One schedule per process: every [`Client`](crate::Client) in the process, clones
    /// or not, shares the budget of an account and action.
    #[default]
    Process,
    /// A schedule of this client's own, shared only by its clones. For tests and tools
    /// that talk to several independent services in one process.
    Client,
    /// A schedule in Redis, shared by every process (on any host) that uses the same
    /// Redis server: the account's limit holds for a whole fleet. Needs the runtime's
    /// `redis` feature; without it the client warns once and uses [`Process`](Self::Process).
    Redis(RedisLimiter),
}

/// What a shared limiter does when its store cannot be reached in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unavailable {
    /// Warn once, then space calls with this process's own limiter until the store
    /// answers again. No call is lost or sent twice; other processes' calls are not
    /// counted meanwhile.
    #[default]
    FallBackToProcess,
    /// Fail the call before anything is sent, with an error naming the store.
    Fail,
}

/// A rate-limit schedule in Redis: the URL and how to behave when it is down.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RedisLimiter {
    url: String,
    timeout: Duration,
    on_unavailable: Unavailable,
}

impl RedisLimiter {
    /// The Redis server at `url` (`redis://[user:password@]host[:port][/db]`), with a
    /// [`DEFAULT_LIMITER_TIMEOUT`] and falling back to the process limiter when down.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            timeout: DEFAULT_LIMITER_TIMEOUT,
            on_unavailable: Unavailable::default(),
        }
    }

    /// Sets how long connecting plus one reservation may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets what happens when Redis cannot be reached in time.
    pub fn on_unavailable(mut self, on_unavailable: Unavailable) -> Self {
        self.on_unavailable = on_unavailable;
        self
    }

    /// The URL as given (it may hold a password; see [`display_url`](Self::display_url)).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`, for logs and errors.
    pub fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    /// How long connecting plus one reservation may take.
    pub fn timeout_duration(&self) -> Duration {
        self.timeout
    }

    /// What happens when Redis cannot be reached in time.
    pub fn unavailable(&self) -> Unavailable {
        self.on_unavailable
    }

    fn check(&self) -> Result<(), String> {
        let Some(rest) = self.url.strip_prefix("redis://") else {
            return Err(format!(
                "`{}` is not a redis:// URL (expected redis://host:port/db)",
                self.display_url()
            ));
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') {
            return Err(format!("`{}` names no host", self.display_url()));
        }
        if self.timeout.is_zero() {
            return Err("the Redis timeout must be greater than zero".to_owned());
        }
        Ok(())
    }
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("url", &self.display_url())
            .field("timeout", &self.timeout)
            .field("on_unavailable", &self.on_unavailable)
            .finish()
    }
}

/// `redis://user:secret@host/0` → `redis://user:***@host/0`; URLs without a password
/// are returned as they are.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}{path}")
            } else {
                // `redis://secret@host` is a password alone in some clients.
                format!("{scheme}://***@{host}{path}")
            }
        }
        None => url.to_owned(),
    }
}

/// Which QPS limit the client holds itself to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RateLimit {
    /// Each operation's published limit; operations without one are not limited.
    #[default]
    FromSpec,
    /// No client-side limiting (the service still throttles).
    Disabled,
    /// This limit for every operation, whatever the spec says.
    Override(QpsLimit),
}

/// Validated client settings. Cheap to clone.
#[derive(Clone)]
pub struct Config {
    credentials: Arc<dyn ProvideCredentials>,
    region_id: Option<String>,
    endpoint: Option<Endpoint>,
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

    /// Validates the settings.
    pub fn build(self) -> Result<Config, ConfigError> {
        if let Some(region) = &self.region_id {
            check_region_id(region).map_err(|reason| ConfigError::InvalidRegionId {
                region_id: region.clone(),
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

/// Region ids end up in host names, so only what a DNS label allows gets through.
fn check_region_id(region: &str) -> Result<(), &'static str> {
    if region.is_empty() {
        return Err("it is empty");
    }
    if region.len() > 63 {
        return Err("it is longer than 63 characters");
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err("only ASCII letters, digits and `-` are allowed");
    }
    if region.starts_with('-') || region.ends_with('-') {
        return Err("it must not start or end with `-`");
    }
    Ok(())
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
mod tests {
    use super::*;
    use crate::credentials::{Credentials, StaticCredentials};
    use crate::operation::QpsScope;

    const FAKE_SECRET: &str = "fake-secret-for-tests-only";

    fn fake() -> ConfigBuilder {
        Config::builder().credentials(StaticCredentials::new(Credentials::new(
            "LTAI-fake-id",
            FAKE_SECRET,
        )))
    }

    #[test]
    fn defaults() {
        let config = fake().build().expect("defaults are valid");
        assert_eq!(config.region_id(), None);
        assert!(config.endpoint().is_none());
        assert_eq!(config.signature_version(), SignatureVersion::V3);
        assert_eq!(config.retry(), &RetryConfig::default());
        assert_eq!(config.connect_timeout(), Duration::from_secs(5));
        assert_eq!(config.attempt_timeout(), Duration::from_secs(10));
        assert_eq!(config.rate_limit(), RateLimit::FromSpec);
        assert!(config.user_agent().starts_with("livegen-runtime/"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let config = fake().region_id("cn-shanghai").build().expect("valid");
        let shown = format!("{config:?} {:?}", config.to_builder());
        assert!(!shown.contains(FAKE_SECRET), "{shown}");
        assert!(shown.contains("cn-shanghai"), "{shown}");
    }

    #[test]
    fn bad_endpoint_url_is_named() {
        let err = fake()
            .endpoint_url("ftp://example.com")
            .build()
            .expect_err("ftp is not allowed");
        assert!(matches!(err, ConfigError::InvalidEndpoint(_)));
        assert!(err.to_string().contains("ftp://example.com"), "{err}");
        assert!(err.to_string().contains("http or https"), "{err}");
    }

    #[test]
    fn http_endpoint_is_allowed() {
        let config = fake()
            .endpoint_url("http://127.0.0.1:8080")
            .build()
            .expect("http is allowed");
        assert_eq!(
            config.endpoint().map(Endpoint::to_string).as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn bad_settings_are_rejected() {
        let err = fake()
            .region_id("cn/../evil")
            .build()
            .expect_err("bad region");
        assert!(err.to_string().contains("cn/../evil"), "{err}");
        let err = fake()
            .attempt_timeout(Duration::ZERO)
            .build()
            .expect_err("zero timeout");
        assert!(err.to_string().contains("attempt_timeout"), "{err}");
        let err = fake()
            .retry(RetryConfig {
                max_attempts: 0,
                ..RetryConfig::default()
            })
            .build()
            .expect_err("zero attempts");
        assert!(err.to_string().contains("max_attempts"), "{err}");
        let err = fake()
            .rate_limit(RateLimit::Override(QpsLimit {
                limit: 0,
                per: Duration::from_secs(1),
                scope: QpsScope::Api,
            }))
            .build()
            .expect_err("zero limit");
        assert!(matches!(err, ConfigError::InvalidRateLimit(_)));
        let err = fake()
            .user_agent("bad\nagent")
            .build()
            .expect_err("newline in header");
        assert!(matches!(err, ConfigError::InvalidUserAgent(_)));
    }

    #[test]
    fn from_env_reads_the_rate_limit_url() {
        let config = Config::from_lookup(|name| match name {
            RATE_LIMIT_URL_ENV => Ok(" redis://:hunter2@127.0.0.1:6379/2 ".to_owned()),
            _ => Err(VarError::NotPresent),
        })
        .expect("valid URL");
        let LimiterStore::Redis(redis) = config.limiter_store() else {
            panic!("expected Redis, got {:?}", config.limiter_store());
        };
        assert_eq!(redis.url(), "redis://:hunter2@127.0.0.1:6379/2");
        assert_eq!(redis.timeout_duration(), DEFAULT_LIMITER_TIMEOUT);
        assert_eq!(redis.unavailable(), Unavailable::FallBackToProcess);
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");

        let err = Config::from_lookup(|name| match name {
            RATE_LIMIT_URL_ENV => Ok("http://127.0.0.1:6379".to_owned()),
            _ => Err(VarError::NotPresent),
        })
        .expect_err("not redis");
        assert!(err.to_string().contains(RATE_LIMIT_URL_ENV), "{err}");
        let config = Config::from_lookup(|_| Err(VarError::NotPresent)).expect("unset");
        assert_eq!(config.limiter_store(), &LimiterStore::Process);
        assert_eq!(config.limiter_margin(), DEFAULT_LIMITER_MARGIN);
    }

    #[test]
    fn redis_urls_are_checked_and_redacted() {
        let err = fake()
            .rate_limit_url("redis:///0")
            .build()
            .expect_err("no host");
        assert!(matches!(err, ConfigError::InvalidRateLimit(_)), "{err}");
        let err = fake()
            .limiter_store(LimiterStore::Redis(
                RedisLimiter::new("redis://localhost").timeout(Duration::ZERO),
            ))
            .build()
            .expect_err("zero timeout");
        assert!(err.to_string().contains("timeout"), "{err}");
        assert_eq!(
            redact_url("redis://user:pw@host:1/0"),
            "redis://user:***@host:1/0"
        );
        assert_eq!(redact_url("redis://pw@host"), "redis://***@host");
        assert_eq!(redact_url("redis://host:6379/0"), "redis://host:6379/0");
    }

    #[test]
    fn from_env_reads_the_region() {
        let config = Config::from_lookup(|name| {
            if name != REGION_ID_ENV {
                return Err(VarError::NotPresent);
            }
            Ok(" cn-beijing ".to_owned())
        })
        .expect("valid region");
        assert_eq!(config.region_id(), Some("cn-beijing"));

        let config = Config::from_lookup(|_| Ok(String::new())).expect("empty means unset");
        assert_eq!(config.region_id(), None);
        let config = Config::from_lookup(|_| Err(VarError::NotPresent)).expect("unset");
        assert_eq!(config.region_id(), None);
    }

    #[test]
    fn from_env_names_the_bad_variable() {
        let err = Config::from_lookup(|_| Ok("cn beijing".to_owned())).expect_err("space");
        assert!(err.to_string().contains(REGION_ID_ENV), "{err}");
        assert!(err.to_string().contains("cn beijing"), "{err}");
    }
}

//! Where the rate limiter keeps its schedule and which limit it holds the client to: the
//! settings [`Config`](crate::Config) carries for [`RateLimiter`](super::RateLimiter).

use std::fmt;
use std::time::Duration;

use crate::operation::QpsLimit;

/// The environment variable [`Config::from_env`](crate::config::Config::from_env) reads a
/// shared rate limiter's URL from, e.g. `redis://redis.internal:6379/0` (see
/// [`LimiterStore::Redis`]).
pub const RATE_LIMIT_URL_ENV: &str = "LIVEGEN_RATE_LIMIT_URL";

/// How much longer than the published window the limiter makes every `limit` requests
/// span, to absorb timer and network jitter: 30 ms.
///
/// At 10 requests per second the client then sends at most 10 requests in any 1.03 s
/// (9.7/s), so a request that reaches the service up to 30 ms later than its neighbours
/// still finds no window of 1 s holding 11. BENCHMARKS.md §5 has the measurements
/// behind the figure.
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

    pub(crate) fn check(&self) -> Result<(), String> {
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
pub(crate) fn redact_url(url: &str) -> String {
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

//! Client-side request-rate limiting from each operation's published QPS limit.
//!
//! Alibaba Cloud drops requests above an operation's limit (they fail with a `Throttling`
//! code). Rather than fail and retry, the client spaces its own requests so they stay under
//! the limit: [`RateLimiter::acquire`] *waits* until the request may go.
//!
//! # The guarantee
//!
//! The service's counting window is not documented: it may be fixed or sliding, with any
//! phase. So the limiter promises the strongest thing a window can ask for: **no more than
//! `limit` requests are granted in any interval of length `per`**, and in fact every
//! `limit + 1` consecutive grants span at least `per + margin`. The margin
//! ([`DEFAULT_LIMITER_MARGIN`], configurable) absorbs timer and network jitter: a request
//! that reaches the service up to `margin` later than its neighbours still leaves every
//! window of `per` with at most `limit` requests.
//!
//! The algorithm is GCRA (the generic cell rate algorithm, as in go-redis/redis_rate and
//! redis-cell): per key it keeps one instant, the theoretical arrival time of the next
//! request. With a burst of `b` the emission interval is `(per + margin) / (limit - b + 1)`
//! and the tolerance `(b - 1)` intervals, which is exactly what keeps `limit + 1` grants
//! `per + margin` apart. A caller that wakes up later than its slot by more than half the
//! margin (an overloaded machine, a paused process) gives the slot up and queues again, so
//! lateness cannot squeeze two groups of grants together.
//!
//! # Burst
//!
//! The default burst is 1: at 10 requests per second, requests leave one every 103 ms,
//! even after an idle period. A larger burst lets that many leave at once but stretches
//! the interval (the guarantee above holds for every burst), so it lowers the sustained
//! rate; it suits callers that make a few calls now and then.
//!
//! # Who shares a schedule
//!
//! Keys are `(service, action, AccessKey id)` for [`QpsScope::Account`] limits and
//! `(service, action)` for [`QpsScope::Api`] limits. Where the schedule lives is the
//! configured [`LimiterStore`]:
//!
//! - [`LimiterStore::Process`] (the default): one schedule per process, so every `Client`
//!   in it shares an account's budget, not only clones;
//! - [`LimiterStore::Client`]: a schedule of the client's own (and its clones');
//! - [`LimiterStore::Redis`] (feature `redis`): one schedule in Redis for a whole fleet of
//!   processes and hosts. The reservation is one atomic Lua script on the Redis server's
//!   clock; when Redis is unreachable or slower than its timeout, the limiter warns once
//!   and falls back to the process schedule (or fails, if so configured).

#[cfg(feature = "test-util")]
pub mod handover;
#[cfg(feature = "redis")]
mod redis;
pub mod store;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

pub use self::store::{
    DEFAULT_LIMITER_MARGIN, DEFAULT_LIMITER_TIMEOUT, LimiterStore, RateLimit, RedisLimiter,
    Unavailable,
};
use crate::config::Config;
use crate::operation::{Operation, QpsLimit, QpsScope};

/// Past this many keys, entries whose schedule lies in the past are dropped: they carry
/// no information (a fresh entry would behave the same), and the map must not grow
/// without bound when many AccessKeys pass through one client.
const PRUNE_THRESHOLD: usize = 1024;

/// A late caller queues again at most this many times, then goes: an overloaded machine
/// must not starve a call.
const MAX_REQUEUES: u32 = 3;

/// A rate-limit slot a caller got.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grant {
    /// How long the caller waited for it.
    pub(crate) waited: Duration,
    /// When the slot started; `None` when the operation is not limited.
    pub(crate) slot: Option<Instant>,
}

/// What a schedule is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    service: &'static str,
    action: &'static str,
    /// `None` for limits shared by every account.
    access_key_id: Option<String>,
}

/// A rate limiter could not decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimiterError {
    /// The shared store did not answer in time and the configuration says to fail.
    #[error(
        "the shared rate limiter at {url} is unavailable ({reason}); nothing was sent \
         (configured to fail rather than fall back to this process's limiter)"
    )]
    Unavailable {
        /// The store's URL, password redacted.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The next slot starts after the caller's deadline; nothing was reserved (with a
    /// Redis store the slot is taken, which errs on the side of sending less).
    #[error(
        "no rate-limit slot for {action} before the call's deadline: the next one is in \
         {wait:?}, the deadline in {left:?}; nothing was sent"
    )]
    NoSlotBeforeDeadline {
        /// The operation's action.
        action: &'static str,
        /// How long the call would have had to wait.
        wait: Duration,
        /// How long was left until the deadline.
        left: Duration,
    },
}

/// Theoretical arrival times per key, in this process.
#[derive(Debug, Default)]
struct Schedule {
    next: Mutex<HashMap<Key, Instant>>,
}

impl Schedule {
    /// Reserves the next slot for `key` and returns when it starts; when it would start
    /// after `not_after`, reserves nothing and returns `Err` with that start.
    fn reserve(
        &self,
        key: &Key,
        pace: Pace,
        not_after: Option<Instant>,
    ) -> Result<Instant, Instant> {
        let now = Instant::now();
        let mut schedule = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        if schedule.len() >= PRUNE_THRESHOLD {
            schedule.retain(|_, next| *next > now);
        }
        let next = schedule.get(key).copied().unwrap_or(now).max(now);
        let send_at = next.checked_sub(pace.tolerance).unwrap_or(now).max(now);
        if not_after.is_some_and(|limit| send_at > limit) {
            return Err(send_at);
        }
        schedule.insert(key.clone(), next.max(send_at) + pace.interval);
        Ok(send_at)
    }
}

/// The schedule every [`LimiterStore::Process`] limiter in this process shares.
fn process_schedule() -> Arc<Schedule> {
    static PROCESS: OnceLock<Arc<Schedule>> = OnceLock::new();
    Arc::clone(PROCESS.get_or_init(Arc::default))
}

/// Where a limiter's schedule lives.
#[derive(Debug, Clone)]
enum Store {
    Local(Arc<Schedule>),
    #[cfg(feature = "redis")]
    Redis {
        redis: Arc<redis::RedisSchedule>,
        fallback: Arc<Schedule>,
    },
}

/// Emission interval and tolerance for one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pace {
    interval: Duration,
    tolerance: Duration,
}

/// Spaces requests to each operation's QPS limit. Clones share their schedule.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    mode: RateLimit,
    burst: NonZeroU32,
    margin: Duration,
    store: Store,
}

impl RateLimiter {
    /// A limiter with a schedule of its own (shared by its clones only), a burst of 1 and
    /// the [`DEFAULT_LIMITER_MARGIN`].
    pub fn new(mode: RateLimit) -> Self {
        Self::with_burst(mode, NonZeroU32::MIN)
    }

    /// Like [`new`](Self::new), letting up to `burst` requests through at once after an
    /// idle period (the sustained rate drops accordingly; see the [module docs](self)).
    pub fn with_burst(mode: RateLimit, burst: NonZeroU32) -> Self {
        Self {
            mode,
            burst,
            margin: DEFAULT_LIMITER_MARGIN,
            store: Store::Local(Arc::default()),
        }
    }

    /// A limiter on the schedule every limiter of this process shares, burst 1.
    ///
    /// The schedule holds instants of tokio's clock, so tests on a paused clock should use
    /// a schedule of their own ([`new`](Self::new)) or keys no other test uses.
    pub fn process_wide(mode: RateLimit) -> Self {
        Self {
            store: Store::Local(process_schedule()),
            ..Self::new(mode)
        }
    }

    /// The limiter a [`Client`](crate::Client) with `config` uses: its mode, margin and
    /// store. A Redis store without the `redis` feature warns once and uses the process
    /// schedule.
    pub fn for_config(config: &Config) -> Self {
        let limiter = Self::new(config.rate_limit()).with_margin(config.limiter_margin());
        let store = match config.limiter_store() {
            LimiterStore::Client => return limiter,
            LimiterStore::Process => Store::Local(process_schedule()),
            #[cfg(feature = "redis")]
            LimiterStore::Redis(settings) => Store::Redis {
                redis: redis::RedisSchedule::shared(settings),
                fallback: process_schedule(),
            },
            #[cfg(not(feature = "redis"))]
            LimiterStore::Redis(settings) => {
                static WARNED: AtomicBool = AtomicBool::new(false);
                warn_once(
                    &WARNED,
                    &format!(
                        "a shared rate limiter is configured ({}, e.g. from {}), but \
                         livegen-runtime was built without its `redis` feature; using this \
                         process's own limiter, which does not count other processes' calls",
                        settings.display_url(),
                        self::store::RATE_LIMIT_URL_ENV
                    ),
                );
                Store::Local(process_schedule())
            }
        };
        Self { store, ..limiter }
    }

    /// Sets the margin every `limit + 1` grants keep beyond `per` (see the
    /// [module docs](self)).
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The limit applied to `op`: its published one, the override, or none.
    pub fn limit_for(&self, op: &Operation) -> Option<QpsLimit> {
        match self.mode {
            RateLimit::FromSpec => op.qps,
            RateLimit::Disabled => None,
            RateLimit::Override(limit) => Some(limit),
        }
        .filter(|limit| limit.limit > 0 && !limit.per.is_zero())
    }

    /// The time between two grants for `limit` when requests queue up.
    pub fn interval_for(&self, limit: QpsLimit) -> Duration {
        self.pace(limit).interval
    }

    fn pace(&self, limit: QpsLimit) -> Pace {
        let burst = self.burst.get().min(limit.limit);
        // `limit + 1` grants span `(limit - burst + 1)` intervals beyond the burst.
        let spans = limit.limit - burst + 1;
        let window = limit.per.saturating_add(self.margin);
        let interval = div_ceil(window, spans);
        Pace {
            interval,
            tolerance: interval.saturating_mul(burst - 1),
        }
    }

    /// Waits until a request for `op`, made with `access_key_id`, stays within the limit,
    /// and returns how long it waited.
    ///
    /// The slot is reserved before waiting, so concurrent callers queue in arrival order.
    /// A caller that gives up while waiting (its future is dropped) still uses up its slot,
    /// which errs on the side of sending less.
    ///
    /// # Errors
    ///
    /// Only with a shared store configured to [`Fail`](crate::config::Unavailable::Fail)
    /// when it is unreachable: [`LimiterError::Unavailable`], before anything is sent.
    pub async fn acquire(
        &self,
        op: &'static Operation,
        access_key_id: &str,
    ) -> Result<Duration, LimiterError> {
        self.acquire_until(op, access_key_id, None).await
    }

    /// Like [`acquire`](Self::acquire), for a call that must be sent by `deadline`: when
    /// the next slot starts later, it fails at once with
    /// [`LimiterError::NoSlotBeforeDeadline`] instead of waiting for a slot it could not
    /// use (and, with this process's schedule, without taking it from other callers).
    pub async fn acquire_until(
        &self,
        op: &'static Operation,
        access_key_id: &str,
        deadline: Option<Instant>,
    ) -> Result<Duration, LimiterError> {
        Ok(self.grant_until(op, access_key_id, deadline).await?.waited)
    }

    /// [`acquire_until`](Self::acquire_until), also telling when the slot started.
    pub(crate) async fn grant_until(
        &self,
        op: &'static Operation,
        access_key_id: &str,
        deadline: Option<Instant>,
    ) -> Result<Grant, LimiterError> {
        let Some(limit) = self.limit_for(op) else {
            return Ok(Grant {
                waited: Duration::ZERO,
                slot: None,
            });
        };
        let pace = self.pace(limit);
        let key = Key {
            service: op.service.code,
            action: op.action,
            access_key_id: match limit.scope {
                QpsScope::Account => Some(access_key_id.to_owned()),
                QpsScope::Api => None,
            },
        };
        let late_limit = self.margin / 2;
        let started = Instant::now();
        let mut requeues = 0;
        loop {
            let send_at = match self.reserve(&key, pace, deadline).await? {
                Ok(send_at) => send_at,
                Err(send_at) => {
                    let now = Instant::now();
                    return Err(LimiterError::NoSlotBeforeDeadline {
                        action: op.action,
                        wait: send_at.saturating_duration_since(now),
                        left: deadline.map_or(Duration::ZERO, |d| d.saturating_duration_since(now)),
                    });
                }
            };
            // A timer, even for an instant already past, waits for the next tick (~1 ms).
            if send_at > Instant::now() {
                tokio::time::sleep_until(send_at).await;
            }
            let late = Instant::now().saturating_duration_since(send_at);
            // Sending this late could put it in one window with the next `limit` grants.
            if late <= late_limit || self.margin.is_zero() || requeues == MAX_REQUEUES {
                return Ok(Grant {
                    waited: started.elapsed(),
                    slot: Some(send_at),
                });
            }
            requeues += 1;
            tracing::debug!(late_ms = late.as_millis(), "woke up late; queueing again");
        }
    }

    /// Reserves a slot in the store and returns when it starts, as a local instant, or
    /// (inner `Err`) when the next one would start, if that is after `not_after`.
    async fn reserve(
        &self,
        key: &Key,
        pace: Pace,
        not_after: Option<Instant>,
    ) -> Result<Result<Instant, Instant>, LimiterError> {
        match &self.store {
            Store::Local(schedule) => Ok(schedule.reserve(key, pace, not_after)),
            #[cfg(feature = "redis")]
            Store::Redis { redis, fallback } => match redis.reserve(key, pace).await {
                // The script has reserved already; a slot past the deadline is given up.
                Ok(send_at) if not_after.is_some_and(|limit| send_at > limit) => Ok(Err(send_at)),
                Ok(send_at) => Ok(Ok(send_at)),
                Err(redis::Down::FallBack) => Ok(fallback.reserve(key, pace, not_after)),
                Err(redis::Down::Fail(error)) => Err(error),
            },
        }
    }
}

/// `duration / n`, rounded up to the nanosecond so rounding never lets one extra request
/// into a window.
fn div_ceil(duration: Duration, n: u32) -> Duration {
    let nanos = duration.as_nanos().div_ceil(u128::from(n.max(1)));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// Logs `message` as a warning the first time only (per `flag`). A process without a
/// tracing subscriber, such as the generated CLI, would never show it, so there it also
/// goes to stderr.
fn warn_once(flag: &AtomicBool, message: &str) {
    if flag.swap(true, Ordering::Relaxed) {
        return;
    }
    tracing::warn!("{message}");
    if !tracing::dispatcher::has_been_set() {
        eprintln!("warning: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(n: u32) -> QpsLimit {
        QpsLimit {
            limit: n,
            per: Duration::from_secs(1),
            scope: QpsScope::Api,
        }
    }

    #[test]
    fn interval_covers_the_window_plus_margin() {
        let exact = RateLimiter::new(RateLimit::FromSpec).with_margin(Duration::ZERO);
        assert_eq!(exact.interval_for(limit(10)), Duration::from_millis(100));
        assert_eq!(
            exact.interval_for(limit(3)),
            Duration::from_nanos(333_333_334)
        );
        let default = RateLimiter::new(RateLimit::FromSpec);
        assert_eq!(default.interval_for(limit(10)), Duration::from_millis(103));
    }

    #[cfg(not(feature = "redis"))]
    #[test]
    fn without_the_feature_a_redis_store_is_the_process_schedule() {
        let config = Config::builder()
            .rate_limit_url("redis://127.0.0.1:6379/0")
            .build()
            .expect("valid");
        let limiter = RateLimiter::for_config(&config);
        // Without the feature the only store is local.
        let Store::Local(schedule) = &limiter.store;
        assert!(Arc::ptr_eq(schedule, &process_schedule()));
    }

    #[test]
    fn a_burst_stretches_the_interval() {
        let burst = NonZeroU32::new(3).expect("non-zero");
        let limiter = RateLimiter::with_burst(RateLimit::FromSpec, burst);
        let pace = limiter.pace(limit(10));
        // 11 grants: 3 at once, then 8 intervals; they must span 1.03 s.
        assert_eq!(pace.interval, Duration::from_micros(128_750));
        assert_eq!(pace.tolerance, 2 * pace.interval);
        // A burst above the limit is the limit.
        let huge = RateLimiter::with_burst(RateLimit::FromSpec, NonZeroU32::MAX);
        assert_eq!(huge.pace(limit(10)).interval, Duration::from_millis(1030));
    }
}

//! Client-side request-rate limiting from each operation's published QPS limit.
//!
//! Alibaba Cloud drops requests above an operation's limit (they fail with a `Throttling`
//! code). Rather than fail and retry, the client spaces its own requests so they stay under
//! the limit: [`RateLimiter::acquire`] *waits* until the request may go.
//!
//! # The guarantee
//!
//! The service's counting window is not documented: it may be fixed or sliding, with any
//! phase. So the limiter promises the strongest thing a window can ask for: **no interval
//! of length `per` holds more than `limit` of the requests' arrivals at the service**,
//! however late a request reaches the service after its grant. Two rules give it:
//!
//! - **Slots** (GCRA, the generic cell rate algorithm, as in go-redis/redis_rate and
//!   redis-cell) spread grants evenly: every `limit + 1` consecutive slots span at least
//!   `per + margin`. Per key it keeps one instant, the theoretical arrival time of the
//!   next request. With a burst of `b` the emission interval is
//!   `(per + margin) / (limit - b + 1)` and the tolerance `(b - 1)` intervals. The margin
//!   ([`DEFAULT_LIMITER_MARGIN`], configurable) keeps the next rule from binding when
//!   answers come quickly, so grants stay evenly spaced.
//! - **Permits** (`permits.rs`) pace on answers: at most `limit` permits per key are held
//!   at once, and a grant holds one from the moment it is given until `per` after its
//!   attempt ends: its answer arrived, it failed, or its [`Ticket`] was dropped (a
//!   cancelled call). A request arrives after its grant and before its answer, so
//!   request `j` arrives more than `per` after any request whose permit it waited for;
//!   `permits.rs` has the proof that no `per` then holds `limit + 1` arrivals. A ticket
//!   whose end never comes (a process that died) counts as in flight until its attempt
//!   timeout (plus a second) has passed.
//!
//! A caller waits for its slot, then for a permit. With answers faster than the margin
//! the permit is always free at the slot and the sustained rate is the slots' one
//! (`limit / (per + margin)`, 9.7/s at 10 per second); a slow or delayed answer holds back
//! the request `limit` grants later until `per` after it. A caller with a deadline fails
//! at once when it is known that no grant can come in time: its slot starts later, or a
//! permit could not free up earlier even if every request in flight were answered now.
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
//!   processes and hosts. Slots and permits are kept by atomic Lua scripts on the Redis
//!   server's clock (a slot and, when it is now, the permit in one round trip; a permit
//!   after a wait in a second; an attempt's end in a third); when Redis is unreachable or
//!   slower than its timeout, the limiter warns once and falls back to the process
//!   schedule (or fails, if so configured).

#[cfg(feature = "test-util")]
pub mod handover;
mod permits;
#[cfg(feature = "redis")]
mod redis;
pub mod store;
mod ticket;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use self::permits::{Busy, Hold, Permits};
pub use self::store::{
    DEFAULT_LIMITER_MARGIN, DEFAULT_LIMITER_TIMEOUT, LimiterStore, RateLimit, RedisLimiter,
    Unavailable,
};
use self::ticket::Permit;
pub use self::ticket::Ticket;
use crate::config::{Config, DEFAULT_ATTEMPT_TIMEOUT};
use crate::operation::{Operation, QpsLimit, QpsScope};

/// Past this many keys, entries whose schedule lies in the past are dropped: they carry
/// no information (a fresh entry would behave the same), and the map must not grow
/// without bound when many AccessKeys pass through one client.
const PRUNE_THRESHOLD: usize = 1024;

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
    /// The next slot starts after the caller's deadline, or earlier requests' answers
    /// cannot free a permit before it; nothing was sent. When the slot was the reason,
    /// nothing was reserved (with a Redis store the slot is taken, which errs on the side
    /// of sending less).
    #[error(
        "no rate-limit slot for {action} before the call's deadline: the next one is in \
         {wait:?} at the earliest, the deadline in {left:?}; nothing was sent"
    )]
    NoSlotBeforeDeadline {
        /// The operation's action.
        action: &'static str,
        /// How long the call would have had to wait, at the least.
        wait: Duration,
        /// How long was left until the deadline.
        left: Duration,
    },
}

/// Theoretical arrival times and held permits per key, in this process.
#[derive(Debug, Default)]
struct Schedule {
    next: Mutex<HashMap<Key, Instant>>,
    permits: Permits,
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

    /// Sets the margin every `limit + 1` slots keep beyond `per` (see the
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
    /// and returns its [`Ticket`]: hold it until the request's answer arrives (or it
    /// fails), then [`end`](Ticket::end) or drop it.
    ///
    /// The slot is reserved before waiting, so concurrent callers queue in arrival order.
    /// A caller that gives up while waiting (its future is dropped) still uses up its slot,
    /// which errs on the side of sending less. A ticket never ended counts as in flight
    /// for the default attempt timeout.
    ///
    /// # Errors
    ///
    /// Only with a shared store configured to [`Fail`](crate::config::Unavailable::Fail)
    /// when it is unreachable: [`LimiterError::Unavailable`], before anything is sent.
    pub async fn acquire(
        &self,
        op: &'static Operation,
        access_key_id: &str,
    ) -> Result<Ticket, LimiterError> {
        self.acquire_until(op, access_key_id, None).await
    }

    /// Like [`acquire`](Self::acquire), for a call that must be sent by `deadline`: when
    /// it is known that no grant can come by then (the next slot starts later, or earlier
    /// requests' answers, even if they arrived now, would free a permit too late), it fails
    /// at once with [`LimiterError::NoSlotBeforeDeadline`] instead of waiting for a grant
    /// it could not use (and, with this process's schedule, without taking the slot from
    /// other callers).
    pub async fn acquire_until(
        &self,
        op: &'static Operation,
        access_key_id: &str,
        deadline: Option<Instant>,
    ) -> Result<Ticket, LimiterError> {
        self.grant(op, access_key_id, deadline, DEFAULT_ATTEMPT_TIMEOUT)
            .await
    }

    /// [`acquire_until`](Self::acquire_until) for an attempt that times out after
    /// `attempt_timeout`: a ticket that never ends counts as in flight that long (plus a
    /// second).
    pub(crate) async fn grant(
        &self,
        op: &'static Operation,
        access_key_id: &str,
        deadline: Option<Instant>,
        attempt_timeout: Duration,
    ) -> Result<Ticket, LimiterError> {
        let Some(limit) = self.limit_for(op) else {
            return Ok(Ticket::unlimited());
        };
        let pace = self.pace(limit);
        let hold = Hold {
            limit: limit.limit,
            per: limit.per,
            cap: attempt_timeout.saturating_add(permits::CAP_SLACK),
        };
        let key = Key {
            service: op.service.code,
            action: op.action,
            access_key_id: match limit.scope {
                QpsScope::Account => Some(access_key_id.to_owned()),
                QpsScope::Api => None,
            },
        };
        let too_late = |earliest: Instant| {
            let now = Instant::now();
            LimiterError::NoSlotBeforeDeadline {
                action: op.action,
                wait: earliest.saturating_duration_since(now),
                left: deadline.map_or(Duration::ZERO, |d| d.saturating_duration_since(now)),
            }
        };
        let started = Instant::now();
        // First the GCRA slot, which keeps grants evenly spaced ...
        let (slot, mut permit) = match self.reserve(&key, pace, hold, deadline).await? {
            Ok(reserved) => reserved,
            Err(send_at) => return Err(too_late(send_at)),
        };
        // A timer, even for an instant already past, waits for the next tick (~1 ms).
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
        // ... then a permit, which keeps arrivals apart whatever the jitter.
        loop {
            if let Some(permit) = permit {
                return Ok(Ticket::granted(started.elapsed(), slot, permit));
            }
            match self.take(&key, hold).await? {
                Ok(taken) => permit = Some(taken),
                Err(busy) if deadline.is_some_and(|d| busy.lower > d) => {
                    return Err(too_late(busy.lower));
                }
                Err(busy) => {
                    tracing::debug!(
                        earliest_ms = busy
                            .lower
                            .saturating_duration_since(Instant::now())
                            .as_millis(),
                        "waiting for earlier requests' answers"
                    );
                    // Never spin, even when the store's estimate lies in the past.
                    let at = busy.lower.max(Instant::now() + Duration::from_millis(1));
                    tokio::time::sleep_until(at).await;
                }
            }
        }
    }

    /// Reserves a slot in the store and returns when it starts, as a local instant, with
    /// the permit when the store could take it at once; or (inner `Err`) when the next
    /// slot would start, if that is after `not_after`.
    #[cfg_attr(not(feature = "redis"), expect(unused_variables))]
    async fn reserve(
        &self,
        key: &Key,
        pace: Pace,
        hold: Hold,
        not_after: Option<Instant>,
    ) -> Result<Result<(Instant, Option<Permit>), Instant>, LimiterError> {
        let local = |schedule: &Arc<Schedule>| {
            schedule
                .reserve(key, pace, not_after)
                .map(|send_at| (send_at, None))
        };
        match &self.store {
            Store::Local(schedule) => Ok(local(schedule)),
            #[cfg(feature = "redis")]
            Store::Redis { redis, fallback } => match redis.reserve(key, pace, hold).await {
                // The script has reserved already; a slot past the deadline is given up
                // (and a permit taken with it is ended as the ticket drops).
                Ok((send_at, _)) if not_after.is_some_and(|limit| send_at > limit) => {
                    Ok(Err(send_at))
                }
                Ok((send_at, permit)) => Ok(Ok((send_at, permit))),
                Err(redis::Down::FallBack) => Ok(local(fallback)),
                Err(redis::Down::Fail(error)) => Err(error),
            },
        }
    }

    /// Takes a permit from the store now, or says when one may free up.
    async fn take(&self, key: &Key, hold: Hold) -> Result<Result<Permit, Busy>, LimiterError> {
        let local = |schedule: &Arc<Schedule>| {
            schedule.permits.take(key, hold).map(|id| Permit::Local {
                schedule: Arc::clone(schedule),
                key: key.clone(),
                id,
                per: hold.per,
            })
        };
        match &self.store {
            Store::Local(schedule) => Ok(local(schedule)),
            #[cfg(feature = "redis")]
            Store::Redis { redis, fallback } => match redis.take(key, hold).await {
                Ok(taken) => Ok(taken),
                Err(redis::Down::FallBack) => Ok(local(fallback)),
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
mod tests;

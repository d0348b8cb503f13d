//! The fleet-wide schedule in Redis (feature `redis`).
//!
//! Per limiter key, one Redis key holds the theoretical arrival time (GCRA, as the local
//! schedule) and a sorted set (`…:held`) the permits held, by release time, all in
//! microseconds of the Redis server's clock. [`ACQUIRE`] reads the server's `TIME`,
//! reserves the next slot and, when it starts now, takes a permit (else the client
//! sleeps until the slot and runs it again to take the permit only); [`END`] records an
//! attempt's end. Scripts run atomically, so processes on any host, with any clock skew,
//! queue on one timeline. Keys expire once their times have passed, when they carry no
//! information; a permit whose process died before recording its end frees up at its
//! cap, like any other.
//!
//! Every script (connecting included) runs under the configured timeout. When one fails,
//! the limiter warns once, answers "fall back" (or fails) and does not try Redis again
//! for [`RETRY_AFTER`], so a dead server costs one timeout, not one per call. A permit
//! taken in Redis is ended in Redis; one taken after a fallback, in the process.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use tokio::time::Instant;

use super::permits::{Busy, Hold};
use super::ticket::Permit;
use super::{Key, LimiterError, Pace, warn_once};
use crate::config::{RedisLimiter, Unavailable};

/// After a failure, calls use the fallback this long before Redis is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Every key this runtime writes starts with this.
const KEY_PREFIX: &str = "livegen:rate";

/// GCRA reservation, then (when the slot is now) a permit, on the server's clock. KEYS[1]:
/// the schedule, KEYS[2]: the held permits (a sorted set of ticket ids by release time,
/// `f:` for attempts in flight, `e:` for ended ones). ARGV: emission interval, tolerance,
/// limit, `per`, cap (times in microseconds), the ticket's id, and `reserve` (slot, then
/// permit if the slot is now) or `take` (the permit only). Answers `{slot wait, taken,
/// upper, lower}`: the microseconds until the slot starts; 1 when the permit was taken;
/// else, if the slot is now, the microseconds until a permit may free up at the latest
/// and at the earliest (if every attempt in flight ended now).
///
/// Sent with `EVAL` every time rather than `EVALSHA`: one round trip always (EVALSHA costs
/// three when the server does not know the script yet), which keeps the round trip the
/// slot's timing is estimated from short; Redis caches the compiled script either way.
///
/// Times are kept below 2^53 µs (year 2255), so Lua's doubles hold them exactly; they are
/// written with `%.0f` because Lua's default number format keeps only 14 digits.
const ACQUIRE: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local limit = tonumber(ARGV[3])
local per = tonumber(ARGV[4])
if ARGV[7] == 'reserve' then
  local interval = tonumber(ARGV[1])
  local tolerance = tonumber(ARGV[2])
  local next = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
  if next < now then next = now end
  local send_at = next - tolerance
  if send_at < now then send_at = now end
  local after = next
  if send_at > after then after = send_at end
  after = after + interval
  local ttl_ms = math.ceil((after - now) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', ttl_ms)
  if send_at > now then return {send_at - now, 0, 0, 0} end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local n = redis.call('ZCARD', KEYS[2])
if n < limit then
  local release = now + tonumber(ARGV[5]) + per
  redis.call('ZADD', KEYS[2], string.format('%.0f', release), 'f:' .. ARGV[6])
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[2], math.ceil((tonumber(last[2]) - now) / 1000) + 1000)
  return {0, 1, 0, 0}
end
local held = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
local k = n - limit + 1
local lows = {}
for i = 1, n do
  local at = tonumber(held[2 * i])
  if string.sub(held[2 * i - 1], 1, 2) == 'f:' and at > now + per then at = now + per end
  lows[i] = at
end
table.sort(lows)
return {0, 0, tonumber(held[2 * k]) - now, lows[k] - now}
";

/// Records an attempt's end on the server's clock: its permit (KEYS[1], member `f:` +
/// ARGV[1]) now frees up `per` (ARGV[2], µs) from now. A ticket already past its cap is
/// gone and stays gone.
const END: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local per = tonumber(ARGV[2])
if redis.call('ZREM', KEYS[1], 'f:' .. ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now + per), 'e:' .. ARGV[1])
  local ttl = redis.call('PTTL', KEYS[1])
  local needed = math.ceil(per / 1000) + 1000
  if ttl < needed then redis.call('PEXPIRE', KEYS[1], needed) end
end
return 0
";

/// Why a reservation did not come from Redis.
#[derive(Debug)]
pub(super) enum Down {
    /// Use the process schedule for this call.
    FallBack,
    /// Fail the call with this error.
    Fail(LimiterError),
}

/// One Redis-backed schedule per distinct [`RedisLimiter`] setting in a process, so every
/// client shares its connection and its warnings.
pub(super) struct RedisSchedule {
    settings: RedisLimiter,
    client: Result<redis::Client, String>,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// Until when Redis is not tried, after a failure.
    resting_until: Mutex<Option<Instant>>,
    warned_down: AtomicBool,
}

impl std::fmt::Debug for RedisSchedule {
    // `redis::Client`'s own Debug shows the password; the settings' redact it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSchedule")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl RedisSchedule {
    /// The process's schedule for `settings`.
    pub(super) fn shared(settings: &RedisLimiter) -> Arc<RedisSchedule> {
        static ALL: OnceLock<Mutex<HashMap<RedisLimiter, Arc<RedisSchedule>>>> = OnceLock::new();
        let mut all = ALL
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            all.entry(settings.clone())
                .or_insert_with(|| Arc::new(RedisSchedule::new(settings.clone()))),
        )
    }

    fn new(settings: RedisLimiter) -> RedisSchedule {
        let client = redis::Client::open(settings.url()).map_err(|e| {
            // The error may quote the URL; keep the password out of it.
            e.to_string()
                .replace(settings.url(), &settings.display_url())
        });
        RedisSchedule {
            settings,
            client,
            connection: tokio::sync::Mutex::new(None),
            resting_until: Mutex::new(None),
            warned_down: AtomicBool::new(false),
        }
    }

    /// Reserves the next slot for `key`, returning when it starts as a local instant, and
    /// the permit when the slot is now and one was free.
    pub(super) async fn reserve(
        self: &Arc<Self>,
        key: &Key,
        pace: Pace,
        hold: Hold,
    ) -> Result<(Instant, Option<Permit>), Down> {
        let id = ticket_id();
        let (answer, at) = self.acquire(key, hold, &id, Some(pace)).await?;
        let slot = at(answer[0]);
        Ok((slot, (answer[1] == 1).then(|| self.permit(key, id, hold))))
    }

    /// Takes a permit for `key` now, or says when one may free up.
    pub(super) async fn take(
        self: &Arc<Self>,
        key: &Key,
        hold: Hold,
    ) -> Result<Result<Permit, Busy>, Down> {
        let id = ticket_id();
        let (answer, at) = self.acquire(key, hold, &id, None).await?;
        if answer[1] == 1 {
            return Ok(Ok(self.permit(key, id, hold)));
        }
        Ok(Err(Busy {
            upper: at(answer[2]),
            lower: at(answer[3]),
        }))
    }

    /// Records that ticket `id`'s attempt ended. A failure is only logged: the permit then
    /// frees up at its cap, which errs on the side of sending less.
    pub(super) async fn end(&self, key: &Key, id: &str, per: Duration) {
        if self.resting() {
            return;
        }
        let mut end = redis::cmd("EVAL");
        end.arg(END)
            .arg(1)
            .arg(held_key(key))
            .arg(id)
            .arg(micros(per));
        let Err(reason) = self.run::<i64>(&end).await else {
            return;
        };
        tracing::debug!(%reason, "could not record a request's end");
        // Rest (and warn) as for a failed reservation; the next call falls back at once.
        let _ = self.failed(reason);
    }

    fn permit(self: &Arc<Self>, key: &Key, id: String, hold: Hold) -> Permit {
        Permit::Redis {
            redis: Arc::clone(self),
            key: key.clone(),
            id,
            per: hold.per,
        }
    }

    /// Runs [`ACQUIRE`] (`reserve` with `pace`, `take` without) under the timeout. Returns
    /// its answer and how to turn one of its microsecond waits into a local instant.
    async fn acquire(
        &self,
        key: &Key,
        hold: Hold,
        id: &str,
        pace: Option<Pace>,
    ) -> Result<(Vec<i64>, impl Fn(i64) -> Instant + use<>), Down> {
        if self.resting() {
            return Err(self.down("it failed less than a second ago".to_owned()));
        }
        let mut acquire = redis::cmd("EVAL");
        acquire
            .arg(ACQUIRE)
            .arg(2)
            .arg(redis_key(key))
            .arg(held_key(key))
            .arg(pace.map_or(0, |p| micros(p.interval)))
            .arg(pace.map_or(0, |p| micros(p.tolerance)))
            .arg(hold.limit)
            .arg(micros(hold.per))
            .arg(micros(hold.cap))
            .arg(id)
            .arg(if pace.is_some() { "reserve" } else { "take" });
        let (answer, asked, answered) = self
            .run::<Vec<i64>>(&acquire)
            .await
            .map_err(|reason| self.failed(reason))?;
        if answer.len() != 4 {
            return Err(self.failed(format!("unexpected answer {answer:?}")));
        }
        if self
            .resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some()
        {
            tracing::info!(
                url = %self.settings.display_url(),
                "shared rate limiter reachable again"
            );
        }
        // The server read its clock somewhere in the script's round trip (connecting not
        // included); the middle is the best guess, off by at most half a round trip.
        // (Permits need no such guess: one is taken on the server's clock before its
        // answer leaves, so before the request does.)
        let half_trip = (answered - asked) / 2;
        let at = move |wait_us: i64| {
            let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0));
            (answered + wait).checked_sub(half_trip).unwrap_or(answered)
        };
        Ok((answer, at))
    }

    /// Whether Redis failed less than [`RETRY_AFTER`] ago, so it is not tried now.
    fn resting(&self) -> bool {
        let resting = *self
            .resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        resting.is_some_and(|until| Instant::now() < until)
    }

    /// [`run_once`](Self::run_once) under the configured timeout (connecting included).
    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &redis::Cmd,
    ) -> Result<(T, Instant, Instant), String> {
        let timeout = self.settings.timeout_duration();
        tokio::time::timeout(timeout, self.run_once(script))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {timeout:?}")))
    }

    /// Connects if needed and runs `script`, returning its answer and when the script's
    /// request went out and its answer came back. A cached connection that fails is
    /// replaced once (the server may have restarted, or the runtime that drove it may be
    /// gone).
    async fn run_once<T: redis::FromRedisValue>(
        &self,
        script: &redis::Cmd,
    ) -> Result<(T, Instant, Instant), String> {
        let mut slot = self.connection.lock().await;
        let (mut connection, cached) = match slot.as_ref() {
            Some(connection) => (connection.clone(), true),
            None => (self.connect().await?, false),
        };
        *slot = Some(connection.clone());
        drop(slot);
        let asked = Instant::now();
        match script.query_async::<T>(&mut connection).await {
            Ok(answer) => Ok((answer, asked, Instant::now())),
            Err(e) if !cached => Err(self.describe(&e)),
            Err(_) => {
                let mut connection = self.connect().await?;
                *self.connection.lock().await = Some(connection.clone());
                let asked = Instant::now();
                let answer = script
                    .query_async::<T>(&mut connection)
                    .await
                    .map_err(|e| self.describe(&e))?;
                Ok((answer, asked, Instant::now()))
            }
        }
    }

    async fn connect(&self) -> Result<MultiplexedConnection, String> {
        let client = self.client.as_ref().map_err(String::clone)?;
        let timeout = Some(self.settings.timeout_duration());
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(timeout)
            .set_response_timeout(timeout);
        client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| self.describe(&e))
    }

    fn describe(&self, error: &redis::RedisError) -> String {
        error
            .to_string()
            .replace(self.settings.url(), &self.settings.display_url())
    }

    /// Records a failure: rest, drop the connection, warn once, decide.
    fn failed(&self, reason: String) -> Down {
        *self
            .resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + RETRY_AFTER);
        if let Ok(mut connection) = self.connection.try_lock() {
            *connection = None;
        }
        self.down(reason)
    }

    fn down(&self, reason: String) -> Down {
        let url = self.settings.display_url();
        match self.settings.unavailable() {
            Unavailable::FallBackToProcess => {
                warn_once(
                    &self.warned_down,
                    &format!(
                        "the shared rate limiter at {url} is unavailable ({reason}); spacing \
                         calls with this process's own limiter until it answers, so other \
                         processes' calls are not counted meanwhile"
                    ),
                );
                Down::FallBack
            }
            Unavailable::Fail => Down::Fail(LimiterError::Unavailable { url, reason }),
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// A ticket id no other process picks: 128 random bits.
fn ticket_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The sorted set of `key`'s held permits: its schedule's key with `:held`.
fn held_key(key: &Key) -> String {
    format!("{}:held", redis_key(key))
}

/// `livegen:rate:{service}:{action}:id:{AccessKey id}`, or `…:{action}:api` for limits
/// every account shares. The secret never gets near it.
fn redis_key(key: &Key) -> String {
    match &key.access_key_id {
        Some(id) => format!("{KEY_PREFIX}:{}:{}:id:{id}", key.service, key.action),
        None => format!("{KEY_PREFIX}:{}:{}:api", key.service, key.action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let schedule = RedisSchedule::new(RedisLimiter::new("redis://:hunter2@127.0.0.1:1/0"));
        let shown = format!("{schedule:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
    }

    #[test]
    fn keys_name_service_action_and_key_id() {
        let key = Key {
            service: "live",
            action: "StopLivePullToPush",
            access_key_id: Some("testid".to_owned()),
        };
        assert_eq!(
            redis_key(&key),
            "livegen:rate:live:StopLivePullToPush:id:testid"
        );
        let api = Key {
            access_key_id: None,
            ..key
        };
        assert_eq!(redis_key(&api), "livegen:rate:live:StopLivePullToPush:api");
    }
}

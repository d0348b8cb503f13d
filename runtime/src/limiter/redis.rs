//! The fleet-wide schedule in Redis (feature `redis`).
//!
//! One key per limiter key holds the theoretical arrival time (GCRA, as the local
//! schedule), in microseconds of the Redis server's clock. A Lua script reads the server's
//! `TIME`, reserves the next slot and answers how long until it starts; scripts run
//! atomically, so processes on any host, with any clock skew, queue on one timeline. The
//! key expires once its time has passed, when it carries no information.
//!
//! Every reservation (connecting included) runs under the configured timeout. When it
//! fails, the limiter warns once, answers "fall back" (or fails) and does not try Redis
//! again for [`RETRY_AFTER`], so a dead server costs one timeout, not one per call.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use tokio::time::Instant;

use super::{Key, LimiterError, Pace, warn_once};
use crate::config::{RedisLimiter, Unavailable};

/// After a failure, calls use the fallback this long before Redis is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Every key this runtime writes starts with this.
const KEY_PREFIX: &str = "livegen:rate";

/// GCRA reservation on the server's clock. KEYS[1]: the schedule; ARGV[1]: emission
/// interval, ARGV[2]: tolerance, both in microseconds. Returns the microseconds until the
/// reserved slot starts (0: now).
///
/// Sent with `EVAL` every time rather than `EVALSHA`: one round trip always (EVALSHA costs
/// three when the server does not know the script yet), which keeps the round trip the
/// slot's timing is estimated from short; Redis caches the compiled script either way.
///
/// Times are kept below 2^53 µs (year 2255), so Lua's doubles hold them exactly; they are
/// written with `%.0f` because Lua's default number format keeps only 14 digits.
const RESERVE: &str = r"
if redis.replicate_commands then pcall(redis.replicate_commands) end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
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
return send_at - now
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

    /// Reserves the next slot for `key`, returning when it starts as a local instant.
    pub(super) async fn reserve(&self, key: &Key, pace: Pace) -> Result<Instant, Down> {
        let resting = *self
            .resting_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if resting.is_some_and(|until| Instant::now() < until) {
            return Err(self.down("it failed less than a second ago".to_owned()));
        }
        let timeout = self.settings.timeout_duration();
        let answer = tokio::time::timeout(timeout, self.run(key, pace)).await;
        let (wait_us, asked, answered) = match answer {
            Ok(Ok(answer)) => answer,
            Ok(Err(reason)) => return Err(self.failed(reason)),
            Err(_) => {
                return Err(self.failed(format!("no answer within {timeout:?}")));
            }
        };
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
        let half_trip = (answered - asked) / 2;
        let wait = Duration::from_micros(u64::try_from(wait_us).unwrap_or(0));
        Ok((answered + wait).checked_sub(half_trip).unwrap_or(answered))
    }

    /// Connects if needed and runs the script, returning its answer and when the script's
    /// request went out and its answer came back. A cached connection that fails is
    /// replaced once (the server may have restarted, or the runtime that drove it may be
    /// gone).
    async fn run(&self, key: &Key, pace: Pace) -> Result<(i64, Instant, Instant), String> {
        let mut slot = self.connection.lock().await;
        let (mut connection, cached) = match slot.as_ref() {
            Some(connection) => (connection.clone(), true),
            None => (self.connect().await?, false),
        };
        *slot = Some(connection.clone());
        drop(slot);
        let mut reserve = redis::cmd("EVAL");
        reserve
            .arg(RESERVE)
            .arg(1)
            .arg(redis_key(key))
            .arg(micros(pace.interval))
            .arg(micros(pace.tolerance));
        let asked = Instant::now();
        match reserve.query_async::<i64>(&mut connection).await {
            Ok(wait) => Ok((wait, asked, Instant::now())),
            Err(e) if !cached => Err(self.describe(&e)),
            Err(_) => {
                let mut connection = self.connect().await?;
                *self.connection.lock().await = Some(connection.clone());
                let asked = Instant::now();
                let wait = reserve
                    .query_async::<i64>(&mut connection)
                    .await
                    .map_err(|e| self.describe(&e))?;
                Ok((wait, asked, Instant::now()))
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

//! Client-side request-rate limiting from each operation's published QPS limit.
//!
//! Alibaba Cloud drops requests above an operation's limit (they fail with a `Throttling`
//! code). Rather than fail and retry, the client spaces its own requests so they stay under
//! the limit: [`RateLimiter::acquire`] *waits* until the request may go.
//!
//! The algorithm is GCRA (the generic cell rate algorithm): per key it keeps one instant,
//! the theoretical arrival time of the next request, so memory is one entry per key and a
//! decision is O(1). Keys are `(service, action, AccessKey id)` for
//! [`QpsScope::Account`] limits and `(service, action)` for [`QpsScope::Api`] limits.
//!
//! # Burst
//!
//! The default burst is 1: at 10 requests per second, requests leave one every 100 ms, even
//! after an idle period. The service counts requests in windows whose phase the client
//! cannot see, and it drops the excess rather than queueing it, so a client-side burst
//! could be dropped even while the average rate is within the limit. Being conservative
//! costs at most one interval of latency.
//!
//! # Limits
//!
//! The limiter only sees requests made through clones of one [`Client`](crate::Client).
//! Other processes using the same account (or, for `Api` limits, other accounts) share the
//! service's budget without the limiter's knowledge; throttling answers are then retried
//! (see [`retry`](crate::retry)).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::config::RateLimit;
use crate::operation::{Operation, QpsLimit, QpsScope};

/// Past this many keys, entries whose schedule lies in the past are dropped: they carry
/// no information (a fresh entry would behave the same), and the map must not grow
/// without bound when many AccessKeys pass through one client.
const PRUNE_THRESHOLD: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    service: &'static str,
    action: &'static str,
    /// `None` for limits shared by every account.
    access_key_id: Option<String>,
}

/// Spaces requests to each operation's QPS limit. Clones share their schedule.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    mode: RateLimit,
    burst: NonZeroU32,
    /// Theoretical arrival time of the next conforming request, per key.
    schedule: Arc<Mutex<HashMap<Key, Instant>>>,
}

impl RateLimiter {
    /// A limiter with a burst of 1 (see the [module docs](self) for why).
    pub fn new(mode: RateLimit) -> Self {
        Self::with_burst(mode, NonZeroU32::MIN)
    }

    /// A limiter that lets up to `burst` requests through at once after an idle period.
    pub fn with_burst(mode: RateLimit, burst: NonZeroU32) -> Self {
        Self {
            mode,
            burst,
            schedule: Arc::new(Mutex::new(HashMap::new())),
        }
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

    /// Waits until a request for `op`, made with `access_key_id`, stays within the limit,
    /// and returns how long it waited.
    ///
    /// The slot is reserved before waiting, so concurrent callers queue in arrival order.
    /// A caller that gives up while waiting (its future is dropped) still uses up its slot,
    /// which errs on the side of sending less.
    pub async fn acquire(&self, op: &'static Operation, access_key_id: &str) -> Duration {
        let Some(limit) = self.limit_for(op) else {
            return Duration::ZERO;
        };
        let interval = emission_interval(limit);
        let tolerance = interval.saturating_mul(self.burst.get() - 1);
        let key = Key {
            service: op.service.code,
            action: op.action,
            access_key_id: match limit.scope {
                QpsScope::Account => Some(access_key_id.to_owned()),
                QpsScope::Api => None,
            },
        };

        let now = Instant::now();
        let send_at = {
            let mut schedule = self.schedule.lock().unwrap_or_else(PoisonError::into_inner);
            if schedule.len() >= PRUNE_THRESHOLD {
                schedule.retain(|_, next| *next > now);
            }
            let next = schedule.get(&key).copied().unwrap_or(now).max(now);
            let send_at = next.checked_sub(tolerance).unwrap_or(now).max(now);
            schedule.insert(key, next.max(send_at) + interval);
            send_at
        };

        if send_at > now {
            tokio::time::sleep_until(send_at).await;
        }
        send_at - now
    }
}

/// Time between two requests at the limit, rounded up so rounding never lets one extra
/// request into a window.
fn emission_interval(limit: QpsLimit) -> Duration {
    let nanos = limit.per.as_nanos().div_ceil(u128::from(limit.limit));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_rounds_up() {
        let limit = |n| QpsLimit {
            limit: n,
            per: Duration::from_secs(1),
            scope: QpsScope::Api,
        };
        assert_eq!(emission_interval(limit(10)), Duration::from_millis(100));
        assert_eq!(
            emission_interval(limit(3)),
            Duration::from_nanos(333_333_334)
        );
    }
}

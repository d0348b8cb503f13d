//! A grant as a guard: the caller holds it while its attempt is in flight and reports the
//! attempt's end, which starts the `per` after which its permit frees up.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::{Key, Schedule};

/// A granted request, from [`RateLimiter::acquire`](super::RateLimiter::acquire). Hold it
/// until the attempt is over, then call [`end`](Self::end) (or drop it): one of the next
/// `limit` requests on the same key waits until `per` after that end. Dropping a ticket
/// (a cancelled call, a request never sent) ends it at the time of the drop.
#[derive(Debug)]
#[must_use = "a ticket ends when dropped: hold it until the request's answer arrives"]
pub struct Ticket {
    waited: Duration,
    slot: Option<Instant>,
    permit: Option<Permit>,
}

/// Where a ticket's permit is held.
#[derive(Debug)]
pub(super) enum Permit {
    Local {
        schedule: Arc<Schedule>,
        key: Key,
        id: u64,
        per: Duration,
    },
    #[cfg(feature = "redis")]
    Redis {
        redis: Arc<super::redis::RedisSchedule>,
        key: Key,
        id: String,
        per: Duration,
    },
}

impl Ticket {
    /// A ticket for an operation without a limit: nothing to wait for, nothing to end.
    pub(super) fn unlimited() -> Ticket {
        Ticket {
            waited: Duration::ZERO,
            slot: None,
            permit: None,
        }
    }

    pub(super) fn granted(waited: Duration, slot: Instant, permit: Permit) -> Ticket {
        Ticket {
            waited,
            slot: Some(slot),
            permit: Some(permit),
        }
    }

    /// How long the caller waited for the grant.
    pub fn waited(&self) -> Duration {
        self.waited
    }

    /// When the request's rate-limit slot started (`None` when it is not limited).
    #[cfg_attr(not(feature = "test-util"), allow(dead_code))]
    pub(crate) fn slot(&self) -> Option<Instant> {
        self.slot
    }

    /// Records that the request's attempt is over (its answer arrived, or it failed).
    /// With a Redis store this waits for the store to record it, at most the store's
    /// timeout; if that fails, the permit frees up at its cap instead.
    pub async fn end(self) {
        #[cfg(feature = "redis")]
        {
            let mut ticket = self;
            if let Some(Permit::Redis {
                redis,
                key,
                id,
                per,
            }) = ticket
                .permit
                .take_if(|permit| matches!(permit, Permit::Redis { .. }))
            {
                redis.end(&key, &id, per).await;
            }
        }
        // A local permit (or none) ends as the ticket drops, now.
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        match self.permit.take() {
            None => {}
            Some(Permit::Local {
                schedule,
                key,
                id,
                per,
            }) => schedule.permits.end(&key, id, per),
            // Recording takes a round trip: do it on the runtime, if there is one (else
            // the permit frees up at its cap).
            #[cfg(feature = "redis")]
            Some(Permit::Redis {
                redis,
                key,
                id,
                per,
            }) => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move { redis.end(&key, &id, per).await });
                }
            }
        }
    }
}

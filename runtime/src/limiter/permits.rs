//! The answer-paced half of the limiter: per key, at most `limit` permits are held at any
//! instant, and a permit is held from its grant until `per` after its attempt ended (the
//! answer arrived, the attempt failed, or its [`Ticket`] was dropped).
//!
//! Why that holds whatever the jitter: a request reaches the service after its grant and
//! before its answer. Take any `limit + 1` arrivals and the one of them granted last, at
//! `g`. Every other one was granted before `g` and ended after its own arrival, so after
//! the first of the `limit + 1` arrivals, `t`; if all of them arrived by `t + per`, every
//! other one still held its permit at `g ≤ t + per < end + per`: `limit` permits held, so
//! the last could not have been granted. No interval of `per` holds `limit + 1` arrivals.
//!
//! An attempt that never reports its end (a process that died, a leaked ticket) holds
//! its permit until `grant + cap + per`, where `cap` is the attempt timeout plus
//! [`CAP_SLACK`]; the attempt timeout already ends every live attempt by then.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::Key;

/// Added to the attempt timeout to cover what happens between a grant and the start of
/// the attempt's timer (signing, building the request).
pub(super) const CAP_SLACK: Duration = Duration::from_secs(1);

/// How a grant holds its permit: the limit, its window, and how long an attempt that
/// never reports its end may count as in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hold {
    pub(super) limit: u32,
    pub(super) per: Duration,
    pub(super) cap: Duration,
}

/// No permit now: when one may free up, at the latest if nothing in flight ends before
/// its cap (`upper`), at the earliest if everything in flight ended now (`lower`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Busy {
    pub(super) upper: Instant,
    pub(super) lower: Instant,
}

/// One held permit: until when, and whether its attempt is still in flight (then
/// `release` is the cap's).
#[derive(Debug, Clone, Copy)]
struct Held {
    id: u64,
    release: Instant,
    in_flight: bool,
}

/// A key's held permits, and the length at which to drop the released ones.
#[derive(Debug, Default)]
struct KeyPermits {
    held: Vec<Held>,
    prune_at: usize,
}

/// Below this many, released permits are dropped only when the limit is reached.
const MIN_PRUNE_AT: usize = 64;

/// The permits held in this process, per key.
#[derive(Debug, Default)]
pub(super) struct Permits {
    held: Mutex<HashMap<Key, KeyPermits>>,
    next_id: AtomicU64,
}

impl Permits {
    /// Takes a permit for `key` now, returning its id, or says when one may free up.
    pub(super) fn take(&self, key: &Key, hold: Hold) -> Result<u64, Busy> {
        let now = Instant::now();
        let mut all = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        // Released permits carry nothing; drop them everywhere now and then, so keys
        // that are no longer used do not pile up.
        if all.len() >= super::PRUNE_THRESHOLD {
            all.retain(|_, permits| {
                permits.held.retain(|h| h.release > now);
                !permits.held.is_empty()
            });
        }
        let KeyPermits { held, prune_at } = all.entry(key.clone()).or_default();
        // Pruning is needed to decide only at the limit; below it, pruning when the list
        // has doubled since the last time keeps a huge limit's list at most twice what it
        // holds, at O(1) a take on average.
        if held.len() >= hold.limit as usize || held.len() >= *prune_at {
            held.retain(|h| h.release > now);
            *prune_at = (2 * held.len()).max(MIN_PRUNE_AT);
        }
        if held.len() < hold.limit as usize {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            held.push(Held {
                id,
                release: now + hold.cap + hold.per,
                in_flight: true,
            });
            return Ok(id);
        }
        let releases: Vec<_> = held.iter().map(|h| (h.release, h.in_flight)).collect();
        Err(busy(now, &releases, hold))
    }

    /// Records that the attempt holding permit `id` for `key` ended now: the permit goes
    /// `per` from now.
    pub(super) fn end(&self, key: &Key, id: u64, per: Duration) {
        let mut all = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = all.get_mut(key).and_then(|permits| {
            permits
                .held
                .iter_mut()
                .rev()
                .find(|h| h.id == id && h.in_flight)
        }) {
            held.release = Instant::now() + per;
            held.in_flight = false;
        }
    }
}

/// When enough of the held permits (`(release, in flight)`, all releasing after `now`)
/// free up for one more under `hold.limit`.
fn busy(now: Instant, releases: &[(Instant, bool)], hold: Hold) -> Busy {
    // `n - limit + 1` permits must go first; the earliest of them is the k-th release.
    let k = (releases.len() + 1)
        .saturating_sub(hold.limit as usize)
        .max(1)
        - 1;
    let mut upper: Vec<Instant> = releases.iter().map(|(at, _)| *at).collect();
    // An attempt in flight ends at the soonest now, so its permit goes `per` from now.
    let mut lower: Vec<Instant> = releases
        .iter()
        .map(|&(at, in_flight)| {
            if in_flight {
                at.min(now + hold.per)
            } else {
                at
            }
        })
        .collect();
    upper.sort_unstable();
    lower.sort_unstable();
    Busy {
        upper: upper.get(k).copied().unwrap_or(now),
        lower: lower.get(k).copied().unwrap_or(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hold(limit: u32) -> Hold {
        Hold {
            limit,
            per: Duration::from_secs(1),
            cap: Duration::from_secs(10),
        }
    }

    fn key() -> Key {
        Key {
            service: "live",
            action: "StopLivePullToPush",
            access_key_id: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_permit_goes_per_after_its_end_and_in_flight_ones_wait_for_theirs() {
        let permits = Permits::default();
        let start = Instant::now();
        let a = permits.take(&key(), hold(2)).expect("first");
        let _b = permits.take(&key(), hold(2)).expect("second");
        // Both in flight: the earliest a third could go is `per` after one ends now; the
        // latest, `per` after the first one's cap.
        let busy = permits.take(&key(), hold(2)).expect_err("full");
        assert_eq!(busy.lower, start + Duration::from_secs(1));
        assert_eq!(busy.upper, start + Duration::from_secs(11));

        tokio::time::advance(Duration::from_millis(300)).await;
        permits.end(&key(), a, Duration::from_secs(1));
        let busy = permits.take(&key(), hold(2)).expect_err("still full");
        let ends = start + Duration::from_millis(1300);
        assert_eq!((busy.lower, busy.upper), (ends, ends));

        tokio::time::advance(Duration::from_millis(999)).await;
        assert!(permits.take(&key(), hold(2)).is_err(), "1 ms early");
        tokio::time::advance(Duration::from_millis(1)).await;
        permits
            .take(&key(), hold(2))
            .expect("freed per after the end");
    }

    #[tokio::test(start_paused = true)]
    async fn a_ticket_never_ended_counts_until_its_cap() {
        let permits = Permits::default();
        let start = Instant::now();
        permits.take(&key(), hold(1)).expect("first");
        tokio::time::advance(Duration::from_millis(10_999)).await;
        assert!(permits.take(&key(), hold(1)).is_err());
        tokio::time::advance(Duration::from_millis(1)).await;
        permits.take(&key(), hold(1)).expect("the cap freed it");
        assert_eq!(start.elapsed(), Duration::from_secs(11));
    }

    #[test]
    fn the_permit_to_wait_for_is_the_one_that_makes_room() {
        let now = Instant::now();
        let at = |ms| now + Duration::from_millis(ms);
        // 4 held under a limit of 3: two must go, so the wait is for the second release.
        let releases = [
            (at(400), false),
            (at(100), false),
            (at(1900), true),
            (at(200), false),
        ];
        let busy = busy(now, &releases, hold(3));
        assert_eq!(busy.upper, at(200));
        assert_eq!(busy.lower, at(200));
        // Under a limit of 1 all four must go; the one in flight could end now, and its
        // permit go `per` later.
        let busy = super::busy(now, &releases, hold(1));
        assert_eq!(busy.upper, at(1900));
        assert_eq!(busy.lower, at(1000));
    }
}

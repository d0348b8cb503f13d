//! The rate limiter on a paused clock: bursts are spread to the limit, no window of the
//! published length ever holds more than the limit, a slow answer holds back the
//! requests after it, keys are separate, clones and the process share, and the configured
//! mode is honoured. No wall-clock sleeps.

use std::num::NonZeroU32;
use std::time::Duration;

use livegen_runtime::config::RateLimit;
use livegen_runtime::limiter::{DEFAULT_LIMITER_MARGIN, LimiterError, RateLimiter};
use livegen_runtime::{Operation, QpsLimit, QpsScope};
use support::stop::STOP;
use tokio::time::Instant;

mod support;

/// A table like `StopLivePullToPush`'s with another name and limit.
const fn limited(action: &'static str, qps: Option<QpsLimit>) -> Operation {
    Operation {
        action,
        summary: "",
        qps,
        params: &[],
        errors: &[],
        ..STOP
    }
}

static DESCRIBE: Operation = limited("DescribeLivePullToPush", per_second(10, QpsScope::Account));
static GLOBAL: Operation = limited("DescribeLiveRegions", per_second(10, QpsScope::Api));
static UNLIMITED: Operation = limited("Unlimited", None);

const fn per_second(limit: u32, scope: QpsScope) -> Option<QpsLimit> {
    Some(QpsLimit {
        limit,
        per: Duration::from_secs(1),
        scope,
    })
}

/// 10 per (1 s + the default margin).
const INTERVAL: Duration =
    Duration::from_millis((1000 + DEFAULT_LIMITER_MARGIN.as_millis() as u64) / 10);

/// Acquires `count` times in a row, returning the virtual instant of each grant.
async fn grants(
    limiter: &RateLimiter,
    op: &'static Operation,
    key: &str,
    count: usize,
) -> Vec<Instant> {
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        // The answer comes at once: the ticket ends as it drops.
        drop(
            limiter
                .acquire(op, key)
                .await
                .expect("a local limiter never fails"),
        );
        times.push(Instant::now());
    }
    times
}

/// The timer wheel has millisecond ticks, so a wake-up may land up to a tick late.
fn about(actual: Duration, expected: Duration) -> bool {
    actual >= expected && actual <= expected + Duration::from_millis(2)
}

fn assert_spaced(times: &[Instant], gap: Duration) {
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= gap,
            "two grants {:?} apart, expected at least {gap:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_fifty_is_spread_to_ten_per_second() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();

    let times = grants(&limiter, &STOP, "LTAI-fake-a", 50).await;

    assert!(
        start.elapsed() >= Duration::from_millis(4900),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(times[0], start, "the first request does not wait");
    assert_spaced(&times, INTERVAL);
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_queue_in_order() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                drop(limiter.acquire(&STOP, "LTAI-fake-a").await.expect("local"));
                Instant::now()
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.push(task.await.expect("task"));
    }
    times.sort();

    assert!(times[49] - start >= 49 * INTERVAL);
    assert_spaced(&times, INTERVAL);
    assert_window_holds(&times, 10, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn different_keys_and_actions_do_not_share() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();

    let (a, b, c) = tokio::join!(
        grants(&limiter, &STOP, "LTAI-fake-a", 10),
        grants(&limiter, &STOP, "LTAI-fake-b", 10),
        grants(&limiter, &DESCRIBE, "LTAI-fake-a", 10),
    );

    // Each stream alone needs 0.93 s; shared, the three would need 2.8 s.
    for times in [&a, &b, &c] {
        assert_spaced(times, INTERVAL);
        assert!(
            about(times[9] - start, 9 * INTERVAL),
            "{:?}",
            times[9] - start
        );
    }
}

#[tokio::test(start_paused = true)]
async fn api_scope_is_shared_across_access_keys() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();

    let (a, b) = tokio::join!(
        grants(&limiter, &GLOBAL, "LTAI-fake-a", 5),
        grants(&limiter, &GLOBAL, "LTAI-fake-b", 5),
    );

    let mut all: Vec<_> = a.into_iter().chain(b).collect();
    all.sort();
    assert_spaced(&all, INTERVAL);
    assert!(all[9] - start >= Duration::from_millis(900));
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_schedule() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let clone = limiter.clone();
    let start = Instant::now();

    let (a, b) = tokio::join!(
        grants(&limiter, &STOP, "LTAI-fake-a", 5),
        grants(&clone, &STOP, "LTAI-fake-a", 5),
    );

    let mut all: Vec<_> = a.into_iter().chain(b).collect();
    all.sort();
    assert_spaced(&all, INTERVAL);
    assert!(all[9] - start >= Duration::from_millis(900));
}

#[tokio::test(start_paused = true)]
async fn disabled_never_waits() {
    let limiter = RateLimiter::new(RateLimit::Disabled);
    let start = Instant::now();
    grants(&limiter, &STOP, "LTAI-fake-a", 100).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!(limiter.limit_for(&STOP), None);
}

#[tokio::test(start_paused = true)]
async fn operations_without_a_published_limit_are_not_limited() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();
    grants(&limiter, &UNLIMITED, "LTAI-fake-a", 100).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn an_override_replaces_every_limit() {
    let limiter = RateLimiter::new(RateLimit::Override(QpsLimit {
        limit: 2,
        per: Duration::from_secs(1),
        scope: QpsScope::Account,
    }));
    let start = Instant::now();

    let stop = grants(&limiter, &STOP, "LTAI-fake-a", 3).await;
    let unlimited = grants(&limiter, &UNLIMITED, "LTAI-fake-a", 3).await;

    assert_spaced(&stop, Duration::from_millis(500));
    assert_spaced(&unlimited, Duration::from_millis(500));
    assert!(start.elapsed() >= Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_larger_burst_lets_that_many_through_at_once() {
    let burst = NonZeroU32::new(3).expect("non-zero");
    let limiter = RateLimiter::with_burst(RateLimit::FromSpec, burst);
    let start = Instant::now();

    let times = grants(&limiter, &STOP, "LTAI-fake-a", 30).await;

    // Three at once, then one per (1 s + margin) / 8: the burst is paid for in sustained
    // rate, so that 11 grants still never fit in one second.
    let interval = (Duration::from_secs(1) + DEFAULT_LIMITER_MARGIN) / 8;
    assert_eq!(limiter.interval_for(STOP.qps.expect("limit")), interval);
    assert_eq!(&times[..3], &[start, start, start]);
    assert!(about(times[3] - start, interval));
    assert!(about(times[4] - start, 2 * interval));
    assert_window_holds(&times, 10, Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn an_idle_period_does_not_bank_a_burst() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    grants(&limiter, &STOP, "LTAI-fake-a", 3).await;
    tokio::time::sleep(Duration::from_secs(10)).await;

    let resumed = Instant::now();
    let times = grants(&limiter, &STOP, "LTAI-fake-a", 3).await;

    assert_eq!(times[0], resumed);
    assert_spaced(&times, INTERVAL);
}

/// The most grants in any window `[t, t + per]` (closed: the strictest counter) is at most
/// `limit`, and `limit + 1` grants always span more than `per`.
fn assert_window_holds(times: &[Instant], limit: usize, per: Duration) {
    let mut sorted = times.to_vec();
    sorted.sort();
    for (i, first) in sorted.iter().enumerate() {
        let in_window = sorted[i..]
            .iter()
            .take_while(|t| **t - *first <= per)
            .count();
        assert!(
            in_window <= limit,
            "{in_window} grants within {per:?} from grant {i}"
        );
    }
}

/// Counts grants per fixed window `[phase + k·per, phase + (k+1)·per)`.
fn max_in_fixed_windows(
    times: &[Instant],
    origin: Instant,
    phase: Duration,
    per: Duration,
) -> usize {
    let mut counts = std::collections::HashMap::new();
    for t in times {
        let since = (*t + per).duration_since(origin + phase);
        *counts.entry(since.as_nanos() / per.as_nanos()).or_insert(0) += 1;
    }
    counts.into_values().max().unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn no_window_of_any_phase_holds_more_than_the_limit() {
    let limiter = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();
    // Mixed load: a burst of concurrent callers, then stragglers after idle gaps.
    let tasks: Vec<_> = (0..60u64)
        .map(|i| {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                let idle = if i < 40 { 0 } else { 3000 + (i - 40) * 37 };
                tokio::time::sleep(Duration::from_millis(idle)).await;
                drop(limiter.acquire(&STOP, "LTAI-fake-a").await.expect("local"));
                Instant::now()
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.push(task.await.expect("task"));
    }
    let per = Duration::from_secs(1);
    assert_window_holds(&times, 10, per);
    for phase_ms in (0..1000).step_by(7) {
        let phase = Duration::from_millis(phase_ms);
        assert!(
            max_in_fixed_windows(&times, start, phase, per) <= 10,
            "phase {phase:?}"
        );
    }
    // The margin also holds against a window almost a margin longer than published.
    assert_window_holds(
        &times,
        10,
        per + DEFAULT_LIMITER_MARGIN - Duration::from_millis(1),
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_margin_the_interval_is_exact() {
    let limiter = RateLimiter::new(RateLimit::FromSpec).with_margin(Duration::ZERO);
    let times = grants(&limiter, &STOP, "LTAI-fake-a", 21).await;
    assert_spaced(&times, Duration::from_millis(100));
    assert!(about(times[20] - times[0], Duration::from_secs(2)));
}

#[tokio::test(start_paused = true)]
async fn separate_limiters_of_one_process_share_its_schedule() {
    // A key no other test uses: the process schedule is shared by the whole test binary.
    let a = RateLimiter::process_wide(RateLimit::FromSpec);
    let b = RateLimiter::process_wide(RateLimit::FromSpec);
    let own = RateLimiter::new(RateLimit::FromSpec);
    let start = Instant::now();

    let (x, y, z) = tokio::join!(
        grants(&a, &STOP, "LTAI-fake-process", 5),
        grants(&b, &STOP, "LTAI-fake-process", 5),
        grants(&own, &STOP, "LTAI-fake-process", 5),
    );

    let mut shared: Vec<_> = x.into_iter().chain(y).collect();
    shared.sort();
    assert_spaced(&shared, INTERVAL);
    assert!(shared[9] - start >= 9 * INTERVAL);
    // A limiter with a schedule of its own does not queue behind the process.
    assert!(about(z[4] - start, 4 * INTERVAL));
}

#[tokio::test(start_paused = true)]
async fn a_request_waits_until_per_after_the_answers_of_those_before_it() {
    // Two per second, no margin: slots every 500 ms.
    let limiter = RateLimiter::new(RateLimit::Override(QpsLimit {
        limit: 2,
        per: Duration::from_secs(1),
        scope: QpsScope::Account,
    }))
    .with_margin(Duration::ZERO);
    let key = "LTAI-fake-a";
    let start = Instant::now();
    let at = |ms| start + Duration::from_millis(ms);

    // The first request's answer is slow; the second's comes at once.
    let slow = limiter.acquire(&STOP, key).await.expect("local");
    drop(limiter.acquire(&STOP, key).await.expect("local"));
    assert_eq!(Instant::now(), at(500));
    // The third's slot is at 1 s, but two permits are held until 1.5 s (the second's
    // answer + 1 s) and the slow answer: it goes at 1.5 s, when the second's frees up.
    drop(limiter.acquire(&STOP, key).await.expect("local"));
    assert_eq!(Instant::now(), at(1500));

    // A call that must be sent within 200 ms cannot be: the earliest a permit frees up is
    // 2.5 s (the third's). It fails at once, without waiting.
    let refused = limiter
        .acquire_until(&STOP, key, Some(at(1700)))
        .await
        .expect_err("no permit before the deadline");
    assert!(
        matches!(refused, LimiterError::NoSlotBeforeDeadline { .. }),
        "{refused:?}"
    );
    assert_eq!(Instant::now(), at(1500));
    assert!(
        refused.to_string().contains("1s at the earliest"),
        "{refused}"
    );

    // The slow answer arrives at 2 s: its permit goes at 3 s; the third's at 2.5 s.
    tokio::time::sleep_until(at(2000)).await;
    slow.end().await;
    drop(limiter.acquire(&STOP, key).await.expect("local"));
    assert_eq!(Instant::now(), at(2500));
    drop(limiter.acquire(&STOP, key).await.expect("local"));
    assert_eq!(Instant::now(), at(3000));
}

//! Client-side rate limiting against the fake's enforcement of the published limit
//! (10/s per account for StopLivePullToPush): with the limiter a burst is spaced and
//! never throttled; without it the fake does throttle, which shows it enforces the limit.

use std::time::{Duration, Instant};

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{Client, SdkError, StopLivePullToPushError};
use livegen_runtime::CommonErrorKind;
use livegen_runtime::config::{RateLimit, RetryConfig};
use livegen_tests::fake::{Fake, FakeConfig};
use livegen_tests::harness::{client, config, config_with_key, raise_priority, stop_counted};

/// Fires `count` concurrent stops of tasks `{prefix}-0…`, returning how many succeeded, how
/// many were throttled, and how long the whole burst took.
async fn burst(client: &Client, prefix: &str, count: usize) -> (usize, usize, Duration) {
    let started = Instant::now();
    let calls = (0..count).map(|i| {
        let client = client.clone();
        let task = format!("{prefix}-{i}");
        tokio::spawn(async move { stop_counted(&client, &task).await.result })
    });
    let calls: Vec<_> = calls.collect();
    let (mut ok, mut throttled) = (0, 0);
    for call in calls {
        match call.await.expect("the call task does not panic") {
            Ok(_) => ok += 1,
            Err(SdkError::Service(StopLivePullToPushError::Common(common)))
                if common.kind == CommonErrorKind::Throttling =>
            {
                assert_eq!(common.error.code, "Throttling.User");
                throttled += 1;
            }
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    (ok, throttled, started.elapsed())
}

fn fake_with_burst_tasks(prefix: &str, count: usize) -> Fake {
    let config = (0..count).fold(FakeConfig::default(), |config, i| {
        config.task(format!("{prefix}-{i}"))
    });
    Fake::start(config).expect("fake starts")
}

#[test]
fn the_published_limit_is_what_the_fake_enforces() {
    let qps = OPERATION
        .qps
        .expect("StopLivePullToPush has a published limit");
    assert_eq!(qps.limit, 10);
    assert_eq!(qps.per, Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_limiter_a_burst_is_throttled() {
    let fake = fake_with_burst_tasks("burst", 20);
    // No retries either: a retried throttle would hide the refusal being tested.
    let client = client(
        config(&fake)
            .rate_limit(RateLimit::Disabled)
            .retry(RetryConfig::disabled()),
    );
    let (ok, throttled, elapsed) = burst(&client, "burst", 20).await;
    assert!(throttled > 0, "20 calls in {elapsed:?} and none throttled");
    assert_eq!(ok + throttled, 20);
    // The fake's sliding window is 1 s; a burst inside it gets exactly the limit through.
    // (A machine too loaded to send 20 requests in a second legitimately gets more.)
    if elapsed < Duration::from_secs(1) {
        assert_eq!(ok, 10, "the fake admits exactly the limit");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_is_per_access_key() {
    let tasks = (0..10).flat_map(|i| [format!("a-{i}"), format!("b-{i}")]);
    let fake = Fake::start(FakeConfig {
        keys: vec![
            ("testid".to_owned(), "testsecret".to_owned()),
            ("testid2".to_owned(), "testsecret2".to_owned()),
        ],
        ..tasks.fold(FakeConfig::default(), FakeConfig::task)
    })
    .expect("fake starts");
    let unlimited = |id, secret| {
        client(
            config_with_key(&fake, id, secret)
                .rate_limit(RateLimit::Disabled)
                .retry(RetryConfig::disabled()),
        )
    };
    let (first, second) = (
        unlimited("testid", "testsecret"),
        unlimited("testid2", "testsecret2"),
    );
    // Each account uses its whole budget at once; neither eats into the other's.
    let (a, b) = tokio::join!(burst(&first, "a", 10), burst(&second, "b", 10));
    assert_eq!((a.0, a.1), (10, 0), "first key: {a:?}");
    assert_eq!((b.0, b.1), (10, 0), "second key: {b:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_limiter_a_short_burst_is_spaced_not_throttled() {
    let fake = fake_with_burst_tasks("burst", 15);
    let client = client(config(&fake).retry(RetryConfig::disabled()));
    let (ok, throttled, elapsed) = burst(&client, "burst", 15).await;
    assert_eq!((ok, throttled), (15, 0));
    // 15 calls 103 ms apart: the last leaves 1.44 s after the first.
    assert!(elapsed >= Duration::from_millis(1400), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: 10 s burst; run by cargo xtask test"]
async fn with_the_limiter_100_calls_take_ten_seconds_and_none_is_throttled() {
    raise_priority();
    let fake = fake_with_burst_tasks("burst", 100);
    // Retries off: a throttled call must show up as such, not be retried away.
    let client = client(config(&fake).retry(RetryConfig::disabled()));
    let (ok, throttled, elapsed) = burst(&client, "burst", 100).await;
    assert_eq!(throttled, 0, "the limiter let a call be throttled");
    assert_eq!(ok, 100);
    assert!(
        elapsed >= Duration::from_millis(9500) && elapsed < Duration::from_secs(13),
        "100 calls at 10/s should take about 10 s, took {elapsed:?}"
    );
    assert!(fake.requests().iter().all(|r| r.status == Some(200)));
}

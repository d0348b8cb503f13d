//! Unit tests of the limiter's pacing arithmetic and store choice.

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

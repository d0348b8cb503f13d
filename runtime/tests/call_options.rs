//! Per-call options and the overall deadline, against the scripted mock server: a view
//! from `Client::with_options` overrides the timeout, the retry policy and the endpoint
//! for its calls only; a deadline bounds rate-limit waits, attempts and backoffs, and a
//! call that cannot get a rate-limit slot in time fails at once without sending.

mod support;

use std::time::{Duration, Instant};

use livegen_runtime::Credentials;
use livegen_runtime::config::{LimiterStore, RateLimit};
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::endpoint::Endpoint;
use livegen_runtime::{CallOptions, Client, QpsLimit, QpsScope, RetryConfig, SdkError};
use serde_json::json;
use support::{MockServer, Reply, STOP, STOP_AS_READ, config_for, fast_retries};

fn input() -> serde_json::Value {
    json!({"Region": "cn-shanghai", "TaskId": "t-1"})
}

#[tokio::test]
async fn a_view_overrides_retries_timeout_and_endpoint_for_its_calls_only() {
    let unavailable = || Reply::envelope(503, "ServiceUnavailable", "busy");
    let server = MockServer::start(vec![unavailable(), Reply::stopped("t-1"), unavailable()]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    // The client's policy: three attempts, so the 503 is resent.
    client
        .call_value(&STOP, &input())
        .await
        .expect("resent, answered");
    // The view's: one attempt.
    let once = client.with_options(CallOptions::new().retry(RetryConfig::disabled()));
    let refused = once.call_value(&STOP, &input()).await;
    assert!(matches!(refused, Err(SdkError::Service(_))), "{refused:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        client.options(),
        &CallOptions::new(),
        "the client is unchanged"
    );

    // Another endpoint for one call: the request reaches the other server only.
    let other = MockServer::start(vec![Reply::stopped("t-1")]).await;
    let elsewhere = client
        .with_options(CallOptions::new().endpoint(Endpoint::parse(&other.url()).expect("a URL")));
    elsewhere
        .call_value(&STOP, &input())
        .await
        .expect("answered");
    assert_eq!(other.requests().len(), 1);
    assert_eq!(server.requests().len(), 3);
    let prepared = elsewhere.prepare_value(&STOP, &input()).expect("prepared");
    assert!(prepared.url.starts_with(&other.url()), "{}", prepared.url);

    // A shorter attempt timeout for one call (the client's is 5 s).
    let hanging = MockServer::start(vec![Reply::Hang]).await;
    let quick = Client::new(
        config_for(&hanging)
            .retry(fast_retries(1))
            .build()
            .expect("config"),
    )
    .with_options(CallOptions::new().attempt_timeout(Duration::from_millis(150)));
    let started = Instant::now();
    let timed_out = quick.call_value(&STOP_AS_READ, &input()).await;
    assert!(
        matches!(timed_out, Err(SdkError::Timeout { attempts: 1, timeout }) if timeout == Duration::from_millis(150)),
        "{timed_out:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn unusable_options_fail_before_sending() {
    let server = MockServer::start(Vec::new()).await;
    let client = Client::new(config_for(&server).build().expect("config"))
        .with_options(CallOptions::new().attempt_timeout(Duration::ZERO));
    let refused = client.call_value(&STOP, &input()).await;
    assert!(
        matches!(&refused, Err(SdkError::Construction(m)) if m.contains("attempt timeout")),
        "{refused:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_call_that_cannot_get_a_slot_before_its_deadline_fails_at_once_unsent() {
    let server = MockServer::start(vec![Reply::stopped("t-1"), Reply::stopped("t-1")]).await;
    // One call per minute, on a schedule of this client's own.
    let client = Client::new(
        config_for(&server)
            .rate_limit(RateLimit::Override(QpsLimit {
                limit: 1,
                per: Duration::from_secs(60),
                scope: QpsScope::Account,
            }))
            .limiter_store(LimiterStore::Client)
            .build()
            .expect("config"),
    );
    client
        .call_value(&STOP, &input())
        .await
        .expect("the first slot is free");

    let bounded = client.with_options(CallOptions::new().deadline(Duration::from_secs(2)));
    let started = Instant::now();
    let refused = bounded.call_value(&STOP, &input()).await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "it did not wait"
    );
    match &refused {
        Err(SdkError::DeadlineExceeded {
            attempts: 0,
            deadline,
            reason,
        }) => {
            assert_eq!(*deadline, Duration::from_secs(2));
            assert!(
                reason.contains("no rate-limit slot for StopLivePullToPush"),
                "{reason}"
            );
            assert!(reason.contains("nothing was sent"), "{reason}");
        }
        other => panic!("expected a deadline error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "the second call was not sent");
}

#[tokio::test]
async fn a_backoff_that_would_end_past_the_deadline_ends_the_call() {
    // The service asks for 3 s before a retry; the call has 1 s in all.
    let server = MockServer::start(vec![Reply::Http {
        status: 503,
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("x-acs-retry-after".to_owned(), "3000".to_owned()),
        ],
        body: br#"{"RequestId":"r","Code":"ServiceUnavailable","Message":"busy"}"#.to_vec(),
    }])
    .await;
    let client = Client::new(
        config_for(&server)
            .retry(RetryConfig {
                max_backoff: Duration::from_secs(10),
                ..fast_retries(3)
            })
            .build()
            .expect("config"),
    )
    .with_options(CallOptions::new().deadline(Duration::from_secs(1)));
    let started = Instant::now();
    let result = client.call_value(&STOP, &input()).await;
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "no backoff slept"
    );
    match &result {
        Err(SdkError::DeadlineExceeded {
            attempts: 1,
            reason,
            ..
        }) => {
            assert!(reason.contains("ServiceUnavailable"), "{reason}");
            assert!(reason.contains("backoff"), "{reason}");
        }
        other => panic!("expected a deadline error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_deadline_cuts_an_attempt_and_a_cut_write_may_have_been_applied() {
    for (op, write) in [(&STOP_AS_READ, false), (&STOP, true)] {
        let server = MockServer::start(vec![Reply::Hang]).await;
        let client = Client::new(config_for(&server).build().expect("config"))
            .with_options(CallOptions::new().deadline(Duration::from_millis(300)));
        let started = Instant::now();
        let result = client.call_value(op, &input()).await;
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(300) && took < Duration::from_secs(2),
            "{took:?}"
        );
        let deadline = match &result {
            Err(SdkError::MayHaveBeenApplied { failure, .. }) if write => failure.as_ref(),
            Err(error) if !write => error,
            other => panic!("write {write}: {other:?}"),
        };
        assert!(
            matches!(deadline, SdkError::DeadlineExceeded { attempts: 1, reason, .. } if reason.contains("no answer")),
            "{deadline:?}"
        );
    }
}

#[test]
fn a_vpc_network_picks_the_vpc_host_for_a_region_the_table_does_not_list() {
    let config = |network: &str| {
        livegen_runtime::Config::builder()
            .credentials(StaticCredentials::new(Credentials::new(
                support::FAKE_KEY_ID,
                support::FAKE_SECRET,
            )))
            .region_id("cn-nowhere-9")
            .network(network)
            .build()
            .expect("config")
    };
    let host = |network| {
        let prepared = Client::new(config(network))
            .prepare_value(&STOP, &input())
            .expect("prepared");
        prepared.url.split('/').nth(2).expect("a host").to_owned()
    };
    assert_eq!(host("vpc"), "live-vpc.cn-nowhere-9.aliyuncs.com");
    assert_eq!(host("public"), "live.cn-nowhere-9.aliyuncs.com");
}

//! Retries, timeouts and unreadable answers, with faults injected by the fake: the
//! attempt counts are the runtime's documented policy (5xx, resets, timeouts and
//! throttling are retried; other 4xx are not; 2xx garbage is not).

use std::time::{Duration, Instant};

use aliyun_live::{SdkError, StopLivePullToPushError};
use livegen_runtime::config::RetryConfig;
use livegen_runtime::{CommonErrorKind, OperationError};
use livegen_tests::fake::{Fault, TaskState};
use livegen_tests::harness::{client, config, default_client, fake_with_tasks, stop_counted};

#[tokio::test]
async fn two_503s_then_success_takes_three_attempts() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Http503, 2);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 3);
    let output = outcome.result.expect("the third attempt succeeds");
    assert_eq!(output.task_id.as_deref(), Some("relay-1"));
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
}

#[tokio::test]
async fn a_500_then_success_takes_two_attempts() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Http500, 1);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 2);
    outcome.result.expect("the retry succeeds");
}

#[tokio::test]
async fn persistent_503s_give_up_after_max_attempts() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Http503, 5);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 3);
    match outcome.result {
        Err(SdkError::Service(StopLivePullToPushError::Common(common))) => {
            assert_eq!(common.kind, CommonErrorKind::ServiceUnavailable);
            assert_eq!(common.error.status, 503);
        }
        other => panic!("expected ServiceUnavailable, got {other:?}"),
    }
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Reset, 1);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 2);
    outcome.result.expect("the retry succeeds");
    let requests = fake.requests();
    assert_eq!(requests[0].fault, Some("reset"));
    assert_eq!(requests[0].status, None);
    assert_eq!(requests[1].status, Some(200));
}

#[tokio::test]
async fn resets_on_every_attempt_are_a_transport_error() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Reset, 3);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 3);
    match outcome.result {
        Err(SdkError::Transport { attempts, message }) => {
            assert_eq!(attempts, 3);
            assert!(!message.contains("Signature="), "{message}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn documented_4xx_errors_are_not_retried() {
    let fake = fake_with_tasks(&[]);
    let client = default_client(&fake);
    for task in [
        "no-such-task",
        "fail:LiveServiceNotFound",
        "fail:InvalidParameter",
    ] {
        let outcome = stop_counted(&client, task).await;
        assert_eq!(outcome.attempts, 1, "{task}");
        assert!(
            matches!(outcome.result, Err(SdkError::Service(ref e)) if e.status() == 400),
            "{task}: {:?}",
            outcome.result
        );
    }
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn a_documented_5xx_is_retried_and_then_reported_typed() {
    let fake = fake_with_tasks(&[]);
    let outcome = stop_counted(&default_client(&fake), "fail:InternalError").await;
    assert_eq!(outcome.attempts, 3);
    assert!(
        matches!(
            outcome.result,
            Err(SdkError::Service(StopLivePullToPushError::InternalError(_)))
        ),
        "{:?}",
        outcome.result
    );
}

#[tokio::test]
async fn a_throttled_attempt_is_retried() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Throttle, 1);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 2);
    outcome.result.expect("the retry succeeds");
    assert_eq!(fake.requests()[0].code.as_deref(), Some("Throttling.User"));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Slow(Duration::from_secs(3)), 1);
    let client = client(
        config(&fake)
            .retry(RetryConfig::disabled())
            .attempt_timeout(Duration::from_millis(300)),
    );
    let started = Instant::now();
    let outcome = stop_counted(&client, "relay-1").await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    match outcome.result {
        Err(SdkError::Timeout { attempts, timeout }) => {
            assert_eq!(attempts, 1);
            assert_eq!(timeout, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Slow(Duration::from_secs(3)), 1);
    let client = client(config(&fake).attempt_timeout(Duration::from_millis(300)));
    let outcome = stop_counted(&client, "relay-1").await;
    assert_eq!(outcome.attempts, 2);
    outcome
        .result
        .expect("the second attempt is answered at once");
}

#[tokio::test]
async fn garbage_bodies_are_response_errors() {
    for (fault, expected_excerpt) in [
        (Fault::InvalidJson, "\"TaskId\": "),
        (Fault::Html, "<html>"),
        (Fault::Empty, ""),
    ] {
        let fake = fake_with_tasks(&["relay-1"]);
        fake.inject(fault, 1);
        let outcome = stop_counted(&default_client(&fake), "relay-1").await;
        assert_eq!(outcome.attempts, 1, "{fault:?}: a 2xx is never retried");
        match outcome.result {
            Err(SdkError::Response {
                status,
                reason,
                body_excerpt,
            }) => {
                assert_eq!(status, 200, "{fault:?}");
                assert!(!reason.is_empty());
                assert!(
                    body_excerpt.contains(expected_excerpt),
                    "{fault:?}: {body_excerpt:?}"
                );
            }
            other => panic!("{fault:?}: expected a response error, got {other:?}"),
        }
    }
}

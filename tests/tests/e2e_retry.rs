//! Retries and unreadable answers, with faults injected by the fake: the attempt counts
//! are the runtime's documented policy (503 and throttling are resent even for a write;
//! other 4xx are not; 2xx garbage is not). Failures that may have been applied (resets,
//! timeouts, other 5xx) are the table rows of `e2e_resend_table.rs`.

use aliyun_live::{SdkError, StopLivePullToPushError};
use livegen_runtime::{CommonErrorKind, OperationError};
use livegen_tests::fake::{Fault, TaskState};
use livegen_tests::harness::{default_client, fake_with_tasks, stop_counted};

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
async fn a_throttled_attempt_is_retried() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(Fault::Throttle, 1);
    let outcome = stop_counted(&default_client(&fake), "relay-1").await;
    assert_eq!(outcome.attempts, 2);
    outcome.result.expect("the retry succeeds");
    assert_eq!(fake.requests()[0].code.as_deref(), Some("Throttling.User"));
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

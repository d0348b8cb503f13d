//! One test per row of the resend table in the runtime's `retry` docs, against the fake
//! with fault injection: for a read (the stop action's table with the RAM access level
//! `get`, since the fake serves the stop action) and for a write (the generated
//! `StopLivePullToPush`, access level `update`), by default and with writes opted in.
//! "Applied" counts the requests on which the fake stopped the task.

use std::time::Duration;

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{
    SdkError, StopLivePullToPushError, StopLivePullToPushInput, StopLivePullToPushOutput,
};
use livegen_runtime::config::RetryConfig;
use livegen_runtime::{CallOutcome, Operation, RamAuthorization};
use livegen_tests::fake::{Fake, Fault, TaskState};
use livegen_tests::harness::{client, config, config_for_url, fake_with_tasks, quick_retries};

/// What the policy sees for a read: the same wire action, access level `get`.
static STOP_AS_READ: Operation = Operation {
    ram: RamAuthorization {
        access_level: Some("get"),
        ..OPERATION.ram
    },
    ..OPERATION
};

type Outcome = CallOutcome<StopLivePullToPushOutput, StopLivePullToPushError>;

/// Stops `relay-1` through `op`'s table.
async fn stop(client: &aliyun_live::Client, op: &'static Operation) -> Outcome {
    let input = StopLivePullToPushInput::new("cn-shanghai", "relay-1");
    client.runtime().call_with_attempts(op, &input).await
}

/// A client for `fake` with 3 quick attempts, writes resent only if `resend_writes`.
fn client_for(fake: &Fake, resend_writes: bool) -> aliyun_live::Client {
    client(
        config(fake)
            .retry(RetryConfig {
                resend_writes,
                ..quick_retries(3)
            })
            .attempt_timeout(Duration::from_millis(400)),
    )
}

/// Requests on which the fake stopped the task (answered or not).
fn applied(fake: &Fake) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.status == Some(200))
        .count()
}

/// Runs one fault against a read, a write, and a write opted in; returns the outcomes
/// with the fakes they ran against.
async fn row(fault: Fault) -> [(Outcome, Fake); 3] {
    let mut rows = Vec::new();
    for (op, resend_writes) in [
        (&STOP_AS_READ, false),
        (&OPERATION, false),
        (&OPERATION, true),
    ] {
        let fake = fake_with_tasks(&["relay-1"]);
        fake.inject(fault, 1);
        let outcome = stop(&client_for(&fake, resend_writes), op).await;
        rows.push((outcome, fake));
    }
    rows.try_into()
        .map_err(|_| "three rows")
        .expect("three rows")
}

fn may_have_been_applied(outcome: &Outcome) -> &SdkError<StopLivePullToPushError> {
    match &outcome.result {
        Err(SdkError::MayHaveBeenApplied { attempts, failure }) => {
            assert_eq!(*attempts, outcome.attempts);
            failure
        }
        other => panic!("expected may-have-been-applied, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_never_established_is_resent_for_every_operation() {
    // A port that was just free: the connection is refused, nothing reaches anyone.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    for op in [&STOP_AS_READ, &OPERATION] {
        let client = client(
            config_for_url(&url, "LTAIfakeKeyForTests", "fake-secret")
                .retry(quick_retries(3))
                .connect_timeout(Duration::from_millis(500)),
        );
        let outcome = stop(&client, op).await;
        assert_eq!(
            outcome.attempts,
            3,
            "{}",
            op.ram.access_level.unwrap_or("-")
        );
        assert!(
            matches!(outcome.result, Err(SdkError::Transport { attempts: 3, .. })),
            "{:?}",
            outcome.result
        );
    }
}

#[tokio::test]
async fn throttling_is_resent_for_every_operation() {
    for (outcome, fake) in row(Fault::Throttle).await {
        assert_eq!(outcome.attempts, 2);
        outcome.result.expect("the second attempt is answered");
        assert_eq!(applied(&fake), 1);
    }
}

#[tokio::test]
async fn service_unavailable_is_resent_for_every_operation() {
    for (outcome, fake) in row(Fault::Http503).await {
        assert_eq!(outcome.attempts, 2);
        outcome.result.expect("the second attempt is answered");
        assert_eq!(applied(&fake), 1);
    }
}

#[tokio::test]
async fn a_reset_before_acting_is_resent_only_for_reads_or_when_opted_in() {
    let [(read, read_fake), (write, write_fake), (opted, opted_fake)] = row(Fault::Reset).await;
    assert_eq!(read.attempts, 2);
    read.result.expect("the read is resent and answered");
    assert_eq!(applied(&read_fake), 1);

    // The fake did not act, but the client cannot know: it reports, the task still runs.
    assert_eq!(write.attempts, 1);
    assert!(matches!(
        may_have_been_applied(&write),
        SdkError::Transport { .. }
    ));
    assert_eq!(applied(&write_fake), 0);
    assert_eq!(write_fake.task("relay-1"), Some(TaskState::Running));

    assert_eq!(opted.attempts, 2);
    opted.result.expect("resent when opted in");
    assert_eq!(applied(&opted_fake), 1);
}

#[tokio::test]
async fn an_answer_dropped_after_acting_is_reported_for_a_write_by_default() {
    let [(read, read_fake), (write, write_fake), (opted, opted_fake)] = row(Fault::Drop).await;
    // The "read" is resent; on the fake's stop table the resend meets the stopped task.
    assert_eq!(read.attempts, 2);
    assert_eq!(applied(&read_fake), 1);

    // Default: one request, applied once, and the caller is told it may have been.
    assert_eq!(write.attempts, 1);
    assert!(matches!(
        may_have_been_applied(&write),
        SdkError::Transport { .. }
    ));
    assert_eq!(applied(&write_fake), 1);
    assert_eq!(write_fake.task("relay-1"), Some(TaskState::Stopped));

    // Opted in: resent; the service refuses a second stop, so the caller sees its error.
    assert_eq!(opted.attempts, 2);
    assert!(
        matches!(
            opted.result,
            Err(SdkError::Service(
                StopLivePullToPushError::CodeTaskHasStopped(_)
            ))
        ),
        "{:?}",
        opted.result
    );
    assert_eq!(applied(&opted_fake), 1);
}

#[tokio::test]
async fn a_500_is_resent_only_for_reads_or_when_opted_in() {
    let [(read, _), (write, write_fake), (opted, _)] = row(Fault::Http500).await;
    assert_eq!(read.attempts, 2);
    read.result.expect("the read is resent and answered");

    assert_eq!(write.attempts, 1);
    let failure = may_have_been_applied(&write);
    assert!(
        matches!(
            failure,
            SdkError::Service(StopLivePullToPushError::InternalError(_))
        ),
        "{failure:?}"
    );
    assert!(matches!(
        write.result.as_ref().map_err(SdkError::service_error),
        Err(Some(StopLivePullToPushError::InternalError(_)))
    ));
    assert_eq!(write_fake.task("relay-1"), Some(TaskState::Running));

    assert_eq!(opted.attempts, 2);
    opted.result.expect("resent when opted in");
}

#[tokio::test]
async fn a_timeout_is_resent_only_for_reads_or_when_opted_in() {
    let [(read, _), (write, _), (opted, _)] = row(Fault::Slow(Duration::from_secs(2))).await;
    assert_eq!(read.attempts, 2);
    assert_eq!(write.attempts, 1);
    assert!(matches!(
        may_have_been_applied(&write),
        SdkError::Timeout { .. }
    ));
    assert_eq!(opted.attempts, 2);
}

#[tokio::test]
async fn other_4xx_are_never_resent() {
    for (op, resend_writes) in [
        (&STOP_AS_READ, false),
        (&OPERATION, false),
        (&OPERATION, true),
    ] {
        let fake = fake_with_tasks(&[]);
        let outcome = stop(&client_for(&fake, resend_writes), op).await;
        assert_eq!(outcome.attempts, 1);
        assert!(
            matches!(
                outcome.result,
                Err(SdkError::Service(
                    StopLivePullToPushError::CodeTaskNotExist(_)
                ))
            ),
            "{:?}",
            outcome.result
        );
    }
}

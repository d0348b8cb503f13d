//! One test per row of the resend table in the runtime's `retry` docs, against the fake
//! with fault injection: for a read (the stop action's table with the RAM access level
//! `get`, since the fake serves the stop action), for a write (the generated
//! `StopLivePullToPush`, access level `update`) by default and with writes opted in, and
//! for a write with an idempotency token (the same table with a `ClientToken`, which the
//! fake honours as the service does). "Applied" counts the requests on which the fake
//! stopped the task, not those it answered by replaying a token's first answer.

use std::time::Duration;

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{
    SdkError, StopLivePullToPushError, StopLivePullToPushInput, StopLivePullToPushOutput,
};
use livegen_runtime::config::RetryConfig;
use livegen_runtime::{CallOutcome, Operation, ParamInfo, RamAuthorization, Shape};
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

/// The write with an idempotency token: the same action, plus a `ClientToken` the caller
/// leaves unset, so the client fills it.
static STOP_WITH_TOKEN: Operation = Operation {
    params: &[
        OPERATION.params[0],
        OPERATION.params[1],
        ParamInfo::query("ClientToken", Shape::STRING),
    ],
    idempotency_token: Some("ClientToken"),
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
        .filter(|r| r.status == Some(200) && !r.replayed)
        .count()
}

/// The table's columns: read, write, write opted in, write with a token (not opted in).
const COLUMNS: [(&Operation, bool); 4] = [
    (&STOP_AS_READ, false),
    (&OPERATION, false),
    (&OPERATION, true),
    (&STOP_WITH_TOKEN, false),
];

/// Runs one fault against each of [`COLUMNS`]; returns the outcomes with the fakes they
/// ran against.
async fn row(fault: Fault) -> [(Outcome, Fake); 4] {
    let mut rows = Vec::new();
    for (op, resend_writes) in COLUMNS {
        let fake = fake_with_tasks(&["relay-1"]);
        fake.inject(fault, 1);
        let outcome = stop(&client_for(&fake, resend_writes), op).await;
        rows.push((outcome, fake));
    }
    rows.try_into().map_err(|_| "four rows").expect("four rows")
}

/// The tokens `fake` received, one per request; all the same and generated (36
/// characters) when the client filled one per call.
fn one_generated_token(fake: &Fake) -> String {
    let tokens: Vec<String> = fake
        .requests()
        .iter()
        .filter_map(|r| {
            r.params
                .iter()
                .find(|(name, _)| name == "ClientToken")
                .map(|(_, value)| value.clone())
        })
        .collect();
    assert_eq!(
        tokens.len(),
        fake.requests().len(),
        "every attempt has a token"
    );
    assert!(tokens.windows(2).all(|w| w[0] == w[1]), "{tokens:?}");
    assert_eq!(tokens[0].len(), 36, "{tokens:?}");
    tokens[0].clone()
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
    for op in [&STOP_AS_READ, &OPERATION, &STOP_WITH_TOKEN] {
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
async fn a_reset_before_acting_is_resent_only_for_reads_tokens_or_when_opted_in() {
    let [
        (read, read_fake),
        (write, write_fake),
        (opted, opted_fake),
        (token, token_fake),
    ] = row(Fault::Reset).await;
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

    assert_eq!(token.attempts, 2);
    token.result.expect("a write with a token is resent");
    assert_eq!(applied(&token_fake), 1);
    one_generated_token(&token_fake);
}

#[tokio::test]
async fn an_answer_dropped_after_acting_is_reported_for_a_write_by_default() {
    let [
        (read, read_fake),
        (write, write_fake),
        (opted, opted_fake),
        (token, token_fake),
    ] = row(Fault::Drop).await;
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

    // With a token: resent without opting in, the fake replays its first answer and acts
    // once; the caller gets that answer, the stopped task's id.
    assert_eq!(token.attempts, 2);
    let output = token.result.expect("the replayed first answer");
    assert_eq!(output.task_id.as_deref(), Some("relay-1"));
    assert_eq!(applied(&token_fake), 1);
    assert_eq!(
        token_fake.requests().iter().filter(|r| r.replayed).count(),
        1
    );
    one_generated_token(&token_fake);
}

#[tokio::test]
async fn a_500_is_resent_only_for_reads_tokens_or_when_opted_in() {
    let [
        (read, _),
        (write, write_fake),
        (opted, _),
        (token, token_fake),
    ] = row(Fault::Http500).await;
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

    assert_eq!(token.attempts, 2);
    token.result.expect("a write with a token is resent");
    assert_eq!(applied(&token_fake), 1);
}

#[tokio::test]
async fn a_timeout_is_resent_only_for_reads_tokens_or_when_opted_in() {
    let [(read, _), (write, _), (opted, _), (token, token_fake)] =
        row(Fault::Slow(Duration::from_secs(2))).await;
    assert_eq!(read.attempts, 2);
    assert_eq!(write.attempts, 1);
    assert!(matches!(
        may_have_been_applied(&write),
        SdkError::Timeout { .. }
    ));
    assert_eq!(opted.attempts, 2);
    // The slow first attempt is acted on after the client gave up on it; the resend
    // repeats its token, so the task is stopped once and the caller gets an answer.
    assert_eq!(token.attempts, 2);
    token.result.expect("a write with a token is resent");
    one_generated_token(&token_fake);
}

#[tokio::test]
async fn other_4xx_are_never_resent() {
    for (op, resend_writes) in COLUMNS {
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

//! Retries: what is retried, what is not, timeouts, and a lost answer to a stop.
//!
//! The mechanics (fresh signatures, timeouts, resets) are shown on a read
//! ([`STOP_AS_READ`]), which the policy resends; what a write does instead is shown with
//! [`STOP`] (access level `update`), by default and opted in.

mod support;

use std::time::Duration;

use livegen_runtime::config::RetryConfig;
use livegen_runtime::{Client, SdkError};
use support::{
    MockServer, Reply, STOP, STOP_AS_READ, StopError, StopInput, StopOutput, config_for,
    fast_retries,
};

#[tokio::test]
async fn server_error_then_success_takes_two_attempts() {
    let server = MockServer::start(vec![
        Reply::typed(500, "text/plain", "oops"),
        Reply::stopped("task-1"),
    ])
    .await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP_AS_READ, &StopInput::new("task-1"))
        .await;

    assert_eq!(
        outcome.result.expect("success").request_id.as_deref(),
        Some("req-ok")
    );
    assert_eq!(outcome.attempts, 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the mock saw both attempts");
    // Each attempt is signed anew, so the retry is not refused as a replayed nonce.
    assert_ne!(
        requests[0].header("authorization"),
        requests[1].header("authorization")
    );
}

#[tokio::test]
async fn client_error_is_not_retried() {
    let server = MockServer::start(vec![
        Reply::envelope(400, "InvalidParameter", "bad."),
        Reply::stopped("never"),
    ])
    .await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let result = client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;

    assert!(
        matches!(result, Err(SdkError::Service(StopError::InvalidParameter(ref e))) if e.code == "InvalidParameter"),
        "{result:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let server = MockServer::start(vec![Reply::typed(503, "text/plain", "busy")]).await;
    let config = config_for(&server)
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let client = Client::new(config);

    let result = client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;

    assert!(
        matches!(result, Err(SdkError::Response { status: 503, .. })),
        "{result:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let server = MockServer::start(vec![Reply::Reset, Reply::stopped("task-1")]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP_AS_READ, &StopInput::new("task-1"))
        .await;

    assert_eq!(
        outcome.result.expect("success").task_id.as_deref(),
        Some("task-1")
    );
    assert_eq!(outcome.attempts, 2);
}

#[tokio::test]
async fn persistent_resets_end_as_a_transport_error_without_the_url() {
    let server = MockServer::start(vec![Reply::Reset, Reply::Reset, Reply::Reset]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let result = client
        .call::<_, StopOutput, StopError>(&STOP_AS_READ, &StopInput::new("task-1"))
        .await;

    match result {
        Err(SdkError::Transport { attempts, message }) => {
            assert_eq!(attempts, 3);
            assert!(!message.contains("TaskId"), "{message}");
            assert!(!message.contains("Signature"), "{message}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    // Bind, note the port, close: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let config = livegen_runtime::Config::builder()
        .credentials(livegen_runtime::credentials::StaticCredentials::new(
            livegen_runtime::Credentials::new(support::FAKE_KEY_ID, support::FAKE_SECRET),
        ))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries(2))
        .build()
        .expect("config");

    let result = Client::new(config)
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;

    assert!(
        matches!(result, Err(SdkError::Transport { attempts: 2, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_attempt_that_hangs_times_out() {
    let server = MockServer::start(vec![Reply::Hang, Reply::Hang]).await;
    let timeout = Duration::from_millis(200);
    let config = config_for(&server)
        .attempt_timeout(timeout)
        .retry(fast_retries(2))
        .build()
        .expect("config");
    let client = Client::new(config);

    let result = client
        .call::<_, StopOutput, StopError>(&STOP_AS_READ, &StopInput::new("task-1"))
        .await;

    match result {
        Err(SdkError::Timeout {
            attempts,
            timeout: reported,
        }) => {
            assert_eq!(attempts, 2);
            assert_eq!(reported, timeout);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_that_never_finishes_times_out() {
    // Headers arrive promptly, the promised body never does: the per-attempt timeout
    // covers the body read too.
    let server = MockServer::start(vec![Reply::Stall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Req"
            .to_vec(),
    )])
    .await;
    let config = config_for(&server)
        .attempt_timeout(Duration::from_millis(200))
        .retry(RetryConfig::disabled())
        .build()
        .expect("config");
    let client = Client::new(config);

    let result = client
        .call::<_, StopOutput, StopError>(&STOP_AS_READ, &StopInput::new("task-1"))
        .await;

    assert!(
        matches!(result, Err(SdkError::Timeout { attempts: 1, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_stop_whose_answer_was_lost_reports_task_has_stopped_after_two_attempts() {
    // Attempt 1 stops the task but its answer never arrives; attempt 2 finds it stopped.
    // The timeout leaves the second, prompt answer room even on a loaded machine.
    let server = MockServer::start(vec![
        Reply::Hang,
        Reply::envelope(400, "CodeTaskHasStopped", "The task has been stopped."),
    ])
    .await;
    let config = config_for(&server)
        .attempt_timeout(Duration::from_millis(500))
        .retry(RetryConfig {
            resend_writes: true,
            ..fast_retries(3)
        })
        .build()
        .expect("config");
    let client = Client::new(config);

    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;

    assert!(
        matches!(
            outcome.result,
            Err(SdkError::Service(StopError::CodeTaskHasStopped(_)))
        ),
        "the client reports the typed error rather than guessing: {:?}",
        outcome.result
    );
    assert_eq!(
        outcome.attempts, 2,
        "attempts > 1 is what lets the caller treat it as success"
    );
}

#[tokio::test]
async fn a_write_whose_answer_was_lost_is_reported_not_resent() {
    // The same lost answer with the default policy: one attempt, and an error that says
    // the stop may have been applied.
    let server = MockServer::start(vec![
        Reply::Hang,
        Reply::envelope(400, "CodeTaskHasStopped", "The task has been stopped."),
    ])
    .await;
    let config = config_for(&server)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .expect("config");
    let outcome = Client::new(config)
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;
    assert_eq!(outcome.attempts, 1);
    match outcome.result {
        Err(SdkError::MayHaveBeenApplied {
            attempts: 1,
            failure,
        }) => assert!(matches!(*failure, SdkError::Timeout { .. }), "{failure:?}"),
        other => panic!("expected may-have-been-applied, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

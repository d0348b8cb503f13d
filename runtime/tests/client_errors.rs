//! Error answers: the envelope mapped to the operation's error enum, shared codes
//! classified, and bodies that are not what they should be reported, never panicking.

mod support;

use livegen_runtime::{Client, CommonErrorKind, OperationError, RetryConfig, SdkError};
use support::{
    MockServer, Reply, STOP, StopError, StopInput, StopOutput, config_for, fast_retries,
};

async fn call_once(
    replies: Vec<Reply>,
) -> (Result<StopOutput, SdkError<StopError>>, u32, MockServer) {
    call_with(replies, false).await
}

/// Calls the stop action (a write: RAM access level `update`), resending writes after
/// failures that may have been applied only if `resend_writes`.
async fn call_with(
    replies: Vec<Reply>,
    resend_writes: bool,
) -> (Result<StopOutput, SdkError<StopError>>, u32, MockServer) {
    let server = MockServer::start(replies).await;
    let retry = RetryConfig {
        resend_writes,
        ..fast_retries(3)
    };
    let client = Client::new(config_for(&server).retry(retry).build().expect("config"));
    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;
    (outcome.result, outcome.attempts, server)
}

#[tokio::test]
async fn documented_code_maps_to_its_variant_without_retry() {
    let (result, attempts, server) = call_once(vec![Reply::envelope(
        400,
        "CodeTaskNotExist",
        "Task does not exist.",
    )])
    .await;

    let error = result.expect_err("error");
    assert_eq!(error.request_id(), Some("req-CodeTaskNotExist"));
    match error {
        SdkError::Service(StopError::CodeTaskNotExist(e)) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.message, "Task does not exist.");
            assert_eq!(e.host_id.as_deref(), Some("live.aliyuncs.com"));
            assert!(e.recommend.is_some());
        }
        other => panic!("expected CodeTaskNotExist, got {other:?}"),
    }
    assert_eq!(attempts, 1);
    assert_eq!(server.requests().len(), 1, "a 4xx must not be retried");
}

#[tokio::test]
async fn throttling_is_classified_and_retried_until_attempts_run_out() {
    let throttled = || {
        Reply::envelope(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    };
    let (result, attempts, server) = call_once(vec![throttled(), throttled(), throttled()]).await;

    match result {
        Err(SdkError::Service(StopError::Common(common))) => {
            assert_eq!(common.kind, CommonErrorKind::Throttling);
            assert_eq!(common.error.code, "Throttling.User");
        }
        other => panic!("expected throttling, got {other:?}"),
    }
    assert_eq!(attempts, 3);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn throttling_then_success_succeeds() {
    let (result, attempts, _server) = call_once(vec![
        Reply::envelope(400, "Throttling", "slow down"),
        Reply::stopped("task-1"),
    ])
    .await;
    assert_eq!(result.expect("success").task_id.as_deref(), Some("task-1"));
    assert_eq!(attempts, 2);
}

#[tokio::test]
async fn lower_case_envelope_and_unknown_codes() {
    let (result, _, _server) = call_once(vec![Reply::json(
        403,
        r#"{"requestId":"r-lower","code":"Forbidden.RAM","message":"no permission"}"#,
    )])
    .await;
    match result {
        Err(SdkError::Service(StopError::Common(common))) => {
            assert_eq!(common.kind, CommonErrorKind::Forbidden);
            assert_eq!(common.error.request_id.as_deref(), Some("r-lower"));
        }
        other => panic!("expected a common error, got {other:?}"),
    }

    let (result, attempts, _server) =
        call_once(vec![Reply::envelope(400, "SomethingNew", "m")]).await;
    assert!(
        matches!(result, Err(SdkError::Service(StopError::Unhandled(ref e))) if e.code == "SomethingNew"),
        "{result:?}"
    );
    assert_eq!(attempts, 1);
}

#[tokio::test]
async fn server_error_envelope_on_a_write_may_have_been_applied() {
    let internal = || Reply::envelope(500, "InternalError", "boom.");
    let (result, attempts, _server) = call_once(vec![internal(), internal(), internal()]).await;
    assert_eq!(attempts, 1, "a write is not resent after a 500");
    let error = result.expect_err("a 500");
    assert!(error.may_have_been_applied(), "{error:?}");
    let inner = error.service_error().expect("the 500's envelope inside");
    assert_eq!((inner.status(), inner.code()), (500, "InternalError"));
    assert!(
        error.to_string().contains("may have been applied"),
        "{error}"
    );

    // Opted in, the write is resent as a read would be, and the last error is reported.
    let (result, attempts, _server) =
        call_with(vec![internal(), internal(), internal()], true).await;
    match result {
        Err(SdkError::Service(StopError::InternalError(e))) => {
            assert_eq!((e.status, e.code.as_str()), (500, "InternalError"));
        }
        other => panic!("expected InternalError, got {other:?}"),
    }
    assert_eq!(attempts, 3);
}

fn expect_response(
    result: Result<StopOutput, SdkError<StopError>>,
    status: u16,
    reason_part: &str,
) -> String {
    match result {
        Err(SdkError::Response {
            status: got,
            reason,
            body_excerpt,
        }) => {
            assert_eq!(got, status);
            assert!(reason.contains(reason_part), "{reason}");
            assert!(body_excerpt.len() <= 1024 + 3, "{}", body_excerpt.len());
            body_excerpt
        }
        other => panic!("expected an unreadable response, got {other:?}"),
    }
}

#[tokio::test]
async fn html_success_is_unreadable() {
    let (result, attempts, _server) = call_once(vec![Reply::typed(
        200,
        "text/html",
        "<html><body>Gateway login</body></html>",
    )])
    .await;
    let excerpt = expect_response(result, 200, "text/html");
    assert!(excerpt.contains("Gateway login"));
    assert_eq!(attempts, 1, "a 2xx may have taken effect; never resent");
}

#[tokio::test]
async fn truncated_json_is_unreadable() {
    let (result, _, _server) =
        call_once(vec![Reply::json(200, r#"{"RequestId":"abc","TaskId":"#)]).await;
    expect_response(result, 200, "JSON");
}

#[tokio::test]
async fn empty_body_is_unreadable() {
    let (result, _, _server) = call_once(vec![Reply::json(200, "")]).await;
    expect_response(result, 200, "empty body");
}

#[tokio::test]
async fn wrong_shape_is_unreadable() {
    let (result, _, _server) = call_once(vec![Reply::json(
        200,
        r#"{"RequestId":"r","TaskId":["not a string"]}"#,
    )])
    .await;
    expect_response(result, 200, "invalid type");
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let huge = vec![b' '; 5 * 1024 * 1024];
    let (result, _, _server) = call_once(vec![Reply::typed(200, "application/json", huge)]).await;
    expect_response(result, 200, "exceeds 4 MiB");
}

#[tokio::test]
async fn error_status_without_envelope() {
    let (result, attempts, _server) =
        call_once(vec![Reply::typed(404, "text/html", "<h1>Not Found</h1>")]).await;
    let excerpt = expect_response(result, 404, "without an error envelope");
    assert_eq!(excerpt, "<h1>Not Found</h1>");
    assert_eq!(attempts, 1);

    let bad_gateway = || Reply::typed(502, "text/html", "<h1>502 Bad Gateway</h1>");
    let (result, attempts, _server) =
        call_once(vec![bad_gateway(), bad_gateway(), bad_gateway()]).await;
    match result {
        Err(SdkError::MayHaveBeenApplied {
            attempts: 1,
            failure,
        }) => {
            expect_response(Err(*failure), 502, "without an error envelope");
        }
        other => panic!("expected may-have-been-applied, got {other:?}"),
    }
    assert_eq!(attempts, 1, "a write is not resent after a 502");
    let (result, attempts, _server) =
        call_with(vec![bad_gateway(), bad_gateway(), bad_gateway()], true).await;
    expect_response(result, 502, "without an error envelope");
    assert_eq!(attempts, 3, "5xx without envelope is resent when opted in");
}

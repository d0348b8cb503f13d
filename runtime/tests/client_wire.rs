//! What goes on the wire for table-described inputs (form bodies, both signatures), and
//! the hardening against requests that cannot be sent and answers that cannot be trusted.

mod support;

use livegen_runtime::signing::{FORM_CONTENT_TYPE, Verified};
use livegen_runtime::{
    Client, HttpMethod, Operation, ParamInfo, SdkError, ServiceError, Shape, SignatureVersion,
};
use serde_json::{Value, json};
use support::{
    FAKE_KEY_ID, MockServer, Reply, SEND, STOP, StopError, StopInput, StopOutput, config_for,
};

#[tokio::test]
async fn form_body_parameters_are_sent_and_signed_under_both_versions() {
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let server = MockServer::start(vec![Reply::json(200, r#"{"RequestId":"r"}"#)]).await;
        let client = Client::new(
            config_for(&server)
                .signature_version(version)
                .build()
                .expect("config"),
        );
        let input = json!({
            "RegionId": "cn-shanghai",
            "AppId": "app-1",
            "Data": "hello world+中",
            "Users": ["u1", "u2"],
        });
        let answer = client.call_value(&SEND, &input).await.expect("success");
        assert_eq!(answer, json!({"RequestId": "r"}));

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.header("content-type"), Some(FORM_CONTENT_TYPE));
        let body = String::from_utf8(request.body.clone()).expect("utf-8");
        match version {
            // The Tea SDK sorts the form by name; the old SDK keeps table order.
            SignatureVersion::V3 => {
                assert_eq!(
                    body,
                    "AppId=app-1&Data=hello+world%2B%E4%B8%AD&Users=u1%2Cu2"
                );
                assert!(matches!(request.verified, Ok(Verified::V3 { .. })));
            }
            SignatureVersion::V1 => {
                assert_eq!(
                    body,
                    "AppId=app-1&Users=u1%2Cu2&Data=hello+world%2B%E4%B8%AD"
                );
                assert!(matches!(request.verified, Ok(Verified::V1 { .. })));
            }
        }
        assert!(
            request.verified.is_ok(),
            "{version:?}: {:?}",
            request.verified
        );
        assert_eq!(request.query("RegionId"), Some("cn-shanghai"));
        assert_eq!(
            request.query("AppId"),
            None,
            "body parameters stay out of the query"
        );
    }
}

#[tokio::test]
async fn dry_run_shows_the_body_but_no_secret() {
    let server = MockServer::start(vec![]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let prepared = client
        .prepare(&SEND, &json!({"AppId": "a", "Data": "x y"}))
        .expect("prepared");
    let shown = prepared.to_string();
    assert!(shown.ends_with("\n\nAppId=a&Data=x+y\n"), "{shown}");
    assert!(shown.contains(FAKE_KEY_ID), "{shown}");
    assert!(shown.contains("Signature=<redacted>"), "{shown}");
}

#[tokio::test]
async fn a_body_parameter_on_a_get_operation_is_a_construction_error() {
    static GET_ONLY: Operation = Operation {
        methods: &[HttpMethod::Get],
        params: &[ParamInfo::body("Data", Shape::STRING)],
        ..STOP
    };
    let server = MockServer::start(vec![]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let outcome = client
        .call_with_attempts::<_, Value, ServiceError>(&GET_ONLY, &json!({"Data": "x"}))
        .await;
    match outcome.result {
        Err(SdkError::Construction(message)) => assert!(message.contains("GET"), "{message}"),
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(outcome.attempts, 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_request_too_large_to_send_is_refused_before_sending() {
    let server = MockServer::start(vec![Reply::stopped("t"); 3]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let input = StopInput::new("x".repeat(66 * 1024));
    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &input)
        .await;
    match outcome.result {
        Err(SdkError::Construction(message)) => {
            assert!(message.contains("URL"), "{message}");
            assert!(
                !message.contains("xxxx"),
                "the value is not echoed: {message}"
            );
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(outcome.attempts, 0, "never sent, never retried");
    assert!(server.requests().is_empty());
    assert!(client.prepare(&STOP, &input).is_err());
    // Just under the limit still goes out.
    let input = StopInput::new("x".repeat(30 * 1024));
    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &input)
        .await;
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
}

#[tokio::test]
async fn reserved_and_unknown_names_are_refused() {
    let server = MockServer::start(vec![]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    for input in [
        json!({"Region": "r", "TaskId": "t", "Signature": "forged"}),
        json!({"Region": "r", "TaskId": "t", "Action": "DeleteLiveDomain"}),
        json!({"Region": "r", "TaskId": "t", "Bogus": 1}),
    ] {
        let result = client.call_value(&STOP, &input).await;
        assert!(
            matches!(result, Err(SdkError::Construction(_))),
            "{result:?}"
        );
    }
    assert!(server.requests().is_empty());
}

async fn one_answer(reply: Reply) -> (Result<StopOutput, SdkError<StopError>>, usize) {
    let server = MockServer::start(vec![reply.clone(), reply.clone(), reply]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let result = client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("t"))
        .await;
    (result, server.requests().len())
}

#[tokio::test]
async fn http_200_with_an_error_envelope_is_a_service_error() {
    let (result, sent) = one_answer(Reply::json(
        200,
        r#"{"RequestId":"r","Code":"CodeTaskNotExist","Message":"gone"}"#,
    ))
    .await;
    match result {
        Err(SdkError::Service(StopError::CodeTaskNotExist(e))) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.message, "gone");
        }
        other => panic!("expected a service error, got {other:?}"),
    }
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn duplicate_or_numeric_codes_are_unreadable_answers() {
    for body in [
        r#"{"RequestId":"r","Code":"Throttling","Code":"CodeTaskNotExist","Message":"m"}"#,
        r#"{"RequestId":"r","Code":400,"Message":"m"}"#,
    ] {
        let (result, sent) = one_answer(Reply::json(400, body)).await;
        match result {
            Err(SdkError::Response { status, .. }) => assert_eq!(status, 400),
            other => panic!("{body}: expected an unreadable answer, got {other:?}"),
        }
        assert_eq!(sent, 1, "{body}: a 4xx is not retried");
    }
}

#[tokio::test]
async fn control_characters_from_the_server_are_escaped() {
    let (result, _) = one_answer(Reply::json(
        400,
        r#"{"RequestId":"r\u001b[1m","Code":"CodeTaskNotExist","Message":"a\u001b]0;title\u0007b"}"#,
    ))
    .await;
    let error = result.expect_err("error");
    let shown = format!("{error}");
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
    match error {
        SdkError::Service(e) => {
            let e = livegen_runtime::OperationError::service_error(&e).clone();
            assert_eq!(e.message, "a\\u{1b}]0;title\\u{7}b");
            assert_eq!(e.request_id.as_deref(), Some("r\\u{1b}[1m"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

//! The generated client against the fake over real TCP: success, every documented error
//! as its typed variant, signature and credential failures, V1 signing, and the
//! gateway's parameter checks.

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{Region, SdkError, StopLivePullToPushError, StopLivePullToPushInput};
use livegen_runtime::config::RetryConfig;
use livegen_runtime::signing::SignatureVersion;
use livegen_runtime::{CommonErrorKind, ErrorInfo, OperationError};
use livegen_tests::fake::catalog::catalog;
use livegen_tests::fake::{Fake, FakeConfig, TaskState};
use livegen_tests::harness::{
    client, config, config_with_key, default_client, fake_with_tasks, stop_counted, variant,
};

fn service_error(
    result: Result<impl std::fmt::Debug, SdkError<StopLivePullToPushError>>,
) -> StopLivePullToPushError {
    match result {
        Err(SdkError::Service(error)) => error,
        // A 5xx on this write (`InternalError`) is reported as possibly applied.
        Err(SdkError::MayHaveBeenApplied { failure, .. }) => match *failure {
            SdkError::Service(error) => error,
            other => panic!("expected a service error inside, got {other:?}"),
        },
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn is_request_id(id: Option<&str>) -> bool {
    id.is_some_and(|id| id.len() == 36 && id.split('-').count() == 5)
}

#[tokio::test]
async fn stopping_a_running_task_succeeds_and_stops_it() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = default_client(&fake);
    let output = client
        .stop_live_pull_to_push(StopLivePullToPushInput::new(Region::CnShanghai, "relay-1"))
        .await
        .expect("the task is running");
    assert_eq!(output.task_id.as_deref(), Some("relay-1"));
    assert!(is_request_id(output.request_id.as_deref()), "{output:?}");
    assert_eq!(fake.task("relay-1"), Some(TaskState::Stopped));

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].signature, Some("V3"));
    assert_eq!(requests[0].access_key_id.as_deref(), Some("testid"));
    assert_eq!(
        requests[0].params,
        [
            ("Region".to_owned(), "cn-shanghai".to_owned()),
            ("TaskId".to_owned(), "relay-1".to_owned())
        ]
    );
}

/// The fake serves every operation of the whole API from the generated tables, not just
/// the relay family: an imported, typed action, and one the 2024-06 docs never described
/// (its output stays a JSON map).
#[tokio::test]
async fn the_fake_serves_operations_beyond_the_relay_family() {
    let fake = fake_with_tasks(&[]);
    let client = default_client(&fake);
    let output = client
        .describe_live_domain_detail(aliyun_live::DescribeLiveDomainDetailInput::new(
            "example.aliyundoc.com",
        ))
        .await
        .expect("served from the tables");
    assert!(is_request_id(output.request_id.as_deref()), "{output:?}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].params,
        [("DomainName".to_owned(), "example.aliyundoc.com".to_owned())]
    );
    assert_eq!(
        aliyun_live::operations::ALL.len(),
        417,
        "the crate is the whole 2025-12 API"
    );
}

#[tokio::test]
async fn stopping_twice_is_code_task_has_stopped_and_unknown_is_code_task_not_exist() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = default_client(&fake);
    let stop = |task: &'static str| {
        client.stop_live_pull_to_push(StopLivePullToPushInput::new(Region::CnBeijing, task))
    };
    stop("relay-1").await.expect("first stop");
    let again = service_error(stop("relay-1").await);
    assert!(
        matches!(again, StopLivePullToPushError::CodeTaskHasStopped(_)),
        "{again:?}"
    );
    assert_eq!(again.message(), "The task has been stopped.");
    let unknown = service_error(stop("no-such-task").await);
    assert!(
        matches!(unknown, StopLivePullToPushError::CodeTaskNotExist(_)),
        "{unknown:?}"
    );
    assert_eq!(unknown.status(), 400);
    assert!(is_request_id(unknown.request_id()), "{unknown:?}");
}

#[tokio::test]
async fn every_documented_error_reaches_its_typed_variant() {
    let fake = fake_with_tasks(&[]);
    // One attempt, so the resent codes (ServiceUnavailable) are reported too.
    let client = client(config(&fake).retry(RetryConfig::disabled()));
    assert_eq!(OPERATION.errors.len(), 7);
    for &ErrorInfo {
        code,
        http_status: status,
        ..
    } in OPERATION.errors
    {
        let task = format!("fail:{code}");
        let error = service_error(
            client
                .stop_live_pull_to_push(StopLivePullToPushInput::new(Region::CnShanghai, task))
                .await,
        );
        assert_eq!(variant(&error), code, "{error:?}");
        assert_eq!(error.code(), code);
        assert_eq!(error.status(), status, "{code}");
        assert!(is_request_id(error.request_id()), "{code}: {error:?}");
        let documented = catalog().error(OPERATION.action, code).expect("documented");
        if documented.message.contains("%s") {
            assert!(
                error.message().ends_with('.'),
                "{code}: {}",
                error.message()
            );
        } else {
            assert_eq!(error.message(), documented.message, "{code}");
        }
        let envelope = error.service_error();
        assert_eq!(envelope.host_id.as_deref(), Some("live.aliyuncs.com"));
        assert!(
            envelope
                .recommend
                .as_deref()
                .is_some_and(|link| link.contains(code)),
            "{envelope:?}"
        );
    }
    assert_eq!(fake.request_count(), 7);
}

#[tokio::test]
async fn armed_errors_answer_exactly_that_many_calls() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.fail_next("LiveServiceNotFound", 2);
    let client = default_client(&fake);
    for _ in 0..2 {
        let error = service_error(stop_counted(&client, "relay-1").await.result);
        assert!(
            matches!(error, StopLivePullToPushError::LiveServiceNotFound(_)),
            "{error:?}"
        );
    }
    stop_counted(&client, "relay-1")
        .await
        .result
        .expect("the third call reaches the task");
}

#[tokio::test]
async fn a_wrong_secret_is_signature_does_not_match_and_is_not_retried() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = client(config_with_key(&fake, "testid", "not-the-secret"));
    let outcome = stop_counted(&client, "relay-1").await;
    assert_eq!(outcome.attempts, 1);
    match service_error(outcome.result) {
        StopLivePullToPushError::Common(common) => {
            assert_eq!(common.kind, CommonErrorKind::SignatureDoesNotMatch);
            assert_eq!(common.error.code, "SignatureDoesNotMatch");
            assert_eq!(common.error.status, 400);
            assert!(
                common.error.message.contains("server string to sign is:"),
                "{common:?}"
            );
        }
        other => panic!("expected Common, got {other:?}"),
    }
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[tokio::test]
async fn an_unknown_access_key_is_invalid_access_key_id() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = client(config_with_key(&fake, "unknownid", "testsecret"));
    match service_error(stop_counted(&client, "relay-1").await.result) {
        StopLivePullToPushError::Common(common) => {
            assert_eq!(common.kind, CommonErrorKind::InvalidAccessKeyId);
            assert_eq!(common.error.code, "InvalidAccessKeyId.NotFound");
            assert_eq!(common.error.status, 404);
        }
        other => panic!("expected Common, got {other:?}"),
    }
}

#[tokio::test]
async fn v1_signatures_are_accepted_too() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = client(config(&fake).signature_version(SignatureVersion::V1));
    let output = stop_counted(&client, "relay-1")
        .await
        .result
        .expect("V1 verifies");
    assert_eq!(output.task_id.as_deref(), Some("relay-1"));
    assert_eq!(fake.requests()[0].signature, Some("V1"));

    let wrong = client_with_secret_v1(&fake);
    let error = service_error(stop_counted(&wrong, "relay-1").await.result);
    assert_eq!(error.code(), "SignatureDoesNotMatch");
}

fn client_with_secret_v1(fake: &Fake) -> aliyun_live::Client {
    client(config_with_key(fake, "testid", "wrong").signature_version(SignatureVersion::V1))
}

#[tokio::test]
async fn a_region_outside_the_spec_is_invalid_parameter() {
    let fake = fake_with_tasks(&["relay-1"]);
    let client = default_client(&fake);
    let input = StopLivePullToPushInput::new(Region::from("mars-north-1"), "relay-1");
    assert!(!input.region.is_known());
    let error = service_error(client.stop_live_pull_to_push(input).await);
    assert!(
        matches!(error, StopLivePullToPushError::InvalidParameter(_)),
        "{error:?}"
    );
    assert!(
        error.message().contains("mars-north-1"),
        "{}",
        error.message()
    );
    assert!(
        error.message().contains("cn-shanghai"),
        "{}",
        error.message()
    );
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[tokio::test]
async fn an_empty_required_task_id_is_refused_before_sending() {
    let fake = fake_with_tasks(&[]);
    let client = default_client(&fake);
    let outcome = stop_counted(&client, "").await;
    assert_eq!(outcome.attempts, 0, "nothing was sent");
    match outcome.result {
        Err(SdkError::Construction(message)) => {
            assert!(message.contains("TaskId"), "{message}");
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn a_code_the_spec_does_not_list_is_unhandled() {
    let fake = fake_with_tasks(&[]);
    let client = default_client(&fake);
    match service_error(stop_counted(&client, "fail:LiveBrandNewError").await.result) {
        StopLivePullToPushError::Unhandled(error) => {
            assert_eq!(error.code, "LiveBrandNewError");
            assert_eq!(error.status, 400);
        }
        other => panic!("expected Unhandled, got {other:?}"),
    }
}

#[tokio::test]
async fn keys_other_than_the_default_can_be_configured() {
    let fake = Fake::start(FakeConfig {
        keys: vec![("otherid".to_owned(), "othersecret".to_owned())],
        ..FakeConfig::default().task("relay-1")
    })
    .expect("fake starts");
    let default = default_client(&fake);
    let error = service_error(stop_counted(&default, "relay-1").await.result);
    assert_eq!(error.code(), "InvalidAccessKeyId.NotFound");
    let other = client(config_with_key(&fake, "otherid", "othersecret"));
    stop_counted(&other, "relay-1")
        .await
        .result
        .expect("the configured key works");
}

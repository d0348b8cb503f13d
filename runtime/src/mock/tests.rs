//! The mock answers in place of the network after the production path: validation,
//! encoding, token filling, error mapping and retries all still happen.

use std::time::Duration;

use serde_json::json;

use super::MockService;
use crate::error::SdkError;
use crate::operation::{
    HttpMethod, Operation, ParamInfo, QpsLimit, QpsScope, RamAuthorization, Service, Shape,
};

static SERVICE: Service = Service {
    code: "demo",
    version: "2020-01-01",
    default_endpoint: "demo.aliyuncs.com",
    endpoint_pattern: "demo.{regionId}.aliyuncs.com",
    regional_endpoints: &[],
};

/// A write with a required parameter, an idempotency token and documented errors.
static STOP: Operation = Operation {
    service: &SERVICE,
    action: "StopThing",
    summary: "Stops a thing.",
    path: "/",
    methods: &[HttpMethod::Get],
    qps: Some(QpsLimit {
        limit: 10,
        per: Duration::from_secs(1),
        scope: QpsScope::Account,
    }),
    ram: RamAuthorization {
        action: None,
        access_level: Some("update"),
        resources: &[],
        condition_keys: &[],
        dependent_actions: &[],
    },
    params: &[
        ParamInfo::query("ThingId", Shape::STRING).required(),
        ParamInfo::query("ClientToken", Shape::STRING),
    ],
    errors: StopError::ERRORS,
    pagination: None,
    deprecated: false,
    idempotency_token: Some("ClientToken"),
};

crate::operation_error! {
    /// The errors of `StopThing`.
    pub enum StopError {
        /// The thing does not exist.
        ThingNotFound = (404, "ThingNotFound", "The thing does not exist."),
    }
}

#[derive(serde::Serialize)]
struct StopInput {
    #[serde(rename = "ThingId", skip_serializing_if = "Option::is_none")]
    thing_id: Option<String>,
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct StopOutput {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "ThingId")]
    thing_id: Option<String>,
}

fn input(id: &str) -> StopInput {
    StopInput {
        thing_id: Some(id.to_owned()),
    }
}

#[tokio::test]
async fn a_typed_answer_comes_back_typed_and_the_request_is_recorded() {
    let mock = MockService::new();
    let canned = StopOutput {
        request_id: Some("req-1".to_owned()),
        thing_id: Some("t-1".to_owned()),
    };
    mock.answer("StopThing", &canned);
    let client = mock.client();
    let output: Result<StopOutput, SdkError<StopError>> = client.call(&STOP, &input("t 1")).await;
    assert_eq!(output.ok(), Some(canned));
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].action, "StopThing");
    assert_eq!(requests[0].host, "demo.aliyuncs.com");
    assert_eq!(requests[0].param("ThingId"), Some("t 1"));
    // Signed as it would be sent: the value is percent-encoded in the URL.
    assert!(
        requests[0].signed.url.contains("ThingId=t%201"),
        "{}",
        requests[0].signed.url
    );
}

#[tokio::test]
async fn a_missing_required_parameter_fails_before_the_mock() {
    let mock = MockService::new();
    mock.answer("StopThing", &json!({}));
    let result: Result<StopOutput, SdkError<StopError>> = mock
        .client()
        .call(&STOP, &StopInput { thing_id: None })
        .await;
    match result {
        Err(SdkError::Construction(message)) => assert!(message.contains("ThingId"), "{message}"),
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_canned_error_maps_to_its_documented_variant() {
    let mock = MockService::new();
    mock.fail(
        "StopThing",
        404,
        "ThingNotFound",
        "The thing does not exist.",
    );
    let result: Result<StopOutput, SdkError<StopError>> =
        mock.client().call(&STOP, &input("t-2")).await;
    match result {
        Err(SdkError::Service(StopError::ThingNotFound(e))) => {
            assert_eq!(e.status, 404);
            assert_eq!(e.request_id.as_deref(), Some("mock-request-1"));
        }
        other => panic!("expected ThingNotFound, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn answers_are_used_in_order_and_retries_repeat_the_token() {
    let mock = MockService::new();
    mock.fail("StopThing", 503, "ServiceUnavailable", "busy")
        .answer("StopThing", &json!({"ThingId": "t-3"}));
    let client = mock.client();
    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &input("t-3"))
        .await;
    assert_eq!(outcome.attempts, 2);
    let output = outcome.result.ok();
    assert_eq!(output.and_then(|o| o.thing_id).as_deref(), Some("t-3"));
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    let token = requests[0].param("ClientToken");
    assert!(token.is_some_and(|t| !t.is_empty()));
    assert_eq!(token, requests[1].param("ClientToken"));
    // The last answer repeats.
    let again: Result<StopOutput, SdkError<StopError>> = client.call(&STOP, &input("t-4")).await;
    assert!(again.is_ok());
}

#[tokio::test]
async fn an_action_without_an_answer_is_named() {
    let mock = MockService::new();
    let result: Result<StopOutput, SdkError<StopError>> =
        mock.client().call(&STOP, &input("t-5")).await;
    match result {
        Err(SdkError::Construction(message)) => {
            assert!(message.contains("no answer for StopThing"), "{message}");
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn settings_of_the_builder_apply() {
    let mock = MockService::new();
    mock.answer("StopThing", &json!({}));
    let client = mock
        .client_with(
            crate::Config::builder()
                .region_id("cn-shanghai")
                .network("vpc")
                .limiter_store(crate::LimiterStore::Client),
        )
        .map_err(|e| e.to_string());
    let client = match client {
        Ok(client) => client,
        Err(e) => panic!("{e}"),
    };
    let _: Result<StopOutput, SdkError<StopError>> = client.call(&STOP, &input("t-6")).await;
    assert_eq!(mock.requests()[0].host, "demo-vpc.cn-shanghai.aliyuncs.com");
}

//! A ROA (RESTful) operation through the whole client: the path filled in and escaped,
//! query, header parameters and a JSON body on the wire, signed so that the runtime's own
//! verifier accepts it, a lower-camel-case ROA error body mapped to a service error, and
//! the V1 signature refused before anything is sent.

mod support;

use livegen_runtime::{
    Client, HttpMethod, Operation, ParamInfo, SdkError, ServiceError, Shape, SignatureVersion,
};
use serde_json::json;
use support::{MockServer, Reply, SEND, config_for};

static SCALE: Operation = Operation {
    action: "ScaleClusterNodePool",
    path: "/clusters/{ClusterId}/nodepools/{NodepoolId}",
    methods: &[HttpMethod::Put],
    params: &[
        ParamInfo::path("ClusterId", Shape::STRING),
        ParamInfo::path("NodepoolId", Shape::STRING),
        ParamInfo::query("dry_run", Shape::Boolean),
        ParamInfo::header("x-acs-resourcegroupid", Shape::STRING),
        ParamInfo::json_body("body", Shape::Any),
    ],
    ..SEND
};

#[tokio::test]
async fn roa_call_puts_path_query_headers_and_json_body_on_the_wire() {
    let server = MockServer::start(vec![Reply::json(200, r#"{"task_id":"T-1"}"#)]).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let input = json!({
        "ClusterId": "c/1 x",
        "NodepoolId": "np+%",
        "dry_run": true,
        "x-acs-resourcegroupid": "rg-1",
        "body": {"count": 3, "labels": [{"key": "k", "value": "直播"}], "skip": null},
    });
    let answer = client.call_value(&SCALE, &input).await.expect("success");
    assert_eq!(answer, json!({"task_id": "T-1"}));

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.target,
        "/clusters/c%2F1%20x/nodepools/np%2B%25?dry_run=true"
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(request.header("x-acs-resourcegroupid"), Some("rg-1"));
    assert_eq!(
        String::from_utf8(request.body.clone()).expect("utf-8"),
        r#"{"count":3,"labels":[{"key":"k","value":"直播"}]}"#
    );
    assert!(request.verified.is_ok(), "{:?}", request.verified);
    let authorization = request.header("authorization").expect("signed");
    assert!(
        authorization.contains("x-acs-resourcegroupid"),
        "header parameters are signed: {authorization}"
    );
}

#[tokio::test]
async fn roa_error_bodies_in_lower_camel_case_become_service_errors() {
    let server = MockServer::start(vec![Reply::json(
        404,
        r#"{"code":"ErrorClusterNotFound","message":"cluster not found","requestId":"r-9"}"#,
    )])
    .await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let input = json!({"ClusterId": "c", "NodepoolId": "n"});
    match client.call_value(&SCALE, &input).await {
        Err(SdkError::Service(ServiceError {
            status,
            code,
            request_id,
            ..
        })) => {
            assert_eq!(status, 404);
            assert_eq!(code, "ErrorClusterNotFound");
            assert_eq!(request_id.as_deref(), Some("r-9"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn roa_refuses_v1_and_bad_path_values_before_sending() {
    let server = MockServer::start(vec![]).await;
    let v1 = Client::new(
        config_for(&server)
            .signature_version(SignatureVersion::V1)
            .build()
            .expect("config"),
    );
    let input = json!({"ClusterId": "c", "NodepoolId": "n"});
    match v1.call_value(&SCALE, &input).await {
        Err(SdkError::Construction(message)) => assert!(message.contains("V3"), "{message}"),
        other => panic!("expected a construction error, got {other:?}"),
    }
    let v3 = Client::new(config_for(&server).build().expect("config"));
    for bad in [
        json!({"ClusterId": "..", "NodepoolId": "n"}),
        json!({"NodepoolId": "n"}),
    ] {
        match v3.call_value(&SCALE, &bad).await {
            Err(SdkError::Construction(message)) => {
                assert!(message.contains("ClusterId"), "{message}")
            }
            other => panic!("expected a construction error, got {other:?}"),
        }
    }
    assert!(server.requests().is_empty());
}

//! Successful calls: decoding, what goes on the wire, dry runs, and local failures that
//! must not reach the network.

mod support;

use std::time::{Duration, Instant};

use livegen_runtime::config::RateLimit;
use livegen_runtime::signing::Verified;
use livegen_runtime::{Client, HttpMethod, QpsLimit, QpsScope, SdkError, SignatureVersion};
use support::{
    FAKE_KEY_ID, FAKE_SECRET, MockServer, PAGED, Reply, STOP, STOP_POST, StopError, StopInput,
    StopOutput, bad_input, config_for,
};

#[tokio::test]
async fn decodes_a_success_and_ignores_unknown_fields() {
    let server = MockServer::start(vec![Reply::stopped("task-1")]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;

    let output = outcome.result.expect("success");
    assert_eq!(output.request_id.as_deref(), Some("req-ok"));
    assert_eq!(output.task_id.as_deref(), Some("task-1"));
    assert_eq!(outcome.attempts, 1);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn v3_request_is_signed_with_an_authorization_header() {
    let server = MockServer::start(vec![Reply::stopped("t")]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await
        .expect("success");

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert!(request.target.starts_with("/?"), "{}", request.target);
    assert_eq!(request.query("TaskId"), Some("task-1"));
    assert_eq!(request.query("Region"), Some("cn-shanghai"));
    let authorization = request.header("authorization").expect("authorization");
    assert!(
        authorization.starts_with("ACS3-HMAC-SHA256 "),
        "{authorization}"
    );
    assert!(authorization.contains(FAKE_KEY_ID), "{authorization}");
    assert_eq!(request.header("host"), Some(server.authority().as_str()));
    let user_agent = request.header("user-agent").expect("user agent");
    assert!(user_agent.starts_with("livegen-runtime/"), "{user_agent}");
    let wire = format!("{request:?}");
    assert!(!wire.contains(FAKE_SECRET), "the secret went on the wire");
    assert_eq!(
        request.verified,
        Ok(Verified::V3 {
            access_key_id: FAKE_KEY_ID.to_owned(),
            security_token: None,
        }),
        "the signature must verify as received, host:port and query encoding included"
    );
}

#[tokio::test]
async fn v1_request_carries_the_signature_in_the_query() {
    let server = MockServer::start(vec![Reply::stopped("t")]).await;
    let config = config_for(&server)
        .signature_version(SignatureVersion::V1)
        .build()
        .expect("config");
    let client = Client::new(config);

    client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await
        .expect("success");

    let request = &server.requests()[0];
    assert!(request.query("Signature").is_some(), "{}", request.target);
    assert_eq!(request.query("Action"), Some("StopLivePullToPush"));
    assert_eq!(request.query("TaskId"), Some("task-1"));
    assert!(request.header("authorization").is_none());
    assert_eq!(
        request.verified,
        Ok(Verified::V1 {
            access_key_id: FAKE_KEY_ID.to_owned(),
            security_token: None,
        })
    );
}

#[tokio::test]
async fn post_sends_parameters_in_the_query_and_an_empty_body() {
    let server = MockServer::start(vec![Reply::stopped("t")]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    client
        .call::<_, StopOutput, StopError>(&STOP_POST, &StopInput::new("task-1"))
        .await
        .expect("success");

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.query("TaskId"), Some("task-1"));
    assert_eq!(request.header("content-length"), Some("0"));
    assert!(request.body.is_empty());
    assert!(request.verified.is_ok(), "{:?}", request.verified);
}

#[tokio::test]
async fn prepare_signs_without_sending_and_display_hides_the_signature() {
    let server = MockServer::start(vec![]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let prepared = client
        .prepare(&STOP, &StopInput::new("task-1"))
        .expect("prepared");

    assert_eq!(prepared.method, HttpMethod::Get);
    assert!(
        prepared.url.starts_with(&format!("{}/?", server.url())),
        "{}",
        prepared.url
    );
    assert!(prepared.url.contains("TaskId=task-1"), "{}", prepared.url);
    let authorization = prepared
        .headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str())
        .expect("signed");
    let signature = authorization
        .rsplit("Signature=")
        .next()
        .expect("signature part");

    let shown = format!("{prepared}");
    assert!(
        shown.starts_with(&format!("GET {}/?", server.url())),
        "{shown}"
    );
    assert!(shown.contains("authorization: ACS3-HMAC-SHA256"), "{shown}");
    assert!(shown.contains("Signature=<redacted>"), "{shown}");
    assert!(!shown.contains(signature), "{shown}");
    assert!(!shown.contains(FAKE_SECRET), "{shown}");
    assert!(!format!("{prepared:?}").contains(signature));
    assert!(server.requests().is_empty(), "prepare must not send");
}

#[tokio::test]
async fn invalid_input_fails_before_anything_is_sent() {
    let server = MockServer::start(vec![]).await;
    let client = Client::new(config_for(&server).build().expect("config"));

    let outcome = client
        .call_with_attempts::<_, StopOutput, StopError>(&PAGED, &bad_input())
        .await;

    match outcome.result {
        Err(SdkError::Construction(message)) => {
            assert!(message.contains("PageSize"), "{message}");
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert_eq!(outcome.attempts, 0);
    assert!(client.prepare(&PAGED, &bad_input()).is_err());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn limiter_is_wired_in_and_shared_by_clones() {
    let script = (0..4).map(|_| Reply::stopped("t")).collect();
    let server = MockServer::start(script).await;
    let config = config_for(&server)
        .rate_limit(RateLimit::Override(QpsLimit {
            limit: 20,
            per: Duration::from_secs(1),
            scope: QpsScope::Account,
        }))
        .build()
        .expect("config");
    let client = Client::new(config);
    let clone = client.clone();

    let started = Instant::now();
    for (index, client) in [&client, &clone, &client, &clone].into_iter().enumerate() {
        client
            .call::<_, StopOutput, StopError>(&STOP, &StopInput::new(index.to_string()))
            .await
            .expect("success");
    }

    // 20/s spaces requests 50 ms apart: the 4th may leave 150 ms after the 1st at the
    // earliest. Clones alternate, so this also shows they share one schedule.
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn calls_can_be_spawned_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let config = livegen_runtime::Config::builder()
        .build()
        .expect("defaults are valid");
    let client = Client::new(config);
    let input = StopInput::new("t");
    let call = client.call::<_, StopOutput, StopError>(&STOP, &input);
    assert_send(&call);
    assert_send(&client);
}

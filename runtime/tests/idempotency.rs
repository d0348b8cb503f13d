//! Idempotency tokens through the client: a call to an operation that takes one fills an
//! unset token once, so a dry run shows it and every attempt repeats it; a token the
//! caller set is sent as is; the write is resent after a lost answer without opting in.

mod support;

use livegen_runtime::{Client, Operation, ParamInfo, SdkError, Shape};
use serde_json::json;
use support::{MockServer, Reply, STOP, config_for, fast_retries};

/// The stop action's table (access level `update`: a write) with a `ClientToken`.
static STOP_WITH_TOKEN: Operation = Operation {
    params: &[
        STOP.params[0],
        STOP.params[1],
        ParamInfo::query("ClientToken", Shape::STRING),
    ],
    idempotency_token: Some("ClientToken"),
    ..STOP
};

fn token_of(url: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ClientToken="))
        .expect("a ClientToken in the query")
        .to_owned()
}

#[tokio::test]
async fn a_dry_run_shows_the_generated_token_and_each_call_gets_its_own() {
    let server = MockServer::start(Vec::new()).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    let input = json!({"Region": "cn-shanghai", "TaskId": "t-1"});
    let first = client
        .prepare_value(&STOP_WITH_TOKEN, &input)
        .expect("prepared");
    let second = client
        .prepare_value(&STOP_WITH_TOKEN, &input)
        .expect("prepared");
    let (a, b) = (token_of(&first.url), token_of(&second.url));
    assert_eq!(a.len(), 36, "{a}");
    assert_ne!(a, b, "one token per call");
    assert!(
        first.to_string().contains(&a),
        "the dry run's text shows it:\n{first}"
    );

    let mine = json!({"Region": "cn-shanghai", "TaskId": "t-1", "ClientToken": "my-token"});
    let kept = client
        .prepare_value(&STOP_WITH_TOKEN, &mine)
        .expect("prepared");
    assert_eq!(token_of(&kept.url), "my-token");
    let plain = client.prepare_value(&STOP, &input).expect("prepared");
    assert!(!plain.url.contains("ClientToken"), "{}", plain.url);
}

#[tokio::test]
async fn every_attempt_repeats_the_token_and_a_lost_answer_is_resent() {
    // A 500 after which a write without a token is reported as may-have-been-applied.
    let script = || {
        vec![
            Reply::envelope(500, "InternalError", "boom"),
            Reply::stopped("t-1"),
        ]
    };
    let input = json!({"Region": "cn-shanghai", "TaskId": "t-1"});

    let server = MockServer::start(script()).await;
    let client = Client::new(
        config_for(&server)
            .retry(fast_retries(3))
            .build()
            .expect("config"),
    );
    let answer = client
        .call_value(&STOP_WITH_TOKEN, &input)
        .await
        .expect("resent, answered");
    assert_eq!(answer["TaskId"], "t-1");
    let tokens: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query("ClientToken").expect("a token").to_owned())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1], "the same token on every attempt");

    let server = MockServer::start(script()).await;
    let client = Client::new(
        config_for(&server)
            .retry(fast_retries(3))
            .build()
            .expect("config"),
    );
    let without = client.call_value(&STOP, &input).await;
    assert!(
        matches!(
            without,
            Err(SdkError::MayHaveBeenApplied { attempts: 1, .. })
        ),
        "{without:?}"
    );
}

//! What a user reads when a call cannot be made: the host that failed (never the signed
//! query), where an unplanned host came from, and credentials errors said once.

mod support;

use livegen_runtime::credentials::{DefaultCredentialsChain, EnvLookup, StaticCredentials};
use livegen_runtime::operation::{Operation, Service};
use livegen_runtime::{Client, Config, Credentials, RetryConfig, SdkError};
use support::{FAKE_KEY_ID, FAKE_SECRET, STOP, StopError, StopInput, StopOutput};

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn one_attempt() -> RetryConfig {
    RetryConfig {
        max_attempts: 1,
        ..RetryConfig::default()
    }
}

fn credentials() -> StaticCredentials {
    StaticCredentials::new(Credentials::new(FAKE_KEY_ID, FAKE_SECRET))
}

#[tokio::test]
async fn a_transport_error_names_the_host_and_withholds_the_signed_query() {
    let port = closed_port();
    let config = Config::builder()
        .credentials(credentials())
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry(one_attempt())
        .build()
        .expect("config");
    let result = Client::new(config)
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;
    let Err(SdkError::Transport { message, .. }) = result else {
        panic!("expected a transport error, got {result:?}");
    };
    assert!(
        message.contains(&format!(
            "(http://127.0.0.1:{port}/; query withheld: it carries the signature)"
        )),
        "{message}"
    );
    assert!(!message.contains("Signature="), "{message}");
    assert!(!message.contains("<url>"), "{message}");
    assert!(
        !message.contains("is not in the service's endpoint table"),
        "{message}"
    );
}

#[tokio::test]
async fn a_failing_host_from_the_endpoint_pattern_says_so_and_how_to_override() {
    // A pattern that lands on loopback, so the failure is a quick refused connection.
    let port = closed_port();
    let pattern: &'static str = Box::leak(format!("127.0.0.{{regionId}}:{port}").into_boxed_str());
    let service: &'static Service = Box::leak(Box::new(Service {
        endpoint_pattern: pattern,
        ..support::stop::LIVE
    }));
    let op: &'static Operation = Box::leak(Box::new(Operation { service, ..STOP }));
    let config = Config::builder()
        .credentials(credentials())
        .region_id("1")
        .retry(one_attempt())
        .build()
        .expect("config");
    let result = Client::new(config)
        .call::<_, StopOutput, StopError>(op, &StopInput::new("task-1"))
        .await;
    let Err(SdkError::Transport { message, .. }) = result else {
        panic!("expected a transport error, got {result:?}");
    };
    for part in [
        "region id `1` is not in the service's endpoint table",
        &format!("the host 127.0.0.1:{port} comes from the endpoint pattern"),
        "--endpoint",
    ] {
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
}

#[tokio::test]
async fn missing_credentials_are_reported_once_not_twice() {
    let chain = DefaultCredentialsChain::with_env(EnvLookup::from_fn(|name| match name {
        "HOME" => Some("/nonexistent-livegen-home".to_owned()),
        // Tests stay on loopback: no metadata service at 100.100.100.200.
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED" => Some("true".to_owned()),
        _ => None,
    }));
    let config = Config::builder()
        .credentials(chain)
        .endpoint_url(format!("http://127.0.0.1:{}", closed_port()))
        .build()
        .expect("config");
    let result = Client::new(config)
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("task-1"))
        .await;
    let Err(SdkError::Construction(message)) = result else {
        panic!("expected a construction error, got {result:?}");
    };
    assert!(
        message.starts_with("no credentials found; tried [environment variables: "),
        "{message}"
    );
    assert_eq!(message.matches("no credentials").count(), 1, "{message}");
}

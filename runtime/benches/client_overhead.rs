//! Per-call CPU overhead of the client, without the network: signing (V3, V1), building a
//! complete signed request (`Client::prepare`: parameters, credentials, endpoint,
//! signature, URL and header validation), and reading an answer (a success into the
//! output struct; an error envelope into the operation's error enum).
//!
//! Run alone with `cargo bench -p livegen-runtime --bench client_overhead`; `cargo xtask
//! bench` runs it and puts the numbers in its report.

#[path = "../tests/support/stop.rs"]
mod stop;

/// The runtime's own answer reader, compiled from its source: it is crate-private, and
/// benchmarking a copy would measure the copy. It names `crate::error::ServiceError`,
/// which the module below provides.
#[path = "../src/client/response.rs"]
#[allow(dead_code, unreachable_pub, clippy::all)]
mod response;

mod error {
    pub use livegen_runtime::{ServiceError, sanitize_text};
}

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::signing::{self, SignatureVersion, SigningInput, SigningParams};
use livegen_runtime::{Client, Config, Credentials, HttpMethod, OperationError, RateLimit};
use response::{Answer, Body, Parsed};
use stop::{STOP, StopError, StopInput, StopOutput};

const KEY_ID: &str = "LTAI5tBenchmarkKeyId000";
const SECRET: &str = "bench-secret-not-real-000000000";

/// A realistic success body: what the fake (and the service) answer.
const SUCCESS: &str = r#"{"RequestId":"5E3C1B0A-1C2D-4E5F-8A9B-0C1D2E3F4A5B","TaskId":"3bb44350-0c34-49c7-8c5e-cba5e6c0e1f2"}"#;

/// A documented error, as the service sends it.
const ENVELOPE: &str = r#"{"RequestId":"5E3C1B0A-1C2D-4E5F-8A9B-0C1D2E3F4A5B","HostId":"live.aliyuncs.com","Code":"CodeTaskHasStopped","Message":"The task has been stopped.","Recommend":"https://api.aliyun.com/troubleshoot?q=CodeTaskHasStopped"}"#;

fn signing(c: &mut Criterion) {
    let params = vec![
        ("Region".to_owned(), "cn-shanghai".to_owned()),
        (
            "TaskId".to_owned(),
            "3bb44350-0c34-49c7-8c5e-cba5e6c0e1f2".to_owned(),
        ),
    ];
    let credentials = Credentials::new(KEY_ID, SECRET);
    let user_agent = [(
        "user-agent".to_owned(),
        livegen_runtime::config::DEFAULT_USER_AGENT.to_owned(),
    )];
    let input = SigningInput {
        method: HttpMethod::Get,
        host: "live.aliyuncs.com",
        path: "/",
        action: "StopLivePullToPush",
        version: "2016-11-01",
        params: &params,
        body: &[],
        payload: None,
    };
    let mut group = c.benchmark_group("sign");
    for (name, version) in [("v3", SignatureVersion::V3), ("v1", SignatureVersion::V1)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                // What the client does per attempt: a fresh nonce and timestamp, then sign.
                let nonce = signing::new_nonce();
                signing::sign_with_headers(
                    version,
                    black_box(&input),
                    &SigningParams {
                        credentials: &credentials,
                        timestamp: SystemTime::now(),
                        nonce: &nonce,
                    },
                    &user_agent,
                )
            })
        });
    }
    group.finish();
}

fn prepare(c: &mut Criterion) {
    let mut group = c.benchmark_group("prepare");
    for (name, version) in [("v3", SignatureVersion::V3), ("v1", SignatureVersion::V1)] {
        let config = Config::builder()
            .credentials(StaticCredentials::new(Credentials::new(KEY_ID, SECRET)))
            .endpoint_url("http://127.0.0.1:8080")
            .signature_version(version)
            .rate_limit(RateLimit::Disabled)
            .build()
            .expect("config");
        let client = Client::new(config);
        let input = StopInput::new("3bb44350-0c34-49c7-8c5e-cba5e6c0e1f2");
        group.bench_function(name, |b| {
            b.iter(|| client.prepare(&STOP, black_box(&input)).expect("prepare"))
        });
    }
    group.finish();
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        content_type: Some("application/json;charset=utf-8".to_owned()),
        request_id_header: None,
        retry_after: None,
        body: Body::Complete(body.as_bytes().to_vec()),
    }
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    // The client owns each answer it parses; building one per iteration is not timed.
    group.bench_function("success", |b| {
        b.iter_batched(
            || answer(200, SUCCESS),
            |ok| match response::parse(black_box(ok)) {
                // As the typed shell does: the core hands over the body, the shell decodes.
                Parsed::Success(success) => (
                    serde_json::from_slice::<StopOutput>(&success.body).expect("output"),
                    success.request_id,
                ),
                _ => panic!("expected a success"),
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("error_envelope", |b| {
        b.iter_batched(
            || answer(400, ENVELOPE),
            |err| match response::parse(black_box(err)) {
                Parsed::Service { error, .. } => StopError::from_service_error(error),
                _ => panic!("expected a service error"),
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn config() -> Criterion {
    // Short enough for the whole suite; `cargo xtask bench` passes its own times.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = signing, prepare, parse
}
criterion_main!(benches);

//! `fleet-burst`: one process of a fleet, for the fleet limiter's tests.
//!
//! ```text
//! fleet-burst --endpoint http://127.0.0.1:PORT --key ID:SECRET --task-prefix P --calls N [--sequential]
//! ```
//!
//! Stops tasks `P0..P{N-1}` with one client built from the environment (so
//! `LIVEGEN_RATE_LIMIT_URL` applies), retries off; all calls start at once, or one after
//! another with `--sequential`. Prints one JSON line:
//! `{"calls": N, "ok": …, "throttled": …, "errors": {"<code or kind>": count}}`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{StopLivePullToPushError, StopLivePullToPushInput};
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::{Client, Config, Credentials, OperationError, RetryConfig, SdkError};

struct Args {
    endpoint: String,
    key: (String, String),
    task_prefix: String,
    calls: usize,
    sequential: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: String::new(),
        key: ("testid".to_owned(), "testsecret".to_owned()),
        task_prefix: "t-".to_owned(),
        calls: 10,
        sequential: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint" => args.endpoint = value()?,
            "--key" => {
                let key = value()?;
                let (id, secret) = key.split_once(':').ok_or("--key takes ID:SECRET")?;
                args.key = (id.to_owned(), secret.to_owned());
            }
            "--task-prefix" => args.task_prefix = value()?,
            "--calls" => args.calls = value()?.parse().map_err(|e| format!("--calls: {e}"))?,
            "--sequential" => args.sequential = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.endpoint.is_empty() {
        return Err("--endpoint is required".to_owned());
    }
    Ok(args)
}

type Outcome = Result<(), SdkError<StopLivePullToPushError>>;

async fn stop(client: Client, task: String) -> Outcome {
    let input = StopLivePullToPushInput::new("cn-shanghai", task);
    client
        .call::<_, aliyun_live::StopLivePullToPushOutput, _>(&OPERATION, &input)
        .await
        .map(|_| ())
}

fn label(outcome: &Outcome) -> Option<String> {
    match outcome {
        Ok(()) => None,
        Err(SdkError::Service(e)) => Some(e.code().to_owned()),
        Err(other) => Some(other.to_string()),
    }
}

async fn run(args: Args) -> Result<String, String> {
    let config = Config::from_env()
        .map_err(|e| e.to_string())?
        .to_builder()
        .credentials(StaticCredentials::new(Credentials::new(
            args.key.0, args.key.1,
        )))
        .endpoint_url(args.endpoint)
        .retry(RetryConfig::disabled())
        .build()
        .map_err(|e| e.to_string())?;
    let client = Client::new(config);
    let tasks = (0..args.calls).map(|i| format!("{}{i}", args.task_prefix));
    let mut outcomes = Vec::with_capacity(args.calls);
    if args.sequential {
        for task in tasks {
            outcomes.push(stop(client.clone(), task).await);
        }
    } else {
        let handles: Vec<_> = tasks
            .map(|task| tokio::spawn(stop(client.clone(), task)))
            .collect();
        for handle in handles {
            outcomes.push(handle.await.map_err(|e| format!("a call panicked: {e}"))?);
        }
    }
    let (mut ok, mut throttled) = (0, 0);
    let mut errors = BTreeMap::<String, usize>::new();
    for outcome in &outcomes {
        match label(outcome) {
            None => ok += 1,
            Some(code) if code == "Throttling.User" => throttled += 1,
            Some(other) => *errors.entry(other).or_default() += 1,
        }
    }
    Ok(serde_json::json!({
        "calls": outcomes.len(),
        "ok": ok,
        "throttled": throttled,
        "errors": errors,
    })
    .to_string())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fleet-burst: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fleet-burst: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fleet-burst: {e}");
            ExitCode::FAILURE
        }
    }
}

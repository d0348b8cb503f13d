//! Calls per second against a running `live-fake`, and the limiter's accuracy in a burst.
//! A plain binary (not criterion): `cargo xtask bench` starts the fake, registers tasks and
//! keys, runs this and the Python SDK's `tests/python/bench_calls.py` in turns, and
//! reads the one JSON line each prints.
//!
//! ```text
//! calls --endpoint http://127.0.0.1:PORT --mode throughput --calls N --concurrency C \
//!       --keys K --key-prefix P --task-prefix T
//! calls --endpoint http://127.0.0.1:PORT --mode burst --calls 100 --task-prefix T
//! ```
//!
//! `throughput`: limiter off, retries off, N calls of `StopLivePullToPush` on tasks
//! `T0..T{N-1}`, C in flight, AccessKeys `P0..P{K-1}` (secrets `P-secret-J`) used in turn
//! so that the fake's per-account QPS limit never applies. One tokio thread, like the
//! single-threaded Python SDK it is compared with.
//!
//! `burst`: the limiter as configured from the spec (10/s per account), retries off, all N
//! calls started at once with the fake's default key; every throttled answer is counted.

#[path = "../tests/support/stop.rs"]
mod stop;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use livegen_runtime::credentials::{ProvideCredentials, ProvideFuture, StaticCredentials};
use livegen_runtime::{
    Client, Config, Credentials, OperationError, RateLimit, RetryConfig, SdkError, SignatureVersion,
};
use stop::{STOP, StopError, StopInput, StopOutput};

#[derive(Debug)]
struct Args {
    endpoint: String,
    mode: String,
    calls: usize,
    concurrency: usize,
    keys: usize,
    key_prefix: String,
    task_prefix: String,
    signature: SignatureVersion,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: String::new(),
        mode: "throughput".to_owned(),
        calls: 1000,
        concurrency: 1,
        keys: 0,
        key_prefix: "bench".to_owned(),
        task_prefix: "bench-".to_owned(),
        signature: SignatureVersion::V3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        // `cargo bench` passes `--bench` to every bench binary.
        if flag == "--bench" {
            continue;
        }
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--endpoint" => args.endpoint = value()?,
            "--mode" => args.mode = value()?,
            "--calls" => args.calls = value()?.parse().map_err(|e| format!("--calls: {e}"))?,
            "--concurrency" => {
                args.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?;
            }
            "--keys" => args.keys = value()?.parse().map_err(|e| format!("--keys: {e}"))?,
            "--key-prefix" => args.key_prefix = value()?,
            "--task-prefix" => args.task_prefix = value()?,
            "--signature" => {
                args.signature = match value()?.as_str() {
                    "v3" => SignatureVersion::V3,
                    "v1" => SignatureVersion::V1,
                    other => return Err(format!("--signature {other}: expected v3 or v1")),
                };
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.endpoint.is_empty() {
        return Err("--endpoint is required (run through `cargo xtask bench`)".to_owned());
    }
    Ok(args)
}

/// Hands out the keys `P0..P{K-1}` in turn, so no key exceeds the fake's 10/s.
#[derive(Debug)]
struct RotatingKeys {
    keys: Vec<Credentials>,
    next: AtomicUsize,
}

impl ProvideCredentials for RotatingKeys {
    fn provide(&self) -> ProvideFuture<'_> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        Box::pin(std::future::ready(Ok(
            self.keys[i % self.keys.len()].clone()
        )))
    }
}

fn client(args: &Args, rate_limit: RateLimit) -> Result<Client, String> {
    let builder = Config::builder()
        .endpoint_url(&args.endpoint)
        .signature_version(args.signature)
        .retry(RetryConfig::disabled())
        .rate_limit(rate_limit);
    let builder = if args.keys == 0 {
        builder.credentials(StaticCredentials::new(Credentials::new(
            "testid",
            "testsecret",
        )))
    } else {
        let keys = (0..args.keys)
            .map(|j| {
                Credentials::new(
                    format!("{}{j}", args.key_prefix),
                    format!("{}-secret-{j}", args.key_prefix),
                )
            })
            .collect();
        builder.credentials(RotatingKeys {
            keys,
            next: AtomicUsize::new(0),
        })
    };
    builder.build().map(Client::new).map_err(|e| e.to_string())
}

fn outcome_code(result: &Result<StopOutput, SdkError<StopError>>) -> Option<String> {
    match result {
        Ok(_) => None,
        Err(SdkError::Service(e)) => Some(e.code().to_owned()),
        Err(SdkError::Transport { message, .. }) => Some(format!("transport: {message}")),
        Err(SdkError::Timeout { .. }) => Some("timeout".to_owned()),
        Err(SdkError::Response { status, reason, .. }) => {
            Some(format!("unreadable HTTP {status}: {reason}"))
        }
        Err(other) => Some(other.to_string()),
    }
}

struct Tally {
    ok: usize,
    throttled: usize,
    errors: BTreeMap<String, usize>,
    latencies: Vec<Duration>,
    /// CPU time the client used during the run.
    cpu: Option<Duration>,
}

impl Tally {
    fn new(capacity: usize) -> Tally {
        Tally {
            ok: 0,
            throttled: 0,
            errors: BTreeMap::new(),
            latencies: Vec::with_capacity(capacity),
            cpu: None,
        }
    }

    fn add(&mut self, code: Option<String>, latency: Duration) {
        self.latencies.push(latency);
        match code {
            None => self.ok += 1,
            Some(code) => {
                if code.starts_with("Throttling") {
                    self.throttled += 1;
                }
                *self.errors.entry(code).or_default() += 1;
            }
        }
    }
}

/// CPU time (user + system) this process has used so far, from `/proc/self/stat`, in
/// clock ticks of 10 ms; `None` off Linux. Over runs of a second or more that resolution
/// is enough, and it counts every thread of the client, whatever the fake spends.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux configuration this runs on.
    Some(Duration::from_millis((utime + stime) * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank].as_secs_f64() * 1e6
}

async fn throughput(args: &Args) -> Result<(Tally, Duration), String> {
    let client = client(args, RateLimit::Disabled)?;
    // One warm-up call on a task that does not exist: opens the connection, fills caches.
    let _ = client
        .call::<_, StopOutput, StopError>(&STOP, &StopInput::new("bench-warm-up"))
        .await;
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = process_cpu();
    let start = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.max(1) {
        let client = client.clone();
        let next = Arc::clone(&next);
        let calls = args.calls;
        let prefix = args.task_prefix.clone();
        workers.spawn(async move {
            let mut tally = Tally::new(calls);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= calls {
                    break;
                }
                let input = StopInput::new(format!("{prefix}{i}"));
                let t = Instant::now();
                let result = client.call::<_, StopOutput, StopError>(&STOP, &input).await;
                tally.add(outcome_code(&result), t.elapsed());
            }
            tally
        });
    }
    let mut total = Tally::new(args.calls);
    while let Some(done) = workers.join_next().await {
        let tally = done.map_err(|e| e.to_string())?;
        total.ok += tally.ok;
        total.throttled += tally.throttled;
        for (code, n) in tally.errors {
            *total.errors.entry(code).or_default() += n;
        }
        total.latencies.extend(tally.latencies);
    }
    let elapsed = start.elapsed();
    total.cpu = cpu_before
        .zip(process_cpu())
        .map(|(a, b)| b.saturating_sub(a));
    Ok((total, elapsed))
}

async fn burst(args: &Args) -> Result<(Tally, Duration), String> {
    let client = client(args, RateLimit::FromSpec)?;
    let start = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..args.calls {
        let client = client.clone();
        let input = StopInput::new(format!("{}{i}", args.task_prefix));
        calls.spawn(async move {
            let t = Instant::now();
            let result = client.call::<_, StopOutput, StopError>(&STOP, &input).await;
            (outcome_code(&result), t.elapsed())
        });
    }
    let mut tally = Tally::new(args.calls);
    while let Some(done) = calls.join_next().await {
        let (code, latency) = done.map_err(|e| e.to_string())?;
        tally.add(code, latency);
    }
    Ok((tally, start.elapsed()))
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("calls: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(async {
        match args.mode.as_str() {
            "throughput" => throughput(&args).await,
            "burst" => burst(&args).await,
            other => Err(format!("unknown mode {other}")),
        }
    });
    let (mut tally, elapsed) = match result {
        Ok(done) => done,
        Err(e) => {
            eprintln!("calls: {e}");
            std::process::exit(1);
        }
    };
    tally.latencies.sort();
    // In a burst, the rate the service saw: calls over the time from the first send to
    // the last answer.
    let seconds = elapsed.as_secs_f64();
    let line = serde_json::json!({
        "tool": "livegen",
        "mode": args.mode,
        "signature": format!("{:?}", args.signature),
        "calls": args.calls,
        "concurrency": args.concurrency,
        "ok": tally.ok,
        "throttled": tally.throttled,
        "errors": tally.errors,
        "seconds": seconds,
        "calls_per_second": args.calls as f64 / seconds,
        "cpu_us_per_call": tally.cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / args.calls as f64),
        "latency_us": {
            "p50": percentile(&tally.latencies, 0.5),
            "p99": percentile(&tally.latencies, 0.99),
            "max": percentile(&tally.latencies, 1.0),
        },
    });
    println!("{line}");
}

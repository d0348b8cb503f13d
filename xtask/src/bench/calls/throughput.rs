//! Section 3b: calls/s of our client and of the official Python SDK against the local
//! fake with the limiter off, in each CPU placement, and the ratios between them.

use anyhow::{Context, Result};
use serde_json::Value;

use super::{
    Fake, KEY_PREFIX, KEYS, PYTHON_KEYS, Placement, fake_binary, json_line, pinned, placements,
    tasks,
};
use crate::bench::{Ctx, Report, client, smoke_check};

const RUST_LABEL: &str = "livegen (Rust, tokio, 1 thread)";
const PYTHON_LABEL: &str = "alibabacloud-live20161101 3.0.2 (Python SDK)";

/// One kind of run: who, how many in flight, calls per run, and each run's result line.
struct Runner {
    label: &'static str,
    placement: usize,
    concurrency: usize,
    calls: usize,
    results: Vec<Value>,
}

/// A runner's figures: medians over its runs.
struct Rate {
    placement: usize,
    label: &'static str,
    concurrency: usize,
    calls_per_second: f64,
    cpu_us_per_call: f64,
    /// Successful calls over all runs.
    ok: u64,
}

pub(crate) fn throughput(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("3b. Calls/s against the local fake (limiter off)");
    let fake_bin = fake_binary(ctx)?;
    let calls_bin = client::binary(&client::bench_binaries(ctx)?, "calls")?;
    let rounds = if ctx.smoke { 1 } else { 5 };
    let placements = placements();
    let mut runners = runners(ctx, placements.len());
    // A fresh fake for every run: the fake's replay check scans every nonce it has seen
    // on each request, so a long-lived fake slows down as a run goes on and would make
    // later runs look slower than earlier ones. Runs are kept short for the same reason.
    for round in 0..rounds {
        for runner in &mut runners {
            let place = &placements[runner.placement];
            println!(
                "bench: calls round {}/{rounds}, {}: {} × {} ({} in flight)",
                round + 1,
                place.name,
                runner.label,
                runner.calls,
                runner.concurrency
            );
            let fake = Fake::start(&fake_bin, KEYS, place.fake)?;
            let prefix = format!("r{round}-");
            fake.add_tasks(&tasks(&prefix, runner.calls))?;
            let result = run_once(ctx, runner, place, &fake, &calls_bin, &prefix)?;
            drop(fake);
            println!("bench:   {result}");
            runner.results.push(result);
        }
    }
    let mut rows = Vec::new();
    let mut rates = Vec::new();
    for runner in &runners {
        let (row, rate) = summarize(runner, &placements);
        smoke_check(
            ctx,
            rate.calls_per_second > 0.0 && rate.ok > 0,
            &format!("{} made no successful call", runner.label),
        )?;
        rows.push(row);
        rates.push(rate);
    }
    report.line(method(rounds));
    report.line("");
    report.table(
        &[
            "client",
            "client and fake on",
            "in flight",
            "calls/run",
            "calls/s median (min – max)",
            "client CPU/call",
            "latency p50 / p99",
            "ok",
            "throttled",
            "errors",
        ],
        &rows,
    );
    ratio_notes(ctx, report, &placements, &rates);
    report.note(
        "The fake is single-threaded and does real work per request (signature verification, \
         parameter checks, a replay check that scans every nonce it has seen): with calls in \
         flight it is the bottleneck, so the Rust calls/s are a lower bound for the client; \
         client CPU/call is the client-side comparison.",
    );
    Ok(())
}

/// Ours sequential and with calls in flight, and the Python SDK sequential, per placement.
fn runners(ctx: &Ctx, placements: usize) -> Vec<Runner> {
    let (rust_calls, python_calls) = if ctx.smoke { (300, 40) } else { (5_000, 1_000) };
    let runner = |label, placement, concurrency, calls| Runner {
        label,
        placement,
        concurrency,
        calls,
        results: Vec::new(),
    };
    let mut runners = Vec::new();
    for placement in 0..placements {
        runners.push(runner(RUST_LABEL, placement, 1, rust_calls));
        runners.push(runner(RUST_LABEL, placement, 16, rust_calls));
        if ctx.python.is_some() {
            // Not its asyncio API: the fake's verifier refuses those requests (aiohttp sends
            // a `content-type` the SDK does not sign), so they would measure an error path.
            runners.push(runner(PYTHON_LABEL, placement, 1, python_calls));
        }
    }
    runners
}

/// One run of `runner` against `fake`: the client's JSON result line.
fn run_once(
    ctx: &Ctx,
    runner: &Runner,
    place: &Placement,
    fake: &Fake,
    calls_bin: &std::path::Path,
    prefix: &str,
) -> Result<Value> {
    let calls = runner.calls.to_string();
    let concurrency = runner.concurrency.to_string();
    if runner.label == RUST_LABEL {
        let keys = KEYS.to_string();
        return json_line(
            pinned(calls_bin, place.client)
                .args(["--endpoint", &fake.url(), "--mode", "throughput"])
                .args(["--calls", &calls, "--concurrency", &concurrency])
                .args(["--keys", &keys, "--key-prefix", KEY_PREFIX])
                .args(["--task-prefix", prefix]),
            "the Rust calls bench",
        );
    }
    let python = ctx.python.as_ref().context("no python")?;
    let keys = PYTHON_KEYS.to_string();
    json_line(
        pinned(python, place.client)
            .arg(ctx.root.join("tests/python/bench_calls.py"))
            .args(["--endpoint", &fake.authority])
            .args(["--calls", &calls, "--concurrency", &concurrency])
            .args(["--keys", &keys, "--key-prefix", KEY_PREFIX])
            .args(["--task-prefix", prefix]),
        "tests/python/bench_calls.py",
    )
}

/// The table row and the medians of one runner's results.
fn summarize(runner: &Runner, placements: &[Placement]) -> (Vec<String>, Rate) {
    let figures = |key: &str| -> Vec<f64> {
        let path: Vec<&str> = key.split('.').collect();
        runner
            .results
            .iter()
            .filter_map(|r| path.iter().fold(r, |v, k| &v[*k]).as_f64())
            .collect()
    };
    let sum = |key: &str| -> u64 { runner.results.iter().filter_map(|r| r[key].as_u64()).sum() };
    let rate = figures("calls_per_second");
    let calls_per_second = median(rate.clone());
    let cpu_us_per_call = median(figures("cpu_us_per_call"));
    let (p50, p99) = (
        median(figures("latency_us.p50")),
        median(figures("latency_us.p99")),
    );
    let ok = sum("ok");
    let errors: Vec<String> = runner
        .results
        .iter()
        .filter_map(|r| r["errors"].as_object())
        .flat_map(|m| m.iter().map(|(k, v)| format!("{k}×{v}")))
        .collect();
    let lo = rate.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = rate.iter().copied().fold(0.0, f64::max);
    let total = runner.calls * runner.results.len();
    let row = vec![
        runner.label.to_owned(),
        placements[runner.placement].name.to_owned(),
        runner.concurrency.to_string(),
        runner.calls.to_string(),
        format!("{calls_per_second:.0} ({lo:.0} – {hi:.0})"),
        format!("{cpu_us_per_call:.1} µs"),
        format!("{p50:.0} µs / {p99:.0} µs"),
        format!("{ok}/{total}"),
        sum("throttled").to_string(),
        if errors.is_empty() {
            "none".to_owned()
        } else {
            errors.join(", ")
        },
    ];
    let rate = Rate {
        placement: runner.placement,
        label: runner.label,
        concurrency: runner.concurrency,
        calls_per_second,
        cpu_us_per_call,
        ok,
    };
    (row, rate)
}

fn method(rounds: usize) -> String {
    format!(
        "`StopLivePullToPush` on distinct running tasks of one `live-fake` (release build, \
         single-threaded tokio, loopback), V3 signatures, retries off, client limiter off. The \
         fake enforces 10/s per AccessKey, so each client rotates through {KEYS} keys \
         (Python: {PYTHON_KEYS}); the throttled column shows that no call was refused. {rounds} \
         round(s), the tools taking turns in each round, a fresh fake for every run; calls/s is \
         the median (min – max) over runs, timed inside each client after construction and one \
         warm-up call. Client CPU/call is the client process's own user + system CPU time \
         (`/proc/self/stat`, Python's `time.process_time`) over the run, divided by the calls: \
         the fake's work is not in it. Placement: `taskset` pins the fake and the client to one \
         core, or the fake to core 1 and the client to core 0."
    )
}

/// Per placement and Rust runner: its calls/s and CPU per call against the Python SDK's.
fn ratio_notes(ctx: &Ctx, report: &mut Report, placements: &[Placement], rates: &[Rate]) {
    for (p, placement) in placements.iter().enumerate() {
        let python = |concurrency: usize| {
            rates.iter().find(|r| {
                r.placement == p && r.concurrency == concurrency && r.label == PYTHON_LABEL
            })
        };
        for ours in rates
            .iter()
            .filter(|r| r.placement == p && r.label == RUST_LABEL)
        {
            let mut line = format!(
                "{}: {}, {} in flight:",
                placement.name, ours.label, ours.concurrency
            );
            let mut peers = vec![("the sequential Python SDK", python(1))];
            if ours.concurrency > 1 {
                peers.push((
                    "the Python SDK with as many in flight",
                    python(ours.concurrency),
                ));
            }
            for (what, peer) in peers {
                let Some(peer) = peer else { continue };
                let ratio = ours.calls_per_second / peer.calls_per_second;
                line += &format!(
                    " {ratio:.1}× the calls/s of {what}{}, {:.0}× less client CPU per call;",
                    ctx.verdict("≥ 50×", ratio >= 50.0),
                    peer.cpu_us_per_call / ours.cpu_us_per_call
                );
            }
            report.note(line.trim_end_matches(';'));
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

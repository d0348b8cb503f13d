//! The limiter's benchmarks: its accuracy in a burst against the local fake, and the cost
//! of one acquisition on this process's schedule vs on Redis over loopback.

use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use super::calls::{Fake, fake_binary, json_line, tasks};
use super::{Ctx, Report, client, smoke_check};

// The one `redis-server` launcher, shared with the fleet tests (`tests/src/redis.rs`);
// the benchmark uses part of it.
#[path = "../../../tests/src/redis.rs"]
#[allow(dead_code)]
mod redis;

/// Starts a throwaway `redis-server`, or `None` when none is installed.
fn start_redis() -> Result<Option<redis::RedisServer>> {
    let Some(binary) = redis::redis_server_binary() else {
        return Ok(None);
    };
    let server = redis::RedisServer::start(&binary).context("cannot start redis-server")?;
    Ok(Some(server))
}

/// The extra latency per call of the shared limiter: one acquisition on this process's
/// schedule vs on Redis over loopback.
fn acquire_latency(ctx: &Ctx, report: &mut Report) -> Result<()> {
    let binaries = client::bench_binaries(ctx)?;
    let bin = client::binary(&binaries, "limiter_acquire")?;
    let n = if ctx.smoke { 200 } else { 5000 };
    let redis = start_redis()?;
    let mut cmd = Command::new(&bin);
    cmd.args(["--acquisitions", &n.to_string()]);
    if let Some(redis) = &redis {
        cmd.args(["--redis", &redis.url()]);
    }
    println!("bench: {n} limiter acquisitions, process schedule vs Redis on loopback");
    let result = json_line(&mut cmd, "the limiter_acquire bench")?;
    drop(redis);
    println!("bench:   {result}");
    let row = |name: &str, r: &Value| {
        let us = |field: &str| r[field].as_f64().unwrap_or(f64::NAN);
        vec![
            name.to_owned(),
            format!("{:.2} µs", us("p50_us")),
            format!("{:.2} µs", us("p99_us")),
            format!("{:.2} µs", us("mean_us")),
        ]
    };
    let mut rows = vec![row("this process's schedule (default)", &result["local"])];
    let local_p50 = result["local"]["p50_us"].as_f64().unwrap_or(f64::NAN);
    smoke_check(ctx, local_p50.is_finite(), "no local acquisition timing")?;
    report.line(format!(
        "One `RateLimiter::acquire` and its ticket's `end` after another ({n}, after 100 \
         warm-up ones) with the limit overridden to 10⁹/s and no margin, so none waits for \
         its slot or permit: the time is the bookkeeping alone — mutexes and maps for the \
         process schedule, two `EVAL` round trips (slot and permit; end) to a \
         `redis-server` on loopback for the shared one. Release build, current-thread \
         tokio. Binary: `runtime/benches/limiter_acquire.rs`."
    ));
    report.line("");
    if result["redis"].is_null() {
        report.table(&["store", "p50", "p99", "mean"], &rows);
        report.note("redis-server is not installed: the Redis row is skipped (apt-get install redis-server).");
        return Ok(());
    }
    rows.push(row("Redis on loopback", &result["redis"]));
    report.table(&["store", "p50", "p99", "mean"], &rows);
    let redis_p50 = result["redis"]["p50_us"].as_f64().unwrap_or(f64::NAN);
    let redis_p99 = result["redis"]["p99_us"].as_f64().unwrap_or(f64::NAN);
    smoke_check(ctx, redis_p50.is_finite(), "no Redis acquisition timing")?;
    report.note(format!(
        "Extra latency per call with the fleet limiter: {:.1} µs at the median, {:.1} µs at \
         p99 (Redis on loopback; add the network round trip to a remote Redis).",
        redis_p50 - local_p50,
        redis_p99 - result["local"]["p99_us"].as_f64().unwrap_or(f64::NAN)
    ));
    Ok(())
}

pub fn limiter(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("4. Limiter accuracy");
    let fake_bin = fake_binary(ctx)?;
    let calls_bin = client::binary(&client::bench_binaries(ctx)?, "calls")?;
    let n = if ctx.smoke { 12 } else { 100 };
    let fake = Fake::start(&fake_bin, 0, None)?;
    fake.add_tasks(&tasks("burst-", n))?;
    println!("bench: burst of {n} calls, limiter on, one AccessKey (the fake allows 10/s)");
    let result = json_line(
        Command::new(&calls_bin)
            .args(["--endpoint", &fake.url(), "--mode", "burst"])
            .args(["--calls", &n.to_string(), "--task-prefix", "burst-"]),
        "the Rust calls bench (burst)",
    )?;
    drop(fake);
    println!("bench:   {result}");
    let ok = result["ok"].as_u64().unwrap_or(0);
    let throttled = result["throttled"].as_u64().unwrap_or(0);
    let seconds = result["seconds"].as_f64().unwrap_or(f64::NAN);
    let rate = result["calls_per_second"].as_f64().unwrap_or(f64::NAN);
    smoke_check(
        ctx,
        ok > 0 && rate > 0.0,
        "the burst made no successful call",
    )?;
    report.line(format!(
        "{n} calls started at once on one AccessKey, limiter on (the spec's 10/s per account, \
         burst 1), retries off so every throttled answer shows; the fake drops what exceeds \
         10 calls per window. Achieved rate = calls / (first send → last answer)."
    ));
    report.line("");
    report.table(
        &[
            "calls",
            "ok",
            "throttled (target 0)",
            "elapsed",
            "achieved rate (target ≥ 9.5/s)",
        ],
        &[vec![
            n.to_string(),
            ok.to_string(),
            throttled.to_string(),
            format!("{seconds:.2} s"),
            format!("{rate:.2}/s"),
        ]],
    );
    report.heading("4b. Fleet limiter: latency of one acquisition");
    acquire_latency(ctx, report)
}

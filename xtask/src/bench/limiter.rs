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
    // The peer, against the same server in the same run: one bare round trip.
    let raw = match &redis {
        Some(redis) => raw_round_trip(redis.port(), n)?,
        None => None,
    };
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
    match raw {
        Some(raw) => report.note(format!(
            "Peer, same server, same run: one bare `PING` round trip \
             (`redis-benchmark -c 1 -t ping_mbulk`, C client) takes {:.1} µs at the median, \
             {:.1} µs at p99; an acquisition and its end cost {:.1}× that at the median.",
            raw.p50_us,
            raw.p99_us,
            redis_p50 / raw.p50_us
        )),
        None => report.note(
            "redis-benchmark is not installed: no bare round trip to compare with \
             (it comes with Debian's redis-tools, which redis-server depends on).",
        ),
    }
    Ok(())
}

/// A bare round trip's latency, from `redis-benchmark`'s CSV line.
struct RawRoundTrip {
    p50_us: f64,
    p99_us: f64,
}

/// `n` `PING`s, one at a time, from `redis-benchmark` to the server on `port`; `None` when
/// `redis-benchmark` is not installed.
fn raw_round_trip(port: u16, n: usize) -> Result<Option<RawRoundTrip>> {
    let output = match Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-c", "1"])
        .args(["-n", &n.to_string(), "-t", "ping_mbulk", "--csv"])
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context("cannot run redis-benchmark"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    parse_benchmark_csv(&stdout)
        .map(Some)
        .with_context(|| format!("unexpected redis-benchmark output:\n{stdout}"))
}

/// Reads `p50_latency_ms` and `p99_latency_ms` from `redis-benchmark --csv` (header line,
/// then one line per test).
fn parse_benchmark_csv(csv: &str) -> Option<RawRoundTrip> {
    let fields = |line: &str| -> Vec<String> {
        line.split(',')
            .map(|f| f.trim().trim_matches('"').to_owned())
            .collect()
    };
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header = fields(lines.next()?);
    let values = fields(lines.next()?);
    let ms = |name: &str| -> Option<f64> {
        let at = header.iter().position(|h| h == name)?;
        values.get(at)?.parse().ok()
    };
    Some(RawRoundTrip {
        p50_us: ms("p50_latency_ms")? * 1000.0,
        p99_us: ms("p99_latency_ms")? * 1000.0,
    })
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

#[cfg(test)]
mod tests {
    use super::parse_benchmark_csv;

    #[test]
    fn reads_redis_benchmark_csv() {
        let csv = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\
                   \"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n\
                   \"PING_MBULK\",\"16129.03\",\"0.057\",\"0.016\",\"0.063\",\"0.095\",\
                   \"0.127\",\"0.263\"\n";
        let raw = parse_benchmark_csv(csv).expect("parsed");
        assert!((raw.p50_us - 63.0).abs() < 1e-9);
        assert!((raw.p99_us - 127.0).abs() < 1e-9);
        assert!(parse_benchmark_csv("\"test\",\"rps\"\n\"PING\",\"1\"\n").is_none());
        assert!(parse_benchmark_csv("").is_none());
    }
}

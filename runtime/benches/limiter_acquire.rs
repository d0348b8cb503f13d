//! What one rate-limiter acquisition costs, on this process's schedule and on Redis: the
//! extra latency per call that sharing the budget through Redis adds. A plain binary (not
//! criterion); `cargo xtask bench --only limiter` starts a throwaway `redis-server` on
//! loopback, runs this and reads the one JSON line it prints.
//!
//! ```text
//! limiter_acquire --redis redis://127.0.0.1:PORT/0 --acquisitions N
//! ```
//!
//! The limit is overridden to 10⁹ per second with no margin, so no acquisition ever has
//! to wait for its slot or permit: what is timed is the bookkeeping of an acquisition and
//! its ticket's end (mutexes and maps for the process schedule; two `EVAL` round trips for
//! Redis, one for the slot and permit, one for the end), one after another on a
//! current-thread tokio runtime, after 100 warm-up ones.

#[path = "../tests/support/stop.rs"]
mod stop;

use std::time::{Duration, Instant};

use livegen_runtime::config::LimiterStore;
use livegen_runtime::limiter::RateLimiter;
use livegen_runtime::{Config, QpsLimit, QpsScope, RateLimit};
use stop::STOP;

fn limiter(store: LimiterStore) -> Result<RateLimiter, String> {
    let config = Config::builder()
        .rate_limit(RateLimit::Override(QpsLimit {
            limit: 1_000_000_000,
            per: Duration::from_secs(1),
            scope: QpsScope::Account,
        }))
        .limiter_margin(Duration::ZERO)
        .limiter_store(store)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(RateLimiter::for_config(&config))
}

/// Microsecond percentiles and mean of `n` acquisitions.
async fn measure(limiter: &RateLimiter, key: &str, n: usize) -> Result<serde_json::Value, String> {
    for _ in 0..100 {
        limiter
            .acquire(&STOP, key)
            .await
            .map_err(|e| e.to_string())?
            .end()
            .await;
    }
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        limiter
            .acquire(&STOP, key)
            .await
            .map_err(|e| e.to_string())?
            .end()
            .await;
        samples.push(started.elapsed());
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    let mean = samples.iter().sum::<Duration>().as_secs_f64() * 1e6 / n as f64;
    Ok(serde_json::json!({ "p50_us": at(0.5), "p99_us": at(0.99), "mean_us": mean }))
}

async fn run() -> Result<String, String> {
    let mut redis = None;
    let mut n = 2000;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--redis" => redis = Some(args.next().ok_or("--redis needs a URL")?),
            "--acquisitions" => {
                n = args
                    .next()
                    .ok_or("--acquisitions needs a count")?
                    .parse()
                    .map_err(|e| format!("--acquisitions: {e}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let n = n.max(1);
    let local = measure(&limiter(LimiterStore::Process)?, "bench-local", n).await?;
    let redis = match redis {
        Some(url) => {
            let limiter = limiter(LimiterStore::Redis(
                livegen_runtime::RedisLimiter::new(url)
                    .on_unavailable(livegen_runtime::Unavailable::Fail),
            ))?;
            measure(&limiter, "bench-redis", n).await?
        }
        None => serde_json::Value::Null,
    };
    Ok(serde_json::json!({ "acquisitions": n, "local": local, "redis": redis }).to_string())
}

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("limiter_acquire: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("limiter_acquire: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

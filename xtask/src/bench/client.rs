//! The runtime's criterion benches (`runtime/benches/client_overhead.rs`): per-call CPU
//! cost of signing, building a signed request and reading answers.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use super::{Ctx, Report, run_quiet, smoke_check};

/// `(criterion id, what it measures)`, in report order.
const BENCHES: &[(&str, &str)] = &[
    (
        "sign/v3",
        "V3 (ACS3-HMAC-SHA256) signature: nonce, timestamp, canonical request, HMAC",
    ),
    ("sign/v1", "V1 (HMAC-SHA1) signature, same inputs"),
    (
        "prepare/v3",
        "`Client::prepare`: params, credentials, endpoint, V3 signature, URL + header validation",
    ),
    ("prepare/v1", "`Client::prepare` with V1"),
    (
        "parse/success",
        "200 answer → output struct (serde) + request id",
    ),
    (
        "parse/error_envelope",
        "400 error envelope → `ServiceError` → the operation's error enum",
    ),
];

/// Builds the runtime's bench binaries in `ctx.profile()` and returns `name → executable`.
pub fn bench_binaries(ctx: &Ctx) -> Result<Vec<(String, PathBuf)>> {
    if ctx.smoke {
        return super::smoke_build(ctx);
    }
    // Cargo's `bench` profile (release settings).
    let profile = "bench";
    println!("bench: building the runtime's benches ({profile} profile)");
    let output = run_quiet(
        Command::new("cargo")
            .args([
                "bench",
                "-p",
                "livegen-runtime",
                "--no-run",
                "--message-format=json",
                // `limiter_acquire` needs the Redis limiter; all features also match what
                // `cargo test --all-features` built, so the smoke run reuses it.
                "--all-features",
            ])
            .args(["--profile", profile])
            .current_dir(&ctx.root),
        "cargo bench --no-run",
    )?;
    Ok(super::executables(&output.stdout, "bench"))
}

pub fn binary(binaries: &[(String, PathBuf)], name: &str) -> Result<PathBuf> {
    binaries
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, p)| p.clone())
        .with_context(|| format!("cargo built no bench named {name}"))
}

/// Nanoseconds: (mean, 95% CI low, high, median) from criterion's estimates.
fn estimates(dir: &Path, id: &str) -> Result<(f64, f64, f64, f64)> {
    let path = dir.join(id).join("new/estimates.json");
    let text =
        fs::read_to_string(&path).with_context(|| format!("no estimates at {}", path.display()))?;
    let v: Value = serde_json::from_str(&text)?;
    let num = |p: &str| v.pointer(p).and_then(Value::as_f64).unwrap_or(f64::NAN);
    Ok((
        num("/mean/point_estimate"),
        num("/mean/confidence_interval/lower_bound"),
        num("/mean/confidence_interval/upper_bound"),
        num("/median/point_estimate"),
    ))
}

fn us(ns: f64) -> String {
    if ns < 1000.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{:.2} µs", ns / 1000.0)
    }
}

pub fn run(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("3a. Client overhead (criterion)");
    let binaries = bench_binaries(ctx)?;
    let exe = binary(&binaries, "client_overhead")?;
    let home = ctx.dir.join(if ctx.smoke {
        "smoke-criterion"
    } else {
        "criterion"
    });
    let (warm_up, measure, samples) = if ctx.smoke {
        ("0.1", "0.3", "10")
    } else {
        ("1", "4", "100")
    };
    println!("bench: criterion client_overhead (warm-up {warm_up} s, measure {measure} s each)");
    run_quiet(
        Command::new(&exe)
            .args([
                "--bench",
                "--warm-up-time",
                warm_up,
                "--measurement-time",
                measure,
            ])
            .args(["--sample-size", samples, "--noplot"])
            .env("CRITERION_HOME", &home)
            .current_dir(&ctx.root),
        "criterion client_overhead",
    )?;
    let mut rows = Vec::new();
    let mut mean_of = std::collections::HashMap::new();
    for (id, what) in BENCHES {
        let (mean, lo, hi, median) = estimates(&home, id)?;
        smoke_check(
            ctx,
            mean.is_finite() && mean > 0.0,
            &format!("criterion gave no time for {id}"),
        )?;
        mean_of.insert(*id, mean);
        rows.push(vec![
            format!("`{id}`"),
            (*what).to_owned(),
            format!("{} [{} – {}]", us(mean), us(lo), us(hi)),
            us(median),
        ]);
    }
    report.line(format!(
        "`cargo bench -p livegen-runtime --bench client_overhead` (criterion, warm-up {warm_up} s, \
         {measure} s, {samples} samples). Mean with its 95% confidence interval, and median, per iteration."
    ));
    report.line("");
    report.table(&["bench", "what", "mean [95% CI]", "median"], &rows);
    let per_call = mean_of["prepare/v3"] + mean_of["parse/success"];
    report.note(format!(
        "Per-call client CPU overhead (prepare/v3 + parse/success): {}{}. \
         It excludes the HTTP stack (reqwest/hyper) and the socket; the calls/s section below \
         measures everything together.",
        us(per_call),
        ctx.verdict("< 20 µs", per_call < 20_000.0)
    ));
    Ok(())
}

//! Calls against the local fake (`live-fake`, on loopback): throughput of our client vs the
//! official Python SDK with the limiter off (the limiter's own figures: `limiter.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use super::{Ctx, Report, cargo_build, client, run_quiet, smoke_check};

/// AccessKeys the throughput runs rotate through: the fake admits about 11 calls/s per
/// key (10 per 900 ms window), so this many keys allow ~55,000 calls/s before the fake
/// throttles anything. Every run reports its throttled count to prove it.
const KEYS: usize = 5000;
/// The Python SDK is far slower; fewer keys keep its client construction short.
const PYTHON_KEYS: usize = 500;
const KEY_PREFIX: &str = "bench";

/// A `live-fake` process; killed when dropped.
pub(super) struct Fake {
    child: Child,
    /// `127.0.0.1:PORT`.
    authority: String,
}

impl Fake {
    pub(super) fn start(bin: &Path, keys: usize, cpus: Option<&str>) -> Result<Fake> {
        // Checked here: through `taskset`, a missing binary would only show as a fake
        // that printed nothing.
        ensure!(
            bin.is_file(),
            "the live-fake binary is not at {} (cargo reported that path)",
            bin.display()
        );
        let mut cmd = pinned(bin, cpus);
        cmd.args(["--port", "0", "--quiet"]);
        for j in 0..keys {
            cmd.arg("--key")
                .arg(format!("{KEY_PREFIX}{j}:{KEY_PREFIX}-secret-{j}"));
        }
        if keys == 0 {
            cmd.args(["--key", "testid:testsecret"]);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) = line.trim().strip_prefix("live-fake listening on ") else {
            let _ = child.kill();
            let status = child
                .wait()
                .map_or_else(|e| e.to_string(), |s| s.to_string());
            bail!(
                "{} did not start: it printed {line:?} and ended with {status} (its stderr is above)",
                bin.display()
            );
        };
        let authority = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        Ok(Fake { child, authority })
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.authority)
    }

    /// Registers running tasks through the admin API, in batches under its 1 MiB body cap.
    pub(super) fn add_tasks(&self, ids: &[String]) -> Result<()> {
        for batch in ids.chunks(20_000) {
            let body = serde_json::json!({ "ids": batch }).to_string();
            let answer = self.admin_post("/__admin/tasks", &body)?;
            ensure!(
                answer.starts_with("HTTP/1.1 200"),
                "the fake refused the tasks: {}",
                answer.lines().next().unwrap_or_default()
            );
        }
        Ok(())
    }

    fn admin_post(&self, path: &str, body: &str) -> Result<String> {
        let mut stream = TcpStream::connect(&self.authority)
            .with_context(|| format!("cannot reach the fake at {}", self.authority))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.authority,
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `program`, run on the given CPUs through `taskset` when a list is given.
fn pinned(program: &Path, cpus: Option<&str>) -> Command {
    match cpus {
        Some(cpus) => {
            let mut cmd = Command::new("taskset");
            cmd.args(["-c", cpus]).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// Where the client and the fake run. A call is a ping-pong between two processes, and
/// its cost depends on where they are: on one core each call is two context switches; on
/// two cores each call wakes an idle core twice, which on this VM costs more. Unpinned,
/// the scheduler picks either from run to run and the results come out bimodal, so both
/// are measured, pinned with `taskset`.
struct Placement {
    name: &'static str,
    fake: Option<&'static str>,
    client: Option<&'static str>,
}

fn placements() -> Vec<Placement> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let taskset = Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !taskset || cores < 2 {
        return vec![Placement {
            name: "unpinned",
            fake: None,
            client: None,
        }];
    }
    vec![
        Placement {
            name: "same core",
            fake: Some("0"),
            client: Some("0"),
        },
        Placement {
            name: "separate cores",
            fake: Some("1"),
            client: Some("0"),
        },
    ]
}

pub(super) fn fake_binary(ctx: &Ctx) -> Result<PathBuf> {
    cargo_build(ctx, "livegen-tests", "live-fake")
}

/// Runs a benchmark client and returns the JSON line it printed.
pub(super) fn json_line(cmd: &mut Command, what: &str) -> Result<Value> {
    let output = run_quiet(cmd, what)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .with_context(|| format!("{what} printed no result:\n{stdout}"))?;
    serde_json::from_str(line).with_context(|| format!("{what} printed {line:?}"))
}

pub(super) fn tasks(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// One kind of run: who, how many in flight, calls per run.
struct Runner {
    label: String,
    placement: usize,
    concurrency: usize,
    calls: usize,
    results: Vec<Value>,
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

pub fn throughput(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("3b. Calls/s against the local fake (limiter off)");
    let fake_bin = fake_binary(ctx)?;
    let calls_bin = client::binary(&client::bench_binaries(ctx)?, "calls")?;
    let (rounds, rust_seq, rust_conc, python_calls) = if ctx.smoke {
        (1, 300, 300, 40)
    } else {
        (5, 5_000, 5_000, 1_000)
    };
    let concurrency = 16;
    let placements = placements();
    let mut runners = Vec::new();
    for placement in 0..placements.len() {
        runners.push(Runner {
            label: "livegen (Rust, tokio, 1 thread)".to_owned(),
            placement,
            concurrency: 1,
            calls: rust_seq,
            results: Vec::new(),
        });
        runners.push(Runner {
            label: "livegen (Rust, tokio, 1 thread)".to_owned(),
            placement,
            concurrency,
            calls: rust_conc,
            results: Vec::new(),
        });
        if ctx.python.is_some() {
            runners.push(Runner {
                label: "alibabacloud-live20161101 3.0.2 (Python SDK)".to_owned(),
                placement,
                concurrency: 1,
                calls: python_calls,
                results: Vec::new(),
            });
            // Not its asyncio API: the fake's verifier refuses those requests (aiohttp sends
            // a `content-type` the SDK does not sign), so they would measure an error path.
        }
    }

    // A fresh fake for every run: the fake's replay check scans every nonce it has seen
    // on each request, so a long-lived fake slows down as a run goes on and would make
    // later runs look slower than earlier ones. Runs are kept short for the same reason.
    for round in 0..rounds {
        for runner in &mut runners {
            let place = &placements[runner.placement];
            let prefix = format!("r{round}-");
            println!(
                "bench: calls round {}/{rounds}, {}: {} × {} ({} in flight)",
                round + 1,
                place.name,
                runner.label,
                runner.calls,
                runner.concurrency
            );
            let fake = Fake::start(&fake_bin, KEYS, place.fake)?;
            fake.add_tasks(&tasks(&prefix, runner.calls))?;
            let result = if runner.label.starts_with("livegen") {
                json_line(
                    pinned(&calls_bin, place.client)
                        .args(["--endpoint", &fake.url(), "--mode", "throughput"])
                        .args(["--calls", &runner.calls.to_string()])
                        .args(["--concurrency", &runner.concurrency.to_string()])
                        .args(["--keys", &KEYS.to_string(), "--key-prefix", KEY_PREFIX])
                        .args(["--task-prefix", &prefix]),
                    "the Rust calls bench",
                )?
            } else {
                let python = ctx.python.as_ref().context("no python")?;
                json_line(
                    pinned(python, place.client)
                        .arg(ctx.root.join("tests/python/bench_calls.py"))
                        .args(["--endpoint", &fake.authority])
                        .args(["--calls", &runner.calls.to_string()])
                        .args(["--concurrency", &runner.concurrency.to_string()])
                        .args([
                            "--keys",
                            &PYTHON_KEYS.to_string(),
                            "--key-prefix",
                            KEY_PREFIX,
                        ])
                        .args(["--task-prefix", &prefix]),
                    "tests/python/bench_calls.py",
                )?
            };
            drop(fake);
            println!("bench:   {result}");
            runner.results.push(result);
        }
    }

    let mut rows = Vec::new();
    let mut rates = Vec::new();
    for runner in &runners {
        let rate: Vec<f64> = runner
            .results
            .iter()
            .filter_map(|r| r["calls_per_second"].as_f64())
            .collect();
        let ok: u64 = runner.results.iter().filter_map(|r| r["ok"].as_u64()).sum();
        let throttled: u64 = runner
            .results
            .iter()
            .filter_map(|r| r["throttled"].as_u64())
            .sum();
        let total = (runner.calls * runner.results.len()) as u64;
        let p50 = median(
            runner
                .results
                .iter()
                .filter_map(|r| r["latency_us"]["p50"].as_f64())
                .collect(),
        );
        let p99 = median(
            runner
                .results
                .iter()
                .filter_map(|r| r["latency_us"]["p99"].as_f64())
                .collect(),
        );
        let errors: Vec<String> = runner
            .results
            .iter()
            .filter_map(|r| r["errors"].as_object())
            .flat_map(|m| m.iter().map(|(k, v)| format!("{k}×{v}")))
            .collect();
        let cpu = median(
            runner
                .results
                .iter()
                .filter_map(|r| r["cpu_us_per_call"].as_f64())
                .collect(),
        );
        let med = median(rate.clone());
        smoke_check(
            ctx,
            med > 0.0 && ok > 0,
            &format!("{} made no successful call", runner.label),
        )?;
        rates.push((
            runner.placement,
            runner.label.clone(),
            runner.concurrency,
            med,
            cpu,
        ));
        let lo = rate.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rate.iter().copied().fold(0.0, f64::max);
        rows.push(vec![
            runner.label.clone(),
            placements[runner.placement].name.to_owned(),
            runner.concurrency.to_string(),
            runner.calls.to_string(),
            format!("{med:.0} ({lo:.0} – {hi:.0})"),
            format!("{cpu:.1} µs"),
            format!("{p50:.0} µs / {p99:.0} µs"),
            format!("{ok}/{total}"),
            throttled.to_string(),
            if errors.is_empty() {
                "none".to_owned()
            } else {
                errors.join(", ")
            },
        ]);
    }
    report.line(format!(
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
    ));
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
    for (p, placement) in placements.iter().enumerate() {
        let python = |conc: usize| {
            rates
                .iter()
                .find(|(q, l, c, ..)| *q == p && *c == conc && l.contains("Python"))
                .map(|(.., rate, cpu)| (*rate, *cpu))
        };
        for (_, label, conc, rate, cpu) in rates
            .iter()
            .filter(|(q, l, ..)| *q == p && l.starts_with("livegen"))
        {
            let mut line = format!("{}: {label}, {conc} in flight:", placement.name);
            let mut peers = vec![("the sequential Python SDK", python(1))];
            if *conc > 1 {
                peers.push(("the Python SDK with as many in flight", python(*conc)));
            }
            for (what, peer) in peers {
                let Some((peer_rate, peer_cpu)) = peer else {
                    continue;
                };
                let ratio = rate / peer_rate;
                line += &format!(
                    " {ratio:.1}× the calls/s of {what}{}, {:.0}× less client CPU per call;",
                    ctx.verdict("≥ 50×", ratio >= 50.0),
                    peer_cpu / cpu
                );
            }
            report.note(line.trim_end_matches(';'));
        }
    }
    report.note(
        "The fake is single-threaded and does real work per request (signature verification, \
         parameter checks, a replay check that scans every nonce it has seen): with calls in \
         flight it is the bottleneck, so the Rust calls/s are a lower bound for the client; \
         client CPU/call is the client-side comparison.",
    );
    Ok(())
}

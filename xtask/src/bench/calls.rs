//! Calls against the local fake (`live-fake`, on loopback): throughput of our client vs the
//! official Python SDK with the limiter off (the limiter's own figures: `limiter.rs`).
//!
//! This file holds what every calls benchmark shares (the fake process, CPU placement,
//! reading a client's result line); `calls/throughput.rs` runs and reports the section.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::Value;

use super::{Ctx, cargo_build, run_quiet};

mod throughput;

pub(super) use throughput::throughput;

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

//! `cargo xtask bench [--smoke]`: livegen measured side by side with the tools users would
//! pick instead, with every number reproducible by one command.
//!
//! Sections (each also runs alone with `--only NAME`):
//!
//! - `codegen`: the release-built xtask generating from the real spec and synthetic specs
//!   of 1, 100 and 500 operations, against openapi-generator (`-g rust`) and, when it
//!   accepts the documents, progenitor; same runs, interleaved.
//! - `build`: clean and incremental builds of the generated crate + runtime vs
//!   openapi-generator's crate for the same spec, each in its own scratch target dir.
//! - `client`: the runtime's criterion benches (signing, request building, parsing).
//! - `calls`: calls/s against the local fake on loopback, our client vs the official
//!   Python SDK, interleaved.
//! - `peers`: the whole `aliyun-live`'s own compile time next to `aws-sdk-ivs`,
//!   `aws-sdk-medialive` and `google-cloud-video-livestream-v1` (skipped by `--smoke`).
//! - `limiter`: a burst of 100 calls against the fake enforcing 10/s, and what one
//!   acquisition costs on the process schedule vs on Redis (skipped without redis-server).
//!
//! `--smoke` runs a seconds-long version of every section with debug builds and one run
//! each. It checks that the machinery works (processes start, numbers come out, output is
//! not empty); it never asserts a performance target and prints no target verdicts.
//! `cargo xtask test` runs it. openapi-generator runs a jar: without Java on `PATH` that
//! peer is skipped with a note.
//!
//! The report is printed and written to `<target>/bench/report.md` (`smoke-report.md`),
//! `<target>` being cargo's target dir (`CARGO_TARGET_DIR` is honoured).

mod build;
mod calls;
mod client;
mod codegen;
mod limiter;
mod machine;
mod peers;
mod synth;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    Codegen,
    Build,
    Client,
    Calls,
    Limiter,
    Peers,
}

const ALL: &[Section] = &[
    Section::Codegen,
    Section::Build,
    Section::Client,
    Section::Calls,
    Section::Limiter,
    Section::Peers,
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A seconds-long version of every benchmark: checks the machinery, not the numbers.
    #[arg(long)]
    smoke: bool,
    /// Run only these sections.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Section>,
    /// Runs per timed measurement (default 5; 1 with --smoke).
    #[arg(long)]
    runs: Option<usize>,
    /// Skip the peers and checks that need Python (openapi-generator, the Python SDK).
    #[arg(long)]
    no_python: bool,
}

/// What every section needs.
pub struct Ctx {
    pub root: PathBuf,
    /// `<target>/bench` (absolute).
    pub dir: PathBuf,
    /// The shared scratch dir of tests (`Workspace::scratch`).
    pub scratch: PathBuf,
    pub smoke: bool,
    pub runs: usize,
    /// The venv's Python, unless `--no-python`.
    pub python: Option<PathBuf>,
    /// Whether `java` runs (openapi-generator needs it).
    pub java: bool,
}

impl Ctx {
    /// Path relative to the repository root, for arguments of tools that take those.
    pub fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }

    /// Cargo's profile for the binaries under test: release for real numbers, the dev
    /// profile for the smoke run (already built by `cargo test`, so it costs seconds).
    pub fn profile(&self) -> &'static str {
        if self.smoke { "dev" } else { "release" }
    }

    /// ` — target X: met` (or `missed`) after a figure; nothing in a smoke run, whose
    /// figures come from debug builds and single runs and say nothing about the targets.
    pub fn verdict(&self, target: &str, met: bool) -> String {
        if self.smoke {
            String::new()
        } else {
            format!(" — target {target}: {}", if met { "met" } else { "missed" })
        }
    }
}

/// The markdown report, section by section.
#[derive(Default)]
pub struct Report {
    text: String,
}

impl Report {
    pub fn heading(&mut self, title: &str) {
        let _ = write!(self.text, "\n## {title}\n\n");
        println!("\n== {title}");
    }

    pub fn line(&mut self, line: impl AsRef<str>) {
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    /// A markdown table; also echoed to the terminal as it is produced.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let mut t = format!("| {} |\n|", header.join(" | "));
        for _ in header {
            t.push_str("---|");
        }
        t.push('\n');
        for row in rows {
            let _ = writeln!(t, "| {} |", row.join(" | "));
        }
        print!("{t}");
        self.text.push_str(&t);
        self.text.push('\n');
    }

    pub fn note(&mut self, note: impl AsRef<str>) {
        println!("note: {}", note.as_ref());
        let _ = writeln!(self.text, "- {}", note.as_ref());
    }
}

pub fn run(ws: &crate::Workspace, args: &Args) -> Result<bool> {
    let dir = ws.target.join("bench");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let python = if args.no_python {
        None
    } else {
        Some(crate::python::venv(ws)?)
    };
    let java = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ctx = Ctx {
        root: ws.root.clone(),
        dir,
        scratch: ws.scratch(),
        smoke: args.smoke,
        runs: args.runs.unwrap_or(if args.smoke { 1 } else { 5 }).max(1),
        python,
        java,
    };
    if ctx.smoke {
        println!(
            "bench: smoke run: checks that every benchmark runs; its figures (debug builds, \
             one run each) are not meaningful and are not compared with any target"
        );
    }
    let sections = if args.only.is_empty() {
        ALL
    } else {
        &args.only[..]
    };
    let started = Instant::now();
    let mut report = Report::default();
    report.line(if ctx.smoke {
        "# livegen benchmarks (smoke run: debug builds, one run each; numbers are not meaningful)"
    } else {
        "# livegen benchmarks"
    });
    report.heading("Machine");
    machine::table(&ctx, &mut report);
    for section in sections {
        let t = Instant::now();
        match section {
            Section::Codegen => codegen::run(&ctx, &mut report)?,
            Section::Build => build::run(&ctx, &mut report)?,
            Section::Client => client::run(&ctx, &mut report)?,
            Section::Calls => calls::throughput(&ctx, &mut report)?,
            Section::Limiter => limiter::limiter(&ctx, &mut report)?,
            Section::Peers => peers::run(&ctx, &mut report)?,
        }
        println!("({section:?} took {:.1} s)", t.elapsed().as_secs_f64());
    }
    report.heading("Run");
    report.line(format!(
        "Whole run: {:.0} s; load average at the end: {}.",
        started.elapsed().as_secs_f64(),
        load_average()
    ));
    let name = if ctx.smoke {
        "smoke-report.md"
    } else {
        "report.md"
    };
    let path = ctx.dir.join(name);
    fs::write(&path, &report.text).context("cannot write the report")?;
    println!("\nbench: report written to {}", path.display());
    Ok(true)
}

/// The smoke run `cargo xtask test` makes.
pub fn smoke(ws: &crate::Workspace, no_python: bool) -> Result<()> {
    println!("==> bench --smoke");
    let args = Args {
        smoke: true,
        only: Vec::new(),
        runs: None,
        no_python,
    };
    run(ws, &args).map(|_| ())
}

pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Runs `cmd` to completion with output captured; fails with its output when it fails.
pub fn run_quiet(cmd: &mut Command, what: &str) -> Result<Output> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stdout), 20),
            tail(&String::from_utf8_lossy(&output.stderr), 40)
        );
    }
    Ok(output)
}

/// Wall time of one run of `cmd` (output captured, must succeed).
pub fn time(cmd: &mut Command, what: &str) -> Result<Duration> {
    let start = Instant::now();
    run_quiet(cmd, what)?;
    Ok(start.elapsed())
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[lines.len().saturating_sub(n)..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Min and median of a set of timings.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub min: Duration,
    pub median: Duration,
}

impl Stats {
    pub fn of(samples: &[Duration]) -> Option<Stats> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort();
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        };
        Some(Stats {
            min: sorted[0],
            median,
        })
    }
}

/// Milliseconds with enough precision for small times.
pub fn fmt_ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// Files and lines under `dir`, counting only files for which `keep` is true.
pub fn count_lines(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<(usize, usize)> {
    let mut files = 0;
    let mut lines = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(path);
            } else if keep(&path) {
                files += 1;
                lines += fs::read(&path)
                    .map(|b| bytecount_lines(&b))
                    .unwrap_or_default();
            }
        }
    }
    Ok((files, lines))
}

fn bytecount_lines(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

pub fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

pub fn any_file(_: &Path) -> bool {
    true
}

/// Removes `dir` if it exists (a fresh output directory for each timed run).
pub fn clean_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", dir.display())),
    }
}

/// In a smoke run, fails unless `ok`: the machinery produced no usable output.
pub fn smoke_check(ctx: &Ctx, ok: bool, what: &str) -> Result<()> {
    if ctx.smoke {
        ensure!(ok, "bench smoke: {what}");
    }
    Ok(())
}

/// Builds the binary `bin` of `package` with cargo (output shown only on failure), in
/// `ctx.profile()`, and returns the executable's path as cargo reports it (so it is right
/// whatever the target dir).
pub fn cargo_build(ctx: &Ctx, package: &str, bin: &str) -> Result<PathBuf> {
    let built = if ctx.smoke {
        smoke_build(ctx)?
    } else {
        println!("bench: building {bin} ({} profile)", ctx.profile());
        let output = run_quiet(
            Command::new("cargo")
                .args(["build", "--message-format=json", "--profile", ctx.profile()])
                .args(["-p", package, "--bin", bin])
                .current_dir(&ctx.root),
            &format!("cargo build of {bin}"),
        )?;
        executables(&output.stdout, "bin")
    };
    built
        .into_iter()
        .find(|(name, _)| name == bin)
        .map(|(_, exe)| exe)
        .with_context(|| format!("cargo build reported no executable for {bin}"))
}

/// The smoke run's one build: every target `cargo test --workspace --all-features` builds,
/// plus the benches, with the same feature resolution, so the test step that follows
/// reuses every artifact instead of compiling tokio, hyper and reqwest again for each
/// differently-featured `cargo build -p …`. Returns `(name, executable)` of the real
/// binaries and of the benches.
pub fn smoke_build(ctx: &Ctx) -> Result<Vec<(String, PathBuf)>> {
    println!("bench: building the workspace's binaries and benches (as `cargo test` will)");
    let output = run_quiet(
        Command::new("cargo")
            .args(["test", "--workspace", "--all-features", "--all-targets"])
            .args(["--no-run", "--message-format=json"])
            .current_dir(&ctx.root),
        "cargo test --no-run",
    )?;
    let mut built = executables(&output.stdout, "bin");
    built.extend(executables(&output.stdout, "bench"));
    Ok(built)
}

/// `(target name, executable)` of every artifact of `kind` in cargo's JSON messages. For
/// binaries, the binary itself, not its unit-test harness (`cargo test` builds both).
pub fn executables(json_lines: &[u8], kind: &str) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(json_lines).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" || msg["target"]["kind"][0] != kind {
            continue;
        }
        if kind == "bin" && msg["profile"]["test"] == true {
            continue;
        }
        if let (Some(name), Some(exe)) =
            (msg["target"]["name"].as_str(), msg["executable"].as_str())
        {
            found.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::executables;

    #[test]
    fn executables_are_the_binaries_not_their_test_harnesses() {
        let json = br#"{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"live-fake"},"profile":{"test":true},"executable":"/t/debug/deps/live_fake-1"}
{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"live-fake"},"profile":{"test":false},"executable":"/t/debug/live-fake"}
{"reason":"compiler-artifact","target":{"kind":["bench"],"name":"calls"},"profile":{"test":true},"executable":"/t/debug/deps/calls-2"}
{"reason":"build-finished","success":true}
not json"#;
        let bins = executables(json, "bin");
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0].1, std::path::Path::new("/t/debug/live-fake"));
        assert_eq!(executables(json, "bench")[0].0, "calls");
    }
}

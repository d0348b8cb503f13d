//! Compile time of the whole typed `aliyun-live` next to the crates a Rust user would pick
//! for a live-streaming API instead: `aws-sdk-ivs`, `aws-sdk-medialive` and
//! `google-cloud-video-livestream-v1` from crates.io.
//!
//! Each tool builds in one target dir of its own (the AWS crates share theirs, as their
//! users' projects would): `<target>/bench/peers/<tool>/`, a one-package workspace that
//! depends on the peers, and the repository's own target dir for `aliyun-live`. Every
//! dependency is built first, untimed; then, taking turns, each crate's artifacts are
//! removed (`cargo clean -p`) and it is rebuilt (dev profile; the peers without their
//! default features, which only choose the HTTP client and TLS stack): the crate's own
//! compile time, as wall time and as the CPU time of cargo and rustc (the
//! machine is shared, so CPU time is the steadier figure). Operations are counted in the
//! crates' sources; lines are every `.rs` line of the crate.
//!
//! Not part of `--smoke`: it downloads the peers and builds a few hundred dependencies.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{Ctx, Report, count_lines, is_rust, run_quiet};

/// One crate whose own build time is measured.
struct Subject {
    /// Package name.
    package: &'static str,
    /// The workspace cargo runs in.
    dir: PathBuf,
    /// Its target dir (one per tool).
    target: PathBuf,
    /// Its source directory (for lines and operations).
    src: PathBuf,
    operations: usize,
    lines: usize,
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

/// The peers: package, tool (= target dir), how operations are counted.
const PEERS: &[(&str, &str)] = &[
    ("aws-sdk-ivs", "aws"),
    ("aws-sdk-medialive", "aws"),
    ("google-cloud-video-livestream-v1", "google"),
];

impl Subject {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("cargo");
        cmd.args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .current_dir(&self.dir);
        cmd
    }

    /// Removes the crate's artifacts and rebuilds it; wall and CPU time.
    fn rebuild(&self) -> Result<(Duration, Duration)> {
        run_quiet(
            &mut self.cargo(&["clean", "-p", self.package]),
            &format!("cargo clean -p {}", self.package),
        )?;
        let cpu_before = children_cpu();
        let start = Instant::now();
        run_quiet(
            &mut self.cargo(&["build", "-p", self.package]),
            &format!("cargo build -p {}", self.package),
        )?;
        Ok((start.elapsed(), children_cpu().saturating_sub(cpu_before)))
    }
}

/// User + system time of this process's waited-for children and their descendants
/// (`/proc/self/stat` fields 16 and 17, in USER_HZ = 100 ticks per second).
fn children_cpu() -> Duration {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // `rest` starts at field 3 (state), so field N is at index N - 3.
    let ticks = fields.get(13).copied().unwrap_or(0) + fields.get(14).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// The scratch workspace of one tool, depending on its peers.
fn tool_workspace(base: &Path, tool: &str) -> Result<PathBuf> {
    let dir = base.join(tool);
    fs::create_dir_all(dir.join("src"))?;
    let mut manifest = format!(
        "# Written by `cargo xtask bench --only peers`.\n[package]\nname = \"peer-{tool}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n"
    );
    for (package, _) in PEERS.iter().filter(|(_, t)| *t == tool) {
        // The newest 1.x release, as `cargo add` would pick, without default features:
        // those pick the HTTP client and TLS stack (AWS: rustls over `aws-lc-sys`, whose C
        // build alone takes longer than any crate measured here; Google: the rustls
        // provider). The crate's own code is the same either way.
        manifest.push_str(&format!(
            "{package} = {{ version = \"1\", default-features = false }}\n"
        ));
    }
    manifest.push_str("\n[workspace]\n");
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src/lib.rs"), "")?;
    Ok(dir)
}

/// The source directory of `package` as cargo resolved it in `dir`.
fn package_dir(dir: &Path, target: &Path, package: &str) -> Result<PathBuf> {
    let out = run_quiet(
        Command::new("cargo")
            .args(["metadata", "--format-version", "1"])
            .env("CARGO_TARGET_DIR", target)
            .current_dir(dir),
        "cargo metadata",
    )?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).context("cargo metadata")?;
    let manifest = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == package)
        .and_then(|p| p["manifest_path"].as_str())
        .with_context(|| format!("cargo metadata does not list {package}"))?;
    Ok(Path::new(manifest)
        .parent()
        .context("a manifest has a directory")?
        .to_path_buf())
}

/// Operations of a crate, counted in its sources: AWS crates have one module directory
/// per operation under `src/operation/`; the Google crate one `pub fn` per RPC on its
/// client (`src/client.rs`, lines returning a request builder); `aliyun-live` one module
/// file per operation under `src/operations/`.
fn operations(package: &str, src: &Path) -> Result<usize> {
    let count_entries = |dir: &Path, dirs: bool| -> Result<usize> {
        Ok(fs::read_dir(dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir() == dirs)
            .count())
    };
    if package.starts_with("aws-sdk-") {
        count_entries(&src.join("src/operation"), true)
    } else if package == "aliyun-live" {
        count_entries(&src.join("src/operations"), false)
    } else {
        let client = fs::read_to_string(src.join("src/client.rs"))
            .with_context(|| format!("cannot read {package}'s src/client.rs"))?;
        let n = client
            .lines()
            .filter(|l| l.trim_start().starts_with("pub fn ") && l.contains("builder::"))
            .count();
        if n == 0 {
            bail!("found no RPC methods in {package}'s src/client.rs");
        }
        Ok(n)
    }
}

/// The 1-minute load average (`/proc/loadavg`), if readable.
fn load_1min() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn median(samples: &[Duration]) -> Option<Duration> {
    let mut s = samples.to_vec();
    s.sort();
    s.get(s.len() / 2).copied()
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub fn run(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("7. Compile time next to the peers");
    if ctx.smoke {
        report.note(
            "skipped in the smoke run: it downloads the peers from crates.io and builds a few hundred dependencies (`cargo xtask bench --only peers`)",
        );
        return Ok(());
    }
    let base = ctx.dir.join("peers");
    let target = ctx
        .dir
        .parent()
        .context("the bench dir is inside the target dir")?
        .to_path_buf();
    let generated = ctx.root.join("generated");
    let mut subjects = vec![Subject {
        package: "aliyun-live",
        dir: ctx.root.clone(),
        target,
        src: generated.clone(),
        operations: 0,
        lines: 0,
        wall: Vec::new(),
        cpu: Vec::new(),
    }];
    for (package, tool) in PEERS {
        let dir = tool_workspace(&base, tool)?;
        let target = dir.join("target");
        let src = package_dir(&dir, &target, package)?;
        subjects.push(Subject {
            package,
            dir,
            target,
            src,
            operations: 0,
            lines: 0,
            wall: Vec::new(),
            cpu: Vec::new(),
        });
    }
    for s in &mut subjects {
        s.operations = operations(s.package, &s.src)?;
        s.lines = count_lines(&s.src, &is_rust)?.1;
        println!(
            "bench: building {} and its dependencies (untimed)",
            s.package
        );
        run_quiet(
            &mut s.cargo(&["build", "-p", s.package]),
            &format!("cargo build -p {}", s.package),
        )?;
    }
    // The 1-minute load average before each timed build: the machine is shared, so the
    // report states the range the figures were taken in.
    let mut loads: Vec<f64> = Vec::new();
    for run in 0..ctx.runs {
        for s in &mut subjects {
            println!("bench: own build {}/{} of {}", run + 1, ctx.runs, s.package);
            loads.extend(load_1min());
            let (wall, cpu) = s.rebuild()?;
            s.wall.push(wall);
            s.cpu.push(cpu);
        }
    }
    let ours_wall = median(&subjects[0].wall).unwrap_or_default();
    let ours_cpu = median(&subjects[0].cpu).unwrap_or_default();
    let rows: Vec<Vec<String>> = subjects
        .iter()
        .map(|s| {
            let wall = median(&s.wall).unwrap_or_default();
            let cpu = median(&s.cpu).unwrap_or_default();
            let per_op = |d: Duration| d.as_secs_f64() / s.operations.max(1) as f64;
            vec![
                format!("`{}`", s.package),
                s.operations.to_string(),
                s.lines.to_string(),
                secs(wall),
                secs(cpu),
                format!("{:.3} s", per_op(wall)),
                format!("{:.3} s", per_op(cpu)),
                format!(
                    "{:.2}×",
                    wall.as_secs_f64() / ours_wall.as_secs_f64().max(1e-9)
                ),
                format!(
                    "{:.2}×",
                    cpu.as_secs_f64() / ours_cpu.as_secs_f64().max(1e-9)
                ),
            ]
        })
        .collect();
    report.table(
        &[
            "Crate",
            "Operations",
            ".rs lines",
            "Own build (wall, median)",
            "CPU (median)",
            "Wall per op",
            "CPU per op",
            "Wall ÷ aliyun-live",
            "CPU ÷ aliyun-live",
        ],
        &rows,
    );
    let lowest = loads.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = loads.iter().copied().fold(0.0, f64::max);
    report.note(format!(
        "dev profile, dependencies built, the peers with `default-features = false` (no HTTP client or TLS stack, e.g. no `aws-lc-sys`; their own code is the same), aliyun-live with its defaults; {} runs each, taking turns; 1-minute load average before each timed build {lowest:.1}–{highest:.1} on {} cores; at the end: {}",
        ctx.runs,
        std::thread::available_parallelism().map_or(0, usize::from),
        super::load_average()
    ));
    let ivs = median(&subjects[1].cpu).unwrap_or_default();
    let google = median(&subjects[3].cpu).unwrap_or_default();
    report.line(ctx.verdict(
        "whole typed aliyun-live builds faster than aws-sdk-ivs (CPU)",
        ours_cpu < ivs,
    ));
    report.line(ctx.verdict(
        "stretch: no slower than google-cloud-video-livestream-v1 (CPU)",
        ours_cpu <= google,
    ));
    Ok(())
}

//! Codegen wall time: livegen (release xtask, spawned) vs openapi-generator (`-g rust`,
//! the PyPI wrapper around its bundled jar) vs progenitor, same documents, interleaved.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::{
    Ctx, Report, Stats, any_file, clean_dir, count_lines, fmt_ms, is_rust, run_quiet, smoke_check,
    synth, time,
};

/// The openapi-generator release pinned in `tests/python/requirements.txt`.
pub const OPENAPI_GENERATOR: &str = "openapi-generator 7.26.0";
/// The progenitor release the full run installs into `<target>/bench/tools`.
const PROGENITOR_VERSION: &str = "0.15.1";

/// The official metadata files the full run also generates from (label, file name).
pub const OFFICIAL: &[(&str, &str)] = &[
    ("2025-12", "live-2016-11-01.2025-12.json"),
    ("2024-06", "live-2016-11-01.2024-06.json"),
];

/// One document to generate from.
pub struct Case {
    pub name: String,
    /// Relative to the repository root.
    pub spec: PathBuf,
    pub ops: usize,
}

/// The real spec and synthetic ones, written and validated.
pub fn cases(ctx: &Ctx) -> Result<Vec<Case>> {
    let mut cases = vec![Case {
        name: "spec/live.yaml".to_owned(),
        spec: PathBuf::from(crate::codegen::DEFAULT_SPEC),
        ops: 1,
    }];
    let sizes: &[usize] = if ctx.smoke { &[1, 100] } else { &[1, 100, 500] };
    let dir = ctx.dir.join("specs");
    fs::create_dir_all(&dir)?;
    for &ops in sizes {
        let text = synth::spec(ops);
        let path = dir.join(format!("ops-{ops}.yaml"));
        fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        // The generator must accept it, or the timings would measure an error path.
        livegen_generator::generate(&ctx.rel(&path).to_string_lossy(), &text).map_err(|e| {
            anyhow::anyhow!("the synthetic spec of {ops} operations is invalid: {e}")
        })?;
        cases.push(Case {
            name: format!("synthetic, {ops} ops"),
            spec: ctx.rel(&path),
            ops,
        });
    }
    let synthetic_end = cases.len();
    if !ctx.smoke {
        // The whole official Live API, imported from Alibaba's own metadata.
        for (label, file) in OFFICIAL {
            let meta = ctx.root.join("tests/fixtures/official").join(file);
            let text = fs::read_to_string(&meta)
                .with_context(|| format!("cannot read {}", meta.display()))?;
            let imported = livegen_generator::import::import(
                &text,
                &livegen_generator::import::Selection::All,
            )
            .with_context(|| format!("cannot import {file}"))?;
            let path = dir.join(format!("official-{label}.yaml"));
            fs::write(&path, &imported.spec)
                .with_context(|| format!("cannot write {}", path.display()))?;
            cases.push(Case {
                name: format!("official {label}, {} ops", imported.path_items.len()),
                spec: ctx.rel(&path),
                ops: imported.path_items.len(),
            });
        }
    }
    if let Some(python) = &ctx.python {
        for case in &cases[1..synthetic_end] {
            run_quiet(
                Command::new(python)
                    .args(["-m", "openapi_spec_validator"])
                    .arg(&case.spec)
                    .current_dir(&ctx.root),
                &format!("openapi-spec-validator on {}", case.spec.display()),
            )?;
        }
        println!("bench: synthetic specs pass livegen's validator and openapi-spec-validator");
    }
    Ok(cases)
}

struct Tool {
    name: &'static str,
    samples: Vec<Duration>,
    check: Vec<Duration>,
    failure: Option<String>,
    out: PathBuf,
}

impl Tool {
    fn new(name: &'static str, out: PathBuf) -> Tool {
        Tool {
            name,
            samples: Vec::new(),
            check: Vec::new(),
            failure: None,
            out,
        }
    }

    /// Times one run; the first failure is kept and the tool is not run again.
    fn measure(&mut self, run: impl FnOnce(&Path) -> Result<Duration>) {
        if self.failure.is_some() {
            return;
        }
        if let Err(e) = clean_dir(&self.out) {
            self.failure = Some(format!("{e:#}"));
            return;
        }
        match run(&self.out) {
            Ok(t) => self.samples.push(t),
            Err(e) => self.failure = Some(format!("{e:#}")),
        }
    }
}

pub fn run(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("1. Codegen");
    let xtask = xtask_binary(ctx)?;
    let cases = cases(ctx)?;
    // The PyPI package wraps a jar: without Java it cannot run.
    let ogen = ctx
        .python
        .as_ref()
        .filter(|_| ctx.java)
        .map(|p| p.with_file_name("openapi-generator-cli"));
    let progenitor = if ctx.smoke { None } else { progenitor(ctx) };

    let mut rows = Vec::new();
    let mut per_op = Vec::new();
    let mut ours_medians = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let slug = case
            .spec
            .file_stem()
            .map_or("spec".into(), |s| s.to_string_lossy().into_owned());
        let out = ctx.dir.join("codegen").join(&slug);
        let mut ours = Tool::new("livegen", out.join("livegen"));
        let mut peer = Tool::new("openapi-generator", out.join("openapi-generator"));
        let mut prog = Tool::new("progenitor (as 3.0.3)", out.join("progenitor"));
        // progenitor reads OpenAPI 3.0 only. It is tried on the document as is (and the
        // refusal reported), then timed on a copy whose version line says 3.0.3; the
        // documents use nothing that 3.0 lacks, so that is the only change.
        let relabelled = match &progenitor {
            Some(progenitor) => {
                if let Err(e) = run_quiet(
                    Command::new(progenitor)
                        .args(["progenitor", "-i"])
                        .arg(ctx.root.join(&case.spec))
                        .arg("-o")
                        .arg(out.join("progenitor-3.1"))
                        .args(["-n", "aliyun-live-progenitor", "-v", "0.1.0"])
                        .env("RUST_BACKTRACE", "0")
                        .current_dir(&ctx.root),
                    "cargo progenitor",
                ) {
                    failures.push(format!(
                        "progenitor on {} as written (OpenAPI 3.1.0): {}",
                        case.name,
                        first_lines(&format!("{e:#}"), 2)
                    ));
                }
                let text = fs::read_to_string(ctx.root.join(&case.spec))?;
                let copy = ctx
                    .dir
                    .join("specs")
                    .join(format!("{slug}-openapi-3.0.yaml"));
                fs::write(&copy, text.replacen("openapi: 3.1.0", "openapi: 3.0.3", 1))?;
                Some(copy)
            }
            None => None,
        };
        for run in 0..ctx.runs {
            println!("bench: codegen {} run {}/{}", case.name, run + 1, ctx.runs);
            ours.measure(|dir| {
                time(
                    Command::new(&xtask)
                        .arg("codegen")
                        .arg("--spec")
                        .arg(&case.spec)
                        .arg("--out")
                        .arg(ctx.rel(dir))
                        .current_dir(&ctx.root),
                    "livegen codegen",
                )
            });
            if ours.failure.is_none() {
                // `--check` on the directory just written: everything compared, all equal.
                match time(
                    Command::new(&xtask)
                        .args(["codegen", "--check", "--spec"])
                        .arg(&case.spec)
                        .arg("--out")
                        .arg(ctx.rel(&ours.out))
                        .current_dir(&ctx.root),
                    "livegen codegen --check",
                ) {
                    Ok(t) => ours.check.push(t),
                    Err(e) => ours.failure = Some(format!("{e:#}")),
                }
            }
            if let Some(ogen) = &ogen {
                peer.measure(|dir| {
                    time(
                        Command::new(ogen)
                            .args(["generate", "-g", "rust", "-i"])
                            .arg(ctx.root.join(&case.spec))
                            .arg("-o")
                            .arg(dir)
                            .args([
                                "--additional-properties",
                                "packageName=aliyun-live-ogen,packageVersion=0.1.0",
                            ])
                            .current_dir(&ctx.root),
                        "openapi-generator",
                    )
                });
            }
            if let (Some(progenitor), Some(relabelled)) = (&progenitor, &relabelled) {
                prog.measure(|dir| {
                    time(
                        Command::new(progenitor)
                            .args(["progenitor", "-i"])
                            .arg(relabelled)
                            .env("RUST_BACKTRACE", "0")
                            .arg("-o")
                            .arg(dir)
                            .args(["-n", "aliyun-live-progenitor", "-v", "0.1.0"])
                            .current_dir(&ctx.root),
                        "cargo progenitor",
                    )
                });
            }
        }
        let mut tools = vec![&ours];
        if ogen.is_some() {
            tools.push(&peer);
        }
        if progenitor.is_some() {
            tools.push(&prog);
        }
        for tool in tools {
            match (Stats::of(&tool.samples), &tool.failure) {
                (Some(stats), None) => {
                    let (rs_files, rs_lines) = count_lines(&tool.out, &is_rust)?;
                    let (files, lines) = count_lines(&tool.out, &any_file)?;
                    smoke_check(
                        ctx,
                        rs_lines > 0 && !stats.median.is_zero(),
                        &format!("{} on {} produced no Rust", tool.name, case.name),
                    )?;
                    let check = Stats::of(&tool.check).map_or("—".to_owned(), |c| {
                        format!("{} / {}", fmt_ms(c.min), fmt_ms(c.median))
                    });
                    if tool.name == "livegen" {
                        ours_medians.push((case.ops, case.name.clone(), stats.median));
                        let code = code_lines(&tool.out.join("src"))?;
                        per_op.push(vec![
                            case.name.clone(),
                            case.ops.to_string(),
                            code.to_string(),
                            format!("{:.1}", code as f64 / case.ops.max(1) as f64),
                        ]);
                    }
                    rows.push(vec![
                        case.name.clone(),
                        tool.name.to_owned(),
                        format!("{} / {}", fmt_ms(stats.min), fmt_ms(stats.median)),
                        check,
                        format!("{rs_lines} ({rs_files} files)"),
                        format!("{lines} ({files} files)"),
                    ]);
                }
                (_, failure) => {
                    let why = failure.clone().unwrap_or_else(|| "no runs".to_owned());
                    rows.push(vec![
                        case.name.clone(),
                        tool.name.to_owned(),
                        "failed".to_owned(),
                        "—".to_owned(),
                        "—".to_owned(),
                        "—".to_owned(),
                    ]);
                    failures.push(format!(
                        "{} on {}: {}",
                        tool.name,
                        case.name,
                        first_lines(&why, 6)
                    ));
                    // Our own tool failing is a bug, not a data point.
                    if tool.name == "livegen" {
                        anyhow::bail!("livegen codegen failed on {}: {why}", case.name);
                    }
                }
            }
        }
    }
    report.line(format!(
        "Peers: {OPENAPI_GENERATOR} (`openapi-generator-cli generate -g rust`, PyPI wrapper around \
         its bundled jar, Java 17){}. Wall time of one process run, min / median of {} run(s), output directory removed \
         before each run (every file written). `--check` runs on the freshly written directory \
         (reads and compares every file). Lines: Rust files / all files written.",
        if ctx.smoke { String::new() } else { format!(", cargo-progenitor {PROGENITOR_VERSION}") },
        ctx.runs
    ));
    report.line("");
    report.table(
        &[
            "spec",
            "tool",
            "codegen min / median",
            "--check min / median",
            "Rust lines",
            "all lines",
        ],
        &rows,
    );
    report.line("");
    report.line(
        "Size of livegen's output: non-blank, non-comment lines of Rust (rustdoc excluded) in the \
         generated crate, per operation.",
    );
    report.line("");
    report.table(
        &["spec", "operations", "Rust code lines", "per operation"],
        &per_op,
    );
    growth(&ours_medians, report);
    for f in failures {
        report.note(f);
    }
    if ctx.python.is_none() {
        report.note("openapi-generator skipped (--no-python)");
    } else if !ctx.java {
        report.note("openapi-generator skipped: it runs a jar and `java` is not on PATH (install Java 17+ to compare with it)");
    }
    if ctx.smoke {
        report
            .note("progenitor is only tried in the full run (installing it compiles ~200 crates)");
    }
    Ok(())
}

/// Non-blank lines of the `.rs` files under `dir` that are not comments (docs included).
fn code_lines(dir: &Path) -> Result<usize> {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_rust(&path) {
                let text = fs::read_to_string(&path)?;
                total += text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with("//"))
                    .count();
            }
        }
    }
    Ok(total)
}

fn growth(medians: &[(usize, String, Duration)], report: &mut Report) {
    let synthetic: Vec<&(usize, String, Duration)> = medians
        .iter()
        .filter(|(_, name, _)| name.starts_with("synthetic"))
        .collect();
    let (Some(first), Some(last)) = (synthetic.first(), synthetic.last()) else {
        return;
    };
    if last.0 <= first.0 {
        return;
    }
    let per_op = (last.2.as_secs_f64() - first.2.as_secs_f64()) / (last.0 - first.0) as f64;
    let mut line = format!(
        "livegen growth {} → {} ops: {} → {} median ({:.1}×), {:.2} ms per added operation",
        first.0,
        last.0,
        fmt_ms(first.2),
        fmt_ms(last.2),
        last.2.as_secs_f64() / first.2.as_secs_f64(),
        per_op * 1e3
    );
    if synthetic.len() >= 3 {
        let mid = synthetic[synthetic.len() - 2];
        let low = (mid.2.as_secs_f64() - first.2.as_secs_f64()) / (mid.0 - first.0) as f64;
        let high = (last.2.as_secs_f64() - mid.2.as_secs_f64()) / (last.0 - mid.0) as f64;
        line += &format!(
            "; per added op {:.2} ms ({}→{}) vs {:.2} ms ({}→{}), marginal cost ×{:.2}: {}",
            low * 1e3,
            first.0,
            mid.0,
            high * 1e3,
            mid.0,
            last.0,
            high / low,
            if high <= low * 1.1 {
                "linear"
            } else if high <= low * 1.5 {
                "near-linear"
            } else {
                "super-linear"
            }
        );
    }
    if last.0 >= 500 {
        line += &format!(
            "; 500 ops {} the 1 s target",
            if last.2 < Duration::from_secs(1) {
                "meets"
            } else {
                "misses"
            }
        );
    }
    report.line("");
    report.note(line);
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = lines[..lines.len().min(n)].join(" ⏎ ");
    if lines.len() > n {
        out += " …";
    }
    out.replace('|', "\\|")
}

/// The xtask binary to time: release-built for real numbers; in a smoke run, this very
/// (debug) binary.
pub fn xtask_binary(ctx: &Ctx) -> Result<PathBuf> {
    if ctx.smoke {
        return std::env::current_exe().context("cannot find the running xtask");
    }
    super::cargo_build(ctx, "xtask", "xtask")
}

/// `cargo-progenitor`, installed once into `<target>/bench/tools`; `None` when it cannot be.
fn progenitor(ctx: &Ctx) -> Option<PathBuf> {
    let root = ctx.dir.join("tools");
    let bin = root.join("bin/cargo-progenitor");
    if bin.exists() {
        return Some(bin);
    }
    println!(
        "bench: installing cargo-progenitor {PROGENITOR_VERSION} into {} (once)",
        root.display()
    );
    let result = run_quiet(
        Command::new("cargo")
            .args([
                "install",
                "cargo-progenitor",
                "--locked",
                "--version",
                PROGENITOR_VERSION,
            ])
            .arg("--root")
            .arg(&root)
            .arg("--target-dir")
            .arg(ctx.dir.join("tools-build"))
            .current_dir(&ctx.root),
        "cargo install cargo-progenitor",
    );
    match result {
        Ok(_) if bin.exists() => Some(bin),
        Ok(_) => None,
        Err(e) => {
            println!("bench: progenitor unavailable: {e:#}");
            None
        }
    }
}

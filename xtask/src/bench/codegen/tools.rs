//! The three code generators the codegen section times, and one round of runs of each on
//! a case: livegen (spawned xtask), openapi-generator (`-g rust`), progenitor (3.0 only).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::{Case, PROGENITOR_VERSION, first_lines};
use crate::bench::{Ctx, clean_dir, run_quiet, time};

/// A generator's runs on one case: timings, `--check` timings, the first failure.
pub(super) struct Tool {
    pub(super) name: &'static str,
    pub(super) samples: Vec<Duration>,
    pub(super) check: Vec<Duration>,
    pub(super) failure: Option<String>,
    pub(super) out: PathBuf,
}

impl Tool {
    pub(super) fn new(name: &'static str, out: PathBuf) -> Tool {
        Tool {
            name,
            samples: Vec::new(),
            check: Vec::new(),
            failure: None,
            out,
        }
    }

    /// Times one run; the first failure is kept and the tool is not run again.
    pub(super) fn measure(&mut self, run: impl FnOnce(&Path) -> Result<Duration>) {
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

/// The peers' executables, found or installed once per benchmark.
pub(super) struct Generators {
    xtask: PathBuf,
    /// openapi-generator's PyPI wrapper; `None` without Python or Java.
    ogen: Option<PathBuf>,
    /// `cargo-progenitor`; `None` in a smoke run or when it cannot be installed.
    progenitor: Option<PathBuf>,
}

impl Generators {
    pub(super) fn find(ctx: &Ctx) -> Result<Self> {
        // The PyPI package wraps a jar: without Java it cannot run.
        let ogen = ctx
            .python
            .as_ref()
            .filter(|_| ctx.java)
            .map(|p| p.with_file_name("openapi-generator-cli"));
        Ok(Self {
            xtask: xtask_binary(ctx)?,
            ogen,
            progenitor: if ctx.smoke { None } else { progenitor(ctx) },
        })
    }

    pub(super) fn has_progenitor(&self) -> bool {
        self.progenitor.is_some()
    }

    /// Every available generator's `ctx.runs` runs on `case`, interleaved; failures of a
    /// peer are noted in `failures`.
    pub(super) fn measure(
        &self,
        ctx: &Ctx,
        case: &Case,
        failures: &mut Vec<String>,
    ) -> Result<Vec<Tool>> {
        let slug = case
            .spec
            .file_stem()
            .map_or("spec".into(), |s| s.to_string_lossy().into_owned());
        let out = ctx.dir.join("codegen").join(&slug);
        let mut ours = Tool::new("livegen", out.join("livegen"));
        let mut peer = Tool::new("openapi-generator", out.join("openapi-generator"));
        let mut prog = Tool::new("progenitor (as 3.0.3)", out.join("progenitor"));
        let relabelled = match &self.progenitor {
            Some(progenitor) => Some(relabel(ctx, progenitor, case, &slug, &out, failures)?),
            None => None,
        };
        for run in 0..ctx.runs {
            println!("bench: codegen {} run {}/{}", case.name, run + 1, ctx.runs);
            self.livegen(ctx, case, &mut ours);
            if let Some(ogen) = &self.ogen {
                peer.measure(|dir| openapi_generator(ctx, ogen, case, dir));
            }
            if let (Some(progenitor), Some(relabelled)) = (&self.progenitor, &relabelled) {
                prog.measure(|dir| run_progenitor(ctx, progenitor, relabelled, dir));
            }
        }
        let mut tools = vec![ours];
        if self.ogen.is_some() {
            tools.push(peer);
        }
        if self.progenitor.is_some() {
            tools.push(prog);
        }
        Ok(tools)
    }

    /// One livegen run, then `--check` on the directory just written: everything
    /// compared, all equal.
    fn livegen(&self, ctx: &Ctx, case: &Case, ours: &mut Tool) {
        let codegen = |args: &[&str], dir: &Path, what: &str| {
            time(
                Command::new(&self.xtask)
                    .args(args)
                    .arg("--spec")
                    .arg(&case.spec)
                    .arg("--out")
                    .arg(ctx.rel(dir))
                    .current_dir(&ctx.root),
                what,
            )
        };
        ours.measure(|dir| codegen(&["codegen"], dir, "livegen codegen"));
        if ours.failure.is_none() {
            match codegen(
                &["codegen", "--check"],
                &ours.out,
                "livegen codegen --check",
            ) {
                Ok(t) => ours.check.push(t),
                Err(e) => ours.failure = Some(format!("{e:#}")),
            }
        }
    }
}

fn openapi_generator(ctx: &Ctx, ogen: &Path, case: &Case, dir: &Path) -> Result<Duration> {
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
}

fn run_progenitor(ctx: &Ctx, progenitor: &Path, spec: &Path, dir: &Path) -> Result<Duration> {
    time(
        &mut progenitor_command(ctx, progenitor, spec, dir),
        "cargo progenitor",
    )
}

fn progenitor_command(ctx: &Ctx, progenitor: &Path, spec: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(progenitor);
    cmd.args(["progenitor", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(dir)
        .args(["-n", "aliyun-live-progenitor", "-v", "0.1.0"])
        .env("RUST_BACKTRACE", "0")
        .current_dir(&ctx.root);
    cmd
}

/// progenitor reads OpenAPI 3.0 only. It is tried on the document as is (and the refusal
/// reported), then timed on a copy whose version line says 3.0.3; the documents use
/// nothing that 3.0 lacks, so that is the only change. Returns the copy.
fn relabel(
    ctx: &Ctx,
    progenitor: &Path,
    case: &Case,
    slug: &str,
    out: &Path,
    failures: &mut Vec<String>,
) -> Result<PathBuf> {
    let spec = ctx.root.join(&case.spec);
    let mut as_written = progenitor_command(ctx, progenitor, &spec, &out.join("progenitor-3.1"));
    if let Err(e) = run_quiet(&mut as_written, "cargo progenitor") {
        failures.push(format!(
            "progenitor on {} as written (OpenAPI 3.1.0): {}",
            case.name,
            first_lines(&format!("{e:#}"), 2)
        ));
    }
    let text = fs::read_to_string(&spec)?;
    let copy = ctx
        .dir
        .join("specs")
        .join(format!("{slug}-openapi-3.0.yaml"));
    fs::write(&copy, text.replacen("openapi: 3.1.0", "openapi: 3.0.3", 1))?;
    Ok(copy)
}

/// The xtask binary to time: release-built for real numbers; in a smoke run, this very
/// (debug) binary.
fn xtask_binary(ctx: &Ctx) -> Result<PathBuf> {
    if ctx.smoke {
        return std::env::current_exe().context("cannot find the running xtask");
    }
    crate::bench::cargo_build(ctx, "xtask", "xtask")
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

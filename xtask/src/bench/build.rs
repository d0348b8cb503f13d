//! Build time of the generated crate (+ the runtime it depends on) vs openapi-generator's
//! crate for the same spec: clean, and incremental after touching one file. Each builds in
//! a scratch workspace under `<target>/bench/build/` with a target dir of its own; the
//! smoke run builds ours in the tests' shared scratch target dir instead, whose
//! dependencies the family and conformance tests compile anyway.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::{
    Ctx, Report, Stats, clean_dir, count_lines, fmt_ms, is_rust, run_quiet, smoke_check, time,
};

/// One crate to build.
struct Subject {
    name: String,
    /// The package `cargo clean -p` removes for the crate-only rebuild.
    package: &'static str,
    /// Whether to time clean builds (false when sharing another subject's target dir,
    /// whose dependencies are the same).
    clean_builds: bool,
    /// The workspace root to run cargo in.
    dir: PathBuf,
    /// `--all-features` in the smoke run: the family test builds its generated crates that
    /// way in the same target dir, so these artifacts are the ones it needs.
    all_features: bool,
    /// `--features …` otherwise (e.g. `cli`), or empty.
    features: &'static str,
    target: PathBuf,
    /// The file touched for the incremental build.
    touch: PathBuf,
    clean: Vec<Duration>,
    crate_only: Vec<Duration>,
    incremental: Vec<Duration>,
    crates: usize,
    /// Why the peer's crate does not build (ours failing to build is an error).
    failure: Option<String>,
}

impl Subject {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("cargo");
        cmd.args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .current_dir(&self.dir);
        cmd
    }

    fn build(&self) -> Result<Duration> {
        let args: &[&str] = if self.all_features {
            &["build", "--offline", "--all-features"]
        } else if !self.features.is_empty() {
            &["build", "--offline", "--features", self.features]
        } else {
            &["build", "--offline"]
        };
        time(
            &mut self.cargo(args),
            &format!("cargo build of {}", self.name),
        )
    }

    /// Removes only this crate's artifacts, then builds: the crate's own compile time.
    fn rebuild_crate(&self) -> Result<Duration> {
        run_quiet(
            &mut self.cargo(&["clean", "--offline", "-p", self.package]),
            &format!("cargo clean -p {}", self.package),
        )?;
        self.build()
    }

    /// Runs `step` unless the crate already failed to build; a failure of the peer's crate
    /// is kept for the report, a failure of ours ends the benchmark.
    fn attempt(
        &mut self,
        step: impl FnOnce(&Self) -> Result<Duration>,
    ) -> Result<Option<Duration>> {
        if self.failure.is_some() {
            return Ok(None);
        }
        match step(self) {
            Ok(t) => Ok(Some(t)),
            Err(e) if self.package != "aliyun-live" => {
                self.failure = Some(compile_errors(&format!("{e:#}")));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn touch(&self) -> Result<()> {
        let text = fs::read(&self.touch)?;
        // Rewriting the same bytes moves the modification time, like an editor's save.
        fs::write(&self.touch, text)
            .with_context(|| format!("cannot touch {}", self.touch.display()))
    }
}

/// Copies a directory tree (no symlinks in generated output).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() == "target" {
                continue;
            }
            copy_tree(&path, &dest)?;
        } else {
            fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}

/// A workspace holding a copy of a generated crate, with the root's workspace settings
/// and lock file, the runtime as a path dependency: what a user's checkout builds.
fn ours(ctx: &Ctx, base: &Path, case: &str, crate_dir: &Path, target: &Path) -> Result<Subject> {
    let dir = base.join(format!("livegen-{case}"));
    clean_dir(&dir)?;
    copy_tree(crate_dir, &dir.join("generated"))?;
    let manifest = fs::read_to_string(ctx.root.join("Cargo.toml"))?;
    let root = ctx.root.to_string_lossy();
    let mut out = String::new();
    for line in manifest.lines() {
        let line = if line.trim_start().starts_with("members") {
            "members = [\"generated\"]".to_owned()
        } else {
            line.replace("path = \"runtime\"", &format!("path = \"{root}/runtime\""))
                .replace(
                    "path = \"generator\"",
                    &format!("path = \"{root}/generator\""),
                )
        };
        out.push_str(&line);
        out.push('\n');
    }
    fs::write(dir.join("Cargo.toml"), out)?;
    fs::copy(ctx.root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let touch = first_file(&dir.join("generated/src/operations"))?;
    Ok(Subject {
        name: format!("livegen ({case}): generated + runtime"),
        package: "aliyun-live",
        clean_builds: true,
        all_features: ctx.smoke,
        features: "",
        target: target.to_path_buf(),
        touch,
        dir,
        clean: Vec::new(),
        crate_only: Vec::new(),
        incremental: Vec::new(),
        crates: 0,
        failure: None,
    })
}

/// The first file of `dir` in name order.
fn first_file(dir: &Path) -> Result<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .next()
        .with_context(|| format!("{} is empty", dir.display()))
}

/// openapi-generator's crate, as the codegen section wrote it.
fn peer(ctx: &Ctx, base: &Path, case: &str, slug: &str, target: &Path) -> Result<Option<Subject>> {
    let generated = ctx.dir.join("codegen").join(slug).join("openapi-generator");
    if !generated.join("Cargo.toml").exists() {
        return Ok(None);
    }
    let dir = base.join(format!("openapi-generator-{case}"));
    clean_dir(&dir)?;
    copy_tree(&generated, &dir)?;
    // Its own workspace, or cargo would adopt it into the repository's.
    let manifest = dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)?;
    fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    let subject = Subject {
        name: format!("openapi-generator ({case}), default features"),
        package: "aliyun-live-ogen",
        clean_builds: true,
        all_features: false,
        features: "",
        target: target.to_path_buf(),
        touch: dir.join("src/apis/default_api.rs"),
        dir,
        clean: Vec::new(),
        crate_only: Vec::new(),
        incremental: Vec::new(),
        crates: 0,
        failure: None,
    };
    // Its dependencies (reqwest 0.13, …) are not in our lock file: fetch before timing.
    println!("bench: fetching openapi-generator's dependencies (not timed)");
    run_quiet(
        &mut subject.cargo(&["fetch"]),
        "cargo fetch for openapi-generator's crate",
    )?;
    Ok(Some(subject))
}

/// `N errors, first: error[E0599]: …` from cargo's output.
fn compile_errors(output: &str) -> String {
    let first = output
        .lines()
        .find(|l| l.starts_with("error[") || l.starts_with("error:"))
        .unwrap_or("(no error line)")
        .trim();
    let count = output
        .lines()
        .find_map(|l| {
            l.split("due to ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<usize>().ok())
        })
        .map_or(String::new(), |n| format!("{n} errors, first "));
    format!("{count}`{}`", first.replace('|', "\\|").replace('`', "'"))
}

/// Crates compiled: `cargo build` lists each one it compiles as it goes; after a clean
/// build, the number of distinct `.d` dep-info files is the same count.
fn crate_count(target: &Path) -> usize {
    fs::read_dir(target.join("debug/deps"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "d"))
                .count()
        })
        .unwrap_or(0)
}

pub fn run(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("2. Generated crate build");
    let (mut subjects, missing_peer) = subjects(ctx)?;
    let clean_runs = time_builds(ctx, &mut subjects)?;
    let rows = rows(ctx, &subjects)?;
    write(ctx, report, &rows, clean_runs, missing_peer);
    Ok(())
}

/// Ours and openapi-generator's crate for the spec; in the full run also the 100-operation
/// synthetic crates and the whole official API. `true` when the peer's crate is missing.
fn subjects(ctx: &Ctx) -> Result<(Vec<Subject>, bool)> {
    let base = ctx.dir.join("build");
    fs::create_dir_all(&base)?;
    let ours_target = if ctx.smoke {
        ctx.scratch.join("target")
    } else {
        base.join("livegen-target")
    };
    let peer_target = base.join("openapi-generator-target");
    // The smoke run builds the relay family's one-operation crate (the family test's
    // goldens), not the whole API a second time: `cargo test` builds `generated/` anyway.
    let (case, crate_dir) = if ctx.smoke {
        (super::codegen::SMOKE_SPEC, super::codegen::SMOKE_CRATE)
    } else {
        (crate::codegen::DEFAULT_SPEC, "generated")
    };
    let mut subjects = vec![ours(
        ctx,
        &base,
        case,
        &ctx.root.join(crate_dir),
        &ours_target,
    )?];
    let mut missing_peer = false;
    if !ctx.smoke {
        match peer(ctx, &base, "spec/live.yaml", "live", &peer_target)? {
            Some(p) => subjects.push(p),
            None => missing_peer = true,
        }
        // The 100-operation synthetic spec, in the same target dirs (same dependencies):
        // no clean builds, only the crates' own compile times.
        let synthetic = ctx.dir.join("codegen/ops-100/livegen");
        if synthetic.join("Cargo.toml").exists() {
            let mut s = ours(ctx, &base, "100 ops", &synthetic, &ours_target)?;
            s.clean_builds = false;
            subjects.push(s);
        }
        if let Some(mut p) = peer(ctx, &base, "100 ops", "ops-100", &peer_target)? {
            p.clean_builds = false;
            subjects.push(p);
        }
        // The whole official API, without and with the command line.
        for (label, _) in super::codegen::OFFICIAL {
            let dir = ctx.dir.join(format!("codegen/official-{label}/livegen"));
            if !dir.join("Cargo.toml").exists() {
                continue;
            }
            for features in ["", "cli"] {
                let case = if features.is_empty() {
                    format!("official {label}")
                } else {
                    format!("official {label} --features cli")
                };
                let mut s = ours(ctx, &base, &case.replace(' ', "-"), &dir, &ours_target)?;
                s.name = format!("livegen ({case})");
                s.clean_builds = false;
                s.features = features;
                subjects.push(s);
            }
        }
    }
    Ok((subjects, missing_peer))
}

/// Clean, crate-only and incremental builds, the subjects taking turns; returns how many
/// clean builds each got.
fn time_builds(ctx: &Ctx, subjects: &mut [Subject]) -> Result<usize> {
    // Clean builds are long (dependencies included): two each in the full run, taking
    // turns. The smoke run keeps its target dir between runs and times whatever the first
    // build costs there.
    let clean_runs = if ctx.smoke { 1 } else { 2 };
    for run in 0..clean_runs {
        for s in subjects.iter_mut().filter(|s| s.clean_builds) {
            println!("bench: clean build {}/{clean_runs} of {}", run + 1, s.name);
            if !ctx.smoke {
                clean_dir(&s.target)?;
            }
            if let Some(t) = s.attempt(Subject::build)? {
                s.clean.push(t);
                s.crates = crate_count(&s.target);
            }
        }
    }
    for s in subjects.iter_mut().filter(|s| !s.clean_builds) {
        // Dependencies are built; this compiles the crate once before timing.
        s.attempt(Subject::build)?;
    }
    in_turns(ctx, subjects, "crate-only rebuild", |s| {
        if let Some(t) = s.attempt(Subject::rebuild_crate)? {
            s.crate_only.push(t);
        }
        Ok(())
    })?;
    // `cargo clean -p aliyun-live` removes both of our crates (same name, shared target
    // dir): build everything once so the incremental runs start from a built crate.
    for s in subjects.iter_mut() {
        s.attempt(Subject::build)?;
    }
    in_turns(ctx, subjects, "incremental build", |s| {
        let touched = s.attempt(|s| s.touch().map(|()| Duration::ZERO))?;
        if touched.is_some()
            && let Some(t) = s.attempt(Subject::build)?
        {
            s.incremental.push(t);
        }
        Ok(())
    })?;
    Ok(clean_runs)
}

/// `ctx.runs` rounds of `step` on every subject, the subjects taking turns.
fn in_turns(
    ctx: &Ctx,
    subjects: &mut [Subject],
    what: &str,
    mut step: impl FnMut(&mut Subject) -> Result<()>,
) -> Result<()> {
    for run in 0..ctx.runs {
        for s in subjects.iter_mut() {
            println!("bench: {what} {}/{} of {}", run + 1, ctx.runs, s.name);
            step(s)?;
        }
    }
    Ok(())
}

/// One table row per subject.
fn rows(ctx: &Ctx, subjects: &[Subject]) -> Result<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for s in subjects {
        let show = |v: &[Duration]| {
            Stats::of(v).map_or("—".to_owned(), |t| {
                format!("{} / {}", fmt_ms(t.min), fmt_ms(t.median))
            })
        };
        let (_, lines) = count_lines(&s.dir, &is_rust)?;
        if let Some(why) = &s.failure {
            rows.push(vec![
                s.name.clone(),
                lines.to_string(),
                "—".to_owned(),
                format!("does not compile: {why}"),
                "—".to_owned(),
                "—".to_owned(),
            ]);
            continue;
        }
        smoke_check(
            ctx,
            s.incremental.iter().all(|t| !t.is_zero())
                && !s.incremental.is_empty()
                && crate_count(&s.target) > 0,
            &format!("the build of {} produced nothing", s.name),
        )?;
        rows.push(vec![
            s.name.clone(),
            lines.to_string(),
            if s.clean_builds {
                s.crates.to_string()
            } else {
                "—".to_owned()
            },
            show(&s.clean),
            show(&s.crate_only),
            show(&s.incremental),
        ]);
    }
    Ok(rows)
}

fn write(
    ctx: &Ctx,
    report: &mut Report,
    rows: &[Vec<String>],
    clean_runs: usize,
    missing_peer: bool,
) {
    report.line(format!(
        "`cargo build --offline` (dev profile) in a scratch workspace per crate, each tool with a \
         target dir of its own. *Clean*: target dir removed, every dependency compiled (min / \
         median of {clean_runs}). *Crate only*: `cargo clean -p <crate>` then build, dependencies \
         already compiled. *Incremental*: one file rewritten (new mtime, same bytes: an \
         operation file for ours, `src/apis/default_api.rs` for openapi-generator's). Crate-only \
         and incremental: min / median of {} run(s), the crates taking turns. The dependency trees \
         differ: ours is reqwest 0.12 + rustls/ring + tokio + hmac/sha1/sha2 (signing, limiter, \
         retries), and the runtime (~5,000 lines) is part of every clean build; \
         openapi-generator's is reqwest 0.13 + native-tls (the system OpenSSL) + serde and \
         signs nothing, so its requests would not be accepted by the service as generated.",
        ctx.runs
    ));
    report.line("");
    report.table(
        &[
            "crate",
            "Rust lines",
            "crates compiled",
            "clean min / median",
            "crate only min / median",
            "incremental min / median",
        ],
        rows,
    );
    if missing_peer {
        report.note(
            "openapi-generator's crate is missing (run the codegen section first, with Python)",
        );
    }
    if ctx.smoke {
        report.note("smoke: built in the tests' shared scratch target dir, kept between runs, so “clean” is whatever the first build in it cost");
    }
}

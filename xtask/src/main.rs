//! Project automation. Thin by design: argument parsing and file-system work only; the
//! generator library does the thinking.
//!
//! - `cargo xtask codegen [--check]`: regenerate `generated/` from `spec/live.yaml`.
//! - `cargo xtask import --from META.json (--all | --action A…) (--out NEW.yaml | --into SPEC.yaml)`.
//! - `cargo xtask catalogue DIR [--check]`: import and generate every metadata file of DIR.
//! - `cargo xtask test`: everything CI checks, in the order a human would fix it.
//! - `cargo xtask bench [--smoke]`: benchmarks against the tools users would pick instead.

mod bench;
mod catalogue;
mod codegen;
mod import;
mod python;
mod test;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "livegen project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate the client crate from the spec (writes only files whose contents changed).
    Codegen(codegen::Args),
    /// Write livegen spec YAML from Alibaba Cloud OpenAPI metadata (`api-docs` JSON).
    Import(import::Args),
    /// Validate the spec with an external OpenAPI 3.1 validator (installs it into the target dir).
    ValidateSpec {
        /// The spec to validate, relative to the repository root.
        #[arg(long, default_value = codegen::DEFAULT_SPEC)]
        spec: PathBuf,
    },
    /// Run every check CI runs: fmt, clippy, codegen --check, spec validation, bench --smoke,
    /// all tests.
    Test(test::Args),
    /// Import and generate every metadata file of a folder, one row per product; `--check`
    /// also builds each crate.
    Catalogue(catalogue::Args),
    /// Benchmarks side by side with the alternatives (see BENCHMARKS.md); `--smoke` for CI.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = root().and_then(|root| match cli.task {
        Task::Codegen(args) => codegen::run(&root, &args),
        Task::Import(args) => import::run(&root, &args),
        Task::ValidateSpec { spec } => {
            Workspace::new(root).and_then(|ws| python::validate_spec(&ws, &spec).map(|()| true))
        }
        Task::Test(args) => Workspace::new(root).and_then(|ws| test::run(&ws, &args)),
        Task::Bench(args) => Workspace::new(root).and_then(|ws| bench::run(&ws, &args)),
        Task::Catalogue(args) => Workspace::new(root).and_then(|ws| catalogue::run(&ws, &args)),
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository and cargo's target directory, found once at run time and passed to
/// every task that builds, installs or writes scratch files.
pub struct Workspace {
    /// The repository root (absolute).
    pub root: PathBuf,
    /// Cargo's target directory for this repository (absolute): `CARGO_TARGET_DIR`,
    /// `build.target-dir` or `<root>/target`, as cargo itself decides.
    pub target: PathBuf,
}

impl Workspace {
    fn new(root: PathBuf) -> Result<Workspace> {
        let target = target_dir(&root)?;
        Ok(Workspace { root, target })
    }

    /// Where tests and the smoke benchmark build scratch crates: each in
    /// `<scratch>/<name>`, all sharing `<scratch>/target` so their dependencies compile
    /// once. The tests read it from `LIVEGEN_SCRATCH_DIR` (`tests/support/scratch.rs`).
    pub fn scratch(&self) -> PathBuf {
        self.target.join("livegen-scratch")
    }
}

/// The repository root, found when the command runs, never baked in at build time: one
/// target dir may serve several clones, and a clone may move.
///
/// `cargo xtask` is `cargo run`, which sets `CARGO_MANIFEST_DIR` to the `xtask/` folder
/// of the workspace it ran in; started any other way, the enclosing checkout of the
/// current directory counts.
fn root() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
        && dir.file_name().is_some_and(|n| n == "xtask")
        && let Some(root) = dir.parent()
        && is_root(root)
    {
        return Ok(root.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .context("cannot find the repository: the current directory is unreadable or gone")?;
    match cwd.ancestors().find(|dir| is_root(dir)) {
        Some(root) => Ok(root.to_path_buf()),
        None => bail!(
            "cannot find the livegen repository from {}: run `cargo xtask` inside a clone",
            cwd.display()
        ),
    }
}

fn is_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("xtask/Cargo.toml").is_file()
}

/// Cargo's target directory for the workspace at `root`, as `cargo metadata` reports it.
fn target_dir(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .context("cannot run `cargo metadata` to find the target directory")?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed in {}:\n{}",
            root.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .context("`cargo metadata` printed something other than JSON")?;
    let target = metadata["target_directory"]
        .as_str()
        .context("`cargo metadata` reported no target_directory")?;
    Ok(PathBuf::from(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_and_target_dir_are_found_at_run_time() {
        let root = root().expect("the repository root");
        assert!(
            root.join("xtask/Cargo.toml").is_file(),
            "{}",
            root.display()
        );
        let target = target_dir(&root).expect("cargo metadata");
        assert!(target.is_absolute(), "{}", target.display());
        // This very test binary lives in cargo's target dir, wherever that is.
        let target = target.canonicalize().unwrap_or(target);
        let exe = std::env::current_exe().expect("test binary");
        let exe = exe.canonicalize().unwrap_or(exe);
        assert!(
            exe.starts_with(&target),
            "{} not in {}",
            exe.display(),
            target.display()
        );
    }
}

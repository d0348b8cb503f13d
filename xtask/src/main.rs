//! Project automation. Thin by design: argument parsing and file-system work only; the
//! generator library does the thinking.
//!
//! - `cargo xtask codegen [--check]`: regenerate `generated/` from `spec/live.yaml`.
//! - `cargo xtask import --from META.json (--all | --action A…) (--out NEW.yaml | --into SPEC.yaml)`.
//! - `cargo xtask test`: everything CI checks, in the order a human would fix it.
//! - `cargo xtask bench [--smoke]`: benchmarks against the tools users would pick instead.

mod bench;
mod codegen;
mod import;
mod python;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Validate the spec with an external OpenAPI 3.1 validator (installs it into target/).
    ValidateSpec {
        /// The spec to validate, relative to the repository root.
        #[arg(long, default_value = codegen::DEFAULT_SPEC)]
        spec: PathBuf,
    },
    /// Run every check CI runs: fmt, clippy, codegen --check, spec validation, all tests.
    Test(test::Args),
    /// Benchmarks side by side with the alternatives (see BENCHMARKS.md); `--smoke` for CI.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen(args) => codegen::run(&args),
        Task::Import(args) => import::run(&args),
        Task::ValidateSpec { spec } => python::validate_spec(&spec).map(|()| true),
        Task::Test(args) => test::run(&args),
        Task::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

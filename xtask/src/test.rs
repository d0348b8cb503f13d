//! `cargo xtask test`: the one command CI and humans run.

use std::process::Command;

use anyhow::{Context, Result, bail};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip the checks that need Python (spec validation, SDK interop).
    #[arg(long)]
    no_python: bool,
}

pub fn run(args: &Args) -> Result<bool> {
    let root = crate::root();
    step(
        "rustfmt",
        Command::new("cargo").args(["fmt", "--all", "--check"]),
    )?;
    step(
        "clippy",
        Command::new("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    println!("==> codegen --check");
    let files =
        crate::codegen::generate(&root, std::path::Path::new(crate::codegen::DEFAULT_SPEC))?;
    let plan = crate::codegen::plan(&root.join(crate::codegen::DEFAULT_OUT), &files)?;
    if !plan.is_clean() {
        eprint!(
            "{}",
            crate::codegen::check_report(std::path::Path::new(crate::codegen::DEFAULT_OUT), &plan)
        );
        bail!("generated/ is stale");
    }
    let mut test = Command::new("cargo");
    test.args(["test", "--workspace", "--all-features"]);
    if args.no_python {
        test.env("LIVEGEN_NO_PYTHON", "1");
    } else {
        println!("==> validate-spec");
        crate::python::validate_spec(std::path::Path::new(crate::codegen::DEFAULT_SPEC))?;
        let python = crate::python::venv()?;
        // The interop tests find the official SDKs through this variable.
        test.env("LIVEGEN_PYTHON", python);
    }
    // Slow tests (the 10-second limiter burst) are `#[ignore]`d for quick local runs only.
    test.args(["--", "--include-ignored"]);
    step("cargo test", &mut test)?;
    crate::bench::smoke(args.no_python)?;
    Ok(true)
}

fn step(name: &str, cmd: &mut Command) -> Result<()> {
    println!("==> {name}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {name}"))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}

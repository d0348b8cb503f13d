//! `cargo xtask test`: the one command CI and humans run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip the checks that need Python (spec validation, SDK interop).
    #[arg(long)]
    no_python: bool,
}

pub fn run(ws: &crate::Workspace, args: &Args) -> Result<bool> {
    let root = &ws.root;
    let cargo = || {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root);
        cmd
    };
    step("rustfmt", cargo().args(["fmt", "--all", "--check"]))?;
    step(
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // rustdoc on every crate, `aliyun-live` included: public items' docs and their
    // intra-doc links are part of the API.
    step(
        "rustdoc",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--all-features"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    println!("==> codegen --check");
    for (spec, out) in crate::codegen::CHECKED_IN {
        let files = crate::codegen::generate(root, std::path::Path::new(spec))?;
        let plan = crate::codegen::plan(&root.join(out), &files)?;
        if !plan.is_clean() {
            eprint!(
                "{}",
                crate::codegen::check_report(std::path::Path::new(out), &plan)
            );
            bail!("{out}/ is stale");
        }
    }
    let mut test = cargo();
    test.args(["test", "--workspace", "--all-features"]);
    // Tests that build scratch crates put them here, sharing one target dir
    // (`tests/support/scratch.rs`); the smoke benchmark's build section uses it too.
    test.env("LIVEGEN_SCRATCH_DIR", ws.scratch());
    if args.no_python {
        test.env("LIVEGEN_NO_PYTHON", "1");
    } else {
        println!("==> validate-spec");
        for (spec, _) in crate::codegen::CHECKED_IN {
            crate::python::validate_spec(ws, std::path::Path::new(spec))?;
        }
        let python = crate::python::venv(ws)?;
        // The interop tests find the official SDKs through this variable.
        test.env("LIVEGEN_PYTHON", python);
        // The official-metadata conformance test drives the SDK release of each metadata file.
        test.env(
            "LIVEGEN_PYTHON_LIVE_2024",
            crate::python::venv_live_2024(ws)?,
        );
    }
    // The benchmarks' smoke run keeps them from rotting; it goes before the tests so the
    // run ends with the test summary.
    crate::bench::smoke(ws, args.no_python)?;
    // Slow tests (the 10-second limiter burst) are `#[ignore]`d for quick local runs only.
    test.args(["--", "--include-ignored"]);
    cargo_test(&mut test)
}

/// Runs `cargo test`, echoing its output, and ends with one line adding up every test
/// binary's `test result:` line.
fn cargo_test(cmd: &mut Command) -> Result<bool> {
    println!("==> cargo test");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start cargo test")?;
    let mut totals = Totals::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("cannot read cargo test's output")?;
            println!("{line}");
            totals.add(&line);
        }
    }
    let status = child.wait().context("cargo test did not finish")?;
    println!(
        "tests: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.ignored
    );
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    Ok(true)
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Totals {
    /// Adds the counts of a libtest summary line such as
    /// `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; …`.
    fn add(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" => self.ignored += count,
                _ => {}
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::Totals;

    #[test]
    fn summary_lines_add_up() {
        let mut totals = Totals::default();
        totals.add("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        totals.add("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.2s");
        totals.add("running 4 tests");
        assert_eq!(
            totals,
            Totals {
                passed: 15,
                failed: 2,
                ignored: 1
            }
        );
    }
}

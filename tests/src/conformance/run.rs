//! Running the two sides of a conformance test: the official SDK's capture script (in the
//! venv `cargo xtask test` provides) and the `wire-dump` binary added to a generated crate.
//! Shared by `tests/tests/official_conformance.rs` (Live, RPC) and
//! `tests/tests/catalogue_sample/` (ECS, RPC; ACK, ROA).

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Capture, Ours};

/// The interpreter in the variable `var`; `None` (with a message) when unset, a panic
/// under CI (`CI` set), which must compare with the official SDK.
///
/// # Panics
///
/// Under CI when `var` is unset.
pub fn python(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but {var} is not: CI must compare with the official SDK \
             (run `cargo xtask test`, which installs the SDKs and sets it)"
        ),
        _ => {
            eprintln!(
                "skipping the comparison with the official SDK: {var} is not set \
                 (`cargo xtask test` sets it)"
            );
            None
        }
    }
}

/// Runs `tests/python/<script>` with `args` and `--out <out>`, then reads the cases it
/// wrote. Exit status 1 means some SDK calls failed; those are in the file and the
/// comparison reports them.
///
/// # Panics
///
/// When the script cannot run or writes no cases file the comparison can read.
pub fn capture<S: AsRef<OsStr>>(python: &Path, script: &str, args: &[S], out: &Path) -> Capture {
    let script_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let _ = fs::remove_file(out);
    let output = Command::new(python)
        .arg(&script_path)
        .args(args)
        .arg("--out")
        .arg(out)
        // Loopback must never go through a proxy a developer's shell may configure.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stderr}");
    let text = fs::read_to_string(out).unwrap_or_else(|e| {
        panic!(
            "{script} wrote nothing to {} ({e}; {}):\n{stderr}",
            out.display(),
            output.status
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} does not match conformance::Capture: {e}", out.display()))
}

/// What `wire-dump` (at `binary`) prepares for each case of `cases`: one [`Ours`] a line.
///
/// # Panics
///
/// When the binary fails or prints a line that is not an [`Ours`].
pub fn wire_dump(binary: &Path, cases: &Path) -> Vec<Ours> {
    run(binary, &[&cases.to_string_lossy()])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("wire-dump: {e}: {line}")))
        .collect()
}

/// Runs a built binary and returns its stdout.
///
/// # Panics
///
/// When it cannot start or fails, with its output.
pub fn run(binary: &Path, args: &[&str]) -> String {
    let output = Command::new(binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} {} failed ({}):\n{stdout}\n{}",
        binary.display(),
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

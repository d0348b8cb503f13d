//! Running the two sides of a wire-conformance test: the official SDK through
//! `tests/python/wire_capture.py`, and our side through a built `wire-dump` binary.
//! Used by `official_conformance.rs`; any product's conformance test can share them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The interpreter in `var`; `None` (with a message) when unset, a panic under CI.
///
/// # Panics
///
/// When `CI` is set and `var` is not: CI must compare with the official SDK.
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

/// Runs `wire_capture.py` on `metadata`, writing `out`; the SDK module is derived from
/// the metadata. Exit status 1 means some SDK calls failed; those are in `out` and the
/// comparison reports them.
///
/// # Panics
///
/// When Python cannot start or writes nothing.
pub fn capture(python: &Path, metadata: &Path, out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/wire_capture.py");
    let _ = fs::remove_file(out);
    let output = Command::new(python)
        .arg(&script)
        .arg("--metadata")
        .arg(metadata)
        .arg("--out")
        .arg(out)
        .arg("--protocol-names")
        .arg(super::protocol_names().join(","))
        // Loopback must never go through a proxy a developer's shell may configure.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stderr}");
    assert!(
        out.exists(),
        "wire_capture.py wrote nothing ({}):\n{stderr}",
        output.status
    );
}

/// Runs a built binary and returns its stdout.
///
/// # Panics
///
/// When it cannot start or fails; the message has its output.
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

/// Compares what the SDK sent (`capture`) with `wire-dump`'s output (`dump`, JSON lines),
/// prints the drift facts and the summary line (labelled `label`), and fails on any
/// difference.
///
/// # Panics
///
/// When a `wire-dump` line is not JSON or the requests differ.
pub fn judge(capture: &super::Capture, dump: &str, label: &str) {
    let ours: Vec<super::Ours> = dump
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("wire-dump: {e}: {line}")))
        .collect();
    let report = super::compare(capture, &ours);
    for (action, fact) in &report.drift {
        eprintln!(
            "drift: {action}: {} {} ({})",
            fact.kind, fact.param, fact.path
        );
    }
    if !report.json_equivalent.is_empty() {
        eprintln!(
            "equal only as JSON (key order), not counted as differences:\n{}",
            super::table(&report.json_equivalent)
        );
    }
    let summary = report.summary(label);
    println!("{summary}");
    assert!(
        report.is_identical(),
        "our requests differ from the official SDK's:\n{}\n{summary}",
        report.table()
    );
}

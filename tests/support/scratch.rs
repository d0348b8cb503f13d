//! Scratch crates built outside the repository (generated crates, property-test crates,
//! conformance cases): the one home of the helpers every such test uses, and of the one
//! shared place they build in, so the dependencies those crates have in common (serde,
//! reqwest, tokio, clap…) compile once for all of them instead of once per test.
//!
//! - `dir()`: `LIVEGEN_SCRATCH_DIR` when set (`cargo xtask test` sets it), else
//!   `<target dir>/livegen-scratch`, which follows `CARGO_TARGET_DIR`;
//! - `crate_dir(name)`: `<dir>/<name>`, one folder per scratch crate or workspace;
//! - `target_dir()`: `<dir>/target`, the `CARGO_TARGET_DIR` every scratch build uses;
//! - `workspace(dir, members)`: a scratch workspace with the repository's own
//!   `[workspace.*]` tables and `Cargo.lock`, `livegen-runtime` pointing back into
//!   `runtime/`; `write_crate` fills a member, `cargo` builds it, `lint` runs clippy and
//!   rustdoc over it with warnings denied.
//!
//! Shared as source, not as a crate (`#[path = ".../tests/support/scratch.rs"] mod scratch;`):
//! `CARGO_TARGET_TMPDIR` exists only for integration tests, and the generator's tests do
//! not depend on `livegen-tests`. cargo's lock on the target dir serialises builds of
//! tests running in parallel.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The repository root (every crate that includes this file sits one level below it).
pub fn repo() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    dir.canonicalize().unwrap_or(dir)
}

/// The shared scratch directory.
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LIVEGEN_SCRATCH_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    // `CARGO_TARGET_TMPDIR` is `<target dir>/tmp`.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("livegen-scratch")
}

/// The folder for the scratch crate or workspace `name`.
pub fn crate_dir(name: &str) -> PathBuf {
    dir().join(name)
}

/// The target dir shared by every scratch build; pass it as `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    dir().join("target")
}

/// The workspace manifest for crates outside the repository: the repository's own
/// `[workspace.*]` tables with `members`, `livegen-runtime` pointing back into the
/// repository and the repository's other path crates left out.
///
/// # Panics
///
/// When the repository's `Cargo.toml` cannot be read.
pub fn workspace_manifest<S: AsRef<str>>(members: &[S]) -> String {
    let root = repo();
    let text = fs::read_to_string(root.join("Cargo.toml")).expect("the repository's Cargo.toml");
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("members") {
            let members: Vec<String> = members
                .iter()
                .map(|m| format!("{:?}", m.as_ref()))
                .collect();
            out.push_str(&format!("members = [{}]\n", members.join(", ")));
        } else if line.starts_with("livegen-runtime ") {
            let path = root.join("runtime");
            out.push_str(&format!(
                "livegen-runtime = {{ path = {:?} }}\n",
                path.display().to_string()
            ));
        } else if !line.contains("path = \"") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Creates (or refreshes) a scratch workspace at `dir` with these members and the
/// repository's lock file, so the scratch build uses the versions the workspace tests.
///
/// # Panics
///
/// On I/O errors.
pub fn workspace<S: AsRef<str>>(dir: &Path, members: &[S]) {
    fs::create_dir_all(dir).expect("scratch workspace dir");
    fs::write(dir.join("Cargo.toml"), workspace_manifest(members)).expect("scratch manifest");
    fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).expect("scratch lock file");
}

/// Writes `files` (relative path → text) under `dir`, replacing its `src/`.
///
/// # Panics
///
/// On I/O errors.
pub fn write_crate<'a>(dir: &Path, files: impl IntoIterator<Item = (&'a PathBuf, &'a String)>) {
    let _ = fs::remove_dir_all(dir.join("src"));
    for (rel, text) in files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).expect("crate dir");
        fs::write(path, text).expect("crate file");
    }
}

/// Runs `cargo args` in `workspace` with the shared scratch target directory and `env`,
/// printing how long it took.
///
/// # Panics
///
/// When cargo cannot start or fails; the message has its whole output.
pub fn cargo(workspace: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let start = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs");
    eprintln!(
        "scratch: cargo {} ({:.1}s)",
        args.join(" "),
        start.elapsed().as_secs_f64()
    );
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}{}",
        args.join(" "),
        workspace.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The value of `key = "…"` in the first `[section]` of a simple manifest, e.g. the
/// package name (`"package"`, `"name"`) or a binary's (`"[bin]"`, `"name"`).
pub fn manifest_value(manifest: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            if inside {
                return None;
            }
            inside = line == header;
            continue;
        }
        if !inside {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if name.trim() == key {
            let value = value.trim();
            return Some(value.trim_matches('"').to_owned());
        }
    }
    None
}

/// Clippy over every target and rustdoc over every member of `workspace`, both with
/// warnings denied, with `features` (for example `["--all-features"]`).
///
/// # Panics
///
/// When either finds a problem; the message has cargo's whole output.
pub fn lint(workspace: &Path, features: &[&str]) {
    let mut clippy = vec!["clippy", "--offline", "--workspace", "--all-targets"];
    clippy.extend(features);
    clippy.extend(["--", "-D", "warnings"]);
    cargo(workspace, &clippy, &[]);
    // Spec prose must not read as broken links or HTML to rustdoc.
    let mut doc = vec!["doc", "--offline", "--workspace", "--no-deps"];
    doc.extend(features);
    cargo(workspace, &doc, &[("RUSTDOCFLAGS", "-D warnings")]);
}

/// Checks of the helpers themselves; they run in every test binary that includes this
/// file, which costs microseconds.
#[cfg(test)]
mod self_tests {
    use super::*;

    #[test]
    fn scratch_manifest_values_come_from_their_section() {
        let manifest = "[package]\nname = \"aliyun-live\"\n\n[[bin]]\nname = \"aliyun-live-cli\"\npath = \"x\"\n";
        assert_eq!(
            manifest_value(manifest, "package", "name").as_deref(),
            Some("aliyun-live")
        );
        assert_eq!(
            manifest_value(manifest, "[bin]", "name").as_deref(),
            Some("aliyun-live-cli")
        );
        assert_eq!(manifest_value(manifest, "package", "path"), None);
    }

    #[test]
    fn the_scratch_manifest_points_back_at_the_runtime() {
        let manifest = workspace_manifest(&["official"]);
        assert!(manifest.contains("members = [\"official\"]"), "{manifest}");
        assert!(
            manifest.contains(&format!(
                "livegen-runtime = {{ path = {:?} }}",
                repo().join("runtime").display().to_string()
            )),
            "{manifest}"
        );
        assert!(!manifest.contains("livegen-generator"), "{manifest}");
    }
}

//! Where tests build scratch crates (generated crates, conformance cases): one shared
//! place, so the dependencies those crates have in common (serde, reqwest, tokio, clap…)
//! compile once for all of them instead of once per test.
//!
//! - `dir()`: `LIVEGEN_SCRATCH_DIR` when set (`cargo xtask test` sets it), else
//!   `<target dir>/livegen-scratch`, which follows `CARGO_TARGET_DIR`;
//! - `crate_dir(name)`: `<dir>/<name>`, one folder per scratch crate or workspace;
//! - `target_dir()`: `<dir>/target`, the `CARGO_TARGET_DIR` every scratch build uses.
//!
//! Shared as source, not as a crate (`#[path = ".../tests/support/scratch.rs"] mod scratch;`):
//! `CARGO_TARGET_TMPDIR` exists only for integration tests, and the generator's tests do
//! not depend on `livegen-tests`. cargo's lock on the target dir serialises builds of
//! tests running in parallel.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

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

//! A pinned Python toolchain in cargo's target dir (`<target>/pyvenv`), for the checks
//! that need the official tools: the OpenAPI validator, openapi-generator (benchmarks) and
//! the Alibaba Cloud SDKs used by the interop tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Requirement files installed into the shared venv, relative to the repository root.
const REQUIREMENTS: &[&str] = &["tests/python/requirements.txt"];

/// The official SDK release nearest the 2024-06 metadata, in a venv of its own because it
/// needs an older tea-openapi than the shared venv's SDK.
const REQUIREMENTS_LIVE_2024: &[&str] = &["tests/python/requirements-live-2024.txt"];

/// The venv's Python, installing or updating the pinned packages first when needed.
pub fn venv(ws: &crate::Workspace) -> Result<PathBuf> {
    venv_in(ws, "pyvenv", REQUIREMENTS)
}

/// The Python of `<target>/pyvenv-live-2024` (the SDK for the 2024-06 official metadata).
pub fn venv_live_2024(ws: &crate::Workspace) -> Result<PathBuf> {
    venv_in(ws, "pyvenv-live-2024", REQUIREMENTS_LIVE_2024)
}

/// The Python of the venv `name` in the target dir, with `requirements` installed
/// (relative to the repository root); reinstalls only when the requirement files changed.
fn venv_in(ws: &crate::Workspace, name: &str, requirements: &[&str]) -> Result<PathBuf> {
    let root = &ws.root;
    let dir = ws.target.join(name);
    let python = dir.join("bin/python");
    let mut wanted = String::new();
    for req in requirements {
        let path = root.join(req);
        if path.exists() {
            wanted += &fs::read_to_string(&path).with_context(|| format!("cannot read {req}"))?;
        }
    }
    let stamp = dir.join("livegen-requirements.txt");
    if python.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("xtask: creating the Python venv in {}", dir.display());
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&dir),
            "python3 -m venv (is python3 with venv installed?)",
        )?;
    }
    let mut pip = Command::new(&python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    for req in requirements {
        pip.arg("-r").arg(root.join(req));
    }
    run(&mut pip, "pip install of the pinned test requirements")?;
    fs::write(&stamp, wanted).context("cannot record the installed requirements")?;
    Ok(python)
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// A spec the validator must reject; proves the check can fail.
const KNOWN_INVALID: &str = "tests/fixtures/invalid-openapi.yaml";

/// Runs `openapi-spec-validator` on the spec (and, as a self-test, on a known-invalid one).
pub fn validate_spec(ws: &crate::Workspace, spec: &Path) -> Result<()> {
    let python = venv(ws)?;
    let (ok, text) = openapi_spec_validator(&ws.root, &python, spec)?;
    if !ok {
        bail!("{} is not valid OpenAPI 3.1:\n{text}", spec.display());
    }
    println!("validate-spec: {}", text.trim());
    let (ok, text) = openapi_spec_validator(&ws.root, &python, Path::new(KNOWN_INVALID))?;
    if ok {
        bail!(
            "the validator accepted {KNOWN_INVALID}, which is invalid on purpose: is it really running?\n{text}"
        );
    }
    println!("validate-spec: self-test: {KNOWN_INVALID} is rejected, as it should be");
    Ok(())
}

fn openapi_spec_validator(root: &Path, python: &Path, spec: &Path) -> Result<(bool, String)> {
    let output = Command::new(python)
        .args(["-m", "openapi_spec_validator"])
        .arg(spec)
        .current_dir(root)
        .output()
        .context("cannot start openapi-spec-validator")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    Ok((output.status.success(), text))
}

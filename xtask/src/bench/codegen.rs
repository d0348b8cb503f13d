//! Codegen wall time: livegen (release xtask, spawned) vs openapi-generator (`-g rust`,
//! the PyPI wrapper around its bundled jar) vs progenitor, same documents, interleaved.
//!
//! This file picks the documents (`cases`) and drives the section; `codegen/tools.rs` runs
//! the generators and `codegen/results.rs` writes the tables.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use super::{Ctx, Report, run_quiet, synth};

mod results;
mod tools;

use self::results::Results;
use self::tools::Generators;

/// The openapi-generator release pinned in `tests/python/requirements.txt`.
pub const OPENAPI_GENERATOR: &str = "openapi-generator 7.26.0";
/// The progenitor release the full run installs into `<target>/bench/tools`.
const PROGENITOR_VERSION: &str = "0.15.1";

/// The official metadata files the full run also generates from (label, file name).
pub const OFFICIAL: &[(&str, &str)] = &[
    ("2025-12", "live-2016-11-01.2025-12.json"),
    ("2024-06", "live-2016-11-01.2024-06.json"),
];

/// The spec the smoke run generates and builds instead of the whole `spec/live.yaml`.
pub const SMOKE_SPEC: &str = "tests/fixtures/family/live-relay.yaml";

/// Its checked-in output (the family test's goldens), which the smoke run builds.
pub const SMOKE_CRATE: &str = "tests/fixtures/family/expected";

/// One document to generate from.
pub struct Case {
    pub name: String,
    /// Relative to the repository root.
    pub spec: PathBuf,
    pub ops: usize,
}

/// The real spec and synthetic ones, written and validated.
pub fn cases(ctx: &Ctx) -> Result<Vec<Case>> {
    // The smoke run keeps the benchmark from rotting on the small relay-family spec (one
    // operation); the full run times the whole checked-in spec.
    let spec = if ctx.smoke {
        PathBuf::from(SMOKE_SPEC)
    } else {
        PathBuf::from(crate::codegen::DEFAULT_SPEC)
    };
    let text = fs::read_to_string(ctx.root.join(&spec))
        .with_context(|| format!("cannot read {}", spec.display()))?;
    let ops = livegen_generator::check(&spec.to_string_lossy(), &text)
        .map_err(|e| anyhow::anyhow!("{} is invalid: {e}", spec.display()))?
        .operations
        .len();
    let mut cases = vec![Case {
        name: spec.to_string_lossy().into_owned(),
        spec,
        ops,
    }];
    let sizes: &[usize] = if ctx.smoke { &[1, 100] } else { &[1, 100, 500] };
    let dir = ctx.dir.join("specs");
    fs::create_dir_all(&dir)?;
    for &ops in sizes {
        let text = synth::spec(ops);
        let path = dir.join(format!("ops-{ops}.yaml"));
        fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        // The generator must accept it, or the timings would measure an error path.
        livegen_generator::generate(&ctx.rel(&path).to_string_lossy(), &text).map_err(|e| {
            anyhow::anyhow!("the synthetic spec of {ops} operations is invalid: {e}")
        })?;
        cases.push(Case {
            name: format!("synthetic, {ops} ops"),
            spec: ctx.rel(&path),
            ops,
        });
    }
    let synthetic_end = cases.len();
    if !ctx.smoke {
        // The whole official Live API, imported from Alibaba's own metadata.
        for (label, file) in OFFICIAL {
            let meta = ctx.root.join("tests/fixtures/official").join(file);
            let text = fs::read_to_string(&meta)
                .with_context(|| format!("cannot read {}", meta.display()))?;
            let imported = livegen_generator::import::import(
                &text,
                &livegen_generator::import::Selection::All,
            )
            .with_context(|| format!("cannot import {file}"))?;
            let path = dir.join(format!("official-{label}.yaml"));
            fs::write(&path, &imported.spec)
                .with_context(|| format!("cannot write {}", path.display()))?;
            cases.push(Case {
                name: format!("official {label}, {} ops", imported.path_items.len()),
                spec: ctx.rel(&path),
                ops: imported.path_items.len(),
            });
        }
    }
    if let Some(python) = &ctx.python {
        for case in &cases[1..synthetic_end] {
            run_quiet(
                Command::new(python)
                    .args(["-m", "openapi_spec_validator"])
                    .arg(&case.spec)
                    .current_dir(&ctx.root),
                &format!("openapi-spec-validator on {}", case.spec.display()),
            )?;
        }
        println!("bench: synthetic specs pass livegen's validator and openapi-spec-validator");
    }
    Ok(cases)
}

pub fn run(ctx: &Ctx, report: &mut Report) -> Result<()> {
    report.heading("1. Codegen");
    let generators = Generators::find(ctx)?;
    let cases = cases(ctx)?;
    let mut results = Results::default();
    for case in &cases {
        for tool in generators.measure(ctx, case, &mut results.failures)? {
            results.add(ctx, case, &tool)?;
        }
    }
    results.write(ctx, report, generators.has_progenitor());
    Ok(())
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = lines[..lines.len().min(n)].join(" ⏎ ");
    if lines.len() > n {
        out += " …";
    }
    out.replace('|', "\\|")
}

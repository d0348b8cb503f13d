//! `cargo xtask catalogue DIR [--check]`: every metadata file of DIR imported and generated,
//! one row per product, totals last; `--check` also builds each crate.
//!
//! Reads files, times, writes crates and runs cargo; the decisions (what is skipped and
//! why, the workspace manifest) are `livegen_generator::catalogue`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use livegen_generator::catalogue::{self, Product};

use crate::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder of Alibaba Cloud OpenAPI metadata files (`*.json`), e.g. ../shared/catalogue.
    dir: PathBuf,
    /// Also build each generated crate (`cargo check --all-features`), all in one shared
    /// target dir.
    #[arg(long)]
    check: bool,
    /// Only files whose name contains this text (repeatable).
    #[arg(long, value_name = "TEXT")]
    only: Vec<String>,
}

/// One row of the table.
struct Row {
    file: String,
    outcome: Outcome,
    codegen: Duration,
    check: Option<(Duration, bool)>,
}

enum Outcome {
    Built(Product, String),
    Refused(String),
}

pub fn run(ws: &Workspace, args: &Args) -> Result<bool> {
    let dir = ws.root.join(&args.dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("cannot read the folder {}", args.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            args.only.is_empty()
                || name.is_some_and(|n| args.only.iter().any(|o| n.contains(o.as_str())))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{} holds no `*.json` metadata files", args.dir.display());
    }
    let out = ws.scratch().join("catalogue");
    let started = Instant::now();
    let mut rows = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let row = generate_one(path, &file, &out)?;
        eprintln!("[{}/{}] {file}: {}", i + 1, files.len(), progress(&row));
        rows.push(row);
    }
    let codegen_wall = started.elapsed();
    if args.check {
        check_all(ws, &out, &mut rows)?;
    }
    print_table(&rows, codegen_wall, started.elapsed(), args.check);
    let failed = rows.iter().any(|r| {
        matches!(&r.outcome, Outcome::Built(p, _) if p.crate_files.is_err())
            || r.check.is_some_and(|(_, ok)| !ok)
    });
    Ok(!failed)
}

fn generate_one(path: &Path, file: &str, out: &Path) -> Result<Row> {
    let text = fs::read_to_string(path).with_context(|| format!("cannot read {file}"))?;
    let stem = file.trim_end_matches(".json");
    let spec_path = format!("catalogue/{stem}.yaml");
    let started = Instant::now();
    let built = catalogue::build(&text, &spec_path);
    let codegen = started.elapsed();
    let outcome = match built {
        Err(e) => Outcome::Refused(e.to_string()),
        Ok(product) => {
            let member = crate_dir_name(stem);
            if let Ok(files) = &product.crate_files {
                write_crate(&out.join(&member), files)?;
            }
            Outcome::Built(product, member)
        }
    };
    Ok(Row {
        file: file.to_owned(),
        outcome,
        codegen,
        check: None,
    })
}

/// The progress line's summary of one product.
fn progress(row: &Row) -> String {
    match &row.outcome {
        Outcome::Refused(why) => format!("refused: {}", why.lines().next().unwrap_or_default()),
        Outcome::Built(p, _) => format!(
            "{} of {} operations in {} ms{}",
            p.generated,
            p.operations,
            row.codegen.as_millis(),
            if p.crate_files.is_err() {
                ", codegen FAILED"
            } else {
                ""
            }
        ),
    }
}

/// A folder name for the crate of `stem` (`ecs__2014-05-26`): ASCII letters, digits, `-`.
fn crate_dir_name(stem: &str) -> String {
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn write_crate(dir: &Path, files: &livegen_generator::Files) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Builds every generated crate, one `cargo check` each, all in one target dir.
///
/// Two versions of one product (`adb__2019-03-15`, `adb__2021-12-01`) generate crates of
/// the same package name, which cargo refuses in one workspace. The crates are checked in
/// layers instead: the first crate of each name, then the second, … Each layer is the
/// workspace in turn; the target dir, and with it every dependency built, is shared.
fn check_all(ws: &Workspace, out: &Path, rows: &mut [Row]) -> Result<()> {
    let mut names = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if let Outcome::Built(product, member) = &row.outcome
            && product.crate_files.is_ok()
            && let Some(package) = &product.package
        {
            names.push((i, member.clone(), package.clone()));
        }
    }
    let layers = layers(&names);
    let repo_manifest = fs::read_to_string(ws.root.join("Cargo.toml"))
        .context("cannot read the repository's Cargo.toml")?;
    let runtime = ws.root.join("runtime").display().to_string();
    let target = ws.scratch().join("target");
    let total = names.len();
    let mut done = 0;
    for layer in layers {
        let members: Vec<String> = layer.iter().map(|&k| names[k].1.clone()).collect();
        fs::write(
            out.join("Cargo.toml"),
            catalogue::workspace_manifest(&repo_manifest, &runtime, &members),
        )
        .context("cannot write the catalogue workspace manifest")?;
        // The repository's lock file pins the versions the workspace itself is tested with.
        fs::copy(ws.root.join("Cargo.lock"), out.join("Cargo.lock"))
            .context("cannot copy Cargo.lock")?;
        for k in layer {
            let (row, _, name) = &names[k];
            done += 1;
            eprintln!("[check {done}/{total}] {name}");
            rows[*row].check = Some(check_one(out, &target, name)?);
        }
    }
    Ok(())
}

/// Indexes into `names` grouped so that no group holds one package name twice; the
/// first occurrence of every name is in the first group.
fn layers(names: &[(usize, String, String)]) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = Vec::new();
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    for (k, (_, _, name)) in names.iter().enumerate() {
        let layer = seen.entry(name).and_modify(|n| *n += 1).or_insert(0);
        if layers.len() <= *layer {
            layers.push(Vec::new());
        }
        layers[*layer].push(k);
    }
    layers
}

/// `cargo check --all-features` of one package: how long it took, and whether it passed
/// (cargo's errors are printed when not).
fn check_one(out: &Path, target: &Path, name: &str) -> Result<(Duration, bool)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--all-features",
            "--quiet",
            "-p",
            name,
        ])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .with_context(|| format!("cannot run cargo check for {name}"))?;
    let ok = output.status.success();
    if !ok {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok((started.elapsed(), ok))
}

fn print_table(rows: &[Row], codegen_wall: Duration, wall: Duration, checked: bool) {
    println!(
        "{:<40} {:>6} {:>6} {:>6} {:>9}{}",
        "product",
        "ops",
        "gen",
        "skip",
        "codegen",
        if checked { "      check" } else { "" }
    );
    let (mut products, mut refused, mut ops, mut generated, mut skipped) = (0, 0, 0, 0, 0);
    let (mut built, mut check_failed) = (0, 0);
    for row in rows {
        match &row.outcome {
            Outcome::Refused(why) => {
                refused += 1;
                println!("{:<40} refused: {why}", row.file);
            }
            Outcome::Built(p, _) => {
                products += 1;
                ops += p.operations;
                generated += p.generated;
                skipped += p.skipped.len();
                let check = match row.check {
                    Some((t, ok)) => {
                        built += usize::from(ok);
                        check_failed += usize::from(!ok);
                        format!(
                            " {:>8.1}s {}",
                            t.as_secs_f64(),
                            if ok { "ok" } else { "FAILED" }
                        )
                    }
                    None => String::new(),
                };
                println!(
                    "{:<40} {:>6} {:>6} {:>6} {:>7}ms{check}",
                    row.file,
                    p.operations,
                    p.generated,
                    p.skipped.len(),
                    row.codegen.as_millis()
                );
                for s in &p.skipped {
                    println!(
                        "    skipped {} ({}): {}",
                        s.action,
                        s.pointer,
                        s.reasons.join("; ")
                    );
                }
                if let Err(e) = &p.crate_files {
                    println!("    codegen failed: {e}");
                }
            }
        }
    }
    println!(
        "total: {} files, {products} generated, {refused} refused; {ops} operations, {generated} generated, {skipped} skipped; codegen {:.1}s",
        rows.len(),
        codegen_wall.as_secs_f64()
    );
    if checked {
        println!(
            "check: {built} crates ok, {check_failed} failed; wall time {:.1}s",
            wall.as_secs_f64()
        );
    }
}

//! `cargo xtask import`: Alibaba Cloud OpenAPI metadata → livegen spec YAML.
//!
//! Reads and writes files; the conversion is `livegen_generator::import`.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use livegen_generator::import::{self, Selection};
use livegen_generator::{merge, refresh};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["all", "action"])))]
#[command(group(clap::ArgGroup::new("dest").required(true).args(["out", "into"])))]
pub struct Args {
    /// The metadata (`api-docs` JSON), e.g. tests/fixtures/official/live-2016-11-01.2025-12.json.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// Import every action of the metadata.
    #[arg(long)]
    all: bool,
    /// Import these actions (repeatable).
    #[arg(long, value_name = "NAME")]
    action: Vec<String>,
    /// Write a new spec here (refuses to overwrite an existing file).
    #[arg(long, value_name = "NEW.yaml")]
    out: Option<PathBuf>,
    /// Add the actions to this existing spec, keeping every action already there byte for
    /// byte.
    #[arg(long, value_name = "SPEC.yaml")]
    into: Option<PathBuf>,
    /// With --into: replace these existing actions with the imported ones (repeatable).
    #[arg(long, value_name = "NAME", requires = "into")]
    replace: Vec<String>,
    /// An older copy of the same API's metadata: descriptions, examples, response schemas,
    /// error codes and QPS limits come from it wherever the operation and parameter still
    /// exist; every wire fact comes from `--from`. Prints every conflict.
    #[arg(long, value_name = "OLDER.json")]
    docs_from: Option<PathBuf>,
    /// With --into and --all: rewrite every action from the import, remove actions the
    /// metadata no longer has, keep actions marked `x-livegen-handwritten: true` byte for
    /// byte. Rerunning it on the same metadata changes nothing.
    #[arg(long, requires = "into", requires = "all", conflicts_with = "replace")]
    refresh: bool,
}

pub fn run(root: &std::path::Path, args: &Args) -> Result<bool> {
    let from = root.join(&args.from);
    let text = fs::read_to_string(&from)
        .with_context(|| format!("cannot read the metadata {}", args.from.display()))?;
    let selection = if args.all {
        Selection::All
    } else {
        Selection::Actions(args.action.clone())
    };
    let text = match &args.docs_from {
        Some(older) => merged_metadata(root, &text, older)?,
        None => text,
    };
    let dest_arg = args.out.as_ref().or(args.into.as_ref());
    let shown_dest = dest_arg.map_or_else(String::new, |d| d.display().to_string());
    // An action the generator cannot represent is left out and reported; the rest import.
    let (imported, skipped) = import::import_generable(&text, &selection, &shown_dest)
        .with_context(|| format!("cannot import {}", args.from.display()))?;
    let (dest, contents) = match (&args.out, &args.into) {
        (Some(out), _) => {
            let path = root.join(out);
            if path.exists() {
                bail!(
                    "{} exists; pass `--into {}` to add actions to it",
                    out.display(),
                    out.display()
                );
            }
            (path, imported.spec.clone())
        }
        (None, Some(into)) if args.refresh => {
            let path = root.join(into);
            let existing = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", into.display()))?;
            let (refreshed, report) = refresh::refresh(&existing, &imported)
                .with_context(|| format!("cannot refresh {}", into.display()))?;
            for (what, actions) in [
                ("added", &report.added),
                ("removed", &report.removed),
                ("changed", &report.changed),
                ("hand-written, kept", &report.kept),
            ] {
                for action in actions {
                    println!("{action}: {what}");
                }
            }
            println!("{}", report.summary());
            (path, refreshed)
        }
        (None, Some(into)) => {
            let path = root.join(into);
            let existing = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", into.display()))?;
            let replace: BTreeSet<String> = args.replace.iter().cloned().collect();
            let merged = import::merge_into(&existing, &imported, &replace)
                .with_context(|| format!("cannot merge into {}", into.display()))?;
            (path, merged)
        }
        (None, None) => bail!("give --out or --into"),
    };
    // The spec must be one the generator accepts before it replaces anything.
    let shown = dest
        .strip_prefix(root)
        .unwrap_or(&dest)
        .display()
        .to_string();
    if let Err(e) = livegen_generator::check(&shown, &contents) {
        bail!("the imported spec does not validate (nothing was written):\n{e}");
    }
    let mut by_action: std::collections::BTreeMap<&str, Vec<&import::Unmapped>> =
        std::collections::BTreeMap::new();
    for u in &imported.unmapped {
        by_action.entry(u.action.as_str()).or_default().push(u);
    }
    for (action, facts) in &by_action {
        println!("{action}: {} unmapped", facts.len());
        for u in facts {
            println!("  {} ({})", u.fact, u.pointer);
        }
    }
    for s in &skipped {
        println!("{}: skipped (metadata {})", s.action, s.pointer);
        for reason in &s.reasons {
            println!("  {reason}");
        }
    }
    let temp = dest.with_extension("yaml.livegen-tmp");
    fs::write(&temp, &contents).with_context(|| format!("cannot write {}", temp.display()))?;
    fs::rename(&temp, &dest).with_context(|| format!("cannot write {}", dest.display()))?;
    println!(
        "import: {} actions, {} facts unmapped, {} actions skipped",
        imported.path_items.len(),
        imported.unmapped.len(),
        skipped.len()
    );
    Ok(true)
}

/// Merges the older copy's docs into the newer metadata `text`, printing every conflict
/// and the merge's counts.
fn merged_metadata(root: &std::path::Path, text: &str, older: &std::path::Path) -> Result<String> {
    let older_text = fs::read_to_string(root.join(older))
        .with_context(|| format!("cannot read the metadata {}", older.display()))?;
    let (merged, report) = merge::merge(text, &older_text)
        .with_context(|| format!("cannot merge the docs of {}", older.display()))?;
    for c in &report.conflicts {
        match &c.parameter {
            Some(param) => println!(
                "conflict: {} {param}: {}: {}",
                c.action,
                c.kind.label(),
                c.detail
            ),
            None => println!("conflict: {}: {}: {}", c.action, c.kind.label(), c.detail),
        }
    }
    println!("{}", report.summary());
    Ok(merged)
}

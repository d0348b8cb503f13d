//! The kill-safe writer of `cargo xtask codegen`: a roll-forward journal.
//!
//! Changed files are staged under [`STAGING_DIR`] inside the output and fsynced; the
//! journal (`COMMIT`) is the commit point. An interrupted run is discarded before it and
//! completed after it by the next run ([`recover`]).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use livegen_generator::REGENERATE_COMMAND;

use super::Plan;

/// Directory inside the output where a run stages its files; never part of the output.
pub const STAGING_DIR: &str = ".livegen-staging";
/// The journal inside [`STAGING_DIR`]: once it exists, the run is committed.
pub const COMMIT_FILE: &str = "COMMIT";

/// What [`recover`] found from an earlier, interrupted run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Nothing was left behind.
    Clean,
    /// A run was killed before it committed; its staged files were discarded and the
    /// output was left as it was (the old tree).
    Discarded,
    /// A run was killed after it committed; its remaining renames and deletions were done.
    Completed,
}

/// Brings the output directory back to a consistent tree after a run that was killed:
/// a committed journal is rolled forward, an uncommitted staging dir is deleted.
pub fn recover(out: &Path) -> Result<Recovery> {
    let staging = out.join(STAGING_DIR);
    let mut found = Recovery::Clean;
    if staging.join(COMMIT_FILE).exists() {
        finish(out)?;
        found = Recovery::Completed;
    } else if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| {
            format!(
                "cannot remove {} left by an interrupted run (the generated files are unchanged)",
                staging.display()
            )
        })?;
        found = Recovery::Discarded;
    }
    Ok(found)
}

/// The journal: every staged file and where it goes, then every file to delete.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Journal {
    /// (name inside the staging dir, path relative to the output).
    pub(super) writes: Vec<(String, PathBuf)>,
    /// Paths relative to the output.
    pub(super) deletes: Vec<PathBuf>,
}

/// Writes every changed file, all or nothing, even across a SIGKILL.
///
/// New contents are staged under [`STAGING_DIR`] and fsynced; then the journal is written
/// to a temporary name, fsynced and renamed to `COMMIT`, which is the commit point.
/// Before it, the output is untouched and an interrupted run is discarded by the next;
/// after it, the next run finishes whatever renames and deletions are left ([`recover`]).
pub fn apply(out: &Path, plan: &Plan) -> Result<()> {
    if plan.is_clean() {
        return Ok(());
    }
    let staging = out.join(STAGING_DIR);
    let unchanged = |e: anyhow::Error| {
        let _ = fs::remove_dir_all(&staging);
        e.context(format!(
            "nothing was changed in {} (the generated files are unchanged)",
            out.display()
        ))
    };
    let journal = stage(&staging, plan).map_err(unchanged)?;
    commit(&staging, &journal).map_err(unchanged)?;
    finish(out)
}

pub(super) fn stage(staging: &Path, plan: &Plan) -> Result<Journal> {
    match fs::remove_dir_all(staging) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("cannot remove {}", staging.display()));
        }
    }
    fs::create_dir_all(staging)
        .with_context(|| format!("cannot create {} (read-only directory?)", staging.display()))?;
    let mut journal = Journal::default();
    let writes = plan
        .missing
        .iter()
        .map(|(p, new)| (p, new))
        .chain(plan.stale.iter().map(|(p, _, new)| (p, new)));
    for (i, (rel, contents)) in writes.enumerate() {
        // Flat numbered names: no directories to create, no name can escape the dir.
        let name = i.to_string();
        let temp = staging.join(&name);
        fs::write(&temp, contents)
            .with_context(|| format!("cannot write {} (disk full?)", temp.display()))?;
        journal.writes.push((name, rel.clone()));
    }
    sync_files(staging, &journal)?;
    journal.deletes = plan.extra.iter().map(|(p, _)| p.clone()).collect();
    sync_dir(staging)?;
    Ok(journal)
}

pub(super) fn commit(staging: &Path, journal: &Journal) -> Result<()> {
    let text = serde_json::to_string(journal).context("cannot encode the journal")?;
    let temp = staging.join(format!("{COMMIT_FILE}.tmp"));
    write_synced(&temp, text.as_bytes())?;
    let target = staging.join(COMMIT_FILE);
    fs::rename(&temp, &target)
        .with_context(|| format!("cannot rename {} to {}", temp.display(), target.display()))?;
    sync_dir(staging)
}

/// Rolls a committed journal forward. Idempotent: a write whose staged file is gone was
/// renamed already, a deletion whose file is gone was done already.
fn finish(out: &Path) -> Result<()> {
    let staging = out.join(STAGING_DIR);
    let path = staging.join(COMMIT_FILE);
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read the journal {}", path.display()))?;
    let journal: Journal = serde_json::from_str(&text).with_context(|| {
        format!(
            "the journal {} is damaged; delete {} and run `{REGENERATE_COMMAND}` again",
            path.display(),
            staging.display()
        )
    })?;
    let mut dirs = BTreeSet::new();
    for (name, rel) in &journal.writes {
        let from = staging.join(name);
        let to = out.join(rel);
        if !from.exists() {
            continue;
        }
        let dir = to.parent().unwrap_or(out).to_path_buf();
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {} (read-only directory?)", dir.display()))?;
        fs::rename(&from, &to).with_context(|| {
            format!(
                "cannot move {} to {}; run `{REGENERATE_COMMAND}` again to finish",
                from.display(),
                to.display()
            )
        })?;
        dirs.insert(dir);
    }
    for rel in &journal.deletes {
        let target = out.join(rel);
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "cannot remove {}; run `{REGENERATE_COMMAND}` again to finish",
                        target.display()
                    )
                });
            }
        }
        dirs.insert(target.parent().unwrap_or(out).to_path_buf());
    }
    for dir in &dirs {
        sync_dir(dir)?;
    }
    fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", staging.display()))?;
    sync_dir(out)
}

/// Makes every staged file durable before the commit point. A second pass rather than a
/// sync after each write: the kernel writes the batch back together.
fn sync_files(staging: &Path, journal: &Journal) -> Result<()> {
    for (name, _) in &journal.writes {
        let temp = staging.join(name);
        fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {} (disk full?)", temp.display()))?;
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {} (disk full?)", path.display()))
}

/// Makes renames and new entries in `dir` durable. Directories cannot be opened for
/// syncing on every platform; there the rename is as durable as the OS makes it.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("cannot sync the directory {}", dir.display()))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

//! `cargo xtask codegen`: read the spec, run the generator, and bring `generated/` in line,
//! atomically and only where contents changed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use livegen_generator::{Files, GENERATED_MARKER, REGENERATE_COMMAND};

mod journal;

pub use journal::{COMMIT_FILE, Recovery, STAGING_DIR, apply, recover};

/// Spec path relative to the repository root.
pub const DEFAULT_SPEC: &str = "spec/live.yaml";
/// Output directory relative to the repository root.
pub const DEFAULT_OUT: &str = "generated";

/// Every checked-in generated crate, `(spec, output directory)`: the Live API, and the
/// ACK sample (five ROA operations) that the fake serves and the README calls, which is
/// test material and lives under `tests/`. A plain
/// `cargo xtask codegen` (and `--check`, and CI) covers them all.
pub const CHECKED_IN: &[(&str, &str)] = &[
    (DEFAULT_SPEC, DEFAULT_OUT),
    ("spec/ack.yaml", "tests/generated-ack"),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write nothing; fail listing every stale, missing or extra file with a diff.
    #[arg(long)]
    check: bool,
    /// The spec, relative to the repository root.
    #[arg(long, default_value = DEFAULT_SPEC)]
    spec: PathBuf,
    /// The output directory, relative to the repository root.
    #[arg(long, default_value = DEFAULT_OUT)]
    out: PathBuf,
}

/// What bringing one directory in line with the generator's output takes.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create: path, new contents.
    pub missing: Vec<(PathBuf, String)>,
    /// Files to replace: path, old contents, new contents.
    pub stale: Vec<(PathBuf, String, String)>,
    /// Generated files the spec no longer produces: path, old contents.
    pub extra: Vec<(PathBuf, String)>,
    /// Files already right.
    pub unchanged: usize,
    /// Hand-written files found in the output directory; never touched.
    pub foreign: Vec<PathBuf>,
}

impl Plan {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.extra.is_empty()
    }
}

pub fn run(root: &Path, args: &Args) -> Result<bool> {
    if args.spec != Path::new(DEFAULT_SPEC) || args.out != Path::new(DEFAULT_OUT) {
        return run_one(root, args);
    }
    let mut ok = true;
    for (spec, out) in CHECKED_IN {
        let one = Args {
            check: args.check,
            spec: PathBuf::from(spec),
            out: PathBuf::from(out),
        };
        ok &= run_one(root, &one)?;
    }
    Ok(ok)
}

/// One spec into one output directory.
fn run_one(root: &Path, args: &Args) -> Result<bool> {
    // Absolute paths are taken as they are (`Path::join` keeps them).
    let out = root.join(&args.out);
    if args.check {
        // `--check` writes nothing, so it cannot finish a committed run; a half-applied
        // tree would only produce a confusing diff.
        if out.join(STAGING_DIR).join(COMMIT_FILE).exists() {
            bail!(
                "{} holds a committed but unfinished `{REGENERATE_COMMAND}` (it was interrupted); \
                 run `{REGENERATE_COMMAND}` to complete it, then check again",
                out.display()
            );
        }
    } else {
        match recover(&out)? {
            Recovery::Clean => {}
            Recovery::Discarded => println!(
                "codegen: discarded the staged files of an interrupted run (it had not committed; the output was unchanged)"
            ),
            Recovery::Completed => {
                println!("codegen: an interrupted run was completed")
            }
        }
    }
    let files = generate(root, &args.spec)?;
    let plan = plan(&out, &files)?;
    if args.check {
        let report = check_report(&args.out, &plan);
        if plan.is_clean() {
            println!("codegen --check: {} files up to date", plan.unchanged);
            return Ok(true);
        }
        eprint!("{report}");
        return Ok(false);
    }
    if !plan.is_clean() {
        // A progress line, flushed: it also tells the kill test that writing has begun.
        println!(
            "codegen: staging {} files in {}",
            plan.missing.len() + plan.stale.len(),
            args.out.join(STAGING_DIR).display()
        );
        let _ = std::io::stdout().flush();
    }
    apply(&out, &plan)?;
    println!(
        "codegen: {} written, {} unchanged, {} removed",
        plan.missing.len() + plan.stale.len(),
        plan.unchanged,
        plan.extra.len()
    );
    for f in &plan.foreign {
        println!(
            "note: {} has no {GENERATED_MARKER} marker; left alone",
            args.out.join(f).display()
        );
    }
    Ok(true)
}

/// Reads the spec and runs the generator; spec problems come back as one error listing all.
pub fn generate(root: &Path, spec: &Path) -> Result<Files> {
    let text = fs::read_to_string(root.join(spec))
        .with_context(|| format!("cannot read the spec {}", spec.display()))?;
    // Forward slashes keep headers identical on every platform.
    let shown = spec.to_string_lossy().replace('\\', "/");
    // The generator lays out Rust itself (prettyplease) and marks every generated module
    // `#[rustfmt::skip]`, so no rustfmt pass is needed: see ARCHITECTURE.md, "render".
    match livegen_generator::generate(&shown, &text) {
        Ok(files) => Ok(files),
        Err(livegen_generator::Error::Spec(d)) => bail!("the spec has problems:\n{d}"),
        Err(e) => Err(e.into()),
    }
}

/// Compares the generator's output with what is on disk.
pub fn plan(out: &Path, files: &Files) -> Result<Plan> {
    let mut plan = Plan::default();
    for (path, new) in files {
        match fs::read_to_string(out.join(path)) {
            Ok(old) if &old == new => plan.unchanged += 1,
            Ok(old) => plan.stale.push((path.clone(), old, new.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                plan.missing.push((path.clone(), new.clone()))
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", out.join(path).display()));
            }
        }
    }
    let expected: BTreeSet<&PathBuf> = files.keys().collect();
    for path in walk(out)? {
        if expected.contains(&path) {
            continue;
        }
        let text = fs::read_to_string(out.join(&path)).unwrap_or_default();
        if is_generated(&text) {
            plan.extra.push((path, text));
        } else {
            plan.foreign.push(path);
        }
    }
    Ok(plan)
}

/// A file is ours if its first lines carry the marker.
fn is_generated(text: &str) -> bool {
    text.lines().take(3).any(|l| l.contains(GENERATED_MARKER))
}

/// Files below `dir`, relative to it, sorted; a missing directory is empty. The staging
/// directory is not part of the output and is skipped.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = match fs::read_dir(dir.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot list {}", dir.join(&rel).display()));
            }
        };
        for entry in entries {
            let entry = entry?;
            let path = rel.join(entry.file_name());
            if rel.as_os_str().is_empty() && entry.file_name() == STAGING_DIR {
                continue;
            }
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `--check` report: one unified diff per file, then the command that fixes it.
pub fn check_report(out: &Path, plan: &Plan) -> String {
    let mut report = String::new();
    let show = |p: &Path| out.join(p).to_string_lossy().replace('\\', "/");
    for (path, new) in &plan.missing {
        report += &format!("missing: {}\n{}", show(path), diff("", new, &show(path)));
    }
    for (path, old, new) in &plan.stale {
        report += &format!("stale: {}\n{}", show(path), diff(old, new, &show(path)));
    }
    for (path, old) in &plan.extra {
        report += &format!(
            "extra: {} (the spec no longer produces it)\n{}",
            show(path),
            diff(old, "", &show(path))
        );
    }
    let n = plan.missing.len() + plan.stale.len() + plan.extra.len();
    report += &format!(
        "{n} generated file{} out of date; run `{REGENERATE_COMMAND}` and commit the result\n",
        if n == 1 { " is" } else { "s are" }
    );
    report
}

fn diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::journal::{Journal, commit, stage};
    use super::*;

    /// `cargo test` fails when someone edits a spec and forgets to regenerate.
    #[test]
    fn generated_crate_is_fresh() {
        let root = crate::root().expect("the repository root");
        for (spec, out) in CHECKED_IN {
            let files = generate(&root, Path::new(spec)).expect("the spec generates");
            let plan = plan(&root.join(out), &files).expect("output readable");
            assert!(plan.is_clean(), "{}", check_report(Path::new(out), &plan));
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("livegen-xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// The README quotes what `cargo xtask codegen` prints for `spec/live.yaml` with
    /// `required: true` removed from `TaskId`; this makes that edit in a copy and compares,
    /// so the quoted text (line and column included) cannot drift from the real output.
    #[test]
    fn readme_quotes_the_real_diagnostic_for_a_missing_required() {
        let root = crate::root().expect("the repository root");
        let spec = fs::read_to_string(root.join(DEFAULT_SPEC)).expect("the spec");
        let task_id = "        - name: TaskId\n          in: query\n          required: true\n";
        assert_eq!(
            spec.matches(task_id).count(),
            1,
            "spec/live.yaml no longer has the TaskId parameter the README describes"
        );
        let copy = scratch("readme-diagnostic");
        fs::create_dir_all(copy.join("spec")).expect("spec dir");
        let broken = spec.replacen(task_id, "        - name: TaskId\n          in: query\n", 1);
        fs::write(copy.join(DEFAULT_SPEC), broken).expect("broken copy");
        let err = generate(&copy, Path::new(DEFAULT_SPEC)).expect_err("a missing `required`");
        // As `main` prints it.
        let printed = format!("error: {err:#}\n");
        let _ = fs::remove_dir_all(&copy);

        let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
        let after = &readme[readme
            .find("A bad spec fails")
            .expect("the README's sentence")..];
        let start = after.find("```text\n").expect("a text block follows") + "```text\n".len();
        let end = after[start..].find("```").expect("the block ends");
        assert_eq!(
            &after[start..start + end],
            printed,
            "README.md's example diagnostic differs from what codegen prints"
        );
    }

    fn files(entries: &[(&str, &str)]) -> Files {
        entries
            .iter()
            .map(|(p, c)| (PathBuf::from(p), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn apply_writes_changes_and_removes_only_marked_files() {
        let dir = scratch("apply");
        fs::write(dir.join("same.rs"), "// @generated\nsame\n").expect("write");
        fs::write(dir.join("old.rs"), "// @generated\nold\n").expect("write");
        fs::write(dir.join("gone.rs"), "// @generated\ngone\n").expect("write");
        fs::write(dir.join("mine.rs"), "hand written\n").expect("write");
        let want = files(&[
            ("same.rs", "// @generated\nsame\n"),
            ("old.rs", "// @generated\nnew\n"),
            ("sub/new.rs", "// @generated\n"),
        ]);
        let plan = plan(&dir, &want).expect("plan");
        assert_eq!(
            (
                plan.missing.len(),
                plan.stale.len(),
                plan.extra.len(),
                plan.unchanged
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(plan.foreign, vec![PathBuf::from("mine.rs")]);
        let report = check_report(Path::new("out"), &plan);
        assert!(
            report.contains("stale: out/old.rs")
                && report.contains("-old")
                && report.contains("+new"),
            "{report}"
        );
        assert!(
            report.ends_with("run `cargo xtask codegen` and commit the result\n"),
            "{report}"
        );
        apply(&dir, &plan).expect("apply");
        assert_eq!(
            fs::read_to_string(dir.join("old.rs")).expect("read"),
            "// @generated\nnew\n"
        );
        assert!(dir.join("sub/new.rs").exists());
        assert!(!dir.join("gone.rs").exists());
        assert!(
            dir.join("mine.rs").exists(),
            "hand-written files are never removed"
        );
        assert!(super::plan(&dir, &want).expect("plan").is_clean());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn failed_write_changes_nothing() {
        let dir = scratch("fail");
        fs::write(dir.join("a.rs"), "// @generated\nold a\n").expect("write");
        // A file where the staging directory must go makes staging fail.
        fs::write(dir.join(STAGING_DIR), "in the way").expect("write");
        let want = files(&[
            ("a.rs", "// @generated\nnew a\n"),
            ("c.rs", "// @generated\nc\n"),
        ]);
        let plan = plan(&dir, &want).expect("plan");
        let err = apply(&dir, &plan).expect_err("must fail");
        let message = format!("{err:#}");
        assert!(
            message.contains("generated files are unchanged"),
            "{message}"
        );
        assert!(message.contains(STAGING_DIR), "names the path: {message}");
        assert_eq!(
            fs::read_to_string(dir.join("a.rs")).expect("read"),
            "// @generated\nold a\n"
        );
        assert!(
            !dir.join("c.rs").exists(),
            "no file is written unless all are"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    /// The state a run killed right after its commit point leaves behind.
    fn committed_but_unfinished(dir: &Path, want: &Files) {
        let plan = plan(dir, want).expect("plan");
        let staging = dir.join(STAGING_DIR);
        let journal = stage(&staging, &plan).expect("stage");
        commit(&staging, &journal).expect("commit");
    }

    #[test]
    fn a_committed_run_is_completed_by_the_next() {
        let dir = scratch("roll-forward");
        fs::write(dir.join("a.rs"), "// @generated\nold a\n").expect("write");
        fs::write(dir.join("gone.rs"), "// @generated\ngone\n").expect("write");
        let want = files(&[
            ("a.rs", "// @generated\nnew a\n"),
            ("sub/b.rs", "// @generated\nb\n"),
        ]);
        committed_but_unfinished(&dir, &want);
        // Half of the renames happened before the kill.
        let staging = dir.join(STAGING_DIR);
        let journal: Journal =
            serde_json::from_str(&fs::read_to_string(staging.join(COMMIT_FILE)).expect("read"))
                .expect("journal");
        let (name, rel) = journal
            .writes
            .iter()
            .find(|(_, rel)| rel == Path::new("a.rs"))
            .expect("a.rs is staged");
        fs::rename(staging.join(name), dir.join(rel)).expect("rename");
        assert_eq!(recover(&dir).expect("recover"), Recovery::Completed);
        assert!(!staging.exists());
        assert!(plan(&dir, &want).expect("plan").is_clean());
        assert!(!dir.join("gone.rs").exists());
        assert_eq!(recover(&dir).expect("again"), Recovery::Clean);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_uncommitted_run_is_discarded_and_the_old_tree_kept() {
        let dir = scratch("discard");
        fs::write(dir.join("a.rs"), "// @generated\nold a\n").expect("write");
        let want = files(&[("a.rs", "// @generated\nnew a\n")]);
        let plan = plan(&dir, &want).expect("plan");
        stage(&dir.join(STAGING_DIR), &plan).expect("stage");
        // Staged files are not part of the output.
        assert_eq!(super::plan(&dir, &want).expect("plan").extra.len(), 0);
        assert_eq!(recover(&dir).expect("recover"), Recovery::Discarded);
        assert!(!dir.join(STAGING_DIR).exists());
        assert_eq!(
            fs::read_to_string(dir.join("a.rs")).expect("read"),
            "// @generated\nold a\n"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

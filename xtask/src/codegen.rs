//! `cargo xtask codegen`: read the spec, run the generator, and bring `generated/` in line,
//! atomically and only where contents changed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use livegen_generator::{Files, GENERATED_MARKER, REGENERATE_COMMAND};

/// Spec path relative to the repository root.
pub const DEFAULT_SPEC: &str = "spec/live.yaml";
/// Output directory relative to the repository root.
pub const DEFAULT_OUT: &str = "generated";

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
    let files = generate(root, &args.spec)?;
    let out = root.join(&args.out);
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
    let mut files = match livegen_generator::generate(&shown, &text) {
        Ok(files) => files,
        Err(livegen_generator::Error::Spec(d)) => bail!("the spec has problems:\n{d}"),
        Err(e) => return Err(e.into()),
    };
    rustfmt(root, &mut files)?;
    Ok(files)
}

/// Runs rustfmt over every generated Rust file, so the checked-in crate is exactly what
/// `cargo fmt` wants.
///
/// rustfmt follows `mod` declarations and on stable cannot be told not to, so files that
/// declare modules are formatted through stdin (where there is nothing to follow) and the
/// leaf files through a scratch directory in the system's temporary directory (not under
/// the target dir, which would cost a `cargo metadata` on every run), split across cores.
fn rustfmt(root: &Path, files: &mut Files) -> Result<()> {
    let (mut parents, mut leaves) = (Vec::new(), Vec::new());
    for (path, text) in files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
    {
        if declares_modules(text) {
            parents.push(path.clone());
        } else {
            leaves.push(path.clone());
        }
    }
    for rel in parents {
        let text = &files[&rel];
        let formatted =
            rustfmt_stdin(root, text).with_context(|| format!("formatting {}", rel.display()))?;
        files.insert(rel, formatted);
    }
    let scratch = std::env::temp_dir().join(format!("livegen-rustfmt-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let result = (|| -> Result<()> {
        let mut paths = Vec::new();
        for rel in &leaves {
            let path = scratch.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            fs::write(&path, &files[rel])
                .with_context(|| format!("cannot write {}", path.display()))?;
            paths.push((rel.clone(), path));
        }
        let cores = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let chunk = paths.len().div_ceil(cores).max(1);
        let children = paths
            .chunks(chunk)
            .map(|batch| {
                std::process::Command::new("rustfmt")
                    .args(["--edition", "2024"])
                    .args(batch.iter().map(|(_, p)| p))
                    .current_dir(root)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .map_err(|e| cannot_run_rustfmt(root, e))
            })
            .collect::<Result<Vec<_>>>()?;
        for child in children {
            let output = child.wait_with_output().context("rustfmt did not finish")?;
            if !output.status.success() {
                bail!(
                    "rustfmt rejected the generated code (a livegen bug):\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
        for (rel, path) in paths {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            files.insert(rel, text);
        }
        Ok(())
    })();
    let _ = fs::remove_dir_all(&scratch);
    result
}

/// Says which of the usual causes made starting rustfmt fail: spawning reports a missing
/// working directory as "not found" too, which would read as "rustfmt is not installed".
fn cannot_run_rustfmt(root: &Path, e: std::io::Error) -> anyhow::Error {
    if !root.is_dir() {
        anyhow::anyhow!(
            "cannot run rustfmt: its working directory {} does not exist ({e})",
            root.display()
        )
    } else if e.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "cannot run rustfmt: it is not on PATH (install it with `rustup component add rustfmt`)"
        )
    } else {
        anyhow::anyhow!("cannot run rustfmt: {e}")
    }
}

/// Whether `text` declares out-of-line modules (`mod name;`).
fn declares_modules(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        (t.starts_with("mod ") || t.starts_with("pub mod ")) && t.trim_end().ends_with(';')
    })
}

fn rustfmt_stdin(root: &Path, text: &str) -> Result<String> {
    use std::process::Stdio;
    let mut child = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| cannot_run_rustfmt(root, e))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .context("cannot feed rustfmt")?;
    }
    let output = child.wait_with_output().context("rustfmt did not finish")?;
    if !output.status.success() {
        bail!(
            "rustfmt rejected the generated code (a livegen bug):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).context("rustfmt printed something that is not UTF-8")
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

/// Files below `dir`, relative to it, sorted; a missing directory is empty.
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

/// Writes every changed file, all or nothing: each goes to a temporary sibling first, and
/// only when all of them are safely on disk are they renamed over the old files.
fn apply(out: &Path, plan: &Plan) -> Result<()> {
    let writes: Vec<(&PathBuf, &String)> = plan
        .missing
        .iter()
        .map(|(p, new)| (p, new))
        .chain(plan.stale.iter().map(|(p, _, new)| (p, new)))
        .collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| -> Result<()> {
        for (rel, contents) in &writes {
            let target = out.join(rel);
            let dir = target.parent().unwrap_or(out);
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = dir.join(format!(".{name}.livegen-tmp"));
            staged.push((temp.clone(), target.clone()));
            let mut file = fs::File::create(&temp)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            file.write_all(contents.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| {
                    format!("cannot write {} (disk full or read-only?)", temp.display())
                })?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(e.context("nothing was changed in the output directory"));
    }
    for (temp, target) in &staged {
        fs::rename(temp, target).with_context(|| format!("cannot replace {}", target.display()))?;
    }
    for (rel, _) in &plan.extra {
        let path = out.join(rel);
        fs::remove_file(&path)
            .with_context(|| format!("cannot remove stale {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when someone edits the spec and forgets to regenerate.
    #[test]
    fn generated_crate_is_fresh() {
        let root = crate::root().expect("the repository root");
        let files = generate(&root, Path::new(DEFAULT_SPEC)).expect("the spec generates");
        let plan = plan(&root.join(DEFAULT_OUT), &files).expect("output readable");
        assert!(
            plan.is_clean(),
            "{}",
            check_report(Path::new(DEFAULT_OUT), &plan)
        );
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

    #[test]
    fn a_vanished_working_directory_is_not_reported_as_a_missing_rustfmt() {
        let gone = std::env::temp_dir().join(format!("livegen-xtask-gone-{}", std::process::id()));
        let _ = fs::remove_dir_all(&gone);
        let mut files = files(&[("src/lib.rs", "pub fn f() {}\n")]);
        let err = rustfmt(&gone, &mut files).expect_err("no working directory");
        let text = format!("{err:#}");
        assert!(text.contains("does not exist"), "{text}");
        assert!(!text.contains("rustup component add"), "{text}");
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
        // A directory where a's temporary file must go makes that write fail after c's
        // temporary file was already written.
        fs::create_dir_all(dir.join(".a.rs.livegen-tmp")).expect("dir");
        let want = files(&[
            ("a.rs", "// @generated\nnew a\n"),
            ("c.rs", "// @generated\nc\n"),
        ]);
        let plan = plan(&dir, &want).expect("plan");
        let err = apply(&dir, &plan).expect_err("must fail");
        assert!(
            format!("{err:#}").contains("nothing was changed"),
            "{err:#}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("a.rs")).expect("read"),
            "// @generated\nold a\n"
        );
        assert!(
            !dir.join("c.rs").exists(),
            "no file is written unless all are"
        );
        assert!(
            !dir.join(".c.rs.livegen-tmp").exists(),
            "temporary files are cleaned up"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

//! The tidy test (after rust-analyzer's `xtask/src/tidy.rs`): house rules a reviewer should
//! not have to check by eye, run by `cargo test` and so by `cargo xtask test`.
//!
//! For every hand-written file of the repository (everything but `generated/` and
//! `tests/generated-ack/`, the golden and input files in `tests/fixtures/`, build output and
//! hidden folders):
//! - a Rust file starts with a module doc (`//!`), except the compile-fail cases in
//!   `tests/compile-fail/`, which are whole programs that must not compile;
//! - a Rust file fits [`MAX_LINES`] lines, tests included, unless [`ALLOW_LONG`] names it
//!   with its reason; an entry for a file that now fits (or is gone) is an error too, so
//!   the list only shrinks;
//! - no leftover to-do markers or debug macros in Rust, Python, TOML or shell files;
//! - every crate manifest (`Cargo.toml` with a `[package]`) opts into the workspace's
//!   lints with `[lints]` / `workspace = true`.
//!
//! Each failure names the file and says what to change.

use std::fs;
use std::path::{Path, PathBuf};

/// The line budget of a hand-written Rust file: past it, a file usually holds two concerns.
const MAX_LINES: usize = 500;

/// Files allowed past [`MAX_LINES`], each with the reason. At most three.
const ALLOW_LONG: &[(&str, &str)] = &[(
    "runtime/tests/signing_vectors.rs",
    "one test per signing stage and version against the official SDKs' vectors; the \
         cases read best side by side, and each is a few lines of data",
)];

/// Folders (relative to the repository root, `/`-separated) that hold no hand-written code.
const SKIP_DIRS: &[&str] = &[
    "generated",
    "tests/generated-ack",
    "tests/fixtures",
    "target",
];

/// Leftover markers, spelled in two halves so this file does not trip over itself.
fn markers() -> [String; 2] {
    [["TO", "DO"].concat(), ["dbg", "!("].concat()]
}

fn repo() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    dir.canonicalize().unwrap_or(dir)
}

/// Every file below `dir` that tidy looks at, as paths relative to `root`, sorted.
fn files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let rel_text = slash(&rel);
        if path.is_dir() {
            let skipped = name.starts_with('.')
                || name == "target"
                || SKIP_DIRS.contains(&rel_text.as_str())
                // Any cargo target dir, wherever `CARGO_TARGET_DIR` put it.
                || path.join("CACHEDIR.TAG").exists();
            if !skipped {
                files(root, &path, out);
            }
        } else {
            out.push(rel);
        }
    }
    out.sort();
}

fn slash(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn all_files() -> (PathBuf, Vec<PathBuf>) {
    let root = repo();
    let mut out = Vec::new();
    files(&root, &root, &mut out);
    (root, out)
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

/// The problems of one Rust file: its module doc and its length.
fn rust_problems(rel: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let has_doc = first.starts_with("//!") || first.starts_with("#![doc");
    if !has_doc && !rel.starts_with("tests/compile-fail/") {
        problems.push(format!(
            "{rel}: no module doc; start the file with `//!` lines saying what it is for"
        ));
    }
    let lines = text.lines().count();
    let allowed = ALLOW_LONG.iter().any(|(path, _)| *path == rel);
    if lines > MAX_LINES && !allowed {
        problems.push(format!(
            "{rel}: {lines} lines, over the budget of {MAX_LINES} (tests included); split it \
             by concern (`foo.rs` + `foo/*.rs`, tests in `foo/tests.rs`), or, only if one \
             concern truly needs the room, add it to ALLOW_LONG in xtask/src/tidy.rs with \
             the reason"
        ));
    }
    problems
}

/// The problems of one crate manifest: the workspace's lints must apply.
fn manifest_problems(rel: &str, text: &str) -> Vec<String> {
    if !text.lines().any(|l| l.trim() == "[package]") {
        return Vec::new();
    }
    let mut lines = text.lines().map(str::trim).skip_while(|l| *l != "[lints]");
    let opted_in = lines.next().is_some()
        && lines
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(|l| l.replace(' ', "") == "workspace=true");
    if opted_in {
        Vec::new()
    } else {
        vec![format!(
            "{rel}: the crate does not use the workspace's lints; add `[lints]` then \
             `workspace = true` at the end of the manifest"
        )]
    }
}

/// Leftover markers in a code file.
fn marker_problems(rel: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for marker in markers() {
            if line.contains(&marker) {
                problems.push(format!(
                    "{rel}:{}: `{marker}` left behind; finish the work or remove it (an open \
                     question belongs in an issue)",
                    number + 1
                ));
            }
        }
    }
    problems
}

fn report(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "tidy found {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn rust_files_have_a_module_doc_and_fit_the_line_budget() {
    let (root, files) = all_files();
    let mut problems = Vec::new();
    for rel in files.iter().filter(|p| has_extension(p, &["rs"])) {
        let text = fs::read_to_string(root.join(rel)).unwrap_or_default();
        problems.extend(rust_problems(&slash(rel), &text));
    }
    report(&problems);
}

#[test]
fn the_long_file_allow_list_is_short_and_current() {
    let mut problems = Vec::new();
    if ALLOW_LONG.len() > 3 {
        problems.push(format!(
            "xtask/src/tidy.rs: ALLOW_LONG has {} entries; at most 3 — split a file instead",
            ALLOW_LONG.len()
        ));
    }
    let root = repo();
    for (path, reason) in ALLOW_LONG {
        if reason.trim().is_empty() {
            problems.push(format!(
                "xtask/src/tidy.rs: ALLOW_LONG entry {path} has no reason"
            ));
        }
        match fs::read_to_string(root.join(path)) {
            Ok(text) if text.lines().count() <= MAX_LINES => problems.push(format!(
                "xtask/src/tidy.rs: {path} now fits {MAX_LINES} lines; remove it from ALLOW_LONG"
            )),
            Ok(_) => {}
            Err(_) => problems.push(format!(
                "xtask/src/tidy.rs: ALLOW_LONG names {path}, which does not exist; remove it"
            )),
        }
    }
    report(&problems);
}

#[test]
fn no_leftover_markers() {
    let (root, files) = all_files();
    let mut problems = Vec::new();
    for rel in files
        .iter()
        .filter(|p| has_extension(p, &["rs", "py", "toml", "sh"]))
    {
        let text = fs::read_to_string(root.join(rel)).unwrap_or_default();
        problems.extend(marker_problems(&slash(rel), &text));
    }
    report(&problems);
}

#[test]
fn every_crate_uses_the_workspace_lints() {
    let (root, files) = all_files();
    let mut problems = Vec::new();
    let mut seen = 0;
    for rel in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml"))
    {
        let text = fs::read_to_string(root.join(rel)).unwrap_or_default();
        seen += usize::from(text.lines().any(|l| l.trim() == "[package]"));
        problems.extend(manifest_problems(&slash(rel), &text));
    }
    // generator, runtime, tests, xtask at least (generated/ is skipped as generated).
    assert!(
        seen >= 4,
        "only {seen} crate manifests found under {}",
        root.display()
    );
    report(&problems);
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let long = "//! Doc.\n".to_owned() + &"x\n".repeat(MAX_LINES);
    assert!(rust_problems("a.rs", &long)[0].contains("over the budget"));
    assert!(rust_problems("a.rs", "//! Doc.\nfn f() {}\n").is_empty());
    assert!(rust_problems("a.rs", "\n#![doc = \"Doc.\"]\n").is_empty());
    assert!(rust_problems("a.rs", "// Not a doc.\nfn f() {}\n")[0].contains("no module doc"));
    assert!(rust_problems("tests/compile-fail/a.rs", "// Case.\nfn main() {}\n").is_empty());

    let marker = &markers()[0];
    let found = marker_problems("a.py", &format!("x = 1\n# {marker}: later\n"));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("a.py:2:"), "{found:?}");

    let package = "[package]\nname = \"a\"\n";
    assert!(manifest_problems("Cargo.toml", "[workspace]\n").is_empty());
    assert_eq!(manifest_problems("a/Cargo.toml", package).len(), 1);
    let lints = format!("{package}\n[lints]\n# Shared.\nworkspace = true\n");
    assert!(manifest_problems("a/Cargo.toml", &lints).is_empty());
    let other = format!("{package}\n[lints]\nclippy.all = \"warn\"\n");
    assert_eq!(manifest_problems("a/Cargo.toml", &other).len(), 1);
}

//! One spec edit gives one local diff: these tests edit the real spec in memory and check
//! that the generated files change only where the edit is expressed.

use std::path::Path;

use livegen_generator::Files;
use similar::{ChangeTag, TextDiff};

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/live.yaml"))
        .expect("spec")
}

fn generate(text: &str) -> Files {
    livegen_generator::generate("spec/live.yaml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// Changed lines (with `+`/`-`) per file, for files that changed.
fn changes(before: &Files, after: &Files) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (path, new) in after {
        let old = before.get(path).map(String::as_str).unwrap_or("");
        let lines: Vec<String> = TextDiff::from_lines(old, new)
            .iter_all_changes()
            .filter(|c| c.tag() != ChangeTag::Equal)
            .map(|c| {
                format!(
                    "{}{}",
                    if c.tag() == ChangeTag::Insert {
                        "+"
                    } else {
                        "-"
                    },
                    c.value().trim_end()
                )
            })
            .collect();
        if !lines.is_empty() {
            out.push((path.display().to_string(), lines));
        }
    }
    assert_eq!(before.len(), after.len(), "files were added or removed");
    out
}

fn edit(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "spec no longer contains {old:?}");
    text.replacen(old, new, 1)
}

#[test]
fn adding_a_region_touches_only_the_lines_that_express_it() {
    let base = spec();
    let edited = edit(
        &base,
        "        - preregion\n",
        "        - preregion\n        - cn-hangzhou\n",
    );
    let diff = changes(&generate(&base), &generate(&edited));
    let files: Vec<&str> = diff.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(files, ["src/types.rs"], "{diff:#?}");
    let lines = &diff[0].1;
    assert!(
        lines.iter().all(|l| l.starts_with('+')),
        "nothing is removed: {lines:#?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.contains("cn-hangzhou") || l.contains("CnHangzhou")),
        "{lines:#?}"
    );
    // The variant and its doc line: `string_enum!` derives the rest from them.
    assert_eq!(lines.len(), 2, "{lines:#?}");
}

#[test]
fn adding_an_error_code_adds_one_entry_and_its_docs() {
    let base = spec();
    let edited = edit(
        &base,
        "        - code: InternalError\n",
        "        - code: CodeTaskBusy\n          httpStatus: 400\n          message: The task is busy.\n          description: Try again later.\n        - code: InternalError\n",
    );
    let diff = changes(&generate(&base), &generate(&edited));
    let files: Vec<&str> = diff.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        files,
        ["README.md", "src/operations/stop_live_pull_to_push.rs"],
        "{diff:#?}"
    );
    for (_, lines) in &diff {
        assert!(
            lines.iter().all(|l| l.starts_with('+')),
            "nothing is removed: {lines:#?}"
        );
    }
    let rust = &diff[1].1;
    let mentions = |s: &str| rust.iter().filter(|l| l.contains(s)).count();
    // One entry, once: `operation_error!` derives the variant's code line and the
    // `ERRORS` table that `OPERATION.errors` points to.
    assert_eq!(
        mentions("CodeTaskBusy = (400, \"CodeTaskBusy\", \"The task is busy.\"),"),
        1,
        "the error entry: {rust:#?}"
    );
    assert_eq!(mentions("ErrorInfo"), 0, "no second list: {rust:#?}");
    // The entry and its doc line.
    assert_eq!(rust.len(), 2, "{rust:#?}");
    assert!(
        rust.iter().any(|l| l.contains("Try again later.")),
        "docs: {rust:#?}"
    );
}

#[test]
fn rewording_a_description_changes_only_doc_lines() {
    let base = spec();
    let edited = edit(
        &base,
        "          description: The task ID.\n",
        "          description: The ID of the relay task to stop.\n",
    );
    let diff = changes(&generate(&base), &generate(&edited));
    assert!(!diff.is_empty());
    for (path, lines) in &diff {
        for line in lines {
            let body = line[1..].trim_start();
            // The table's `.doc(…)` is the command line's help text for the parameter; a
            // longer text may re-wrap that one entry, and nothing else.
            assert!(
                body.starts_with("///")
                    || body.starts_with("#[doc")
                    || body.starts_with("//!")
                    || body.contains("\"TaskId\"")
                    || body.starts_with(".required()")
                    || body.starts_with(".doc(\""),
                "{path}: non-doc line changed: {line}"
            );
        }
    }
}

#[test]
fn output_is_deterministic() {
    let text = spec();
    assert_eq!(generate(&text), generate(&text));
    for (path, contents) in generate(&text) {
        assert!(
            contents
                .lines()
                .next()
                .is_some_and(|l| l.contains("@generated"))
                || path.ends_with("ram-policy.json"),
            "{}",
            path.display()
        );
        assert!(
            !contents.contains("/work/") && !contents.contains("/home/"),
            "{} has an absolute path",
            path.display()
        );
    }
}

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

/// The byte range of the YAML block whose key line is `key` (e.g. `"  /StopLivePullToPush:"`
/// or `"    Region:"`): from that line up to the next line indented no deeper than it.
fn block(text: &str, key: &str) -> std::ops::Range<usize> {
    let line = format!("\n{key}\n");
    let start = text
        .find(&line)
        .unwrap_or_else(|| panic!("spec has no {key:?}"))
        + 1;
    let indent = key.len() - key.trim_start().len();
    let mut end = start + key.len() + 1;
    for l in text[end..].split_inclusive('\n') {
        let deeper = l.len() - l.trim_start_matches(' ').len() > indent;
        if !deeper && !l.trim().is_empty() {
            break;
        }
        end += l.len();
    }
    start..end
}

/// `text` with the first `old` inside the block `key` replaced by `new`: the edit lands in
/// the part of the spec the test means, never in another action that happens to come first.
fn edit_in(text: &str, key: &str, old: &str, new: &str) -> String {
    let range = block(text, key);
    let at = text[range.clone()]
        .find(old)
        .unwrap_or_else(|| panic!("{key:?} no longer contains {old:?}"))
        + range.start;
    format!("{}{new}{}", &text[..at], &text[at + old.len()..])
}

const STOP: &str = "  /StopLivePullToPush:";

#[test]
fn adding_a_region_touches_only_the_lines_that_express_it() {
    let base = spec();
    // StopLivePullToPush's own region enum, not an inline enum of another operation.
    let edited = edit_in(
        &base,
        "    Region:",
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
    let edited = edit_in(
        &base,
        STOP,
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
    let edited = edit_in(
        &base,
        STOP,
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

/// The spec without the path item of `action` (its whole block under `paths:`).
fn without_action(text: &str, action: &str) -> String {
    let range = block(text, &format!("  /{action}:"));
    format!("{}{}", &text[..range.start], &text[range.end..])
}

/// Adding (or removing) one action adds (or removes) its own module file and one entry in
/// each list — the module list, `ALL`, the re-exports, the README's table — and nothing
/// else: no other operation's file, and not the crate-doc example, which the spec chooses.
#[test]
fn adding_or_removing_an_action_touches_only_its_file_and_list_entries() {
    let base = spec();
    let action = "DescribeLivePullToPush";
    let module = "describe_live_pull_to_push";
    let with = generate(&base);
    let without = generate(&without_action(&base, action));
    let own = format!("src/operations/{module}.rs");
    let gone: Vec<&Path> = with
        .keys()
        .filter(|p| !without.contains_key(*p))
        .map(|p| p.as_path())
        .collect();
    assert_eq!(gone, [Path::new(&own)]);
    assert!(
        without.keys().all(|p| with.contains_key(p)),
        "no file appears"
    );
    let mut touched = Vec::new();
    for (path, after) in &without {
        let before = &with[path];
        let diff = TextDiff::from_lines(before.as_str(), after.as_str());
        let changed: Vec<_> = diff
            .iter_all_changes()
            .filter(|c| c.tag() != ChangeTag::Equal)
            .collect();
        if changed.is_empty() {
            continue;
        }
        touched.push(path.display().to_string());
        // Adding the action is the same diff read the other way round: only insertions.
        assert!(
            changed.iter().all(|c| c.tag() == ChangeTag::Delete),
            "{}: {changed:#?}",
            path.display()
        );
        // Each removed line names the action (or its module), or is the punctuation of
        // its entry (the closing `};` of a `use` group, the blank line after it).
        let foreign: Vec<_> = changed
            .iter()
            .filter(|c| {
                let line = c.value().trim();
                !(line.contains(action) || line.contains(module) || line.is_empty() || line == "};")
            })
            .collect();
        assert!(
            foreign.is_empty(),
            "{}: removed lines that do not belong to {action}: {foreign:#?}",
            path.display()
        );
        assert!(changed.len() <= 6, "{}: {changed:#?}", path.display());
    }
    touched.sort();
    assert_eq!(
        touched,
        ["README.md", "src/exports.rs", "src/operations.rs"],
        "only the lists change"
    );
}

/// Editing one imported action's description changes only that action's file.
#[test]
fn editing_an_imported_action_changes_only_its_file() {
    let base = spec();
    let key = "\n  /DescribeLiveDomainDetail:\n";
    let at = base.find(key).expect("the action is in the spec");
    let summary_at = at + base[at..].find("summary: ").expect("a summary") + "summary: ".len();
    let edited = format!("{}Edited. {}", &base[..summary_at], &base[summary_at..]);
    let diff = changes(&generate(&base), &generate(&edited));
    let files: Vec<&str> = diff.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        files
            .iter()
            .all(|f| *f == "src/operations/describe_live_domain_detail.rs"
                || *f == "src/operations.rs"
                || *f == "README.md"),
        "{diff:#?}"
    );
    assert!(files.contains(&"src/operations/describe_live_domain_detail.rs"));
}

/// The spec chooses the crate-doc example: a required parameter without an `example`, or
/// a second marked operation, is refused with the place to fix.
#[test]
fn the_example_operation_needs_examples_and_is_unique() {
    let base = spec();
    let no_example = edit_in(
        &base,
        STOP,
        "          example: 3bb44350-0c34-49c7-8c5e-cba5e6c0****\n",
        "",
    );
    let err = livegen_generator::generate("spec/live.yaml", &no_example)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("parameter `TaskId` of the example operation has no `example`"),
        "{err}"
    );
    let twice = edit_in(
        &base,
        "  /DescribeLiveDomainDetail:",
        "      operationId: DescribeLiveDomainDetail\n",
        "      operationId: DescribeLiveDomainDetail\n      x-livegen-example: true\n",
    );
    let err = livegen_generator::generate("spec/live.yaml", &twice)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("both set `x-livegen-example`"), "{err}");
}

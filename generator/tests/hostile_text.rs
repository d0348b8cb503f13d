//! Spec text is data: a title or version cannot add keys to the generated Cargo.toml, and
//! descriptions and examples cannot put runnable code, raw HTML or `inf` into the docs.

use std::fs;
use std::path::Path;

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/base.yaml");
    fs::read_to_string(path).expect("base fixture")
}

fn replace(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "{old:?} not in the base fixture");
    text.replacen(old, new, 1)
}

#[test]
fn title_and_version_cannot_add_manifest_keys() {
    let title = "Evil\"\nbuild = \"build.rs\"\n[lib]\npath = \"x.rs";
    let version = "2016-11-01\"\nbuild = \"v.rs";
    let text = replace(
        &replace(
            &base(),
            "  title: Fixture\n",
            &format!("  title: {}\n", serde_json::to_string(title).expect("json")),
        ),
        "x-acs-product:\n  code: live\n  version: '2016-11-01'\n",
        &format!(
            "x-acs-product:\n  code: live\n  version: {}\n",
            serde_json::to_string(version).expect("json")
        ),
    );
    let files =
        livegen_generator::generate("spec/evil.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let manifest = &files[Path::new("Cargo.toml")];
    let doc: toml::Table = toml::from_str(manifest)
        .unwrap_or_else(|e| panic!("the generated Cargo.toml does not parse: {e}\n{manifest}"));
    let package = doc["package"].as_table().expect("[package]");
    assert!(!package.contains_key("build"), "{manifest}");
    assert!(!doc.contains_key("lib"), "{manifest}");
    let description = package["description"].as_str().expect("description");
    // The manifest's description is one line: the title's newlines became spaces.
    let one_line = title.replace(['\n', '\r'], " ");
    assert!(description.contains(&one_line), "{description:?}");
    for (path, text) in &files {
        if path.extension().is_some_and(|e| e == "rs") {
            syn::parse_file(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn hostile_descriptions_and_examples_stay_inert() {
    let description = "Runs code:\n```rust\nstd::process::exit(1);\n```\nAn odd ` tick <script>alert(1)</script> and\ttabs.";
    let text = replace(
        &base(),
        "          description: The task ID.\n          schema:\n            type: string\n",
        &format!(
            "          description: {}\n          example: task-1\n          schema:\n            type: string\n        - name: Ratio\n          in: query\n          required: true\n          example: 1e400\n          schema:\n            type: number\n",
            serde_json::to_string(description).expect("json")
        ),
    );
    // The crate docs' example is the operation the spec marks, called with its examples.
    let text = replace(
        &text,
        "            $ref: '#/components/schemas/Region'\n",
        "            $ref: '#/components/schemas/Region'\n          example: cn-shanghai\n",
    );
    let text = replace(
        &text,
        "      summary: Stops a pulled-stream relay task.\n",
        &format!(
            "      summary: Stops a task.\n      x-livegen-example: true\n      description: {}\n",
            serde_json::to_string(description).expect("json")
        ),
    );
    let files =
        livegen_generator::generate("spec/evil.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in &files {
        let shown = path.display();
        // README.md has its own `rust` example; the spec's fence must not be one.
        assert!(
            !text.contains("```rust\nstd::process::exit"),
            "{shown} has a runnable fence:\n{text}"
        );
        assert!(!text.contains("<script>"), "{shown} has raw HTML:\n{text}");
        if path.extension().is_some_and(|e| e == "rs") {
            syn::parse_file(text).unwrap_or_else(|e| panic!("{shown}: {e}"));
            // Every fence in rustdoc is either `text` or the crate's own example.
            for line in text.lines() {
                let doc = line.trim_start();
                let Some(rest) = doc
                    .strip_prefix("///")
                    .or_else(|| doc.strip_prefix("//!"))
                    .map(str::trim)
                else {
                    continue;
                };
                if let Some(lang) = rest.strip_prefix("```") {
                    assert!(
                        ["", "text", "no_run"].contains(&lang),
                        "{shown}: fence {lang:?} in {line:?}"
                    );
                }
            }
        }
    }
    let op = &files[Path::new("src/operations/stop_live_pull_to_push.rs")];
    assert!(
        op.contains("```text") && op.contains("std::process::exit(1);"),
        "the description's fence became text:\n{op}"
    );
    assert!(op.contains("&lt;script&gt;"), "{op}");
    let lib = &files[Path::new("src/lib.rs")];
    let example: String = lib
        .lines()
        .skip_while(|l| !l.contains("```no_run"))
        .take_while(|l| !l.trim_end().ends_with("```") || l.contains("no_run"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !example.is_empty(),
        "the crate docs have an example:\n{lib}"
    );
    assert!(
        example.contains("Ratio") || example.contains("1.0"),
        "{example}"
    );
    for bad in ["inf", "NaN"] {
        assert!(
            !example.contains(bad),
            "the example holds {bad}:\n{example}"
        );
    }
}

//! ACK (`cs` 2015-12-15, a ROA product) is wire-identical to its official SDK,
//! `alibabacloud-cs20151215`, for every operation the SDK has.
//!
//! The metadata (`tests/fixtures/catalogue/cs__2015-12-15.json`, a copy of the
//! catalogue's) is imported with the catalogue's rules (an operation the generator cannot
//! represent is skipped and named) and generated into one scratch crate; a `wire-dump`
//! binary added to it prints what our client prepares for each input. Then
//! `tests/python/roa_wire_capture.py` records what the SDK sends for the same inputs
//! (strings with `/`, space, `+`, `%` and non-ASCII in every path parameter, nested lists in
//! JSON bodies, every optional parameter), and [`livegen_tests::conformance::roa`] compares
//! method, path, query, signed headers and the body value by value.
//!
//! Needs `LIVEGEN_PYTHON` (the shared venv of `cargo xtask test`, which installs the SDK);
//! without it the comparison is skipped with a message, except under CI (`CI` set), where
//! it fails. `#[ignore]`d for quick local runs (it builds a 117-operation crate); CI runs
//! `cargo test --workspace -- --include-ignored`.

use std::fs;
use std::path::{Path, PathBuf};

use livegen_generator::import::{Selection, import_generable};
use livegen_tests::conformance::{self, Capture, roa, run};

#[path = "../support/scratch.rs"]
mod scratch;

/// The metadata, its SDK's Python module, and the label of the report line.
const METADATA: &str = "tests/fixtures/catalogue/cs__2015-12-15.json";
const SDK_MODULE: &str = "alibabacloud_cs20151215";
const LABEL: &str = "ACK 2015-12-15";

/// `wire-dump` needs `Deserialize` on the inputs; users' builds never turn it on.
const WIRE_DUMP_BIN: &str = "\n[[bin]]\nname = \"wire-dump\"\npath = \"src/bin/wire-dump.rs\"\nrequired-features = [\"deserialize-inputs\"]\n";

#[test]
#[ignore = "builds the whole ACK crate; CI runs it (--include-ignored), as does cargo xtask test"]
fn ack_is_wire_identical_to_its_official_sdk() {
    let metadata_path = scratch::repo().join(METADATA);
    let metadata = fs::read_to_string(&metadata_path)
        .unwrap_or_else(|e| panic!("{}: {e}", metadata_path.display()));
    let spec_rel = "livegen-scratch/roa-ack/spec.yaml";
    let (imported, skipped) = import_generable(&metadata, &Selection::All, spec_rel)
        .unwrap_or_else(|e| panic!("importing {METADATA}: {e}"));
    for s in &skipped {
        eprintln!("skipped: {s:?}");
    }
    let yaml = imported.spec;

    let dir = scratch::crate_dir("roa-ack");
    let member = "crate";
    scratch::workspace(&dir, &[member]);
    fs::write(dir.join("spec.yaml"), &yaml).expect("scratch spec");
    let mut files = livegen_generator::generate(spec_rel, &yaml)
        .unwrap_or_else(|e| panic!("generating the crate for {METADATA}:\n{e}"));
    let manifest = files
        .get(Path::new("Cargo.toml"))
        .expect("the generated crate has a Cargo.toml")
        .clone();
    let package = scratch::manifest_value(&manifest, "package", "name").expect("package name");
    let api = livegen_generator::check(spec_rel, &yaml).expect("the spec was just generated");
    let actions: Vec<(String, String, String)> = api
        .operations
        .iter()
        .map(|op| (op.action.clone(), op.fn_name.clone(), op.input.clone()))
        .collect();
    files.insert(PathBuf::from("Cargo.toml"), manifest + WIRE_DUMP_BIN);
    files.insert(
        PathBuf::from("src/bin/wire-dump.rs"),
        conformance::wire_dump_source(&package.replace('-', "_"), &actions),
    );
    scratch::write_crate(&dir.join(member), &files);
    scratch::cargo(
        &dir,
        &[
            "build",
            "--offline",
            "--features",
            "deserialize-inputs",
            "--bin",
            "wire-dump",
        ],
        &[],
    );

    let Some(python) = run::python("LIVEGEN_PYTHON") else {
        return;
    };
    let cases = dir.join("cases.json");
    let metadata_arg = metadata_path.to_string_lossy();
    let capture = run::capture(
        &python,
        "roa_wire_capture.py",
        &["--metadata", &metadata_arg, "--sdk", SDK_MODULE],
        &cases,
    );
    eprintln!("{LABEL}: SDK {:?}", capture.sdk);
    let ours = run::wire_dump(&scratch::target_dir().join("debug/wire-dump"), &cases);

    let report = roa::compare(&capture, &ours);
    for (action, fact) in &report.drift {
        eprintln!(
            "drift: {action}: {} {} ({})",
            fact.kind, fact.param, fact.path
        );
    }
    for action in &report.missing_in_sdk {
        eprintln!("not in the SDK, not compared: {action}");
    }
    for (action, added) in &report.sdk_added {
        eprintln!("sent by the SDK alone, explained by no parameter: {action}: {added}");
    }
    for (label, rows) in [
        (
            "bodies equal value by value, not byte for byte",
            &report.json_equivalent,
        ),
        (
            "booleans the Python SDK spells True/False",
            &report.boolean_spelling,
        ),
        (
            "headers only the SDK signs, unset lists its models write as []",
            &report.sdk_artefacts,
        ),
    ] {
        if !rows.is_empty() {
            eprintln!(
                "{label} (SDK artefacts, not differences):\n{}",
                conformance::table(rows)
            );
        }
    }
    let paths = path_coverage(&capture);
    let summary = roa::summary(&report, LABEL);
    println!("{summary}; {paths}");
    assert!(
        report.is_identical(),
        "our requests differ from the official SDK's:\n{}\n{summary}",
        report.table()
    );
    // Every operation of the metadata is either compared or named as missing in the SDK.
    assert_eq!(
        report.operations + report.missing_in_sdk.len(),
        serde_json::from_str::<serde_json::Value>(&metadata).expect("metadata")["apis"]
            .as_object()
            .map_or(0, |apis| apis.len()),
        "operations neither compared nor named"
    );
}

/// How many path parameter values carried each character the path encoding must keep
/// inside its segment: the inputs' coverage, checked rather than assumed.
fn path_coverage(capture: &Capture) -> String {
    let mut values = 0;
    let mut all_special = 0;
    for case in capture.cases.values() {
        let Some(path) = &case.path else { continue };
        let Some(input) = case.input.as_object() else {
            continue;
        };
        for value in input.values().filter_map(|v| v.as_str()) {
            // A path value is one the SDK put into the path, encoded.
            let encoded = livegen_runtime::signing::encode::percent_encode(value);
            if !path.contains(&encoded) {
                continue;
            }
            values += 1;
            if ['/', ' ', '+', '%'].iter().all(|c| value.contains(*c)) && !value.is_ascii() {
                all_special += 1;
            }
        }
    }
    assert!(values > 0, "no path parameter was compared");
    format!("{all_special} of {values} path values carry `/`, space, `+`, `%` and non-ASCII")
}

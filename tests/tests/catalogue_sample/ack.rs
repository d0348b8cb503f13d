//! ACK (`cs` 2015-12-15, a ROA product) is wire-identical to its official SDK,
//! `alibabacloud-cs20151215`, for every operation the SDK has.
//!
//! The ACK member of the sample workspace (imported with the catalogue's rules: an
//! operation the generator cannot represent is skipped and named) has a `wire-dump`
//! binary that prints what our client prepares for each input; no second ACK crate is
//! generated or built. `tests/python/roa_wire_capture.py` records what the SDK sends for
//! the same inputs (strings with `/`, space, `+`, `%` and non-ASCII in every path
//! parameter, nested lists in JSON bodies, every optional parameter), and
//! [`livegen_tests::conformance::roa`] compares method, path, query, signed headers and
//! the body value by value.

use std::fs;

use livegen_tests::conformance::{self, Capture, roa, run};

use super::sample;

/// The metadata file's stem in the sample, its SDK's Python module, and the label of the
/// report line.
pub const STEM: &str = "cs__2015-12-15";
const SDK_MODULE: &str = "alibabacloud_cs20151215";
const LABEL: &str = "ACK 2015-12-15";

#[test]
#[ignore = "builds the ACK crate of the sample; CI runs it (--include-ignored), as does cargo xtask test"]
fn ack_is_wire_identical_to_its_official_sdk() {
    let sample = sample();
    let wire_dump = sample.wire_dump(STEM);
    let metadata_path = &sample.member(STEM).metadata;
    let metadata = fs::read_to_string(metadata_path)
        .unwrap_or_else(|e| panic!("{}: {e}", metadata_path.display()));
    let Some(python) = run::python("LIVEGEN_PYTHON") else {
        return;
    };
    let cases = sample.dir.join(format!("{STEM}-cases.json"));
    let metadata_arg = metadata_path.to_string_lossy();
    let capture = run::capture(
        &python,
        "roa_wire_capture.py",
        &["--metadata", &metadata_arg, "--sdk", SDK_MODULE],
        &cases,
    );
    eprintln!("{LABEL}: SDK {:?}", capture.sdk);
    let ours = run::wire_dump(&wire_dump, &cases);

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

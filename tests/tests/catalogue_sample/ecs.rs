//! ECS (`ecs` 2014-05-26, the largest RPC product of the sample) is wire-identical to its
//! official SDK, `alibabacloud-ecs20140526`, for every operation the SDK has.
//!
//! Like Live in `official_conformance.rs`: the ECS member of the sample workspace has a
//! `wire-dump` binary, `tests/python/wire_capture.py` records what the SDK sends for inputs
//! derived from the metadata (every optional parameter set: dotted and indexed names,
//! repeat lists, JSON parameters, protocol-named ones), and the method and the decoded
//! query and form pairs must be the same ([`livegen_tests::conformance::compare`]).
//!
//! Two kinds of difference are livegen's own documented rules, not wire bugs; they are
//! taken out of the differences, counted and listed ([`explained`]): an operation the
//! importer skipped (named with its reasons when the sample is generated) has no method
//! to call, and an enum value the metadata lists in spellings that differ only in case is
//! one variant that sends its first listed spelling (spec/README.md, "Enumerations").

use livegen_tests::conformance::{self, Difference, Report, run};
use serde_json::Value;

use super::sample;

/// The metadata file's stem in the sample.
pub const STEM: &str = "ecs__2014-05-26";
/// The label of the report line.
const LABEL: &str = "ECS 2014-05-26";

#[test]
#[ignore = "builds the ECS crate of the sample; CI runs it (--include-ignored), as does cargo xtask test"]
fn ecs_is_wire_identical_to_its_official_sdk() {
    let sample = sample();
    let wire_dump = sample.wire_dump(STEM);
    let Some(python) = run::python("LIVEGEN_PYTHON") else {
        return;
    };
    let metadata = &sample.member(STEM).metadata;
    let cases = sample.dir.join(format!("{STEM}-cases.json"));
    let metadata_arg = metadata.to_string_lossy();
    let protocol = conformance::protocol_names().join(",");
    let capture = run::capture(
        &python,
        "wire_capture.py",
        &["--metadata", &metadata_arg, "--protocol-names", &protocol],
        &cases,
    );
    eprintln!("{LABEL}: SDK {:?}", capture.sdk);
    let ours = run::wire_dump(&wire_dump, &cases);

    let metadata_json: Value =
        serde_json::from_str(&std::fs::read_to_string(metadata).expect("the sample metadata"))
            .expect("metadata is JSON");
    let mut report = conformance::compare(&capture, &ours);
    let (skipped, spelled) = explained(&mut report, &metadata_json, &sample.member(STEM).skipped);
    for (label, rows) in [
        ("skipped by the importer, no method to compare", &skipped),
        (
            "enum values listed in several case-only spellings, sent in the first (spec/README.md)",
            &spelled,
        ),
    ] {
        if !rows.is_empty() {
            eprintln!(
                "{label} (livegen's rules, not wire bugs):\n{}",
                conformance::table(rows)
            );
        }
    }
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
        ("equal only as JSON (key order)", &report.json_equivalent),
        (
            "booleans the Python SDK spells True/False",
            &report.boolean_spelling,
        ),
    ] {
        if !rows.is_empty() {
            eprintln!(
                "{label} (SDK artefacts, not differences):\n{}",
                conformance::table(rows)
            );
        }
    }
    let summary = format!(
        "{}; not counted as identical, explained by livegen's rules: {} operations skipped \
         by the importer (not compared), {} enum values sent in the first of their case-only \
         spellings",
        report.summary(LABEL),
        skipped.len(),
        spelled.len()
    );
    println!("{summary}");
    assert!(
        report.is_identical(),
        "our requests differ from the official SDK's:\n{}\n{summary}",
        report.table()
    );
    assert!(report.operations > 0, "no ECS operation was compared");
    // Every operation of the metadata is either compared or named as missing in the SDK.
    let apis = metadata_json["apis"]
        .as_object()
        .map_or(0, |apis| apis.len());
    assert_eq!(
        report.operations + report.missing_in_sdk.len(),
        apis,
        "operations neither compared nor named"
    );
}

/// Takes out of `report.differences` the two kinds that livegen's documented rules
/// explain, returning them: `(skipped, spelled)`.
///
/// - `skipped`: our side has no method for an operation of `skipped` (the importer's
///   list for this metadata), and nothing else differs for it;
/// - `spelled`: a top-level parameter whose metadata `enum` lists both values, which
///   differ only in case, and ours is the first of them listed.
///
/// `report.identical` is left as it is: these operations are not counted as identical.
fn explained(
    report: &mut Report,
    metadata: &Value,
    skipped: &[String],
) -> (Vec<Difference>, Vec<Difference>) {
    let mut by_rule = (Vec::new(), Vec::new());
    let mut kept = Vec::new();
    for d in std::mem::take(&mut report.differences) {
        if d.place == "error"
            && d.ours == "no such operation in the generated crate"
            && skipped.contains(&d.action)
        {
            by_rule.0.push(d);
        } else if first_spelling(metadata, &d) {
            by_rule.1.push(d);
        } else {
            kept.push(d);
        }
    }
    report.differences = kept;
    by_rule
}

/// Whether `d` is an enum value of a top-level parameter sent in the first of the
/// spellings, differing only in case, that its metadata lists.
fn first_spelling(metadata: &Value, d: &Difference) -> bool {
    if d.place != "query" && d.place != "body" || !d.ours.eq_ignore_ascii_case(&d.sdk) {
        return false;
    }
    let parameters = metadata["apis"][&d.action]["parameters"].as_array();
    let Some(values) = parameters
        .into_iter()
        .flatten()
        .find(|p| p["name"] == d.name.as_str())
        .and_then(|p| p["schema"]["enum"].as_array())
    else {
        return false;
    };
    let spellings: Vec<&str> = values
        .iter()
        .filter_map(Value::as_str)
        .filter(|v| v.eq_ignore_ascii_case(&d.ours))
        .collect();
    spellings.first() == Some(&d.ours.as_str()) && spellings.contains(&d.sdk.as_str())
}

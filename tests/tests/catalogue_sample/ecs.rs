//! ECS (`ecs` 2014-05-26, the largest RPC product of the sample) is wire-identical to its
//! official SDK, `alibabacloud-ecs20140526`, for every operation the SDK has.
//!
//! Like Live in `official_conformance.rs`: the ECS member of the sample workspace has a
//! `wire-dump` binary, `tests/python/wire_capture.py` records what the SDK sends for inputs
//! derived from the metadata (every optional parameter set: dotted and indexed names,
//! repeat lists, JSON parameters, protocol-named ones), and the method and the decoded
//! query and form pairs must be the same ([`livegen_tests::conformance::compare`]).
//!
//! An operation the importer skipped (named with its reasons when the sample is generated)
//! has no method to call: that difference is livegen's documented rule, not a wire bug, so
//! it is taken out of the differences, counted and listed ([`skipped_by_importer`]); the
//! operation is not counted as identical. Enum values that differ only in case are
//! distinct variants sending exactly their spelling (spec/README.md, "Enumerations"), so
//! they need no explaining.

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
    let skipped = skipped_by_importer(&mut report, &sample.member(STEM).skipped);
    if !skipped.is_empty() {
        eprintln!(
            "skipped by the importer, no method to compare (livegen's rule, not a wire bug):\n{}",
            conformance::table(&skipped)
        );
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
        "{}; not counted as identical: {} operations skipped by the importer (not compared)",
        report.summary(LABEL),
        skipped.len(),
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

/// Takes out of `report.differences`, and returns, those of operations the importer
/// skipped (`skipped`, its list for this metadata): our side has no method to call, and
/// nothing else differs for them. `report.identical` is left as it is: these operations
/// are not counted as identical.
fn skipped_by_importer(report: &mut Report, skipped: &[String]) -> Vec<Difference> {
    let (explained, kept) = std::mem::take(&mut report.differences)
        .into_iter()
        .partition(|d| {
            d.place == "error"
                && d.ours == "no such operation in the generated crate"
                && skipped.contains(&d.action)
        });
    report.differences = kept;
    explained
}

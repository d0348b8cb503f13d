//! Tests of the comparison: order, differences, JSON and boolean spellings, the wire-dump
//! source.

use super::*;

fn capture(json: &str) -> Capture {
    serde_json::from_str(json).expect("test capture parses")
}

fn ours(json: &str) -> Ours {
    serde_json::from_str(json).expect("test line parses")
}

const SDK: &str = r#"{
    "metadata": "m.json",
    "sdk": {"alibabacloud-live20161101": "3.0.2"},
    "cases": {
        "AddThing": {
            "input": {"Name": "a b", "Tag": [{"Key": "k"}], "Old": 1},
            "method": "POST",
            "query": [["Tag.1.Key", "k"], ["Name", "a b"]],
            "body": [["Doc", "{\"a\":1,\"b\":2}"]],
            "drift": [{"kind": "param-unknown-to-sdk", "param": "Old", "path": "Old"}]
        }
    },
    "missing_in_sdk": ["Gone"]
}"#;

#[test]
fn the_same_pairs_in_another_order_are_identical() {
    let ours = ours(
        r#"{"action": "AddThing", "method": "POST",
            "query": [["Name", "a b"], ["Tag.1.Key", "k"], ["Old", "1"], ["Version", "x"]],
            "body": [["Doc", "{\"a\":1,\"b\":2}"]]}"#,
    );
    let report = compare(&capture(SDK), &[ours]);
    assert!(report.is_identical(), "{}", report.table());
    assert_eq!(report.identical, 1);
    assert_eq!(report.drift.len(), 1);
    assert_eq!(
        report.summary("t"),
        "official t: 1 operations, 1 identical, 0 different, 1 drift facts, \
         1 missing in the SDK, 0 values equal only as JSON, 0 booleans spelled as Python's str(), 0 SDK-added pairs"
    );
}

#[test]
fn a_different_value_a_missing_pair_and_a_wrong_place_are_reported() {
    let ours = ours(
        r#"{"action": "AddThing", "method": "GET",
            "query": [["Name", "a+b"], ["Doc", "{\"a\":1,\"b\":2}"]],
            "body": []}"#,
    );
    let report = compare(&capture(SDK), &[ours]);
    assert!(!report.is_identical());
    assert_eq!(report.different(), 1);
    assert_eq!(report.identical, 0);
    let rows: Vec<(&str, &str, &str, &str)> = report
        .differences
        .iter()
        .map(|d| (&*d.place, &*d.name, &*d.ours, &*d.sdk))
        .collect();
    assert_eq!(
        rows,
        [
            ("body", "Doc", "-", "{\"a\":1,\"b\":2}"),
            ("method", "", "GET", "POST"),
            ("query", "Doc", "{\"a\":1,\"b\":2}", "-"),
            ("query", "Name", "a+b", "a b"),
            ("query", "Tag.1.Key", "-", "k"),
        ]
    );
    let table = report.table();
    assert!(table.starts_with("action"), "{table}");
    assert!(table.contains("AddThing  query   Name"), "{table}");
}

#[test]
fn repeated_names_keep_their_order_and_errors_count_as_differences() {
    let sdk = capture(
        r#"{"metadata": "m", "cases": {
            "A": {"input": {"X": [1, 2]}, "method": "GET", "query": [["X", "1"], ["X", "2"]]},
            "B": {"input": {}, "error": "boom"},
            "C": {"input": {}, "method": "GET"}
        }}"#,
    );
    let lines = [
        ours(r#"{"action": "A", "method": "GET", "query": [["X", "2"], ["X", "1"]]}"#),
        ours(r#"{"action": "B", "method": "GET"}"#),
    ];
    let report = compare(&sdk, &lines);
    let places: Vec<(&str, &str)> = report
        .differences
        .iter()
        .map(|d| (&*d.action, &*d.place))
        .collect();
    assert_eq!(places, [("A", "query"), ("B", "error"), ("C", "error")]);
}

#[test]
fn json_values_equal_up_to_key_order_are_noted_not_failed() {
    let ours = ours(
        r#"{"action": "AddThing", "method": "POST",
            "query": [["Name", "a b"], ["Tag.1.Key", "k"]],
            "body": [["Doc", "{\"b\":2,\"a\":1}"]]}"#,
    );
    let report = compare(&capture(SDK), &[ours]);
    assert!(report.is_identical(), "{}", report.table());
    assert_eq!(report.json_equivalent.len(), 1);
}

#[test]
fn python_boolean_spelling_is_reported_apart_and_nothing_else_is_waived() {
    let sdk = r#"{"metadata": "m", "sdk": {}, "cases": {"A": {"input": {"On": true, "N": "x"},
        "method": "GET", "query": [["On", "True"], ["N", "x"]], "body": []}}}"#;
    let ours = |n: &str| -> Ours {
        serde_json::from_str(&format!(
            r#"{{"action": "A", "method": "GET", "query": [["On", "true"], ["N", "{n}"]], "body": []}}"#
        ))
        .expect("ours")
    };
    let capture: Capture = serde_json::from_str(sdk).expect("capture");
    let report = compare(&capture, &[ours("x")]);
    assert!(report.is_identical(), "{}", report.table());
    assert_eq!(report.boolean_spelling.len(), 1);
    let report = compare(&capture, &[ours("TRUE")]);
    assert!(!report.is_identical(), "a real difference still counts");
}

#[test]
fn the_wire_dump_source_has_one_arm_per_action() {
    let names = [(
        "AddLiveDomain".to_owned(),
        "add_live_domain".to_owned(),
        "AddLiveDomainInput".to_owned(),
    )];
    let source = wire_dump_source("aliyun_live", &names);
    assert!(source.contains(
        "\"AddLiveDomain\" => dump!(client, input, \
         aliyun_live::operations::add_live_domain::AddLiveDomainInput, \
         aliyun_live::operations::add_live_domain::OPERATION),"
    ));
    assert!(!source.contains("// ARMS"));
    assert!(syn_free_balance(&source), "unbalanced braces:\n{source}");
}

/// A cheap well-formedness check: braces and parentheses balance.
fn syn_free_balance(source: &str) -> bool {
    let count = |open: char, close: char| {
        source.chars().filter(|c| *c == open).count()
            == source.chars().filter(|c| *c == close).count()
    };
    count('{', '}') && count('(', ')')
}

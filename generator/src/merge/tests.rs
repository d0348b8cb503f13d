//! Unit tests of the metadata merge on small hand-made copies.

use serde_json::{Value as Json, json};

use super::{ConflictKind, merge};

fn doc(apis: Json) -> String {
    json!({
        "info": {"style": "RPC", "product": "demo", "version": "2020-01-01"},
        "apis": apis,
        "endpoints": [],
    })
    .to_string()
}

fn older() -> String {
    doc(json!({
        "Kept": {
            "methods": ["get"],
            "summary": "Kept summary",
            "description": "Kept. 本接口的单用户QPS限制为20次/秒。",
            "errorCodes": {"400": [{"errorCode": "Bad", "errorMessage": "bad"}]},
            "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}},
            "parameters": [
                {"name": "A", "in": "query", "schema": {"type": "string", "required": true, "description": "A docs", "example": "a-1", "enum": ["x", "y"]}},
                {"name": "B", "in": "query", "schema": {"type": "integer", "format": "int32", "required": false, "description": "B docs"}},
                {"name": "Gone", "in": "query", "schema": {"type": "string", "required": false}},
                {"name": "L", "in": "query", "style": "repeatList", "schema": {"type": "array", "required": false, "items": {"type": "object", "properties": {"K": {"type": "string", "description": "K docs"}}}}}
            ]
        },
        "Dropped": {"methods": ["get"], "parameters": []}
    }))
}

fn newer() -> String {
    doc(json!({
        "Kept": {
            "methods": ["get", "post"],
            "parameters": [
                {"name": "A", "in": "query", "schema": {"type": "string", "required": true, "enum": ["x", "y", "z"]}},
                {"name": "B", "in": "query", "schema": {"type": "integer", "format": "int64", "required": true}},
                {"name": "New", "in": "query", "schema": {"type": "string", "required": false}},
                {"name": "L", "in": "query", "style": "repeatList", "schema": {"type": "array", "required": false, "items": {"type": "object", "properties": {"K": {"type": "string"}}}}}
            ]
        },
        "Fresh": {"methods": ["get"], "parameters": [{"name": "C", "in": "query", "schema": {"type": "string", "required": true}}]}
    }))
}

#[test]
fn wire_facts_come_from_the_newer_copy_and_docs_from_the_older() {
    let (text, report) = merge(&newer(), &older()).expect("merges");
    let merged: Json = serde_json::from_str(&text).expect("JSON");
    let kept = &merged["apis"]["Kept"];
    assert_eq!(kept["methods"], json!(["get", "post"]));
    assert_eq!(kept["summary"], json!("Kept summary"));
    assert_eq!(kept["errorCodes"]["400"][0]["errorCode"], json!("Bad"));
    assert!(
        kept["description"]
            .as_str()
            .expect("present")
            .contains("QPS")
    );
    let a = &kept["parameters"][0]["schema"];
    assert_eq!(a["enum"], json!(["x", "y", "z"]));
    assert_eq!(a["description"], json!("A docs"));
    assert_eq!(a["example"], json!("a-1"));
    let b = &kept["parameters"][1]["schema"];
    assert_eq!(
        (b["format"].clone(), b["required"].clone()),
        (json!("int64"), json!(true))
    );
    assert_eq!(
        kept["parameters"][3]["schema"]["items"]["properties"]["K"]["description"],
        json!("K docs")
    );
    assert!(kept["parameters"][2]["schema"].get("description").is_none());
    // Nothing is invented for the operation only the newer copy has.
    assert_eq!(
        merged["apis"]["Fresh"],
        serde_json::from_str::<Json>(&newer()).expect("present")["apis"]["Fresh"]
    );
    assert!(merged["apis"].get("Dropped").is_none());
    assert_eq!(report.merged, ["Kept"]);
    assert_eq!(report.new_only, ["Fresh"]);
    assert_eq!(report.dropped, ["Dropped"]);
    assert_eq!(
        (report.documented_params, report.undocumented_params),
        (3, 1)
    );
}

#[test]
fn every_conflict_is_reported() {
    let (_, report) = merge(&newer(), &older()).expect("merges");
    let found: Vec<(Option<&str>, ConflictKind)> = report
        .conflicts
        .iter()
        .map(|c| (c.parameter.as_deref(), c.kind))
        .collect();
    for expected in [
        (None, ConflictKind::OperationDropped),
        (None, ConflictKind::MethodsChanged),
        (Some("A"), ConflictKind::EnumChanged),
        (Some("B"), ConflictKind::TypeChanged),
        (Some("B"), ConflictKind::RequiredChanged),
        (Some("New"), ConflictKind::ParameterAdded),
        (Some("Gone"), ConflictKind::ParameterRemoved),
    ] {
        assert!(
            found.contains(&expected),
            "{expected:?} missing from {found:?}"
        );
    }
    assert_eq!(report.conflicts.len(), 7, "{:#?}", report.conflicts);
    let enum_change = report
        .conflicts
        .iter()
        .find(|c| c.kind == ConflictKind::EnumChanged)
        .expect("present");
    assert_eq!(enum_change.detail, "gained [\"z\"], lost []");
    assert!(report.summary().starts_with("merge: 1 operations merged, 1 new (undocumented), 1 dropped; 3 parameters documented, 1 not; 7 conflicts ("));
}

#[test]
fn different_apis_are_refused() {
    let other = older().replace("\"demo\"", "\"other\"");
    let err = merge(&newer(), &other).expect_err("refused").to_string();
    assert!(err.contains("`info.product`"), "{err}");
    assert!(
        merge("{", &older())
            .expect_err("refused")
            .to_string()
            .contains("newer copy")
    );
}

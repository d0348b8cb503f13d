//! ROA (RESTful) wire conformance: what `tests/python/roa_wire_capture.py` recorded an
//! official ROA SDK sending, against what our client prepares for the same inputs.
//!
//! Per action, beyond the method: the path byte for byte (its percent-encoding is the
//! point), the decoded query pairs, every header either side signs (names, and values
//! where they do not differ by construction), and the body value by value: a JSON body
//! is flattened into `(body.field.1.name, JSON value)` leaves so a difference names the
//! exact field; a form body is compared as decoded pairs. Drift facts leave out what they
//! name (a parameter, or one nested field the SDK's model drops) on both sides.
//!
//! What remains different by design is counted apart, never silently: headers only the
//! SDK signs ([`SDK_ARTEFACT_HEADERS`]), values that differ by construction
//! ([`UNCOMPARED_HEADER_VALUES`]), `[]` for lists of models the SDK knows but this
//! metadata does not (its `to_map` writes them unset), bodies equal value by value but
//! not byte for byte (the SDK's models write fields in alphabetical order, livegen in the
//! metadata's), and booleans spelled as Python's `str()`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Capture, Ours, Report, SdkCase, compare_pairs, compare_with, difference};
use livegen_runtime::signing::encode::decode_query;

/// Headers the SDK signs that no fact of the API asks for, each with why: SDK artefacts.
pub const SDK_ARTEFACT_HEADERS: &[(&str, &str)] = &[(
    "x-acs-credentials-provider",
    "the name of the Python SDK's credentials provider class (`static_ak`), telemetry \
     added by alibabacloud-tea-openapi 0.4; the service does not read it",
)];

/// Signed headers whose values differ by construction, each with why; their names are
/// still compared.
pub const UNCOMPARED_HEADER_VALUES: &[(&str, &str)] = &[
    (
        "host",
        "the capture server's port against wire-dump's placeholder endpoint",
    ),
    ("user-agent", "each client names itself"),
    ("x-acs-date", "the clock"),
    ("x-acs-signature-nonce", "random for every request"),
    (
        "x-acs-content-sha256",
        "the body's hash: compared whenever the bodies are byte-identical",
    ),
];

/// The headers that describe a body, left out with a body only the SDK sends.
const BODY_HEADERS: &[&str] = &["content-type", "x-acs-content-sha256"];

/// Compares our ROA requests with the SDK's, action by action.
pub fn compare(capture: &Capture, ours: &[Ours]) -> Report {
    compare_with(capture, ours, compare_case)
}

/// `ACK 2015-12-15: 117 operations, … identical, …`: the report's counts, ROA style.
pub fn summary(report: &Report, label: &str) -> String {
    format!(
        "ROA {label}: {} operations, {} identical, {} different, {} drift facts, {} missing \
         in the SDK, {} bodies equal only value by value, {} booleans spelled as Python's \
         str(), {} SDK artefacts (headers only the SDK signs, unset lists its models write as \
         []), {} SDK-added pairs",
        report.operations,
        report.identical,
        report.different(),
        report.drift.len(),
        report.missing_in_sdk.len(),
        report.json_equivalent.len(),
        report.boolean_spelling.len(),
        report.sdk_artefacts.len(),
        report.sdk_added.len(),
    )
}

fn compare_case(action: &str, sdk: &SdkCase, ours: Option<&Ours>, report: &mut Report) {
    let Some(ours) = super::request_pair(action, sdk, ours, report) else {
        return;
    };
    let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| "-".into());
    if ours.path != sdk.path {
        report.differences.push(difference(
            action,
            "path",
            "",
            show(ours.path.as_ref()),
            show(sdk.path.as_ref()),
        ));
    }
    let params: BTreeSet<&str> = sdk
        .input
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    // A drift fact leaves out exactly what it names: a whole parameter, or one field.
    let ignored: BTreeSet<&str> = sdk.drift.iter().map(|d| d.path.as_str()).collect();
    compare_pairs(
        action,
        "query",
        (&ours.query, &sdk.query),
        &params,
        &ignored,
        report,
    );
    // A body the SDK sends though the metadata has no body parameter (its model knows
    // fields of another revision of the API) is in `sdk_added`; with it go the headers
    // that describe it.
    let sdk_only_body = ours.raw_body.is_none()
        && ours.body.is_empty()
        && sdk.sdk_added.iter().any(|added| added["place"] == "body");
    let identical_bodies =
        sdk_only_body || compare_body(action, sdk, ours, &params, &ignored, report);
    compare_headers(action, sdk, ours, identical_bodies, sdk_only_body, report);
}

/// Compares the bodies; true when they are byte-identical.
fn compare_body(
    action: &str,
    sdk: &SdkCase,
    ours: &Ours,
    params: &BTreeSet<&str>,
    ignored: &BTreeSet<&str>,
    report: &mut Report,
) -> bool {
    let sdk_text = sdk.raw_body.as_deref().unwrap_or("");
    let is_form = sdk
        .headers
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form || !ours.body.is_empty() {
        let theirs = decode_query(sdk_text).unwrap_or_default();
        compare_pairs(
            action,
            "body",
            (&ours.body, &theirs),
            params,
            ignored,
            report,
        );
        return false;
    }
    let our_text = ours.raw_body.as_deref().unwrap_or("");
    if our_text == sdk_text {
        return true;
    }
    let name = sdk.body_param.as_deref().unwrap_or("body");
    let (Ok(a), Ok(b)) = (
        serde_json::from_str::<Value>(our_text),
        serde_json::from_str::<Value>(sdk_text),
    ) else {
        report.differences.push(difference(
            action,
            "body",
            name,
            our_text.to_owned(),
            sdk_text.to_owned(),
        ));
        return false;
    };
    let ours_leaves = leaves(name, &a);
    let mut sdk_leaves = leaves(name, &b);
    // The Python SDK's models write a list of models they know as `[]` even when unset
    // (`to_map` starts every such field with an empty list); those fields are not in this
    // metadata, so our input never has them. An SDK artefact, named, never a pass for a
    // value we fail to send: only `[]` where we have nothing at or under that path.
    sdk_leaves.retain(|(path, value)| {
        let unset_list = value == "[]"
            && !ours_leaves
                .iter()
                .any(|(ours, _)| super::belongs(ours, path));
        if unset_list {
            report.sdk_artefacts.push(difference(
                action,
                "body",
                path,
                "-".into(),
                format!("{value} (an unset list of the SDK's model)"),
            ));
        }
        !unset_list
    });
    let before = report.differences.len();
    compare_pairs(
        action,
        "body",
        (&ours_leaves, &sdk_leaves),
        params,
        ignored,
        report,
    );
    if report.differences.len() == before {
        report.json_equivalent.push(difference(
            action,
            "body",
            name,
            our_text.to_owned(),
            sdk_text.to_owned(),
        ));
    }
    false
}

/// Compares the signed header lists and the values that are comparable.
fn compare_headers(
    action: &str,
    sdk: &SdkCase,
    ours: &Ours,
    identical_bodies: bool,
    sdk_only_body: bool,
    report: &mut Report,
) {
    let our_value = |name: &str| {
        ours.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let our_signed = our_value("authorization")
        .map(|auth| signed_headers(&auth))
        .unwrap_or_default();
    let names: BTreeSet<&str> = our_signed
        .iter()
        .map(String::as_str)
        .chain(sdk.signed_headers.iter().map(String::as_str))
        .collect();
    for name in names {
        let ours_signs = our_signed.iter().any(|n| n == name);
        let sdk_signs = sdk.signed_headers.iter().any(|n| n == name);
        let (a, b) = (our_value(name), sdk.headers.get(name).cloned());
        let show = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        if !ours_signs && SDK_ARTEFACT_HEADERS.iter().any(|(n, _)| *n == name) {
            report
                .sdk_artefacts
                .push(difference(action, "header", name, "-".into(), show(b)));
            continue;
        }
        if sdk_only_body && BODY_HEADERS.contains(&name) {
            continue;
        }
        let skip_value = UNCOMPARED_HEADER_VALUES
            .iter()
            .any(|(n, _)| *n == name && !(name == "x-acs-content-sha256" && identical_bodies));
        if ours_signs != sdk_signs || (!skip_value && a != b) {
            let mark = |signs: bool, v: Option<String>| {
                if signs {
                    show(v)
                } else {
                    format!("not signed: {}", show(v))
                }
            };
            report.differences.push(difference(
                action,
                "header",
                name,
                mark(ours_signs, a),
                mark(sdk_signs, b),
            ));
        }
    }
}

/// The `SignedHeaders=` list of a V3 `authorization` header.
fn signed_headers(authorization: &str) -> Vec<String> {
    authorization
        .split(',')
        .find_map(|part| part.trim().strip_prefix("SignedHeaders="))
        .map(|list| list.split(';').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A JSON document as `(path, compact JSON of the leaf)` pairs, paths starting at
/// `prefix`, object fields by name and list items from 1; empty lists and objects are
/// leaves.
fn leaves(prefix: &str, value: &Value) -> Vec<(String, String)> {
    fn walk(path: String, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(fields) if !fields.is_empty() => {
                for (name, field) in fields {
                    walk(format!("{path}.{name}"), field, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    walk(format!("{path}.{}", i + 1), item, out);
                }
            }
            leaf => out.push((path, leaf.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(prefix.to_owned(), value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_name_every_field_and_item() {
        let value: Value =
            serde_json::from_str(r#"{"a":[{"k":"v"},2],"b":{},"c":null}"#).expect("json");
        assert_eq!(
            leaves("body", &value),
            [
                ("body.a.1.k".to_owned(), "\"v\"".to_owned()),
                ("body.a.2".to_owned(), "2".to_owned()),
                ("body.b".to_owned(), "{}".to_owned()),
                ("body.c".to_owned(), "null".to_owned()),
            ]
        );
    }

    #[test]
    fn signed_header_list_is_read_from_authorization() {
        let auth =
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;x-acs-date,Signature=00";
        assert_eq!(signed_headers(auth), ["accept", "host", "x-acs-date"]);
        assert!(signed_headers("garbage").is_empty());
    }
}

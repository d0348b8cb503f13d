//! Wire conformance with the official SDK: what `tests/python/wire_capture.py` recorded the
//! SDK sending, against what our client prepares for the same inputs.
//!
//! The SDK side is a `cases.json` ([`Capture`]); our side is the JSON lines of the
//! `wire-dump` binary the conformance test adds to a generated crate ([`Ours`],
//! [`wire_dump_source`]). [`compare`] decides, per action: the same HTTP method, and the
//! same decoded `(name, value)` pairs in the query and in the form body, each list sorted
//! by name (stable, so repeated names keep their order; the signature sorts anyway).
//! Parameters the SDK does not know or does not send (drift facts) are left out on both
//! sides, as are the protocol's own parameters.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Deserialize;
use serde_json::Value;

/// Names a signature protocol may add to the query or body by itself (the runtime's one
/// list, [`livegen_runtime::protocol`], and the `RegionId` the SDK's client adds); ignored
/// unless the operation has a parameter of that name. `wire_capture.py` reads the same
/// names from its command line.
pub fn protocol_names() -> Vec<&'static str> {
    livegen_runtime::protocol::PROTOCOL_PARAMS
        .iter()
        .map(|p| p.name)
        .chain(["RegionId"])
        .collect()
}

/// A `cases.json` written by `wire_capture.py`.
#[derive(Debug, Clone, Deserialize)]
pub struct Capture {
    /// The metadata file's name.
    pub metadata: String,
    /// Package → version of the SDK that sent the requests.
    #[serde(default)]
    pub sdk: BTreeMap<String, String>,
    /// Action → what the SDK sent.
    pub cases: BTreeMap<String, SdkCase>,
    /// Operations of the metadata the SDK has no method for.
    #[serde(default)]
    pub missing_in_sdk: Vec<String>,
}

/// One operation as the SDK sent it.
#[derive(Debug, Clone, Deserialize)]
pub struct SdkCase {
    /// The input, keyed by wire names (drifted parameters included).
    pub input: Value,
    /// HTTP method (absent when the SDK failed).
    #[serde(default)]
    pub method: Option<String>,
    /// Decoded query pairs, in sending order.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Decoded form-body pairs, in sending order.
    #[serde(default)]
    pub body: Vec<(String, String)>,
    /// Where the metadata and the SDK disagree.
    #[serde(default)]
    pub drift: Vec<Drift>,
    /// Pairs the SDK sent that no parameter of the metadata explains.
    #[serde(default)]
    pub sdk_added: Vec<Value>,
    /// Why the SDK could not send the request.
    #[serde(default)]
    pub error: Option<String>,
    /// The path as sent (percent-encoded).
    #[serde(default)]
    pub path: Option<String>,
    /// Every header as received, lower-case names (`roa_wire_capture.py`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The header names the signature covers, from `SignedHeaders` (`roa_wire_capture.py`).
    #[serde(default)]
    pub signed_headers: Vec<String>,
    /// The body as sent.
    #[serde(default)]
    pub raw_body: Option<String>,
    /// The wire name of the operation's body parameter, if it has one (`roa_wire_capture.py`).
    #[serde(default)]
    pub body_param: Option<String>,
}

/// A disagreement between the metadata and the SDK.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Drift {
    /// `param-unknown-to-sdk`, `field-unknown-to-sdk` or `not-sent-by-sdk`.
    pub kind: String,
    /// The top-level wire parameter; all of its pairs are left out of the comparison.
    pub param: String,
    /// Where inside the parameter, e.g. `Tag.1.Key`.
    #[serde(default)]
    pub path: String,
}

/// One operation as our client prepared it: a line of `wire-dump`'s output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Ours {
    /// The action.
    pub action: String,
    /// HTTP method (absent on error).
    #[serde(default)]
    pub method: Option<String>,
    /// Decoded query pairs.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Decoded form-body pairs.
    #[serde(default)]
    pub body: Vec<(String, String)>,
    /// The path as sent (percent-encoded).
    #[serde(default)]
    pub path: Option<String>,
    /// Every header, lower-case names, in sending order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// A body that is not a form (a ROA JSON body), as sent.
    #[serde(default)]
    pub raw_body: Option<String>,
    /// Why the input did not deserialize or the request could not be prepared.
    #[serde(default)]
    pub error: Option<String>,
}

/// One way our request differs from the SDK's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The action.
    pub action: String,
    /// `method`, `query`, `body` or `error`.
    pub place: String,
    /// The parameter's wire name (empty for `method` and `error`).
    pub name: String,
    /// Our values (joined with ` | ` when repeated), `-` when absent.
    pub ours: String,
    /// The SDK's values, likewise.
    pub sdk: String,
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Operations the SDK sent (the compared set).
    pub operations: usize,
    /// Operations without any difference.
    pub identical: usize,
    /// Every difference, sorted by action, place and name.
    pub differences: Vec<Difference>,
    /// Values that differ as text but are equal JSON (object key order); not failures.
    pub json_equivalent: Vec<Difference>,
    /// Booleans the Python SDK spells `True`/`False` (its `str()` of a `bool`) where we
    /// send `true`/`false`, as the official Java, Go and TypeScript SDKs do; not failures.
    pub boolean_spelling: Vec<Difference>,
    /// Headers only the SDK signs, each an SDK artefact named in
    /// [`roa::SDK_ARTEFACT_HEADERS`]; not failures.
    pub sdk_artefacts: Vec<Difference>,
    /// Drift facts recorded by the capture.
    pub drift: Vec<(String, Drift)>,
    /// Operations of the metadata the SDK does not have (not compared).
    pub missing_in_sdk: Vec<String>,
    /// Pairs only the SDK sends, unexplained by the metadata (not compared).
    pub sdk_added: Vec<(String, Value)>,
}

impl Report {
    /// Actions with at least one difference.
    pub fn different(&self) -> usize {
        self.differences
            .iter()
            .map(|d| d.action.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// True when nothing differs.
    pub fn is_identical(&self) -> bool {
        self.differences.is_empty()
    }

    /// `official 2025-12: 417 operations, 417 identical, 0 different, 0 drift facts, …`.
    pub fn summary(&self, label: &str) -> String {
        format!(
            "official {label}: {} operations, {} identical, {} different, {} drift facts, \
             {} missing in the SDK, {} values equal only as JSON, {} booleans spelled as \
             Python's str(), {} SDK-added pairs",
            self.operations,
            self.identical,
            self.different(),
            self.drift.len(),
            self.missing_in_sdk.len(),
            self.json_equivalent.len(),
            self.boolean_spelling.len(),
            self.sdk_added.len(),
        )
    }

    /// The differences as an aligned table (action, place, name, ours, SDK).
    pub fn table(&self) -> String {
        table(&self.differences)
    }
}

/// `rows` as an aligned text table with a header.
pub fn table(rows: &[Difference]) -> String {
    let header = ["action", "place", "name", "ours", "SDK"];
    let cells: Vec<[&str; 5]> = rows
        .iter()
        .map(|d| [&*d.action, &*d.place, &*d.name, &*d.ours, &*d.sdk])
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&cells) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// Compares our requests with the SDK's, action by action.
pub fn compare(capture: &Capture, ours: &[Ours]) -> Report {
    compare_with(capture, ours, compare_case)
}

/// One case's comparison: adds its differences to the report.
pub(crate) type CaseCheck = fn(&str, &SdkCase, Option<&Ours>, &mut Report);

/// Runs `check` on every captured case; counts, drift, SDK additions and sorting.
pub(crate) fn compare_with(capture: &Capture, ours: &[Ours], check: CaseCheck) -> Report {
    let ours: BTreeMap<&str, &Ours> = ours.iter().map(|o| (o.action.as_str(), o)).collect();
    let mut report = Report {
        operations: capture.cases.len(),
        missing_in_sdk: capture.missing_in_sdk.clone(),
        ..Report::default()
    };
    for (action, sdk) in &capture.cases {
        report
            .drift
            .extend(sdk.drift.iter().map(|d| (action.clone(), d.clone())));
        report
            .sdk_added
            .extend(sdk.sdk_added.iter().map(|v| (action.clone(), v.clone())));
        let before = report.differences.len();
        check(action, sdk, ours.get(action.as_str()).copied(), &mut report);
        if report.differences.len() == before {
            report.identical += 1;
        }
    }
    report
        .differences
        .sort_by(|a, b| (&a.action, &a.place, &a.name).cmp(&(&b.action, &b.place, &b.name)));
    report
}

/// A [`Difference`] of `action`.
pub(crate) fn difference(
    action: &str,
    place: &str,
    name: &str,
    ours: String,
    sdk: String,
) -> Difference {
    Difference {
        action: action.to_owned(),
        place: place.to_owned(),
        name: name.to_owned(),
        ours,
        sdk,
    }
}

/// What every comparison checks first: either side failed, then the method. Returns our
/// request when both sides have one to compare.
pub(crate) fn request_pair<'a>(
    action: &str,
    sdk: &SdkCase,
    ours: Option<&'a Ours>,
    report: &mut Report,
) -> Option<&'a Ours> {
    let diff = |ours: String, sdk: String| difference(action, "error", "", ours, sdk);
    if let Some(error) = &sdk.error {
        report
            .differences
            .push(diff("-".into(), format!("SDK failed: {error}")));
        return None;
    }
    let Some(ours) = ours else {
        report
            .differences
            .push(diff("no output from wire-dump".into(), "-".into()));
        return None;
    };
    if let Some(error) = &ours.error {
        report.differences.push(diff(error.clone(), "-".into()));
        return None;
    }
    if ours.method != sdk.method {
        report.differences.push(difference(
            action,
            "method",
            "",
            ours.method.clone().unwrap_or_else(|| "-".into()),
            sdk.method.clone().unwrap_or_else(|| "-".into()),
        ));
    }
    Some(ours)
}

fn compare_case(action: &str, sdk: &SdkCase, ours: Option<&Ours>, report: &mut Report) {
    let Some(ours) = request_pair(action, sdk, ours, report) else {
        return;
    };
    if let Some(text) = &ours.raw_body {
        report.differences.push(difference(
            action,
            "body",
            "",
            format!("not a form: {text}"),
            "-".into(),
        ));
    }
    let params: BTreeSet<&str> = sdk
        .input
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let ignored: BTreeSet<&str> = sdk.drift.iter().map(|d| d.param.as_str()).collect();
    for (place, our_pairs, sdk_pairs) in [
        ("query", &ours.query, &sdk.query),
        ("body", &ours.body, &sdk.body),
    ] {
        compare_pairs(
            action,
            place,
            (our_pairs, sdk_pairs),
            &params,
            &ignored,
            report,
        );
    }
}

/// Decoded `(name, value)` pairs of one place of a request.
pub(crate) type Pairs = [(String, String)];

/// Compares `(ours, sdk)` pairs of one place, value by value, leaving out protocol names
/// the operation lacks (`params`) and what drift facts name (`ignored`).
pub(crate) fn compare_pairs(
    action: &str,
    place: &str,
    (our_pairs, sdk_pairs): (&Pairs, &Pairs),
    params: &BTreeSet<&str>,
    ignored: &BTreeSet<&str>,
    report: &mut Report,
) {
    let ours = grouped(our_pairs, params, ignored);
    let theirs = grouped(sdk_pairs, params, ignored);
    let names: BTreeSet<&str> = ours.keys().chain(theirs.keys()).copied().collect();
    for name in names {
        let (a, b) = (ours.get(name), theirs.get(name));
        if a == b {
            continue;
        }
        let show = |v: Option<&Vec<&str>>| v.map_or_else(|| "-".to_owned(), |v| v.join(" | "));
        let d = difference(action, place, name, show(a), show(b));
        if json_equal(a, b) {
            report.json_equivalent.push(d);
        } else if boolean_spelling(a, b) {
            report.boolean_spelling.push(d);
        } else {
            report.differences.push(d);
        }
    }
}

/// The pairs that take part in the comparison, values grouped by name in sending order.
fn grouped<'a>(
    pairs: &'a [(String, String)],
    params: &BTreeSet<&str>,
    ignored: &BTreeSet<&str>,
) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        let name = name.as_str();
        if protocol_names().contains(&name) && !params.contains(name) {
            continue;
        }
        if ignored.iter().any(|p| belongs(name, p)) {
            continue;
        }
        out.entry(name).or_default().push(value);
    }
    out
}

/// `Tag.1.Key` belongs to the parameter `Tag`.
pub(crate) fn belongs(name: &str, param: &str) -> bool {
    name == param
        || name
            .strip_prefix(param)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Ours `true`/`false` where the Python SDK sent `True`/`False`, value by value.
fn boolean_spelling(a: Option<&Vec<&str>>, b: Option<&Vec<&str>>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(ours, sdk)| {
            ours == sdk || matches!((*ours, *sdk), ("true", "True") | ("false", "False"))
        })
}

fn json_equal(a: Option<&Vec<&str>>, b: Option<&Vec<&str>>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            match (
                serde_json::from_str::<Value>(x),
                serde_json::from_str::<Value>(y),
            ) {
                (Ok(x), Ok(y)) => (x.is_object() || x.is_array()) && x == y,
                _ => false,
            }
        })
}

/// The source of `src/bin/wire-dump.rs` for a generated crate named `crate_ident` (as a
/// Rust path, e.g. `aliyun_live`) with these actions.
///
/// `wire-dump CASES_JSON` deserializes each case's input into the typed input, prepares
/// the request with fake keys against `http://127.0.0.1:9` (nothing is sent) and prints
/// one JSON line per action: `{"action", "method", "query", "body"}` or `{"action", "error"}`.
pub fn wire_dump_source(crate_ident: &str, actions: &[(String, String, String)]) -> String {
    let mut arms = String::new();
    for (action, module, input) in actions {
        let path = format!("{crate_ident}::operations::{module}");
        let _ = writeln!(
            arms,
            "            {action:?} => dump!(client, input, {path}::{input}, {path}::OPERATION),"
        );
    }
    WIRE_DUMP.replace("            // ARMS\n", &arms)
}

/// The `wire-dump` program; `// ARMS` marks where the match arms go.
const WIRE_DUMP: &str = include_str!("conformance/wire_dump.rs");

/// The template compiles as it stands, so clippy checks it with the tests; without its
/// arms, `main` is unused and its `match` has one arm.
#[cfg(test)]
#[path = "conformance/wire_dump.rs"]
#[allow(
    dead_code,
    unused_macros,
    unused_variables,
    clippy::match_single_binding
)]
mod wire_dump_template;

pub mod roa;
pub mod run;

#[cfg(test)]
mod tests;

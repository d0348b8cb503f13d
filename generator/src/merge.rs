//! Merging two copies of one API's official metadata (`api-docs` JSON) before import:
//! wire facts from the newer copy, documentation from the older one.
//!
//! Alibaba publishes metadata that drifts: a newer copy may add operations and change
//! parameters but carry no prose, an older one has descriptions, examples, response
//! schemas, error codes and the QPS limit (in the description's prose). [`merge`] keeps
//! the newer copy's operations, parameters, locations, styles, types, enumerations,
//! required flags, methods and endpoints, and copies the documentation from the older copy
//! wherever the operation (and, for parameter docs, the parameter) still exists. Nothing
//! is invented for an operation only the newer copy has. Every difference between the two
//! copies' wire facts is reported as a [`Conflict`]; operations the newer copy dropped are
//! listed and not merged.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json};

use crate::import::ImportError;

/// Operation-level fields that document rather than describe the wire: taken from the
/// older copy when the operation exists in both.
pub const OPERATION_DOC_FIELDS: &[&str] = &[
    "title",
    "summary",
    "description",
    "responses",
    "errorCodes",
    "responseDemo",
    "systemTags",
    "requestParamsDescription",
    "responseParamsDescription",
    "extraInfo",
];

/// Schema-level fields that document a parameter (or a nested property): taken from the
/// older copy when the parameter exists in both.
pub const SCHEMA_DOC_FIELDS: &[&str] = &["title", "description", "example"];

/// What kind of difference a [`Conflict`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConflictKind {
    /// The operation is in the older copy only: it is not generated.
    OperationDropped,
    /// The HTTP methods differ.
    MethodsChanged,
    /// A parameter is new in the newer copy (it gets no older docs).
    ParameterAdded,
    /// A parameter of the older copy is gone.
    ParameterRemoved,
    /// The schema type or format differs.
    TypeChanged,
    /// The enumeration differs (values gained or lost).
    EnumChanged,
    /// The required flag differs.
    RequiredChanged,
    /// The location (`in`) or wire style differs.
    LocationChanged,
}

impl ConflictKind {
    /// A short label for reports.
    pub fn label(self) -> &'static str {
        match self {
            ConflictKind::OperationDropped => "operation dropped",
            ConflictKind::MethodsChanged => "methods changed",
            ConflictKind::ParameterAdded => "parameter added",
            ConflictKind::ParameterRemoved => "parameter removed",
            ConflictKind::TypeChanged => "type changed",
            ConflictKind::EnumChanged => "enum changed",
            ConflictKind::RequiredChanged => "required changed",
            ConflictKind::LocationChanged => "location or style changed",
        }
    }
}

/// One difference between the two copies' wire facts; the newer copy's fact is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The operation.
    pub action: String,
    /// The parameter (dotted for nested properties), if the conflict is about one.
    pub parameter: Option<String>,
    /// What differs.
    pub kind: ConflictKind,
    /// Older → newer, in words.
    pub detail: String,
}

/// What [`merge`] did, for the person running it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Operations in both copies: newer wire facts, older docs.
    pub merged: Vec<String>,
    /// Operations only the newer copy has: wire facts only, nothing invented.
    pub new_only: Vec<String>,
    /// Operations only the older copy has: not generated.
    pub dropped: Vec<String>,
    /// Parameters (top-level) that received documentation from the older copy.
    pub documented_params: usize,
    /// Parameters (top-level) of merged operations with no counterpart in the older copy.
    pub undocumented_params: usize,
    /// Every difference between the two copies' wire facts.
    pub conflicts: Vec<Conflict>,
}

impl MergeReport {
    /// Conflict counts per kind.
    pub fn counts(&self) -> BTreeMap<ConflictKind, usize> {
        let mut counts = BTreeMap::new();
        for c in &self.conflicts {
            *counts.entry(c.kind).or_insert(0) += 1;
        }
        counts
    }

    /// The one-line summary printed last.
    pub fn summary(&self) -> String {
        let kinds: Vec<String> = self
            .counts()
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.label()))
            .collect();
        format!(
            "merge: {} operations merged, {} new (undocumented), {} dropped; {} parameters documented, {} not; {} conflicts ({})",
            self.merged.len(),
            self.new_only.len(),
            self.dropped.len(),
            self.documented_params,
            self.undocumented_params,
            self.conflicts.len(),
            if kinds.is_empty() {
                "none".to_owned()
            } else {
                kinds.join(", ")
            }
        )
    }
}

/// Merges the `older` copy's documentation into the `newer` copy (both `api-docs` JSON
/// texts) and returns the merged metadata (JSON text) with the report.
///
/// # Errors
///
/// When either text is not JSON metadata, or the two describe different products or
/// API versions.
pub fn merge(newer: &str, older: &str) -> Result<(String, MergeReport), ImportError> {
    let mut new_doc: Json =
        serde_json::from_str(newer).map_err(|e| ImportError::Json(format!("newer copy: {e}")))?;
    let old_doc: Json =
        serde_json::from_str(older).map_err(|e| ImportError::Json(format!("older copy: {e}")))?;
    for key in ["product", "version"] {
        let a = new_doc.pointer(&format!("/info/{key}"));
        let b = old_doc.pointer(&format!("/info/{key}"));
        if a != b {
            return Err(ImportError::Merge(format!(
                "the two copies describe different APIs: `info.{key}` is {} in the newer copy and {} in the older",
                show(a),
                show(b)
            )));
        }
    }
    let old_apis = old_doc
        .get("apis")
        .and_then(Json::as_object)
        .ok_or(ImportError::NotMetadata("`apis` object (older copy)"))?;
    let new_apis = new_doc
        .get_mut("apis")
        .and_then(Json::as_object_mut)
        .ok_or(ImportError::NotMetadata("`apis` object (newer copy)"))?;
    let mut report = MergeReport::default();
    let new_names: BTreeSet<String> = new_apis.keys().cloned().collect();
    for name in old_apis.keys().filter(|n| !new_names.contains(*n)) {
        report.dropped.push(name.clone());
        report.conflicts.push(Conflict {
            action: name.clone(),
            parameter: None,
            kind: ConflictKind::OperationDropped,
            detail: "in the older copy only; not generated".to_owned(),
        });
    }
    for name in &new_names {
        let Some(old_op) = old_apis.get(name).and_then(Json::as_object) else {
            report.new_only.push(name.clone());
            continue;
        };
        let Some(new_op) = new_apis.get_mut(name).and_then(Json::as_object_mut) else {
            continue;
        };
        report.merged.push(name.clone());
        merge_operation(name, new_op, old_op, &mut report);
    }
    report.dropped.sort();
    report
        .conflicts
        .sort_by(|a, b| (&a.action, &a.parameter, a.kind).cmp(&(&b.action, &b.parameter, b.kind)));
    let text = serde_json::to_string(&new_doc).map_err(|e| ImportError::Json(e.to_string()))?;
    Ok((text, report))
}

fn show(v: Option<&Json>) -> String {
    v.map_or_else(|| "missing".to_owned(), Json::to_string)
}

fn merge_operation(
    action: &str,
    new_op: &mut Map<String, Json>,
    old_op: &Map<String, Json>,
    report: &mut MergeReport,
) {
    for field in OPERATION_DOC_FIELDS {
        if let Some(v) = old_op.get(*field) {
            new_op.insert((*field).to_owned(), v.clone());
        }
    }
    let methods = |op: &Map<String, Json>| -> BTreeSet<String> {
        op.get("methods")
            .and_then(Json::as_array)
            .map(|m| {
                m.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_ascii_uppercase)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_m, new_m) = (methods(old_op), methods(new_op));
    if old_m != new_m {
        report.conflicts.push(Conflict {
            action: action.to_owned(),
            parameter: None,
            kind: ConflictKind::MethodsChanged,
            detail: format!("{old_m:?} → {new_m:?}"),
        });
    }
    let old_params: BTreeMap<&str, &Json> = old_op
        .get("parameters")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("name")?.as_str()?, p)))
        .collect();
    let mut seen = BTreeSet::new();
    if let Some(params) = new_op.get_mut("parameters").and_then(Json::as_array_mut) {
        for param in params {
            let Some(name) = param.get("name").and_then(Json::as_str).map(str::to_owned) else {
                continue;
            };
            seen.insert(name.clone());
            let Some(old) = old_params.get(name.as_str()) else {
                report.undocumented_params += 1;
                report.conflicts.push(Conflict {
                    action: action.to_owned(),
                    parameter: Some(name),
                    kind: ConflictKind::ParameterAdded,
                    detail: "not in the older copy; undocumented".to_owned(),
                });
                continue;
            };
            report.documented_params += 1;
            let mut cx = ParamCx {
                action,
                report,
                path: name.clone(),
            };
            for key in ["in", "style"] {
                let (a, b) = (old.get(key), param.get(key));
                if a != b {
                    cx.conflict(
                        ConflictKind::LocationChanged,
                        format!("`{key}` {} → {}", show(a), show(b)),
                    );
                }
            }
            if let (Some(new_schema), Some(old_schema)) = (
                param.get_mut("schema").and_then(Json::as_object_mut),
                old.get("schema").and_then(Json::as_object),
            ) {
                cx.schema(new_schema, old_schema);
            }
        }
    }
    for name in old_params.keys().filter(|n| !seen.contains(**n)) {
        report.conflicts.push(Conflict {
            action: action.to_owned(),
            parameter: Some((*name).to_owned()),
            kind: ConflictKind::ParameterRemoved,
            detail: "in the older copy only; not generated".to_owned(),
        });
    }
}

struct ParamCx<'a> {
    action: &'a str,
    report: &'a mut MergeReport,
    path: String,
}

impl ParamCx<'_> {
    fn conflict(&mut self, kind: ConflictKind, detail: String) {
        self.report.conflicts.push(Conflict {
            action: self.action.to_owned(),
            parameter: Some(self.path.clone()),
            kind,
            detail,
        });
    }

    /// Copies the docs of `old` into `new` and reports wire differences, recursing into
    /// list items and object properties with the same names.
    fn schema(&mut self, new: &mut Map<String, Json>, old: &Map<String, Json>) {
        for field in SCHEMA_DOC_FIELDS {
            if let Some(v) = old.get(*field) {
                new.insert((*field).to_owned(), v.clone());
            }
        }
        for key in ["type", "format"] {
            let (a, b) = (old.get(key), new.get(key));
            if a != b {
                self.conflict(
                    ConflictKind::TypeChanged,
                    format!("`{key}` {} → {}", show(a), show(b)),
                );
            }
        }
        let flag = |s: &Map<String, Json>| s.get("required").and_then(Json::as_bool) == Some(true);
        if flag(old) != flag(new) {
            self.conflict(
                ConflictKind::RequiredChanged,
                format!("required {} → {}", flag(old), flag(new)),
            );
        }
        let values = |s: &Map<String, Json>| -> BTreeSet<String> {
            s.get("enum")
                .and_then(Json::as_array)
                .map(|v| {
                    v.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_e, new_e) = (values(old), values(new));
        if old_e != new_e {
            let gained: Vec<&String> = new_e.difference(&old_e).collect();
            let lost: Vec<&String> = old_e.difference(&new_e).collect();
            self.conflict(
                ConflictKind::EnumChanged,
                format!("gained {gained:?}, lost {lost:?}"),
            );
        }
        if let (Some(n), Some(o)) = (
            new.get_mut("items").and_then(Json::as_object_mut),
            old.get("items").and_then(Json::as_object),
        ) {
            let outer = std::mem::take(&mut self.path);
            self.path = format!("{outer}[]");
            self.schema(n, o);
            self.path = outer;
        }
        if let (Some(n), Some(o)) = (
            new.get_mut("properties").and_then(Json::as_object_mut),
            old.get("properties").and_then(Json::as_object),
        ) {
            for (key, child) in n.iter_mut() {
                if let (Some(c), Some(oc)) =
                    (child.as_object_mut(), o.get(key).and_then(Json::as_object))
                {
                    let outer = std::mem::take(&mut self.path);
                    self.path = format!("{outer}.{key}");
                    self.schema(c, oc);
                    self.path = outer;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

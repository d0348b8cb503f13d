//! Alibaba Cloud OpenAPI metadata (the `api-docs` JSON the official SDKs are built from) →
//! livegen spec YAML.
//!
//! Everything the metadata says about an operation reaches the spec: parameters (`in`,
//! `style`, type, format, enum, required, bounds, lengths, pattern, example, description),
//! the 200 answer's schema, error codes with status and message, `deprecated`, the
//! access level (`systemTags.operationType`, the column RAM's docs show) and the
//! per-account QPS limit stated in the description's prose (`单用户QPS限制为30次/秒`),
//! and the pagination convention recognised from names (`import/pagination.rs`).
//! What it does not say is left out, never invented; what cannot be mapped is reported
//! per action in [`Imported::unmapped`], so nothing is dropped silently.
//!
//! Two rules are the official SDKs' own, not guesses: an operation that accepts POST is
//! sent with POST (the SDKs do), and a region without an entry in `endpoints` resolves to
//! `{product}.{regionId}.aliyuncs.com`, with `{product}.aliyuncs.com` as the host without
//! a region (the SDKs' `regional` endpoint rule).
//!
//! Nothing here is specific to one product: product code, version and endpoints come from
//! the metadata's `info` and `endpoints`.

mod document;
pub(crate) mod merge;
mod operation;
mod pagination;
mod prune;
mod qps;
mod roa;
mod schema;

use std::collections::BTreeMap;

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

/// Which actions to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every action of the metadata.
    All,
    /// These actions, by name.
    Actions(Vec<String>),
}

/// A fact of the metadata the spec could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// The action, or `(document)`.
    pub action: String,
    /// Where in the metadata, as a JSON pointer.
    pub pointer: String,
    /// What was not mapped and why.
    pub fact: String,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Product code (`info.product`).
    pub product: String,
    /// API version (`info.version`).
    pub version: String,
    /// The imported actions, sorted, each as the YAML of its path item (indented for
    /// `paths:`), keyed by action.
    pub path_items: BTreeMap<String, String>,
    /// Where each imported action's operation is in the spec, as a JSON pointer
    /// (`/paths/~1Action/get`) → the action.
    pub pointers: BTreeMap<String, String>,
    /// The whole spec: document fields and every imported path item.
    pub spec: String,
    /// Facts that could not be mapped, in action order.
    pub unmapped: Vec<Unmapped>,
}

/// Why an import failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The input is not JSON.
    #[error("the metadata is not JSON: {0}")]
    Json(String),
    /// The JSON is not `api-docs` metadata.
    #[error("the metadata has no {0}; is this Alibaba Cloud OpenAPI metadata (`api-docs`)?")]
    NotMetadata(&'static str),
    /// A selected action is not in the metadata.
    #[error("action `{0}` is not in the metadata")]
    UnknownAction(String),
    /// The metadata describes something livegen cannot generate.
    #[error("{0}")]
    Unsupported(String),
    /// The metadata is of an API style livegen does not generate.
    #[error(
        "the metadata describes an API in the `{style}` style; livegen generates RPC- and ROA-style APIs, and {style} would need {needs}"
    )]
    Style {
        /// `info.style`.
        style: String,
        /// What generating that style would take.
        needs: &'static str,
    },
    /// The metadata lists no operations.
    #[error("the metadata lists no operations (`apis` is empty): there is nothing to generate")]
    Empty,
    /// The imported document itself (not one operation) is refused by the generator.
    #[error("the imported spec does not validate:\n{0}")]
    Invalid(String),
    /// The spec to merge into cannot be edited in place.
    #[error("cannot merge into the spec: {0}")]
    Merge(String),
}

/// What generating an API of `style` would take, for the refusal message.
fn style_needs(style: &str) -> &'static str {
    match style {
        "V3" => {
            "per-operation methods and paths with JSON `body` parameters, signed with ACS3-HMAC-SHA256"
        }
        "FC" | "SLS" | "OSS" | "AliGenie" => {
            "the product's own request format and signature, which the common runtime does not speak"
        }
        _ => "its own request format and signature rules",
    }
}

pub use merge::merge_into;
pub use prune::{Skipped, import_generable};
pub use qps::qps_from_prose;

/// Imports the selected actions of `metadata` (the JSON text).
pub fn import(metadata: &str, selection: &Selection) -> Result<Imported, ImportError> {
    let doc: Json = serde_json::from_str(metadata).map_err(|e| ImportError::Json(e.to_string()))?;
    let info = doc.get("info").ok_or(ImportError::NotMetadata("`info`"))?;
    let apis = doc
        .get("apis")
        .and_then(Json::as_object)
        .ok_or(ImportError::NotMetadata("`apis` object"))?;
    let text = |v: Option<&Json>| v.and_then(Json::as_str).map(str::to_owned);
    // The SDKs name products in lower case (`cs`, the `cs.aliyuncs.com` host); the
    // metadata may not (`CS`).
    let product = text(info.get("product"))
        .ok_or(ImportError::NotMetadata("`info.product`"))?
        .to_ascii_lowercase();
    let version = text(info.get("version")).ok_or(ImportError::NotMetadata("`info.version`"))?;
    let roa = match text(info.get("style")).as_deref() {
        None | Some("RPC") => false,
        Some("ROA") => true,
        Some(style) => {
            let needs = style_needs(style);
            return Err(ImportError::Style {
                style: style.to_owned(),
                needs,
            });
        }
    };
    if apis.is_empty() {
        return Err(ImportError::Empty);
    }
    let names: Vec<String> = match selection {
        Selection::All => apis.keys().cloned().collect(),
        Selection::Actions(names) => {
            for n in names {
                if !apis.contains_key(n) {
                    return Err(ImportError::UnknownAction(n.clone()));
                }
            }
            names.clone()
        }
    };
    let mut cx = Cx {
        roa,
        schemas: doc
            .pointer("/components/schemas")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default(),
        ..Cx::default()
    };
    let mut path_items = BTreeMap::new();
    let mut pointers = BTreeMap::new();
    let mut paths = Mapping::new();
    let mut sorted = names;
    sorted.sort();
    sorted.dedup();
    for name in &sorted {
        cx.action = name.clone();
        let (key, method, op) = cx.operation(name, &apis[name]);
        let mut item = Mapping::new();
        item.insert(s(&method), op);
        let mut one = Mapping::new();
        one.insert(s(&key), Yaml::Mapping(item.clone()));
        path_items.insert(name.clone(), indent(&to_yaml(&Yaml::Mapping(one))?, 2));
        pointers.insert(
            crate::diagnostics::child(&crate::diagnostics::child("/paths", &key), &method),
            name.clone(),
        );
        // ROA operations share a path item when they share a path (one per method).
        match paths.get_mut(s(&key)) {
            Some(Yaml::Mapping(existing)) if !existing.contains_key(s(&method)) => {
                existing.extend(item);
            }
            Some(_) => cx.unmapped(
                &format!("/apis/{name}"),
                format!("`{method}` on `{key}` is already another operation's; skipped"),
            ),
            None => {
                paths.insert(s(&key), Yaml::Mapping(item));
            }
        }
    }
    cx.action = "(document)".to_owned();
    let document = cx.document(&doc, &product, &version, paths);
    let spec = format!(
        "# Imported by `cargo xtask import` from Alibaba Cloud OpenAPI metadata ({product} {version}).\n{}",
        to_yaml(&document)?
    );
    Ok(Imported {
        product,
        version,
        path_items,
        pointers,
        spec,
        unmapped: cx.unmapped,
    })
}

#[derive(Default)]
struct Cx {
    /// The metadata's `info.style` is `ROA`.
    roa: bool,
    action: String,
    unmapped: Vec<Unmapped>,
    /// The metadata's `components/schemas`, which `$ref`s name; imported inline where used.
    schemas: serde_json::Map<String, Json>,
    /// The `$ref`s being expanded, outermost first (a schema that refers to itself stops).
    expanding: Vec<String>,
}

fn s(text: &str) -> Yaml {
    Yaml::String(text.to_owned())
}

fn to_yaml(v: &Yaml) -> Result<String, ImportError> {
    serde_yaml::to_string(v)
        .map_err(|e| ImportError::Unsupported(format!("cannot write YAML: {e}")))
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_owned()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

/// Non-blank text of a metadata string field.
fn prose(v: Option<&Json>) -> Option<String> {
    v.and_then(Json::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// An integer written as a number or a numeric string (`"500"`).
fn integer(v: &Json) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

fn count(v: &Json) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

impl Cx {
    fn unmapped(&mut self, pointer: &str, fact: impl Into<String>) {
        self.unmapped.push(Unmapped {
            action: self.action.clone(),
            pointer: pointer.to_owned(),
            fact: fact.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn qps_prose_in_seconds_and_minutes() {
        assert_eq!(
            qps_from_prose("本接口的单用户QPS限制为30次/秒。"),
            Some((30, "second"))
        );
        assert_eq!(
            qps_from_prose("单用户QPS限制为2次/分钟"),
            Some((2, "minute"))
        );
        assert_eq!(qps_from_prose("本接口无单用户QPS限制"), None);
        assert_eq!(qps_from_prose("单用户QPS限制为0次/秒"), None);
    }

    const META: &str = r#"{"info": {"style": "RPC", "product": "demo", "version": "2020-01-01"},
      "endpoints": [{"regionId": "cn-x", "endpoint": "demo.aliyuncs.com"}],
      "apis": {
        "StopThing": {"methods": ["get", "post"], "schemes": ["https"], "deprecated": false,
          "description": "本接口的单用户QPS限制为10次/秒。",
          "systemTags": {"operationType": "update"},
          "parameters": [
            {"name": "TaskId", "in": "query", "schema": {"type": "string", "required": true, "enum": []}},
            {"name": "Tag", "in": "formData", "style": "repeatList", "schema": {"type": "array", "required": false, "maxItems": "20",
              "items": {"type": "object", "properties": {"Key": {"type": "string", "required": true}}}}},
            {"name": "Kind", "in": "query", "schema": {"type": "integer", "enum": ["0", "1"]}},
            {"name": "PageSize", "in": "query", "schema": {"type": "integer", "required": false, "default": "20"}}
          ],
          "errorCodes": {"400": [{"errorCode": "Invalid%s.Bad", "errorMessage": "bad"}], "200": [{"errorCode": "Odd", "errorMessage": "x"}]}
        }}}"#;

    #[test]
    fn every_fact_lands_or_is_reported() {
        let imported = import(META, &Selection::All).expect("imports");
        let spec = &imported.spec;
        for want in [
            "methods:\n        - POST\n        - GET",
            "limit: 10",
            "accessLevel: update",
            "x-acs-in: formData",
            "x-acs-style: repeatList",
            "maxItems: 20",
            "- 0\n",
            "code: Invalid%s.Bad",
            "httpStatus: 200",
            "regional:\n    cn-x: demo.aliyuncs.com",
            // A quoted default is written in the schema's type (valid OpenAPI).
            "default: 20\n",
        ] {
            assert!(spec.contains(want), "missing {want:?} in\n{spec}");
        }
        let facts: Vec<&str> = imported.unmapped.iter().map(|u| u.fact.as_str()).collect();
        assert!(facts.iter().any(|f| f.contains("empty enum")), "{facts:?}");
        assert!(
            facts.iter().any(|f| f.contains("`Kind` does not say")),
            "{facts:?}"
        );
        // The imported spec is one the generator accepts.
        crate::check("demo.yaml", spec).unwrap_or_else(|e| panic!("{e}\n{spec}"));
    }

    /// `Twice` lists `RegionId` three times: required, optional, required (each later
    /// listing differs from the merged, optional one only in `required`); `Typed` lists
    /// `Size` as a string and as an integer.
    const TWICE: &str = r#"{"info": {"style": "RPC", "product": "demo", "version": "2020-01-01"},
      "endpoints": [{"regionId": "cn-x", "endpoint": "demo.aliyuncs.com"}],
      "apis": {
        "Twice": {"methods": ["post"], "parameters": [
            {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": true, "description": "地域ID。"}},
            {"name": "Name", "in": "query", "schema": {"type": "string", "required": true}},
            {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": false, "description": "地域ID。"}},
            {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": true, "description": "地域ID。"}}
          ]},
        "Typed": {"methods": ["post"], "parameters": [
            {"name": "Size", "in": "query", "schema": {"type": "string", "required": true}},
            {"name": "Size", "in": "query", "schema": {"type": "integer", "required": false}}
          ]}
      }}"#;

    #[test]
    fn a_parameter_listed_twice_differing_only_in_required_is_one_optional_parameter() {
        let (imported, skipped) =
            import_generable(TWICE, &Selection::All, "demo.yaml").expect("imports");
        let twice = &imported.path_items["Twice"];
        assert_eq!(twice.matches("name: RegionId").count(), 1, "{twice}");
        let region = twice
            .split("- name: ")
            .find(|p| p.starts_with("RegionId"))
            .expect("RegionId is imported");
        assert!(region.contains("required: false"), "{region}");
        assert!(twice.contains("name: Name"), "{twice}");
        let facts: Vec<(&str, &str)> = imported
            .unmapped
            .iter()
            .filter(|u| u.action == "Twice")
            .map(|u| (u.pointer.as_str(), u.fact.as_str()))
            .collect();
        let merged = "`RegionId` listed a second time, differing from /apis/Twice/parameters/0 \
                      only in `required`; merged into one optional parameter (the official \
                      SDKs enforce neither)";
        assert_eq!(
            facts,
            [
                ("/apis/Twice/parameters/2", merged),
                ("/apis/Twice/parameters/3", merged),
            ]
        );
        // A duplicate that differs in anything else keeps today's rule: the generator
        // refuses it, and only its action is skipped.
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(skipped[0].action, "Typed");
        assert!(
            skipped[0].reasons[0].contains("parameter `Size` is listed twice"),
            "{skipped:?}"
        );
    }

    #[test]
    fn merging_keeps_existing_actions_byte_for_byte() {
        let imported = import(META, &Selection::All).expect("imports");
        let existing = "openapi: 3.1.0\npaths:\n  # keep me\n  /Other:\n    get: {}   # odd but kept\ncomponents: {}\n";
        let merged = merge_into(existing, &imported, &BTreeSet::new()).expect("merges");
        assert!(merged.starts_with("openapi: 3.1.0\npaths:\n  # keep me\n  /Other:\n    get: {}   # odd but kept\n  /StopThing:\n"), "{merged}");
        assert!(merged.ends_with("components: {}\n"), "{merged}");
        let err = merge_into(existing, &imported, &["Other".to_owned()].into())
            .expect_err("not imported");
        assert!(
            err.to_string().contains("does not contain `Other`"),
            "{err}"
        );
    }
}

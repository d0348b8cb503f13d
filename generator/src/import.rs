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

mod pagination;

use std::collections::{BTreeMap, BTreeSet};

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
    /// The spec to merge into cannot be edited in place.
    #[error("cannot merge into the spec: {0}")]
    Merge(String),
}

/// The QPS limit stated in a description, e.g. `本接口的单用户QPS限制为30次/秒`.
pub fn qps_from_prose(text: &str) -> Option<(u32, &'static str)> {
    const MARK: &str = "单用户QPS限制为";
    let at = text.find(MARK)? + MARK.len();
    let rest = &text[at..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let limit: u32 = digits.parse().ok().filter(|n| *n > 0)?;
    let unit = rest[digits.len()..].strip_prefix("次/")?;
    let per = if unit.starts_with("秒") {
        "second"
    } else if unit.starts_with("分钟") {
        "minute"
    } else {
        return None;
    };
    Some((limit, per))
}

/// Imports the selected actions of `metadata` (the JSON text).
pub fn import(metadata: &str, selection: &Selection) -> Result<Imported, ImportError> {
    let doc: Json = serde_json::from_str(metadata).map_err(|e| ImportError::Json(e.to_string()))?;
    let info = doc.get("info").ok_or(ImportError::NotMetadata("`info`"))?;
    let apis = doc
        .get("apis")
        .and_then(Json::as_object)
        .ok_or(ImportError::NotMetadata("`apis` object"))?;
    let text = |v: Option<&Json>| v.and_then(Json::as_str).map(str::to_owned);
    let product = text(info.get("product")).ok_or(ImportError::NotMetadata("`info.product`"))?;
    let version = text(info.get("version")).ok_or(ImportError::NotMetadata("`info.version`"))?;
    if let Some(style) = text(info.get("style")).filter(|s| s != "RPC") {
        return Err(ImportError::Unsupported(format!(
            "the metadata describes a {style}-style API; livegen generates RPC-style APIs"
        )));
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
    let mut cx = Cx::default();
    let mut path_items = BTreeMap::new();
    let mut paths = Mapping::new();
    let mut sorted = names;
    sorted.sort();
    sorted.dedup();
    for name in &sorted {
        cx.action = name.clone();
        let item = cx.operation(name, &apis[name]);
        let mut one = Mapping::new();
        one.insert(s(&format!("/{name}")), item.clone());
        path_items.insert(name.clone(), indent(&to_yaml(&Yaml::Mapping(one))?, 2));
        paths.insert(s(&format!("/{name}")), item);
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
        spec,
        unmapped: cx.unmapped,
    })
}

/// Adds the imported actions to the spec `existing` (its text), keeping every action
/// already there byte for byte unless `replace` names it.
pub fn merge_into(
    existing: &str,
    imported: &Imported,
    replace: &BTreeSet<String>,
) -> Result<String, ImportError> {
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let paths_at = lines
        .iter()
        .position(|l| l.trim_end() == "paths:")
        .ok_or_else(|| {
            ImportError::Merge("no top-level `paths:` line (block-style YAML expected)".to_owned())
        })?;
    // The `paths` block ends at the next line that starts at column 0 (a top-level key).
    let end = lines[paths_at + 1..]
        .iter()
        .position(|l| !l.starts_with([' ', '#', '\n', '\r']) && !l.trim().is_empty())
        .map_or(lines.len(), |i| paths_at + 1 + i);
    // Existing path items: `  /Action:` lines inside the block.
    let mut items: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate().take(end).skip(paths_at + 1) {
        if let Some(key) = line.strip_prefix("  /")
            && !key.starts_with(' ')
            && let Some(action) = key.trim_end().strip_suffix(':')
        {
            items.push((i, action.trim_matches(['\'', '"']).to_owned()));
        }
    }
    let existing_actions: BTreeSet<&str> = items.iter().map(|(_, a)| a.as_str()).collect();
    for name in replace {
        if !imported.path_items.contains_key(name) {
            return Err(ImportError::Merge(format!(
                "`--replace {name}`: the import does not contain `{name}`"
            )));
        }
        if !existing_actions.contains(name.as_str()) {
            return Err(ImportError::Merge(format!(
                "`--replace {name}`: the spec has no action `{name}` to replace"
            )));
        }
    }
    let mut out = String::with_capacity(existing.len() + 4096);
    for line in &lines[..paths_at + 1] {
        out.push_str(line);
    }
    let mut i = paths_at + 1;
    while i < end {
        let item = items.iter().find(|(at, _)| *at == i);
        match item {
            Some((_, action)) if replace.contains(action) => {
                let stop = items
                    .iter()
                    .map(|(at, _)| *at)
                    .find(|at| *at > i)
                    .unwrap_or(end);
                out.push_str(&imported.path_items[action]);
                i = stop;
            }
            _ => {
                out.push_str(lines[i]);
                i += 1;
            }
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (action, text) in &imported.path_items {
        if !existing_actions.contains(action.as_str()) {
            out.push_str(text);
        }
    }
    for line in &lines[end..] {
        out.push_str(line);
    }
    Ok(out)
}

#[derive(Default)]
struct Cx {
    action: String,
    unmapped: Vec<Unmapped>,
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

    fn document(&mut self, doc: &Json, product: &str, version: &str, paths: Mapping) -> Yaml {
        let mut m = Mapping::new();
        m.insert(s("openapi"), s("3.1.0"));
        let mut info = Mapping::new();
        info.insert(s("title"), s(product));
        info.insert(s("version"), s(version));
        info.insert(
            s("description"),
            s(&format!(
                "Imported from Alibaba Cloud OpenAPI metadata: product `{product}`, version {version}."
            )),
        );
        m.insert(s("info"), Yaml::Mapping(info));
        let mut p = Mapping::new();
        p.insert(s("code"), s(product));
        p.insert(s("version"), s(version));
        p.insert(s("style"), s("RPC"));
        m.insert(s("x-acs-product"), Yaml::Mapping(p));
        let mut e = Mapping::new();
        e.insert(s("default"), s(&format!("{product}.aliyuncs.com")));
        e.insert(
            s("pattern"),
            s(&format!("{product}.{{regionId}}.aliyuncs.com")),
        );
        let mut regional = BTreeMap::new();
        for (i, entry) in doc
            .get("endpoints")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            match (
                entry.get("regionId").and_then(Json::as_str),
                entry.get("endpoint").and_then(Json::as_str),
            ) {
                (Some(r), Some(h)) => {
                    regional.insert(r.to_owned(), h.to_owned());
                }
                _ => self.unmapped(
                    &format!("/endpoints/{i}"),
                    "an endpoint without regionId or endpoint",
                ),
            }
        }
        let mut r = Mapping::new();
        for (region, host) in regional {
            r.insert(s(&region), s(&host));
        }
        e.insert(s("regional"), Yaml::Mapping(r));
        m.insert(s("x-acs-endpoints"), Yaml::Mapping(e));
        m.insert(s("paths"), Yaml::Mapping(paths));
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Json::as_object)
            .filter(|o| !o.is_empty())
        {
            self.unmapped(
                "/components/schemas",
                format!(
                    "{} shared schemas (livegen imports schemas inline)",
                    schemas.len()
                ),
            );
        }
        Yaml::Mapping(m)
    }

    fn operation(&mut self, name: &str, api: &Json) -> Yaml {
        let base = format!("/apis/{name}");
        let mut op = Mapping::new();
        op.insert(s("operationId"), s(name));
        let title = prose(api.get("title"));
        let summary = prose(api.get("summary"));
        let description = prose(api.get("description"));
        if let Some(t) = title.as_ref().or(summary.as_ref()) {
            op.insert(s("summary"), s(t));
        }
        let long: Vec<&String> = [
            summary.as_ref().filter(|_| title.is_some()),
            description.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !long.is_empty() {
            op.insert(
                s("description"),
                s(&long
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join("\n\n")),
            );
        }
        if api.get("deprecated").and_then(Json::as_bool) == Some(true) {
            op.insert(s("deprecated"), Yaml::Bool(true));
        }
        // The official SDKs send POST whenever the operation accepts it.
        let listed: Vec<String> = api
            .get("methods")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::to_ascii_uppercase)
            .collect();
        let mut methods: Vec<String> = Vec::new();
        for m in ["POST", "GET"] {
            if listed.iter().any(|l| l == m) {
                methods.push(m.to_owned());
            }
        }
        for other in listed.iter().filter(|m| *m != "POST" && *m != "GET") {
            self.unmapped(
                &format!("{base}/methods"),
                format!("HTTP method {other} (RPC actions use GET or POST)"),
            );
        }
        if methods.is_empty() {
            methods.push("GET".to_owned());
            self.unmapped(&format!("{base}/methods"), "no method listed; GET assumed");
        }
        let mut rpc = Mapping::new();
        rpc.insert(s("action"), s(name));
        let path = match api.get("path").and_then(Json::as_str) {
            None => "/",
            Some("") => {
                // The SDKs send such actions to `/` as well.
                self.unmapped(
                    &format!("{base}/path"),
                    "an empty path; `/` is used, as the SDKs do",
                );
                "/"
            }
            Some(p) => p,
        };
        rpc.insert(s("path"), s(path));
        rpc.insert(
            s("methods"),
            Yaml::Sequence(methods.iter().map(|m| s(m)).collect()),
        );
        op.insert(s("x-acs-rpc"), Yaml::Mapping(rpc));
        if let Some((limit, per)) = description.as_deref().and_then(qps_from_prose) {
            let mut q = Mapping::new();
            q.insert(s("limit"), Yaml::Number(limit.into()));
            q.insert(s("per"), s(per));
            q.insert(s("scope"), s("account"));
            op.insert(s("x-acs-qps"), Yaml::Mapping(q));
        } else if description.as_deref().is_some_and(|d| d.contains("QPS")) {
            self.unmapped(
                &format!("{base}/description"),
                "a QPS statement that is not a per-user limit in 次/秒 or 次/分钟",
            );
        }
        match api
            .pointer("/systemTags/operationType")
            .and_then(Json::as_str)
        {
            Some(level @ ("read" | "list" | "get" | "create" | "update" | "delete")) => {
                let mut ram = Mapping::new();
                ram.insert(s("accessLevel"), s(level));
                op.insert(s("x-acs-ram"), Yaml::Mapping(ram));
            }
            Some(other) => self.unmapped(
                &format!("{base}/systemTags/operationType"),
                format!("operation type {other:?}"),
            ),
            None => {}
        }
        let mut params = Vec::new();
        for (i, p) in api
            .get("parameters")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(p) = self.parameter(p, &format!("{base}/parameters/{i}")) {
                params.push(p);
            }
        }
        if !params.is_empty() {
            op.insert(s("parameters"), Yaml::Sequence(params));
        }
        let (responses, errors) = self.responses(api, &base);
        op.insert(s("responses"), Yaml::Mapping(responses));
        if !errors.is_empty() {
            op.insert(s("x-acs-errors"), Yaml::Sequence(errors));
        }
        match pagination::detect(api) {
            Ok(Some(found)) => {
                let mut m = Mapping::new();
                for (key, value) in found.entries {
                    m.insert(s(key), s(&value));
                }
                op.insert(s("x-acs-pagination"), Yaml::Mapping(m));
            }
            Ok(None) => {}
            Err(pagination::Missed(why)) => {
                self.unmapped(
                    &format!("{base}/parameters"),
                    format!("no pagination: {why}"),
                );
            }
        }
        for key in api.as_object().into_iter().flat_map(|o| o.keys()) {
            let known = [
                "methods",
                "schemes",
                "security",
                "systemTags",
                "parameters",
                "responses",
                "errorCodes",
                "title",
                "summary",
                "description",
                "deprecated",
                "path",
            ];
            if known.contains(&key.as_str()) {
                continue;
            }
            let value = &api[key];
            let blank = value.is_null() || value.as_str().is_some_and(|t| t.trim().is_empty());
            if !blank {
                self.unmapped(
                    &format!("{base}/{key}"),
                    format!("`{key}` has no place in the spec"),
                );
            }
        }
        if let Some(schemes) = api.get("schemes").and_then(Json::as_array)
            && !schemes.iter().any(|v| v.as_str() == Some("https"))
        {
            self.unmapped(
                &format!("{base}/schemes"),
                "schemes without https (livegen always uses https)",
            );
        }
        let mut get = Mapping::new();
        get.insert(s("get"), Yaml::Mapping(op));
        Yaml::Mapping(get)
    }

    fn parameter(&mut self, p: &Json, pointer: &str) -> Option<Yaml> {
        let Some(name) = p.get("name").and_then(Json::as_str) else {
            self.unmapped(pointer, "a parameter without a name");
            return None;
        };
        let empty = serde_json::Map::new();
        let schema = p.get("schema").and_then(Json::as_object).unwrap_or(&empty);
        let mut m = Mapping::new();
        m.insert(s("name"), s(name));
        m.insert(s("in"), s("query"));
        match p.get("in").and_then(Json::as_str) {
            Some("query") | None => {}
            Some("formData") => {
                m.insert(s("x-acs-in"), s("formData"));
            }
            Some(other) => {
                self.unmapped(
                    &format!("{pointer}/in"),
                    format!("parameter `{name}` in {other:?} (not an RPC location); skipped"),
                );
                return None;
            }
        }
        let required = match schema.get("required") {
            Some(Json::Bool(b)) => *b,
            _ => {
                self.unmapped(
                    &format!("{pointer}/schema"),
                    format!("`{name}` does not say whether it is required; imported as optional"),
                );
                false
            }
        };
        m.insert(s("required"), Yaml::Bool(required));
        if let Some(d) = prose(schema.get("description")) {
            m.insert(s("description"), s(&d));
        }
        if let Some(e) = schema.get("example").and_then(|e| match e {
            Json::String(t) => Some(t.clone()),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }) {
            m.insert(s("example"), s(&e));
        }
        if schema.get("deprecated").and_then(Json::as_bool) == Some(true) {
            m.insert(s("deprecated"), Yaml::Bool(true));
        }
        let ty = schema.get("type").and_then(Json::as_str);
        match p.get("style").and_then(Json::as_str) {
            Some(style @ ("repeatList" | "flat" | "json")) => {
                m.insert(s("x-acs-style"), s(style));
            }
            Some("simple") if ty == Some("array") => {
                m.insert(s("x-acs-style"), s("simple"));
            }
            Some("simple") => {}
            // Without a style the SDKs flatten lists as `Name.1=…`.
            None if ty == Some("array") => {
                m.insert(s("x-acs-style"), s("repeatList"));
            }
            None => {}
            Some(other) => self.unmapped(&format!("{pointer}/style"), format!("style {other:?}")),
        }
        for key in p.as_object().into_iter().flat_map(|o| o.keys()) {
            if !["name", "in", "schema", "style", "allowEmptyValue"].contains(&key.as_str()) {
                self.unmapped(
                    &format!("{pointer}/{key}"),
                    format!("parameter field `{key}`"),
                );
            }
        }
        let converted = self.schema(schema, &format!("{pointer}/schema"), true);
        m.insert(s("schema"), converted);
        Some(Yaml::Mapping(m))
    }

    /// A metadata schema as a spec schema. `parameter`: the schema of a parameter itself,
    /// whose `description`, `example`, `required` and `deprecated` moved to the parameter.
    fn schema(
        &mut self,
        schema: &serde_json::Map<String, Json>,
        pointer: &str,
        parameter: bool,
    ) -> Yaml {
        let mut m = Mapping::new();
        let ty = schema
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or("string");
        if schema.get("type").is_none() {
            self.unmapped(pointer, "a schema without a type; imported as a string");
        }
        let ty = match ty {
            "string" | "integer" | "number" | "boolean" | "array" | "object" => ty,
            "any" => {
                self.unmapped(
                    &format!("{pointer}/type"),
                    "type \"any\"; imported as free-form JSON",
                );
                "object"
            }
            other => {
                self.unmapped(
                    &format!("{pointer}/type"),
                    format!("type {other:?}; imported as a string"),
                );
                "string"
            }
        };
        m.insert(s("type"), s(ty));
        if let Some(f) = schema.get("format").and_then(Json::as_str) {
            let ok = match ty {
                "integer" => f == "int32" || f == "int64",
                _ => true,
            };
            if ok {
                m.insert(s("format"), s(f));
            } else {
                self.unmapped(
                    &format!("{pointer}/format"),
                    format!("format {f:?} on an integer"),
                );
            }
        }
        if !parameter {
            if let Some(d) = prose(schema.get("description")) {
                m.insert(s("description"), s(&d));
            }
            if let Some(e) = schema.get("example").and_then(Json::as_str) {
                m.insert(s("example"), s(e));
            }
        }
        if let Some(values) = schema.get("enum").and_then(Json::as_array) {
            if values.is_empty() {
                self.unmapped(
                    &format!("{pointer}/enum"),
                    "an empty enum (no values listed); imported without an enumeration",
                );
            } else {
                let mut seen = BTreeSet::new();
                let mut out = Vec::new();
                for v in values {
                    let item = match ty {
                        "integer" => integer(v).map(|n| Yaml::Number(n.into())),
                        "string" => v.as_str().map(s).or_else(|| Some(s(&v.to_string()))),
                        _ => None,
                    };
                    match item {
                        Some(item) if seen.insert(format!("{item:?}")) => out.push(item),
                        Some(_) => self.unmapped(
                            &format!("{pointer}/enum"),
                            format!("duplicate enum value {v}"),
                        ),
                        None => self.unmapped(
                            &format!("{pointer}/enum"),
                            format!("enum value {v} on a {ty}"),
                        ),
                    }
                }
                if !out.is_empty() {
                    m.insert(s("enum"), Yaml::Sequence(out));
                }
            }
        }
        type Convert = fn(&Json) -> Option<Yaml>;
        let bounds: &[(&str, Convert)] = &[
            ("minimum", |v| integer(v).map(|n| Yaml::Number(n.into()))),
            ("maximum", |v| integer(v).map(|n| Yaml::Number(n.into()))),
            ("minLength", |v| count(v).map(|n| Yaml::Number(n.into()))),
            ("maxLength", |v| count(v).map(|n| Yaml::Number(n.into()))),
            ("minItems", |v| count(v).map(|n| Yaml::Number(n.into()))),
            ("maxItems", |v| count(v).map(|n| Yaml::Number(n.into()))),
        ];
        for (key, convert) in bounds {
            let Some(v) = schema.get(*key) else { continue };
            let applies = match *key {
                "minimum" | "maximum" => ty == "integer",
                "minLength" | "maxLength" => ty == "string",
                _ => ty == "array",
            };
            match convert(v) {
                Some(y) if applies => {
                    m.insert(s(key), y);
                }
                _ => self.unmapped(
                    &format!("{pointer}/{key}"),
                    format!("`{key}: {v}` on a {ty}"),
                ),
            }
        }
        if let Some(pattern) = schema.get("pattern").and_then(Json::as_str) {
            m.insert(s("pattern"), s(pattern));
        }
        if let Some(d) = schema.get("default") {
            let y = match d {
                Json::String(t) => Some(s(t)),
                Json::Bool(b) => Some(Yaml::Bool(*b)),
                Json::Number(n) => n.as_i64().map(|n| Yaml::Number(n.into())),
                _ => None,
            };
            match y {
                Some(y) => {
                    m.insert(s("default"), y);
                }
                None => self.unmapped(&format!("{pointer}/default"), format!("default {d}")),
            }
        }
        match ty {
            "array" => {
                let empty = serde_json::Map::new();
                let items = schema.get("items").and_then(Json::as_object);
                if items.is_none() {
                    self.unmapped(
                        pointer,
                        "an array without `items`; imported as a list of strings",
                    );
                }
                let items =
                    self.schema(items.unwrap_or(&empty), &format!("{pointer}/items"), false);
                m.insert(s("items"), items);
            }
            "object" => {
                if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                    let mut out = Mapping::new();
                    let mut required = Vec::new();
                    for (name, prop) in props {
                        let Some(prop) = prop.as_object() else {
                            continue;
                        };
                        if prop.get("required").and_then(Json::as_bool) == Some(true) {
                            required.push(s(name));
                        }
                        out.insert(
                            s(name),
                            self.schema(prop, &format!("{pointer}/properties/{name}"), false),
                        );
                    }
                    m.insert(s("properties"), Yaml::Mapping(out));
                    if !required.is_empty() {
                        m.insert(s("required"), Yaml::Sequence(required));
                    }
                }
                match schema.get("additionalProperties") {
                    Some(Json::Object(value)) if schema.get("properties").is_none() => {
                        let v =
                            self.schema(value, &format!("{pointer}/additionalProperties"), false);
                        m.insert(s("additionalProperties"), v);
                    }
                    Some(Json::Object(_)) => self.unmapped(
                        &format!("{pointer}/additionalProperties"),
                        "`additionalProperties` beside `properties`",
                    ),
                    _ => {}
                }
            }
            _ => {}
        }
        let known = [
            "type",
            "format",
            "description",
            "example",
            "enum",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "pattern",
            "default",
            "items",
            "properties",
            "additionalProperties",
            "required",
            "deprecated",
            "title",
        ];
        for key in schema.keys() {
            if !known.contains(&key.as_str()) {
                self.unmapped(&format!("{pointer}/{key}"), format!("schema field `{key}`"));
            } else if key == "title" && !parameter {
                // A title is a short label next to the description; kept only where the
                // description is missing.
                if m.get("description").is_none()
                    && let Some(t) = prose(schema.get("title"))
                {
                    m.insert(s("description"), s(&t));
                }
            }
        }
        Yaml::Mapping(m)
    }

    fn responses(&mut self, api: &Json, base: &str) -> (Mapping, Vec<Yaml>) {
        let mut responses = Mapping::new();
        let mut ok = Mapping::new();
        match api
            .pointer("/responses/200/schema")
            .and_then(Json::as_object)
        {
            Some(schema) => {
                ok.insert(s("description"), s("Success."));
                let converted = self.schema(schema, &format!("{base}/responses/200/schema"), false);
                let mut media = Mapping::new();
                media.insert(s("schema"), converted);
                let mut content = Mapping::new();
                content.insert(s("application/json"), Yaml::Mapping(media));
                ok.insert(s("content"), Yaml::Mapping(content));
            }
            None => {
                ok.insert(
                    s("description"),
                    s("Success; the answer is not documented."),
                );
            }
        }
        responses.insert(s("200"), Yaml::Mapping(ok));
        for status in api
            .get("responses")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|o| o.keys())
            .filter(|k| *k != "200")
        {
            self.unmapped(
                &format!("{base}/responses/{status}"),
                format!("a response for HTTP {status}"),
            );
        }
        let mut errors = Vec::new();
        let mut seen: BTreeMap<String, u16> = BTreeMap::new();
        let mut statuses = BTreeSet::new();
        for (status, list) in api
            .get("errorCodes")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let pointer = format!("{base}/errorCodes/{status}");
            let Some(code) = status
                .parse::<u16>()
                .ok()
                .filter(|c| (200..600).contains(c))
            else {
                self.unmapped(
                    &pointer,
                    format!("error codes under {status:?}, not an HTTP status"),
                );
                continue;
            };
            for (i, e) in list.as_array().into_iter().flatten().enumerate() {
                let Some(name) = e.get("errorCode").and_then(Json::as_str).map(str::trim) else {
                    self.unmapped(&format!("{pointer}/{i}"), "an error without `errorCode`");
                    continue;
                };
                let plain = name.replace("%s", "");
                let valid = !plain.is_empty()
                    && plain
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_ ".contains(c));
                if !valid {
                    self.unmapped(
                        &format!("{pointer}/{i}"),
                        format!("error code {name:?} is not a code livegen can match"),
                    );
                    continue;
                }
                if let Some(first) = seen.get(name) {
                    self.unmapped(
                        &format!("{pointer}/{i}"),
                        format!("error `{name}` listed again under HTTP {code} (kept the HTTP {first} entry)"),
                    );
                    continue;
                }
                seen.insert(name.to_owned(), code);
                statuses.insert(code);
                let mut m = Mapping::new();
                m.insert(s("code"), s(name));
                m.insert(s("httpStatus"), Yaml::Number(code.into()));
                let message = e.get("errorMessage").and_then(Json::as_str).unwrap_or("");
                m.insert(s("message"), s(message));
                if let Some(d) = prose(e.get("description")) {
                    m.insert(s("description"), s(&d));
                }
                errors.push(Yaml::Mapping(m));
            }
        }
        for code in statuses.into_iter().filter(|c| *c != 200) {
            let mut r = Mapping::new();
            r.insert(
                s("description"),
                s("The service rejected the request; `Code` names the error."),
            );
            responses.insert(s(&code.to_string()), Yaml::Mapping(r));
        }
        (responses, errors)
    }
}

#[cfg(test)]
mod tests {
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
            {"name": "Kind", "in": "query", "schema": {"type": "integer", "enum": ["0", "1"]}}
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

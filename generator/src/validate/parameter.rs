//! An operation's `parameters`.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::diagnostics::child;
use crate::spec::{Location, Parameter, SchemaKind, Style};

use super::decode::{Obj, Problems, kind};
use super::limits::{MAX_PARAMS, name_length};
use super::schema::schema;

pub(super) fn parameters(op: &Obj<'_>, roa: bool, p: &mut Problems) -> Option<Vec<Parameter>> {
    let Some(v) = op.get("parameters") else {
        return Some(Vec::new());
    };
    let pointer = op.at("parameters");
    let Value::Sequence(items) = v else {
        p.error(
            &pointer,
            format!("`parameters` must be a list, found {}", kind(v)),
        );
        return None;
    };
    if items.len() > MAX_PARAMS {
        p.hinted(
            &pointer,
            format!(
                "the operation takes {} parameters; livegen generates at most {MAX_PARAMS}",
                items.len()
            ),
            "group related values into an object parameter sent as JSON",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let ptr = child(&pointer, &i.to_string());
        match parameter(item, &ptr, roa, p) {
            Some(param) => {
                if let Some(first) = names.insert(param.name.clone(), ptr.clone()) {
                    p.hinted(
                        &ptr,
                        format!("parameter `{}` is listed twice", param.name),
                        format!("first listed at {first}"),
                    );
                }
                out.push(param);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// One parameter; `roa` allows `in: path` and `in: header`.
pub(super) fn parameter(
    v: &Value,
    pointer: &str,
    roa: bool,
    p: &mut Problems,
) -> Option<Parameter> {
    let obj = Obj::of(v, pointer, "a parameter", p)?;
    if obj.get("$ref").is_some() {
        p.hinted(
            pointer,
            "parameter references are not supported",
            "write the parameter inline; share its schema through `components/schemas`",
        );
        return None;
    }
    obj.check_keys(
        "a parameter",
        &[
            "name",
            "in",
            "required",
            "description",
            "schema",
            "example",
            "deprecated",
            "x-acs-style",
            "x-acs-in",
        ],
        &["allowEmptyValue", "style", "explode", "examples"],
        p,
    );
    let name = obj
        .required_string("name", "the parameter", p)
        .filter(|n| name_length("the parameter name", n, &obj.at("name"), p));
    if let Some(n) = &name {
        // A name like a protocol parameter's (`Format`, `Version`) is an ordinary
        // parameter; how V1 signing merges it is `crate::protocol`'s rule.
        if n.is_empty()
            || !n
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || (!roa && c == '.'))
        {
            p.hinted(
                &obj.at("name"),
                format!("parameter name {n:?} is not a wire name livegen can send"),
                if roa {
                    "ROA parameter names are ASCII letters, digits, `_` and `-`"
                } else {
                    "RPC parameter names are ASCII letters, digits, `_`, `.` and `-` (`SystemDisk.Size` is sent as it is)"
                },
            );
        }
    }
    let openapi_in = obj.required_string("in", "the parameter", p);
    let roa_location = match openapi_in.as_deref() {
        Some("query") | None => None,
        Some("path") if roa => Some(Location::Path),
        Some("header") if roa => Some(Location::Header),
        Some(other) => {
            p.hinted(
                &obj.at("in"),
                format!("parameter location {other:?} is not supported"),
                if roa {
                    "ROA operations take parameters `in: query`, `path` or `header`, and a `requestBody`"
                } else {
                    "RPC actions take every parameter `in: query`"
                },
            );
            None
        }
    };
    // OpenAPI defaults `required` to false; a forgotten flag would silently turn a required
    // parameter into an optional one, so livegen asks for it explicitly.
    if obj.get("required").is_none() {
        p.hinted(
            pointer,
            format!(
                "parameter {} does not say whether it is required",
                name.as_deref().map_or(String::new(), |n| format!("`{n}`"))
            ),
            "add `required: true` or `required: false`; livegen does not guess",
        );
    }
    let required = obj.bool("required", p).unwrap_or(false);
    let schema = obj
        .required("schema", "the parameter", p)
        .and_then(|s| schema(s, &obj.at("schema"), p));
    let style = match obj.string("x-acs-style", p).as_deref() {
        None | Some("simple") => Some(Style::Simple),
        Some("repeatList") => Some(Style::RepeatList),
        Some("flat") => Some(Style::Flat),
        Some("json") => Some(Style::Json),
        Some(other) => {
            p.hinted(
                &obj.at("x-acs-style"),
                format!("`x-acs-style` {other:?} is not known"),
                "expected `simple`, `repeatList`, `flat` or `json`",
            );
            None
        }
    };
    let location = match obj.string("x-acs-in", p).as_deref() {
        None if roa_location.is_some() => roa_location,
        None | Some("query") => Some(Location::Query),
        Some("formData") => Some(Location::Body),
        Some(other) => {
            p.hinted(
                &obj.at("x-acs-in"),
                format!("`x-acs-in` {other:?} is not known"),
                "expected `query` (the default) or `formData` (a form-encoded POST body)",
            );
            None
        }
    };
    if let (Some(s), Some(style)) = (&schema, style)
        && let SchemaKind::Array { items, .. } = &s.kind
        && style == Style::Simple
        && matches!(
            items.kind,
            SchemaKind::Array { .. } | SchemaKind::Object { .. } | SchemaKind::Ref(_)
        )
    {
        p.hinted(
            pointer,
            "a `simple` list joins its items with commas, which works for scalar items only",
            "set `x-acs-style: repeatList` (Name.1.Key=v) or `json`",
        );
    }
    if location == Some(Location::Path) && !required {
        p.hinted(
            pointer,
            "a path parameter is always required",
            "set `required: true`: the path cannot be built without it",
        );
    }
    let example = obj.get("example").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    });
    Some(Parameter {
        pointer: pointer.to_owned(),
        name: name?,
        required,
        description: obj.string("description", p),
        schema: schema?,
        style: style?,
        location: location?,
        example,
        deprecated: obj.bool("deprecated", p).unwrap_or(false),
    })
}

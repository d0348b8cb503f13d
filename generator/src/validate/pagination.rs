//! `x-acs-pagination`: its shape on one operation, then its names against the operation's
//! parameters and, when the answer is documented, the answer's schema.

use std::collections::BTreeMap;

use serde_yaml::Value;

use super::decode::{Obj, Problems, describe};
use super::limits::MAX_NAME_LEN;
use crate::diagnostics::child;
use crate::spec::{Operation, PageStyle, Pagination, Schema, SchemaKind};

/// Most `.`-separated steps in an answer path.
const MAX_PATH_STEPS: usize = 8;

/// Reads the extension's structure; `Err(())` when it is present but broken.
pub fn decode(op: &Obj<'_>, p: &mut Problems) -> Result<Option<Pagination>, ()> {
    let Some(v) = op.get("x-acs-pagination") else {
        return Ok(None);
    };
    let pointer = op.at("x-acs-pagination");
    let what = "`x-acs-pagination`";
    let obj = Obj::of(v, &pointer, what, p).ok_or(())?;
    obj.check_keys(
        what,
        &[
            "style",
            "page",
            "token",
            "size",
            "total",
            "nextToken",
            "items",
        ],
        &[],
        p,
    );
    let before = p.diagnostics.len();
    let name = |key: &str, p: &mut Problems| {
        let value = obj.string(key, p)?;
        check_name(&value, &obj.at(key), p).then_some(value)
    };
    let path = |key: &str, p: &mut Problems| {
        let value = obj.string(key, p)?;
        check_path(&value, &obj.at(key), p).then_some(value)
    };
    let style = obj.required_string("style", what, p);
    let size = name("size", p);
    let items = path("items", p);
    let not_for = |keys: &[&str], style: &str, p: &mut Problems| {
        for key in keys {
            if obj.get(key).is_some() {
                p.hinted(
                    &obj.at(key),
                    format!("`{key}` does not apply to `style: {style}`"),
                    "`pageNumber` takes `page` and `total`; `nextToken` takes `token` and `nextToken`",
                );
            }
        }
    };
    let style = match style.as_deref() {
        Some("pageNumber") => {
            not_for(&["token", "nextToken"], "pageNumber", p);
            obj.required("page", what, p);
            let page = name("page", p);
            let total = path("total", p);
            page.map(|page| PageStyle::PageNumber { page, total })
        }
        Some("nextToken") => {
            not_for(&["page", "total"], "nextToken", p);
            obj.required("token", what, p);
            obj.required("nextToken", what, p);
            let token = name("token", p);
            let next_token = path("nextToken", p);
            token
                .zip(next_token)
                .map(|(token, next_token)| PageStyle::NextToken { token, next_token })
        }
        Some(other) => {
            p.hinted(
                &obj.at("style"),
                format!("`style` is {other:?}"),
                "expected `pageNumber` or `nextToken`",
            );
            None
        }
        None => None,
    };
    match style {
        Some(style) if p.diagnostics.len() == before => Ok(Some(Pagination {
            pointer,
            style,
            size,
            items,
        })),
        _ => Err(()),
    }
}

fn check_name(name: &str, pointer: &str, p: &mut Problems) -> bool {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        p.error(
            pointer,
            format!(
                "a parameter name of 1 to {} characters, found {name:?}",
                MAX_NAME_LEN
            ),
        );
        return false;
    }
    true
}

/// An answer path: property names joined by `.`, each non-empty, without spaces or
/// control characters (the runtime splits it on `.` and nothing else).
fn check_path(path: &str, pointer: &str, p: &mut Problems) -> bool {
    let steps: Vec<&str> = path.split('.').collect();
    let bad_step = steps
        .iter()
        .any(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()));
    if bad_step || steps.len() > MAX_PATH_STEPS || path.len() > MAX_NAME_LEN {
        p.hinted(
            pointer,
            format!("{} is not an answer path", describe(&Value::String(path.to_owned()))),
            format!(
                "property names joined by `.` (`Domains.PageData`), at most {MAX_PATH_STEPS} of them"
            ),
        );
        return false;
    }
    true
}

/// Checks the names against the operation: request names are its parameters of the right
/// type, and answer paths exist in its documented answer with the right type.
pub fn check(op: &Operation, schemas: &BTreeMap<String, Schema>, p: &mut Problems) {
    let Some(pg) = &op.pagination else {
        return;
    };
    let param = |key: &str, name: &str, want: &[&str], p: &mut Problems| {
        let pointer = child(&pg.pointer, key);
        let Some(param) = op.params.iter().find(|q| q.name == name) else {
            let names: Vec<String> = op.params.iter().map(|q| format!("`{}`", q.name)).collect();
            p.hinted(
                &pointer,
                format!(
                    "`{key}` names `{name}`, which is not a parameter of `{}`",
                    op.action
                ),
                format!(
                    "its parameters: {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
            );
            return;
        };
        let found = kind_name(resolve(&param.schema, schemas));
        if !want.contains(&found) {
            p.error(
                &pointer,
                format!(
                    "`{key}` names `{name}`, whose type is {found}; expected {}",
                    want.join(" or ")
                ),
            );
        }
    };
    match &pg.style {
        PageStyle::PageNumber { page, .. } => param("page", page, &["integer", "string"], p),
        PageStyle::NextToken { token, .. } => param("token", token, &["string", "integer"], p),
    }
    if let Some(size) = &pg.size {
        param("size", size, &["integer", "string"], p);
    }
    // An undocumented answer cannot be checked; the runtime then reads the paths as given.
    let Some(output) = &op.output else {
        return;
    };
    let path = |key: &str, path: &str, want: &[&str], p: &mut Problems| {
        let pointer = child(&pg.pointer, key);
        match walk(output, path, schemas) {
            Ok(schema) => {
                let found = kind_name(schema);
                if !want.contains(&found) {
                    p.error(
                        &pointer,
                        format!(
                            "`{key}` `{path}` has type {found} in the answer; expected {}",
                            want.join(" or ")
                        ),
                    );
                }
            }
            Err(missing) => p.hinted(
                &pointer,
                format!(
                    "`{key}` `{path}` is not in the documented answer of `{}`",
                    op.action
                ),
                format!("the answer has no property `{missing}` there"),
            ),
        }
    };
    if let Some(items) = &pg.items {
        path("items", items, &["array"], p);
    }
    match &pg.style {
        PageStyle::PageNumber {
            total: Some(total), ..
        } => path("total", total, &["integer", "string"], p),
        PageStyle::NextToken { next_token, .. } => {
            path("nextToken", next_token, &["string", "integer"], p)
        }
        PageStyle::PageNumber { total: None, .. } => {}
    }
}

/// Follows `$ref`s (bounded: cycles are reported elsewhere).
fn resolve<'a>(schema: &'a Schema, schemas: &'a BTreeMap<String, Schema>) -> &'a Schema {
    let mut schema = schema;
    for _ in 0..32 {
        match &schema.kind {
            SchemaKind::Ref(name) => match schemas.get(name) {
                Some(target) => schema = target,
                None => return schema,
            },
            _ => return schema,
        }
    }
    schema
}

fn walk<'a>(
    schema: &'a Schema,
    path: &'a str,
    schemas: &'a BTreeMap<String, Schema>,
) -> Result<&'a Schema, &'a str> {
    let mut node = resolve(schema, schemas);
    for step in path.split('.') {
        let SchemaKind::Object { properties, .. } = &node.kind else {
            return Err(step);
        };
        let (_, next) = properties
            .iter()
            .find(|(name, _)| name == step)
            .ok_or(step)?;
        node = resolve(next, schemas);
    }
    Ok(node)
}

fn kind_name(schema: &Schema) -> &'static str {
    match schema.kind {
        SchemaKind::Ref(_) => "reference",
        SchemaKind::String { .. } => "string",
        SchemaKind::Integer { .. } => "integer",
        SchemaKind::Number => "number",
        SchemaKind::Boolean => "boolean",
        SchemaKind::Array { .. } => "array",
        SchemaKind::Object { .. } => "object",
    }
}

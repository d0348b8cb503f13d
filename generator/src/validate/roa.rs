//! ROA (RESTful) operations, as OpenAPI says them: a path item keyed by the real path
//! (`/clusters/{ClusterId}`) holding one operation per HTTP method, each named by its
//! `operationId`; `in: path` and `in: header` parameters; a `requestBody` whose JSON
//! schema is the whole body.

use std::collections::BTreeSet;

use crate::diagnostics::child;
use crate::spec::{Location, Operation, Parameter, Style};

use super::decode::{Obj, Problems};
use super::limits::name_length;
use super::operation::{METHODS, operation};
use super::schema::schema;

/// The methods a ROA operation may use (OpenAPI's others are not sent by the SDKs).
const ROA_METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Every operation of a ROA path item, one per method.
pub(super) fn path_item(
    key: &str,
    obj: &Obj<'_>,
    responses: &BTreeSet<String>,
    p: &mut Problems,
) -> Vec<Operation> {
    if !key.starts_with('/') || key.contains(['?', '#']) {
        p.hinted(
            &obj.at(""),
            format!("path key `{key}` is not a ROA path"),
            "ROA operations are keyed by their wire path, e.g. `/clusters/{ClusterId}`",
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut any = false;
    for method in METHODS {
        let Some(v) = obj.get(method) else { continue };
        any = true;
        if !ROA_METHODS.contains(&method) {
            p.hinted(
                &obj.at(method),
                format!("method `{method}` is not supported"),
                "ROA operations use get, post, put, delete or patch",
            );
            continue;
        }
        let upper = method.to_ascii_uppercase();
        out.extend(operation(
            v,
            &obj.at(method),
            responses,
            Some((key, &upper)),
            p,
        ));
    }
    if !any {
        p.hinted(
            &obj.at(""),
            format!("path item `{key}` has no operation"),
            "add an operation under its HTTP method, e.g. `get:`",
        );
    }
    out
}

/// The action name, path and methods of a ROA operation (what `x-acs-rpc` says for RPC).
pub(super) fn facts(
    obj: &Obj<'_>,
    id: Option<&str>,
    path: &str,
    method: &str,
    p: &mut Problems,
) -> Option<(String, String, Vec<String>)> {
    if obj.get("x-acs-rpc").is_some() {
        p.hinted(
            &obj.at("x-acs-rpc"),
            "a ROA operation has no `x-acs-rpc`",
            "its path is the path key and its method the key it is listed under",
        );
    }
    let id = id?;
    if !name_length("the action name", id, &obj.at("operationId"), p) {
        return None;
    }
    if id.is_empty()
        || !id.chars().all(|c| c.is_ascii_alphanumeric())
        || !id.starts_with(|c: char| c.is_ascii_uppercase())
    {
        p.hinted(
            &obj.at("operationId"),
            format!("operationId {id:?} is not an action name"),
            "actions are PascalCase ASCII, e.g. `DescribeClustersV1`",
        );
        return None;
    }
    Some((id.to_owned(), path.to_owned(), vec![method.to_owned()]))
}

/// The `requestBody` as one `JsonBody` parameter, named by `x-acs-name` (default `body`).
pub(super) fn request_body(op: &Obj<'_>, p: &mut Problems) -> Option<Parameter> {
    let pointer = op.at("requestBody");
    let obj = Obj::of(op.get("requestBody")?, &pointer, "`requestBody`", p)?;
    obj.check_keys(
        "`requestBody`",
        &["description", "required", "content", "x-acs-name"],
        &[],
        p,
    );
    let name = obj
        .string("x-acs-name", p)
        .unwrap_or_else(|| "body".to_owned());
    if !name_length("the body name", &name, &obj.at("x-acs-name"), p) {
        return None;
    }
    let content = obj.required("content", "`requestBody`", p)?;
    let content_ptr = obj.at("content");
    let content = Obj::of(content, &content_ptr, "`content`", p)?;
    content.check_keys("`content`", &["application/json"], &[], p);
    let media_ptr = content.at("application/json");
    let media = content.required("application/json", "`content`", p)?;
    let media = Obj::of(media, &media_ptr, "a media type", p)?;
    media.check_keys("a media type", &["schema"], &["example", "examples"], p);
    let s = media.required("schema", "the media type", p)?;
    let schema = schema(s, &media.at("schema"), p)?;
    Some(Parameter {
        pointer: pointer.clone(),
        name,
        required: obj.bool("required", p).unwrap_or(false),
        description: obj.string("description", p),
        schema,
        style: Style::Json,
        location: Location::JsonBody,
        example: None,
        deprecated: false,
    })
}

/// Every `{Name}` of the path has an `in: path` parameter, and every such parameter has
/// its `{Name}`.
pub(super) fn check_path_params(path: &str, params: &[Parameter], op: &Obj<'_>, p: &mut Problems) {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            p.hinted(
                &op.at(""),
                format!("path `{path}` has an unclosed `{{`"),
                "write segments as `{Name}`",
            );
            return;
        };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    for name in &names {
        if !params
            .iter()
            .any(|q| q.location == Location::Path && q.name == *name)
        {
            p.hinted(
                &op.at(""),
                format!(
                    "path `{path}` has a `{{{name}}}` segment but no `in: path` parameter `{name}`"
                ),
                "add the parameter with `in: path` and `required: true`",
            );
        }
    }
    for (i, q) in params.iter().enumerate() {
        if q.location == Location::Path && !names.contains(&q.name.as_str()) {
            p.hinted(
                &child(&op.at("parameters"), &i.to_string()),
                format!(
                    "path parameter `{}` has no `{{{}}}` segment in `{path}`",
                    q.name, q.name
                ),
                "use `in: query`, or add the segment to the path key",
            );
        }
    }
}

//! One path item and its operations: `x-acs-rpc`, `x-acs-qps`, `x-acs-ram` (ROA's own
//! facts are in `roa.rs`).

use std::collections::BTreeSet;

use serde_yaml::Value;

use crate::diagnostics::child;
use crate::spec::{Operation, Qps, Ram};

use super::decode::{Obj, Problems, describe, string_value};
use super::limits::name_length;
use super::parameter::parameters;
use super::responses::{errors, responses_of};

pub(super) fn path_item(
    key: &str,
    item: &Value,
    pointer: &str,
    responses: &BTreeSet<String>,
    roa: bool,
    p: &mut Problems,
) -> Vec<Operation> {
    let Some(obj) = Obj::of(item, pointer, &format!("path item `{key}`"), p) else {
        return Vec::new();
    };
    obj.check_keys(
        &format!("path item `{key}`"),
        &METHODS,
        &["summary", "description", "servers", "parameters"],
        p,
    );
    if roa {
        return super::roa::path_item(key, &obj, responses, p);
    }
    rpc_path_item(key, &obj, pointer, responses, p)
        .into_iter()
        .collect()
}

/// The keys of a path item that hold operations.
pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn rpc_path_item(
    key: &str,
    obj: &Obj<'_>,
    pointer: &str,
    responses: &BTreeSet<String>,
    p: &mut Problems,
) -> Option<Operation> {
    let present: Vec<&str> = METHODS
        .iter()
        .copied()
        .filter(|m| obj.get(m).is_some())
        .collect();
    let method = match present.as_slice() {
        [one] => *one,
        [] => {
            p.hinted(
                pointer,
                format!("path item `{key}` has no operation"),
                "add `get:` with the action; list accepted methods in `x-acs-rpc.methods`",
            );
            return None;
        }
        [_, second, ..] => {
            p.hinted(
                &obj.at(second),
                format!("path item `{key}` holds more than one operation"),
                "one RPC action per path item: list extra HTTP methods in `x-acs-rpc.methods` instead",
            );
            return None;
        }
    };
    let op_pointer = obj.at(method);
    let op = operation(obj.get(method)?, &op_pointer, responses, None, p)?;
    let expected = format!("/{}", op.action);
    if key != expected {
        p.hinted(
            pointer,
            format!("path key `{key}` does not match action `{}`", op.action),
            format!(
                "RPC actions are keyed as `{expected}`; the wire path comes from `x-acs-rpc.path`"
            ),
        );
    }
    Some(op)
}

/// An operation object. `roa` is `Some((path, method))` for a ROA operation, which has
/// no `x-acs-rpc` and may take path and header parameters and a `requestBody`.
pub(super) fn operation(
    v: &Value,
    pointer: &str,
    responses: &BTreeSet<String>,
    roa: Option<(&str, &str)>,
    p: &mut Problems,
) -> Option<Operation> {
    let obj = Obj::of(v, pointer, "an operation", p)?;
    obj.check_keys(
        "an operation",
        &[
            "operationId",
            "summary",
            "description",
            "parameters",
            "responses",
            "deprecated",
            "x-acs-rpc",
            "x-acs-qps",
            "x-acs-ram",
            "x-acs-errors",
            "x-acs-pagination",
            "x-acs-idempotency-token",
            "requestBody",
        ],
        &["tags", "externalDocs", "security", "servers", "callbacks"],
        p,
    );
    let id = obj.required_string("operationId", "the operation", p);
    let rpc = match roa {
        None => rpc(&obj, p),
        Some((path, method)) => super::roa::facts(&obj, id.as_deref(), path, method, p),
    };
    if let (Some(id), Some((action, ..))) = (&id, &rpc)
        && id != action
    {
        p.hinted(
            &obj.at("operationId"),
            format!("operationId `{id}` differs from `x-acs-rpc.action` `{action}`"),
            "use the action name as operationId",
        );
    }
    let qps = obj
        .get("x-acs-qps")
        .and_then(|v| qps(v, &obj.at("x-acs-qps"), p));
    let ram = ram(&obj, p);
    let mut params = parameters(&obj, roa.is_some(), p);
    if obj.get("requestBody").is_some() {
        match (roa, super::roa::request_body(&obj, p)) {
            (Some(_), Some(body)) => {
                if let Some(list) = &mut params {
                    list.push(body);
                }
            }
            (Some(_), None) => params = None,
            (None, _) => p.hinted(
                &obj.at("requestBody"),
                "an RPC action has no `requestBody`",
                "send form parameters with `x-acs-in: formData`",
            ),
        }
    }
    if let (Some((path, _)), Some(list)) = (roa, &params) {
        super::roa::check_path_params(path, list, &obj, p);
    }
    let errors = errors(&obj, p);
    let output = responses_of(&obj, &errors, responses, p);
    let deprecated = obj.bool("deprecated", p).unwrap_or(false);
    let pagination = super::pagination::decode(&obj, p);
    let idempotency_token = idempotency_token(&obj, params.as_deref(), p);
    let (action, path, methods) = rpc?;
    Some(Operation {
        pointer: pointer.to_owned(),
        action,
        summary: obj.string("summary", p),
        description: obj.string("description", p),
        path,
        methods,
        qps,
        ram: ram?,
        params: params?,
        output: output?,
        errors: errors?,
        pagination: pagination.ok()?,
        idempotency_token: idempotency_token.ok()?,
        deprecated,
        roa: roa.is_some(),
    })
}

/// `x-acs-idempotency-token`: the name of a string parameter in the query, the form body
/// or a header, or `body.property` for a top-level string property of the ROA JSON body
/// (`body.clientToken`), which the runtime fills when the caller leaves it unset.
/// `Err(())` when present but unusable.
fn idempotency_token(
    op: &Obj<'_>,
    params: Option<&[crate::spec::Parameter]>,
    p: &mut Problems,
) -> Result<Option<String>, ()> {
    let Some(v) = op.get("x-acs-idempotency-token") else {
        return Ok(None);
    };
    let pointer = op.at("x-acs-idempotency-token");
    let name = string_value(v, &pointer, p).ok_or(())?;
    // Without a parameter list the parameters' own problems are already reported.
    let Some(params) = params else {
        return Err(());
    };
    if let Some((body, property)) = name.split_once('.') {
        return body_token(params, body, property, &name, &pointer, p);
    }
    let Some(param) = params.iter().find(|param| param.name == name) else {
        p.hinted(
            &pointer,
            format!("`x-acs-idempotency-token` names `{name}`, which is not a parameter of the operation"),
            "name the parameter that carries the token, e.g. `ClientToken`",
        );
        return Err(());
    };
    let placed = matches!(
        param.location,
        crate::spec::Location::Query | crate::spec::Location::Body | crate::spec::Location::Header
    );
    let string = matches!(param.schema.kind, crate::spec::SchemaKind::String { ref values, .. } if values.is_empty());
    if !placed || !string {
        p.hinted(
            &pointer,
            format!("idempotency token `{name}` must be a free-form string parameter in the query, the form body or a header"),
            "the runtime fills the token with a generated text; point at such a parameter or drop the key",
        );
        return Err(());
    }
    Ok(Some(name))
}

/// `body.property`: `body` must be the JSON body parameter and `property` a free-form
/// string property of its (inline) object schema.
fn body_token(
    params: &[crate::spec::Parameter],
    body: &str,
    property: &str,
    name: &str,
    pointer: &str,
    p: &mut Problems,
) -> Result<Option<String>, ()> {
    let schema = params
        .iter()
        .find(|param| param.name == body && param.location == crate::spec::Location::JsonBody)
        .map(|param| &param.schema.kind);
    let found = match schema {
        Some(crate::spec::SchemaKind::Object { properties, .. }) => properties
            .iter()
            .find(|(n, _)| n == property)
            .map(|(_, s)| &s.kind),
        _ => None,
    };
    match found {
        Some(crate::spec::SchemaKind::String { values, .. }) if values.is_empty() => {
            Ok(Some(name.to_owned()))
        }
        _ => {
            p.hinted(
                pointer,
                format!("idempotency token `{name}` must name a free-form string property of the JSON body `{body}`, whose schema is an inline object"),
                "write `<body>.<property>`, e.g. `body.clientToken`, or name a query, form or header parameter",
            );
            Err(())
        }
    }
}

fn rpc(op: &Obj<'_>, p: &mut Problems) -> Option<(String, String, Vec<String>)> {
    let v = op.required("x-acs-rpc", "the operation", p)?;
    let pointer = op.at("x-acs-rpc");
    let obj = Obj::of(v, &pointer, "`x-acs-rpc`", p)?;
    obj.check_keys("`x-acs-rpc`", &["action", "path", "methods"], &[], p);
    let action = obj
        .required_string("action", "`x-acs-rpc`", p)
        .filter(|a| name_length("the action name", a, &obj.at("action"), p));
    if let Some(a) = &action
        && (a.is_empty()
            || !a.chars().all(|c| c.is_ascii_alphanumeric())
            || !a.starts_with(|c: char| c.is_ascii_alphabetic()))
    {
        p.hinted(
            &obj.at("action"),
            format!("action {a:?} is not an RPC action name"),
            "actions are ASCII letters and digits starting with a letter, e.g. `StopLivePullToPush`",
        );
    }
    let path = obj.required_string("path", "`x-acs-rpc`", p);
    if let Some(path) = &path
        && !path.starts_with('/')
    {
        p.error(
            &obj.at("path"),
            format!("wire path {path:?} must start with `/`"),
        );
    }
    let methods = obj
        .strings("methods", p)
        .unwrap_or_else(|| vec!["GET".to_owned()]);
    if methods.is_empty() {
        p.error(
            &obj.at("methods"),
            "`methods` must list at least one HTTP method",
        );
    }
    for (i, m) in methods.iter().enumerate() {
        if m != "GET" && m != "POST" {
            p.hinted(
                &child(&obj.at("methods"), &i.to_string()),
                format!("method {m:?} is not supported"),
                "RPC actions accept `GET` and `POST`",
            );
        }
    }
    Some((action?, path?, methods))
}

fn qps(v: &Value, pointer: &str, p: &mut Problems) -> Option<Qps> {
    let obj = Obj::of(v, pointer, "`x-acs-qps`", p)?;
    obj.check_keys(
        "`x-acs-qps`",
        &["limit", "per", "scope", "onExceed"],
        &[],
        p,
    );
    let limit = match obj
        .required("limit", "`x-acs-qps`", p)
        .map(|v| (v.as_u64(), v))
    {
        Some((Some(n), _)) if n > 0 && n <= u64::from(u32::MAX) => u32::try_from(n).ok(),
        Some((_, v)) => {
            p.error(
                &obj.at("limit"),
                format!("`limit` must be a positive integer, found {}", describe(v)),
            );
            None
        }
        None => None,
    };
    let per = one_of(&obj, "per", &["second", "minute"], "second", p);
    let scope = one_of(&obj, "scope", &["account", "api"], "account", p);
    let on_exceed = one_of(&obj, "onExceed", &["drop", "throttle"], "throttle", p);
    Some(Qps {
        limit: limit?,
        per: per?,
        scope: scope?,
        on_exceed: on_exceed?,
    })
}

fn one_of(
    obj: &Obj<'_>,
    key: &str,
    allowed: &[&str],
    default: &str,
    p: &mut Problems,
) -> Option<String> {
    match obj.get(key) {
        None => Some(default.to_owned()),
        Some(v) => {
            let s = string_value(v, &obj.at(key), p)?;
            if allowed.contains(&s.as_str()) {
                Some(s)
            } else {
                p.hinted(
                    &obj.at(key),
                    format!("`{key}` is {s:?}"),
                    format!("expected one of {}", super::decode::list(allowed.iter())),
                );
                None
            }
        }
    }
}

fn ram(op: &Obj<'_>, p: &mut Problems) -> Option<Ram> {
    let Some(v) = op.get("x-acs-ram") else {
        return Some(Ram::default());
    };
    let pointer = op.at("x-acs-ram");
    let obj = Obj::of(v, &pointer, "`x-acs-ram`", p)?;
    obj.check_keys(
        "`x-acs-ram`",
        &[
            "action",
            "accessLevel",
            "resources",
            "conditionKeys",
            "dependentActions",
        ],
        &[],
        p,
    );
    let action = obj.string("action", p);
    if let Some(a) = &action {
        let ok = a
            .split_once(':')
            .is_some_and(|(svc, act)| !svc.is_empty() && !act.is_empty());
        if !ok {
            p.hinted(
                &obj.at("action"),
                format!("RAM action {a:?} is not `product:Action`"),
                "e.g. `live:StopLivePullToPush`",
            );
        }
    }
    let level = match obj.get("accessLevel") {
        None => None,
        Some(_) => Some(one_of(
            &obj,
            "accessLevel",
            &["read", "list", "get", "create", "update", "delete"],
            "",
            p,
        )?),
    };
    Some(Ram {
        action,
        access_level: level,
        resources: obj.strings("resources", p).unwrap_or_default(),
        condition_keys: obj.strings("conditionKeys", p).unwrap_or_default(),
        dependent_actions: obj.strings("dependentActions", p).unwrap_or_default(),
    })
}

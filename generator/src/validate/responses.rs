//! An operation's `responses` and `x-acs-errors`, and response objects.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::diagnostics::child;
use crate::spec::{ErrorCode, Schema};

use super::decode::{Obj, Problems, describe, kind};
use super::refs::RESPONSE_PREFIX;
use super::schema::schema;

pub(super) fn errors(op: &Obj<'_>, p: &mut Problems) -> Option<Vec<ErrorCode>> {
    let Some(v) = op.get("x-acs-errors") else {
        return Some(Vec::new());
    };
    let pointer = op.at("x-acs-errors");
    let Value::Sequence(items) = v else {
        p.error(
            &pointer,
            format!("`x-acs-errors` must be a list, found {}", kind(v)),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let ptr = child(&pointer, &i.to_string());
        let Some(obj) = Obj::of(item, &ptr, "an error entry", p) else {
            continue;
        };
        obj.check_keys(
            "an error entry",
            &["code", "httpStatus", "message", "description"],
            &[],
            p,
        );
        let code = obj.required_string("code", "the error entry", p);
        let status = match obj.required("httpStatus", "the error entry", p) {
            Some(v) => match v
                .as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| (200..600).contains(n))
            {
                Some(n) => Some(n),
                None => {
                    p.error(
                        &obj.at("httpStatus"),
                        format!(
                            "`httpStatus` must be an HTTP status (200-599), found {}",
                            describe(v)
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let message = obj.required_string("message", "the error entry", p);
        let description = obj.string("description", p);
        if let Some(c) = &code {
            // `%s` marks a variable part of a code written as a template
            // (`Invalid%s.ValueNotSupported`); the runtime matches it against any text.
            // Real metadata has codes such as `Invalid Parameter`: inner spaces are kept.
            let plain = c.replace("%s", "");
            if plain.trim().is_empty()
                || plain.trim() != plain
                || !plain
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ".-_ ".contains(ch))
            {
                p.hinted(
                    &obj.at("code"),
                    format!("error code {c:?} must be ASCII letters, digits, `.`, `_`, `-` or inner spaces"),
                    "a variable part of a code is written `%s`",
                );
            }
            if let Some(first) = seen.insert(c.clone(), ptr.clone()) {
                p.hinted(
                    &ptr,
                    format!("error code `{c}` is listed twice"),
                    format!("first listed at {first}"),
                );
            }
        }
        if let (Some(code), Some(http_status), Some(message)) = (code, status, message) {
            out.push(ErrorCode {
                pointer: ptr,
                code,
                http_status,
                message,
                description,
            });
        }
    }
    Some(out)
}

/// Checks `responses` and returns the 200 body schema.
pub(super) fn responses_of(
    op: &Obj<'_>,
    errors: &Option<Vec<ErrorCode>>,
    names: &BTreeSet<String>,
    p: &mut Problems,
) -> Option<Option<Schema>> {
    let v = op.required("responses", "the operation", p)?;
    let pointer = op.at("responses");
    let obj = Obj::of(v, &pointer, "`responses`", p)?;
    let mut statuses = BTreeSet::new();
    let mut output = None;
    for (status, value) in obj.entries(p) {
        let ptr = obj.at(status);
        if let Some(Value::String(r)) = value.get("$ref") {
            match r.strip_prefix(RESPONSE_PREFIX) {
                Some(name) if names.contains(name) => {}
                _ => p.hinted(&child(&ptr, "$ref"), format!("response reference {r:?} does not resolve"), format!("define it under `components/responses` and refer to it as `{RESPONSE_PREFIX}Name`")),
            }
        } else if status == "200" {
            // Without a schema the answer is not documented; the output keeps it as JSON.
            output = response_object(value, &ptr, p);
        } else {
            response_object(value, &ptr, p);
        }
        statuses.insert(status.to_owned());
    }
    if !statuses.contains("200") {
        p.hinted(
            &pointer,
            "`responses` has no `200` entry",
            "describe the success body under `'200'`",
        );
    }
    for e in errors.iter().flatten() {
        if !statuses.contains(&e.http_status.to_string()) {
            p.hinted(
                &child(&e.pointer, "httpStatus"),
                format!(
                    "error `{}` answers HTTP {}, which `responses` does not list",
                    e.code, e.http_status
                ),
                format!(
                    "add `'{}': {{$ref: '{RESPONSE_PREFIX}Error'}}` to the operation's responses",
                    e.http_status
                ),
            );
        }
    }
    Some(output)
}

/// A response object; returns its JSON schema if it has one.
pub(super) fn response_object(v: &Value, pointer: &str, p: &mut Problems) -> Option<Schema> {
    let obj = Obj::of(v, pointer, "a response", p)?;
    obj.check_keys(
        "a response",
        &["description", "content"],
        &["headers", "links"],
        p,
    );
    obj.required_string("description", "the response", p);
    let content = obj.get("content")?;
    let content_ptr = obj.at("content");
    let content = Obj::of(content, &content_ptr, "`content`", p)?;
    let json = content.get("application/json")?;
    let json_ptr = content.at("application/json");
    let media = Obj::of(json, &json_ptr, "a media type", p)?;
    media.check_keys(
        "a media type",
        &["schema", "example"],
        &["examples", "encoding"],
        p,
    );
    let s = media.required("schema", "the media type", p)?;
    schema(s, &media.at("schema"), p)
}

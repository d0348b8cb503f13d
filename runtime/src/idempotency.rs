//! Idempotency tokens: the value a call sends in its operation's token parameter
//! (`ClientToken`) so that the service acts once however often the call is resent.
//!
//! A caller may set the token itself (to make two separate calls count as one, say after
//! a restart); when it is left unset — absent, `null` or empty — the client fills one
//! generated value before encoding, once per call, so every attempt of the call repeats
//! it and a dry run shows it. This is what aws-sdk-rust does with the
//! `@idempotencyToken` members of its models.

use serde_json::Value;

use crate::operation::Operation;

/// A fresh token: a random (version 4) UUID in lower-case hex, 36 characters, which fits
/// every `ClientToken` the catalogue bounds (64 characters at most).
pub fn new_token() -> String {
    let high = fastrand::u64(..);
    let low = fastrand::u64(..);
    // Version 4 and the RFC 4122 variant.
    let high = (high & !0xF000) | 0x4000;
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

/// `input` with `op`'s token parameter filled by [`new_token`], or `None` when there is
/// nothing to fill: the operation takes no token, the caller set one, or the input is not
/// an object (the encoder then reports it). A token named `param.property` is a property
/// of the JSON body parameter `param` (ROA, e.g. `body.clientToken`); an absent body
/// becomes an object holding just the token.
pub fn fill(op: &Operation, input: &Value) -> Option<Value> {
    let name = op.idempotency_token?;
    // `body.clientToken`: a property of the JSON body parameter `body` (ROA).
    let (param, property) = match name.split_once('.') {
        Some((param, property)) => (param, Some(property)),
        None => (name, None),
    };
    let object = input.as_object()?;
    let empty = serde_json::Map::new();
    let (holder, key) = match (property, object.get(param)) {
        (None, _) => (object, name),
        // No body yet: the token makes one.
        (Some(property), None | Some(Value::Null)) => (&empty, property),
        (Some(property), Some(body)) => (body.as_object()?, property),
    };
    let unset = match holder.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::String(token)) => token.is_empty(),
        Some(_) => false,
    };
    if !unset {
        return None;
    }
    let mut filled = object.clone();
    let target = match property {
        None => &mut filled,
        Some(_) => {
            let body = filled
                .entry(param.to_owned())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if body.is_null() {
                *body = Value::Object(serde_json::Map::new());
            }
            body.as_object_mut()?
        }
    };
    target.insert(key.to_owned(), Value::String(new_token()));
    Some(Value::Object(filled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{ParamInfo, Shape};
    use serde_json::json;

    static SERVICE: crate::operation::Service = crate::operation::Service {
        code: "demo",
        version: "2020-01-01",
        default_endpoint: "demo.aliyuncs.com",
        endpoint_pattern: "demo.{regionId}.aliyuncs.com",
        regional_endpoints: &[],
    };

    static CREATE: Operation = Operation {
        service: &SERVICE,
        action: "CreateThing",
        summary: "",
        path: "/",
        methods: &[crate::operation::HttpMethod::Post],
        qps: None,
        ram: crate::operation::RamAuthorization::UNDOCUMENTED,
        params: &[
            ParamInfo::query("Name", Shape::STRING),
            ParamInfo::query("ClientToken", Shape::STRING),
        ],
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: Some("ClientToken"),
    };

    #[test]
    fn tokens_look_like_uuids_and_differ() {
        let token = new_token();
        let groups: Vec<usize> = token.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{token}");
        assert_eq!(token.as_bytes()[14], b'4', "{token}");
        assert!(
            matches!(token.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "{token}"
        );
        assert_ne!(token, new_token());
    }

    #[test]
    fn an_unset_token_is_filled_and_a_set_one_kept() {
        for unset in [
            json!({"Name": "a"}),
            json!({"Name": "a", "ClientToken": null}),
            json!({"ClientToken": ""}),
        ] {
            let filled = fill(&CREATE, &unset).expect("filled");
            let token = filled["ClientToken"].as_str().expect("a string");
            assert_eq!(token.len(), 36, "{filled}");
        }
        assert_eq!(fill(&CREATE, &json!({"ClientToken": "mine"})), None);
        assert_eq!(fill(&CREATE, &json!(["not", "an", "object"])), None);
        let no_token = Operation {
            idempotency_token: None,
            ..CREATE
        };
        assert_eq!(fill(&no_token, &json!({"Name": "a"})), None);
    }

    static ROA_CREATE: Operation = Operation {
        service: &SERVICE,
        action: "CreateIncident",
        summary: "",
        path: "/incident/create",
        methods: &[crate::operation::HttpMethod::Post],
        qps: None,
        ram: crate::operation::RamAuthorization::UNDOCUMENTED,
        params: &[ParamInfo::json_body("body", Shape::Any)],
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: Some("body.clientToken"),
    };

    #[test]
    fn a_token_inside_the_json_body_is_filled_there() {
        let filled = fill(&ROA_CREATE, &json!({"body": {"title": "t"}})).expect("filled");
        let token = filled["body"]["clientToken"]
            .as_str()
            .expect("a string token");
        assert_eq!(token.len(), 36);
        assert_eq!(filled["body"]["title"], "t");
        assert!(filled.get("clientToken").is_none());
        // Set by the caller: kept.
        assert_eq!(
            fill(&ROA_CREATE, &json!({"body": {"clientToken": "mine"}})),
            None
        );
        // No body: one is made for the token.
        for input in [json!({}), json!({"body": null})] {
            let filled = fill(&ROA_CREATE, &input).expect("filled");
            let body = filled["body"].as_object().expect("a body object");
            assert_eq!(body.len(), 1, "{filled}");
            assert!(body["clientToken"].is_string());
        }
    }
}

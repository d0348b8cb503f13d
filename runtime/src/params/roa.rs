//! The parts of a ROA (RESTful) request that RPC actions do not have: the path built from
//! its template, header parameters and a whole-document JSON body.
//!
//! The rules are those of `alibabacloud-tea-openapi` and the generated Python SDKs on it
//! (for example `alibabacloud-cs20151215`):
//!
//! - each `{Name}` of the path template becomes the value passed through
//!   `DaraURL.percent_encode`: every byte but the RFC 3986 unreserved characters becomes
//!   `%XX`, so `/` is `%2F` (a value never adds a path segment), a space `%20`, `+` `%2B`
//!   and `%` `%25`. The canonical path the signature covers is this encoded path;
//! - a header parameter is sent under its wire name with its scalar text (JSON text for
//!   a list or an object);
//! - a JSON body is the value as one compact JSON text (`DaraCore.to_json_string`), with
//!   object fields that are `null` left out as the SDK's models do, sent as
//!   `application/json; charset=utf-8`.

use serde_json::Value;

use super::{InvalidInput, scalar_text, sdk_json};
use crate::operation::Operation;
use crate::signing::encode::percent_encode;
use crate::signing::v3;

/// The `content-type` of a JSON body, as the Tea SDK sends it.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// Headers the HTTP stack or the client sets on every request, beside the signer's own
/// ([`v3::OWN_HEADERS`]); a header parameter may use neither.
pub const TRANSPORT_HEADER_NAMES: &[&str] = &["content-length", "user-agent"];

/// The path to send for `op`: its template with every `{Name}` replaced by the encoded
/// value of the path parameter `Name` (`path_values` holds the values as given).
///
/// # Errors
///
/// [`InvalidInput`] when the template names a parameter without a value, when a value
/// is `.` or `..` (which URL normalisation would remove), or when the template is not well
/// formed (an unclosed `{`).
pub fn expand_path(
    op: &Operation,
    path_values: &[(String, String)],
) -> Result<String, InvalidInput> {
    let template = op.path;
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(InvalidInput::new(
                "<path>",
                format!(
                    "the path template `{template}` of `{}` has an unclosed `{{`",
                    op.action
                ),
            ));
        };
        let name = &after[..close];
        let Some((_, value)) = path_values.iter().find(|(n, _)| n == name) else {
            return Err(InvalidInput::new(
                name,
                format!(
                    "is required: the path `{template}` of `{}` has a `{{{name}}}` segment",
                    op.action
                ),
            ));
        };
        if value == "." || value == ".." {
            // URL normalisation would drop the segment: the request would reach another
            // path than the one signed.
            return Err(InvalidInput::new(
                name,
                format!("`{value}` cannot be a path segment"),
            ));
        }
        out.push_str(&percent_encode(value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// The text of a path or header parameter: a scalar's wire text, otherwise compact JSON.
pub fn value_text(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| sdk_json(value))
}

/// Checks that a header parameter's name is one the runtime may send.
///
/// # Errors
///
/// [`InvalidInput`] when the signer sets a header of that name itself.
pub fn check_header_name(name: &str) -> Result<(), InvalidInput> {
    if v3::OWN_HEADERS
        .iter()
        .chain(TRANSPORT_HEADER_NAMES)
        .any(|reserved| reserved.eq_ignore_ascii_case(name))
    {
        return Err(InvalidInput::new(
            name,
            "is a header the runtime sets itself",
        ));
    }
    Ok(())
}

/// The JSON body for `value`: the SDK's compact JSON text, `null` object fields dropped.
pub fn json_body(value: &Value) -> String {
    sdk_json(&without_null_fields(value))
}

fn without_null_fields(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_null_fields(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_null_fields).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{HttpMethod, ParamInfo, Shape};

    fn op(path: &'static str) -> Operation {
        static SERVICE: crate::operation::Service = crate::operation::Service {
            code: "cs",
            version: "2015-12-15",
            default_endpoint: "cs.aliyuncs.com",
            endpoint_pattern: "cs.{regionId}.aliyuncs.com",
            regional_endpoints: &[],
        };
        static PARAMS: &[ParamInfo] = &[
            ParamInfo::path("ClusterId", Shape::STRING),
            ParamInfo::path("NodepoolId", Shape::STRING),
        ];
        Operation {
            service: &SERVICE,
            action: "ScaleClusterNodePool",
            summary: "",
            path,
            methods: &[HttpMethod::Post],
            qps: None,
            ram: crate::operation::RamAuthorization::UNDOCUMENTED,
            params: PARAMS,
            errors: &[],
            pagination: None,
            deprecated: false,
            idempotency_token: None,
        }
    }

    fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn path_values_stay_inside_their_segment() {
        let op = op("/clusters/{ClusterId}/nodepools/{NodepoolId}");
        let path = expand_path(
            &op,
            &values(&[("ClusterId", "a/b c+d%e"), ("NodepoolId", "节点~*")]),
        )
        .expect("expands");
        assert_eq!(
            path,
            "/clusters/a%2Fb%20c%2Bd%25e/nodepools/%E8%8A%82%E7%82%B9~%2A"
        );
    }

    #[test]
    fn a_missing_path_value_names_the_segment() {
        let op = op("/clusters/{ClusterId}/nodepools/{NodepoolId}");
        let err = expand_path(&op, &values(&[("ClusterId", "c")])).expect_err("missing");
        assert_eq!(err.parameter, "NodepoolId");
        assert!(err.reason.contains("{NodepoolId}"), "{err}");
        let err = expand_path(&self::op("/clusters/{ClusterId"), &[]).expect_err("unclosed");
        assert!(err.reason.contains("unclosed"), "{err}");
    }

    #[test]
    fn json_bodies_drop_null_fields_and_keep_order_and_unicode() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":null,"c":[{"x":null,"y":"直播"}],"d":1.0}"#)
                .expect("json");
        assert_eq!(json_body(&value), r#"{"b":1,"c":[{"y":"直播"}],"d":1.0}"#);
        assert_eq!(json_body(&serde_json::json!(["a", 2])), r#"["a",2]"#);
    }

    #[test]
    fn reserved_headers_are_refused_in_any_case() {
        assert!(check_header_name("X-Acs-Date").is_err());
        assert!(check_header_name("x-acs-dingtalk-token").is_ok());
        assert_eq!(value_text(&serde_json::json!(true)), "true");
        assert_eq!(value_text(&serde_json::json!([1, 2])), "[1,2]");
    }
}

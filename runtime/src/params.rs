//! Encoding an operation's input into the pairs the official SDKs put on the wire.
//!
//! [`encode`] walks [`Operation::params`] in table order, reads each parameter from the
//! input (a JSON object keyed by wire names; `null` or missing means absent), checks it
//! against its [`Shape`] and lays it out by its
//! [`ParamStyle`]. The rules are those of `alibabacloud-tea-openapi` (Python) and are
//! cross-checked against it by `runtime/testdata/encoding/make_cases.py`:
//!
//! - scalars: strings as is, integers in decimal, floats as Python's `str` (`1.0`,
//!   `1e+16`), booleans `true` / `false` (the Java, Go and TypeScript SDKs' spelling and
//!   JSON's; the Python SDK alone writes `True`, which the service also accepts);
//! - `simple`: a list of scalars joined with commas (an empty list is `Name=`), an object
//!   or map flattened as for `repeatList`;
//! - `repeatList` / `flat`: lists as `Name.1=…`, objects and maps as `Name.Key=…`, nested
//!   to any depth (`Name.1.Key.2=…`); `null` fields are left out;
//! - `json`: the value as one compact JSON text with non-ASCII kept (a string is sent as
//!   is, as the SDK does);
//! - body parameters are laid out the same way into [`Encoded::body`];
//! - ROA operations' path, header and JSON-body parameters: see [`roa`];
//! - a parameter named like a protocol parameter (`Format`, `Version`) is encoded like
//!   any other; how the V1 signer merges it is [`crate::protocol`]'s rule.

pub mod roa;
mod text;

use serde_json::{Map, Value};

pub use self::text::{python_float, sdk_json};
use crate::operation::{HttpMethod, Operation, ParamLocation, ParamStyle, Shape};

/// The flattened parameters of one request, before signing and percent-encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    /// Query-string pairs, in table order (nested values in their input order).
    pub query: Vec<(String, String)>,
    /// Form-body pairs, in table order.
    pub body: Vec<(String, String)>,
    /// The path to send: the operation's path, for ROA with every `{Name}` filled in and
    /// percent-encoded ([`roa::expand_path`]). Empty only for `Encoded::default()`.
    pub path: String,
    /// ROA header parameters, `(wire name, text)`, in table order.
    pub headers: Vec<(String, String)>,
    /// The ROA JSON body ([`roa::json_body`]), if the operation has one and it was given.
    pub json_body: Option<String>,
}

/// An input value the spec does not allow (missing, out of range, of the wrong type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value for parameter `{parameter}`: {reason}")]
pub struct InvalidInput {
    /// The wire path of the offending value, e.g. `Tag.2.Key`.
    pub parameter: String,
    /// What is wrong with it.
    pub reason: String,
}

impl InvalidInput {
    /// An error about `parameter`.
    pub fn new(parameter: &str, reason: impl Into<String>) -> Self {
        Self {
            parameter: parameter.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Encodes `input` (a JSON object keyed by wire names, or `null` for no parameters) for
/// `op`.
///
/// # Errors
///
/// [`InvalidInput`] naming the first offending value: a required parameter missing or an
/// empty required string, a value of the wrong type, a bound or length broken, a list with
/// too few or too many items, a parameter the operation does not have, a body parameter on an operation sent with GET, a header parameter named
/// like a header the signer sets, or a path template naming a parameter without a value.
/// Enumeration values are not checked, so values the service adds later still go through.
pub fn encode(op: &Operation, input: &Value) -> Result<Encoded, InvalidInput> {
    let empty = Map::new();
    let fields = match input {
        Value::Object(fields) => fields,
        Value::Null => &empty,
        other => {
            return Err(InvalidInput::new(
                "<input>",
                format!("expected an object, found {}", kind(other)),
            ));
        }
    };
    for (name, value) in fields {
        if value.is_null() {
            continue;
        }
        if op.param(name).is_none() {
            return Err(InvalidInput::new(
                name,
                format!("`{}` has no such parameter", op.action),
            ));
        }
    }
    let method = op.method().unwrap_or(HttpMethod::Get);
    let mut encoded = Encoded::default();
    let mut path_values = Vec::new();
    for param in op.params {
        let value = fields.get(param.name).filter(|v| !v.is_null());
        let Some(value) = value else {
            if param.required {
                return Err(InvalidInput::new(param.name, "is required"));
            }
            continue;
        };
        check(value, &param.shape, param.name, param.required)?;
        let out = match param.location {
            ParamLocation::Query => &mut encoded.query,
            ParamLocation::Body | ParamLocation::JsonBody if method == HttpMethod::Get => {
                return Err(InvalidInput::new(
                    param.name,
                    format!("is a body parameter but `{}` is sent with GET", op.action),
                ));
            }
            ParamLocation::Body => &mut encoded.body,
            ParamLocation::Path => {
                path_values.push((param.name.to_owned(), roa::value_text(value)));
                continue;
            }
            ParamLocation::Header => {
                roa::check_header_name(param.name)?;
                let text = roa::value_text(value);
                encoded.headers.push((param.name.to_owned(), text));
                continue;
            }
            ParamLocation::JsonBody => {
                encoded.json_body = Some(roa::json_body(value));
                continue;
            }
        };
        lay_out(param.name, value, param.style, out);
    }
    encoded.path = roa::expand_path(op, &path_values)?;
    Ok(encoded)
}

/// Checks `value` against `shape` as [`encode`] checks a parameter's value (type,
/// bounds, lengths, item counts; enumeration values are not checked), naming `path` in
/// the error. A receiver of requests (the tests' fake) uses it on the bodies it gets.
///
/// # Errors
///
/// [`InvalidInput`] naming the first offending value.
pub fn check_value(value: &Value, shape: &Shape, path: &str) -> Result<(), InvalidInput> {
    check(value, shape, path, false)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn mismatch(path: &str, expected: &str, found: &Value) -> InvalidInput {
    InvalidInput::new(path, format!("expected {expected}, found {}", kind(found)))
}

/// Checks `value` against `shape`; `path` names it in errors.
fn check(value: &Value, shape: &Shape, path: &str, required: bool) -> Result<(), InvalidInput> {
    match shape {
        Shape::String {
            min_length,
            max_length,
            ..
        } => {
            let Value::String(text) = value else {
                return Err(mismatch(path, "a string", value));
            };
            let length = text.chars().count() as u64;
            if required && length == 0 {
                return Err(InvalidInput::new(path, "is required and must not be empty"));
            }
            if let Some(min) = min_length.filter(|min| length < *min) {
                return Err(InvalidInput::new(
                    path,
                    format!("is {length} characters long, shorter than the minimum {min}"),
                ));
            }
            if let Some(max) = max_length.filter(|max| length > *max) {
                return Err(InvalidInput::new(
                    path,
                    format!("is {length} characters long, longer than the maximum {max}"),
                ));
            }
        }
        Shape::Integer {
            minimum, maximum, ..
        } => {
            let number = match value {
                Value::Number(n) if !n.is_f64() => n
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| n.as_u64().map(i128::from)),
                _ => None,
            };
            let Some(number) = number else {
                return Err(mismatch(path, "an integer", value));
            };
            if let Some(min) = minimum.filter(|min| number < i128::from(*min)) {
                return Err(InvalidInput::new(
                    path,
                    format!("{number} is below the minimum {min}"),
                ));
            }
            if let Some(max) = maximum.filter(|max| number > i128::from(*max)) {
                return Err(InvalidInput::new(
                    path,
                    format!("{number} is above the maximum {max}"),
                ));
            }
        }
        Shape::Number => {
            if !value.is_number() {
                return Err(mismatch(path, "a number", value));
            }
        }
        Shape::Boolean => {
            if !value.is_boolean() {
                return Err(mismatch(path, "a boolean", value));
            }
        }
        Shape::List(list) => {
            let Value::Array(items) = value else {
                return Err(mismatch(path, "a list", value));
            };
            let count = items.len() as u64;
            if let Some(min) = list.min_items.filter(|min| count < *min) {
                return Err(InvalidInput::new(
                    path,
                    format!("has {count} items, fewer than the minimum {min}"),
                ));
            }
            if let Some(max) = list.max_items.filter(|max| count > *max) {
                return Err(InvalidInput::new(
                    path,
                    format!("has {count} items, more than the maximum {max}"),
                ));
            }
            for (index, item) in items.iter().enumerate() {
                let item_path = format!("{path}.{}", index + 1);
                if item.is_null() {
                    return Err(InvalidInput::new(&item_path, "list items must not be null"));
                }
                check(item, &list.item, &item_path, false)?;
            }
        }
        Shape::Object(declared) => {
            let Value::Object(fields) = value else {
                return Err(mismatch(path, "an object", value));
            };
            if !declared.is_empty()
                && let Some((name, _)) = fields
                    .iter()
                    .find(|(name, v)| !v.is_null() && !declared.iter().any(|f| f.name == *name))
            {
                return Err(InvalidInput::new(
                    &format!("{path}.{name}"),
                    "is not a field of this object",
                ));
            }
            for field in *declared {
                let field_path = format!("{path}.{}", field.name);
                match fields.get(field.name).filter(|v| !v.is_null()) {
                    Some(item) => check(item, &field.shape, &field_path, field.required)?,
                    None if field.required => {
                        return Err(InvalidInput::new(&field_path, "is required"));
                    }
                    None => {}
                }
            }
        }
        Shape::Map(item_shape) => {
            let Value::Object(fields) = value else {
                return Err(mismatch(path, "an object (a map)", value));
            };
            for (key, item) in fields {
                if !item.is_null() {
                    check(item, item_shape, &format!("{path}.{key}"), false)?;
                }
            }
        }
        Shape::Any => {}
    }
    Ok(())
}

/// A scalar's wire text; `None` for lists, objects and null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(text::python_number(number)),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn lay_out(name: &str, value: &Value, style: ParamStyle, out: &mut Vec<(String, String)>) {
    match style {
        ParamStyle::Json => out.push((name.to_owned(), sdk_json(value))),
        ParamStyle::Simple => match value {
            Value::Array(items) if items.iter().all(|item| scalar_text(item).is_some()) => {
                let joined: Vec<String> = items.iter().filter_map(scalar_text).collect();
                out.push((name.to_owned(), joined.join(",")));
            }
            other => flatten(name, other, out),
        },
        ParamStyle::RepeatList | ParamStyle::Flat => flatten(name, value, out),
    }
}

/// The SDK's `_object_handler`: `prefix.N` for list items (from 1), `prefix.Key` for
/// object fields, nulls skipped.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{}", index + 1), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                flatten(&format!("{prefix}.{key}"), item, out);
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.push((prefix.to_owned(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests;

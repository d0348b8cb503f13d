//! JSON schemas: types, formats, bounds, enums and their docs, properties.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::diagnostics::child;
use crate::spec::{Schema, SchemaKind};

use super::decode::{Obj, Problems, describe, kind, string_value};
use super::limits::{MAX_ENUM_VALUES, MAX_PROPERTIES, name_length};
use super::refs::SCHEMA_PREFIX;

const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "description",
    "enum",
    "minimum",
    "maximum",
    "items",
    "properties",
    "required",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "additionalProperties",
    "x-acs-enum-docs",
];
const SCHEMA_IGNORED: &[&str] = &[
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "pattern",
    "uniqueItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "const",
];

pub(super) fn schema(v: &Value, pointer: &str, p: &mut Problems) -> Option<Schema> {
    let obj = Obj::of(v, pointer, "a schema", p)?;
    obj.check_keys("a schema", SCHEMA_KEYS, SCHEMA_IGNORED, p);
    let description = obj.string("description", p);
    if let Some(r) = obj.get("$ref") {
        let r = string_value(r, &obj.at("$ref"), p)?;
        return match r.strip_prefix(SCHEMA_PREFIX) {
            Some(name) if !name.is_empty() && !name.contains('/') => {
                p.refs.push((name.to_owned(), obj.at("$ref")));
                Some(Schema {
                    pointer: pointer.to_owned(),
                    description,
                    kind: SchemaKind::Ref(name.to_owned()),
                })
            }
            _ => {
                p.hinted(
                    &obj.at("$ref"),
                    format!("reference {r:?} is not supported"),
                    format!("refer to local schemas as `{SCHEMA_PREFIX}Name`"),
                );
                None
            }
        };
    }
    let ty = match obj.get("type") {
        None => {
            p.hinted(pointer, "the schema has no `type`", "give `type: string`, `integer`, `number`, `boolean`, `array` or `object`, or a `$ref`");
            return None;
        }
        Some(Value::Sequence(_)) => {
            p.hinted(
                &obj.at("type"),
                "type lists are not supported",
                "use one type; optional values are expressed by leaving them out of `required`",
            );
            return None;
        }
        Some(t) => string_value(t, &obj.at("type"), p)?,
    };
    let kind = match ty.as_str() {
        "string" => {
            let values = match obj.get("enum") {
                None => Vec::new(),
                Some(v) => enum_values(v, &obj.at("enum"), p, |item, ptr, p| {
                    string_value(item, ptr, p)
                })?,
            };
            let listed: BTreeSet<&str> = values.iter().map(String::as_str).collect();
            let value_docs = enum_docs(&obj, p, |value| {
                listed.contains(value).then(|| value.to_owned())
            });
            let min_length = obj.count("minLength", p);
            let max_length = obj.count("maxLength", p);
            check_order(&obj, "minLength", min_length, "maxLength", max_length, p);
            SchemaKind::String {
                format: obj.string("format", p),
                values,
                value_docs,
                min_length,
                max_length,
            }
        }
        "integer" => {
            let format = obj.string("format", p);
            if let Some(f) = format.as_deref().filter(|f| *f != "int32" && *f != "int64") {
                p.hinted(
                    &obj.at("format"),
                    format!("integer format {f:?} is not known"),
                    "use `int32` or `int64`",
                );
            }
            let minimum = obj.integer("minimum", p);
            let maximum = obj.integer("maximum", p);
            if let (Some(lo), Some(hi)) = (minimum, maximum)
                && lo > hi
            {
                p.error(
                    &obj.at("minimum"),
                    format!("`minimum` {lo} is above `maximum` {hi}"),
                );
            }
            let values = match obj.get("enum") {
                None => Vec::new(),
                Some(v) => {
                    enum_values(v, &obj.at("enum"), p, |item, ptr, p| match item.as_i64() {
                        Some(n) => Some(n),
                        None => {
                            p.error(ptr, format!("an integer enum lists {}", describe(item)));
                            None
                        }
                    })?
                }
            };
            let value_docs = enum_docs(&obj, p, |value| {
                value.parse::<i64>().ok().filter(|n| values.contains(n))
            });
            SchemaKind::Integer {
                format,
                minimum,
                maximum,
                values,
                value_docs,
            }
        }
        "number" => SchemaKind::Number,
        "boolean" => SchemaKind::Boolean,
        "array" => {
            let items = obj.required("items", "the array schema", p)?;
            let min_items = obj.count("minItems", p);
            let max_items = obj.count("maxItems", p);
            check_order(&obj, "minItems", min_items, "maxItems", max_items, p);
            SchemaKind::Array {
                items: Box::new(schema(items, &obj.at("items"), p)?),
                min_items,
                max_items,
            }
        }
        "object" => {
            let mut properties = Vec::new();
            if let Some(v) = obj.get("properties") {
                let ptr = obj.at("properties");
                if let Some(props) = Obj::of(v, &ptr, "`properties`", p) {
                    let entries = props.entries(p);
                    if entries.len() > MAX_PROPERTIES {
                        p.hinted(
                            &ptr,
                            format!(
                                "the object declares {} properties; livegen generates at most {MAX_PROPERTIES}",
                                entries.len()
                            ),
                            "describe an open-ended object with `additionalProperties`",
                        );
                    }
                    // Past the limit the schema is kept without its properties, so
                    // references to it do not add a second, misleading problem.
                    let entries = if entries.len() > MAX_PROPERTIES {
                        Vec::new()
                    } else {
                        entries
                    };
                    for (name, s) in entries {
                        if !name_length("the property name", name, &props.at(name), p) {
                            continue;
                        }
                        if let Some(s) = schema(s, &props.at(name), p) {
                            properties.push((name.to_owned(), s));
                        }
                    }
                }
            }
            let required = obj.strings("required", p).unwrap_or_default();
            let names: BTreeSet<&str> = properties.iter().map(|(n, _)| n.as_str()).collect();
            for (i, r) in required.iter().enumerate() {
                if !names.contains(r.as_str()) {
                    p.error(
                        &child(&obj.at("required"), &i.to_string()),
                        format!("required property `{r}` is not among `properties`"),
                    );
                }
            }
            let additional = match obj.get("additionalProperties") {
                None | Some(Value::Bool(_)) => None,
                Some(v) => Some(Box::new(schema(v, &obj.at("additionalProperties"), p)?)),
            };
            if additional.is_some() && !properties.is_empty() {
                p.hinted(
                    &obj.at("additionalProperties"),
                    "an object with both `properties` and typed `additionalProperties` is not supported",
                    "use one: declared fields become a struct, `additionalProperties` a map",
                );
            }
            SchemaKind::Object {
                properties,
                required,
                additional,
            }
        }
        other => {
            p.hinted(
                &obj.at("type"),
                format!("type {other:?} is not known"),
                "expected `string`, `integer`, `number`, `boolean`, `array` or `object`",
            );
            return None;
        }
    };
    if obj.get("enum").is_some() && ty != "string" && ty != "integer" {
        p.hinted(
            &obj.at("enum"),
            format!("`enum` on a {ty} schema is not supported"),
            "only string and integer enumerations become Rust enums",
        );
    }
    Some(Schema {
        pointer: pointer.to_owned(),
        description,
        kind,
    })
}

/// `x-acs-enum-docs`, keyed by the values `listed` accepts.
fn enum_docs<K: Ord>(
    obj: &Obj<'_>,
    p: &mut Problems,
    listed: impl Fn(&str) -> Option<K>,
) -> BTreeMap<K, String> {
    let mut value_docs = BTreeMap::new();
    let Some(d) = obj.get("x-acs-enum-docs") else {
        return value_docs;
    };
    let ptr = obj.at("x-acs-enum-docs");
    let Some(docs) = Obj::of(d, &ptr, "`x-acs-enum-docs`", p) else {
        return value_docs;
    };
    for (value, doc) in docs.entries(p) {
        let Some(key) = listed(value) else {
            p.hinted(
                &docs.at(value),
                format!("`x-acs-enum-docs` documents {value:?}, which `enum` does not list"),
                "document only values listed in `enum`",
            );
            continue;
        };
        if let Some(doc) = string_value(doc, &docs.at(value), p) {
            value_docs.insert(key, doc);
        }
    }
    value_docs
}

fn check_order(
    obj: &Obj<'_>,
    low_key: &str,
    low: Option<u64>,
    high_key: &str,
    high: Option<u64>,
    p: &mut Problems,
) {
    if let (Some(lo), Some(hi)) = (low, high)
        && lo > hi
    {
        p.error(
            &obj.at(low_key),
            format!("`{low_key}` {lo} is above `{high_key}` {hi}"),
        );
    }
}

fn enum_values<T: Ord + Clone + std::fmt::Debug>(
    v: &Value,
    pointer: &str,
    p: &mut Problems,
    value: impl Fn(&Value, &str, &mut Problems) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Sequence(items) = v else {
        p.error(pointer, format!("`enum` must be a list, found {}", kind(v)));
        return None;
    };
    if items.is_empty() {
        p.error(pointer, "`enum` is empty");
    }
    if items.len() > MAX_ENUM_VALUES {
        // Each value becomes a variant and four match arms; past this size the generated
        // crate, not the spec, would be the problem. Refused before any per-value work.
        p.hinted(
            pointer,
            format!(
                "`enum` lists {} values; livegen generates at most {MAX_ENUM_VALUES}",
                items.len()
            ),
            "describe an open-ended set as a plain `type: string`",
        );
        // Keeps the schema, so references to it do not add a second, misleading problem.
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let ptr = child(pointer, &i.to_string());
        if let Some(s) = value(item, &ptr, p) {
            if seen.insert(s.clone()) {
                out.push(s);
            } else {
                p.error(&ptr, format!("enum value {s:?} is listed twice"));
            }
        }
    }
    Some(out)
}

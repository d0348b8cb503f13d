//! Metadata schemas as spec schemas.

use std::collections::BTreeSet;

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use super::{Cx, count, integer, prose, s};

impl Cx {
    /// A metadata schema as a spec schema. `parameter`: the schema of a parameter itself,
    /// whose `description`, `example`, `required` and `deprecated` moved to the parameter.
    pub(super) fn schema(
        &mut self,
        schema: &serde_json::Map<String, Json>,
        pointer: &str,
        parameter: bool,
    ) -> Yaml {
        if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            return self.referenced(schema, reference, pointer, parameter);
        }
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
            // A default is written in the schema's own type (metadata often quotes
            // numbers), so the spec stays valid OpenAPI.
            let y = match d {
                Json::String(t) if ty == "integer" => {
                    t.trim().parse::<i64>().ok().map(|n| Yaml::Number(n.into()))
                }
                Json::String(t) if ty == "number" => t
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| Yaml::Number(f.into())),
                Json::String(t) if ty == "boolean" => match t.trim() {
                    "true" => Some(Yaml::Bool(true)),
                    "false" => Some(Yaml::Bool(false)),
                    _ => None,
                },
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
                        if name.trim().is_empty() {
                            self.unmapped(
                                &format!("{pointer}/properties/{name}"),
                                "a property with an empty name; skipped",
                            );
                            continue;
                        }
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

    /// A schema with a `$ref` (`#/components/schemas/Name`): the shared schema, inline,
    /// with the referring schema's own fields (description, `required`…) on top. A `$ref`
    /// to nothing, or back to a schema being expanded, becomes free-form JSON, reported.
    fn referenced(
        &mut self,
        schema: &serde_json::Map<String, Json>,
        reference: &str,
        pointer: &str,
        parameter: bool,
    ) -> Yaml {
        let free_form = |why: &str, cx: &mut Self| {
            cx.unmapped(
                &format!("{pointer}/$ref"),
                format!("`$ref: {reference}` {why}; imported as free-form JSON"),
            );
            let mut m = Mapping::new();
            m.insert(s("type"), s("object"));
            Yaml::Mapping(m)
        };
        let name = reference.strip_prefix("#/components/schemas/");
        let Some((name, target)) = name.and_then(|n| {
            self.schemas
                .get(n)
                .and_then(Json::as_object)
                .map(|t| (n.to_owned(), t.clone()))
        }) else {
            return free_form("names no schema of `components/schemas`", self);
        };
        if self.expanding.contains(&name) {
            return free_form("refers back to itself", self);
        }
        let mut merged = target;
        for (key, value) in schema {
            if key != "$ref" {
                merged.insert(key.clone(), value.clone());
            }
        }
        self.expanding.push(name);
        let out = self.schema(&merged, pointer, parameter);
        self.expanding.pop();
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{Selection, import};

    const META: &str = r##"{"info": {"style": "ROA", "product": "CS", "version": "2015-12-15"},
      "components": {"schemas": {
        "tag": {"type": "object", "description": "A tag.",
          "properties": {"key": {"type": "string"}, "value": {"type": "string"}}},
        "node": {"type": "object", "properties": {
          "name": {"type": "string"}, "child": {"$ref": "#/components/schemas/node"}}}
      }},
      "apis": {
        "ListThings": {"path": "/things", "methods": ["get"],
          "parameters": [
            {"name": "tags", "in": "query", "style": "json", "schema": {"type": "array",
              "required": false, "items": {"description": "One tag.", "$ref": "#/components/schemas/tag"}}},
            {"name": "tree", "in": "query", "style": "json", "schema": {
              "required": false, "$ref": "#/components/schemas/node"}},
            {"name": "gone", "in": "query", "schema": {
              "required": false, "$ref": "#/components/schemas/missing"}}
          ]}
      }}"##;

    #[test]
    fn refs_are_imported_inline_and_cycles_and_dangling_refs_reported() {
        let imported = import(META, &Selection::All).expect("imports");
        let spec = &imported.spec;
        // The shared schema inline, the referring schema's own description on top.
        for want in ["description: One tag.", "key:\n", "value:\n", "child:\n"] {
            assert!(spec.contains(want), "missing {want:?} in\n{spec}");
        }
        let facts: Vec<&str> = imported.unmapped.iter().map(|u| u.fact.as_str()).collect();
        assert!(
            facts.iter().any(|f| f.contains("refers back to itself")),
            "{facts:?}"
        );
        assert!(
            facts.iter().any(
                |f| f.contains("#/components/schemas/missing") && f.contains("names no schema")
            ),
            "{facts:?}"
        );
        assert!(
            !facts.iter().any(|f| f.contains("without a type")),
            "a $ref has its target's type: {facts:?}"
        );
        crate::check("demo.yaml", spec).unwrap_or_else(|e| panic!("{e}\n{spec}"));
    }
}

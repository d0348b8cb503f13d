//! ROA (RESTful) operations: the real path and method, `in: path|header` parameters and
//! the body parameter as a `requestBody`.

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use super::{Cx, prose, s};

impl Cx {
    /// A ROA operation as `(path key, method key, operation object)`. An operation that
    /// lists several methods is sent with the first, as the official SDKs do.
    pub(super) fn roa_operation(
        &mut self,
        name: &str,
        api: &Json,
        mut op: Mapping,
        listed: &[String],
    ) -> (String, String, Yaml) {
        let base = format!("/apis/{name}");
        const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
        let method = match listed.first() {
            Some(m) if METHODS.contains(&m.as_str()) => m.to_ascii_lowercase(),
            Some(m) => {
                self.unmapped(
                    &format!("{base}/methods"),
                    format!("HTTP method {m}; GET assumed"),
                );
                "get".to_owned()
            }
            None => {
                self.unmapped(&format!("{base}/methods"), "no method listed; GET assumed");
                "get".to_owned()
            }
        };
        for other in listed.iter().skip(1) {
            self.unmapped(
                &format!("{base}/methods"),
                format!(
                    "also accepts {other} (the SDKs send {})",
                    method.to_ascii_uppercase()
                ),
            );
        }
        let path = match api.get("path").and_then(Json::as_str) {
            Some(p) if p.starts_with('/') => self.brace_segments(p, api, &base),
            other => {
                self.unmapped(
                    &format!("{base}/path"),
                    format!("path {other:?} is not a ROA path; `/` used"),
                );
                "/".to_owned()
            }
        };
        self.operation_rest(name, api, &mut op, true);
        (path, method, Yaml::Mapping(op))
    }

    /// The path with `[Name]` segments, which some metadata writes for its path
    /// parameters (the SDKs fill them like `{Name}`), written as `{Name}`.
    fn brace_segments(&mut self, path: &str, api: &Json, base: &str) -> String {
        let mut out = path.to_owned();
        for p in api
            .get("parameters")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("in").and_then(Json::as_str) == Some("path"))
        {
            let Some(name) = p.get("name").and_then(Json::as_str) else {
                continue;
            };
            let bracketed = format!("[{name}]");
            if out.contains(&bracketed) && !out.contains(&format!("{{{name}}}")) {
                out = out.replace(&bracketed, &format!("{{{name}}}"));
                self.unmapped(
                    &format!("{base}/path"),
                    format!(
                        "`{bracketed}` in the path is read as `{{{name}}}` (the official SDK sends it literally, leaving `{name}` unused)"
                    ),
                );
            }
        }
        out
    }

    /// The metadata's `in: body` parameter as a `requestBody` with a JSON schema.
    pub(super) fn request_body(&mut self, p: &Json, pointer: &str) -> Option<Yaml> {
        let Some(name) = p.get("name").and_then(Json::as_str) else {
            self.unmapped(pointer, "a body parameter without a name");
            return None;
        };
        let mut schema = p
            .get("schema")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        if schema.get("type").is_none() {
            // Without a type the SDKs send whatever JSON the caller gives.
            schema.insert("type".to_owned(), Json::String("any".to_owned()));
        }
        match p.get("style").and_then(Json::as_str) {
            None | Some("json") => {}
            Some(other) => self.unmapped(
                &format!("{pointer}/style"),
                format!("body style {other:?}; the SDKs send the body as JSON"),
            ),
        }
        for key in p.as_object().into_iter().flat_map(|o| o.keys()) {
            if !["name", "in", "schema", "style"].contains(&key.as_str()) {
                self.unmapped(&format!("{pointer}/{key}"), format!("body field `{key}`"));
            }
        }
        let mut body = Mapping::new();
        if let Some(d) = prose(schema.get("description")) {
            body.insert(s("description"), s(&d));
        }
        let required = schema.get("required").and_then(Json::as_bool) == Some(true);
        body.insert(s("required"), Yaml::Bool(required));
        if name != "body" {
            body.insert(s("x-acs-name"), s(name));
        }
        let converted = self.schema(&schema, &format!("{pointer}/schema"), true);
        let mut media = Mapping::new();
        media.insert(s("schema"), converted);
        let mut content = Mapping::new();
        content.insert(s("application/json"), Yaml::Mapping(media));
        body.insert(s("content"), Yaml::Mapping(content));
        Some(Yaml::Mapping(body))
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{Selection, import};

    const META: &str = r#"{"info": {"style": "ROA", "product": "CS", "version": "2015-12-15"},
      "endpoints": [{"regionId": "cn-x", "endpoint": "cs.cn-x.aliyuncs.com\t"}],
      "apis": {
        "DescribeThing": {"path": "/things/{ThingId}", "methods": ["get"],
          "parameters": [
            {"name": "ThingId", "in": "path", "schema": {"type": "string", "required": true}},
            {"name": "x-acs-tag", "in": "header", "schema": {"type": "string", "required": false}}
          ],
          "responses": {"200": {"schema": {"type": "array", "items": {"type": "string"}}}}},
        "DeleteThing": {"path": "/things/{ThingId}", "methods": ["delete", "post"],
          "parameters": [
            {"name": "ThingId", "in": "path", "schema": {"type": "string", "required": true}},
            {"name": "Version", "in": "query", "schema": {"type": "string", "required": false}}
          ]},
        "AddParts": {"path": "/things/[ThingId]/parts", "methods": ["post"],
          "parameters": [
            {"name": "ThingId", "in": "path", "schema": {"type": "string", "required": true}},
            {"name": "addons", "in": "body", "style": "json", "schema": {"type": "array", "required": true,
              "items": {"type": "object", "properties": {"name": {"type": "string", "required": true}}}}}
          ]}
      }}"#;

    #[test]
    fn roa_metadata_keeps_paths_methods_locations_and_body() {
        let imported = import(META, &Selection::All).expect("imports");
        let spec = &imported.spec;
        for want in [
            "style: ROA",
            "code: cs",
            "cn-x: cs.cn-x.aliyuncs.com\n",
            "  /things/{ThingId}:\n    delete:",
            "    get:\n      operationId: DescribeThing",
            "  /things/{ThingId}/parts:\n    post:",
            "in: path",
            "in: header",
            "requestBody:",
            "x-acs-name: addons",
        ] {
            assert!(spec.contains(want), "missing {want:?} in\n{spec}");
        }
        let facts: Vec<&str> = imported.unmapped.iter().map(|u| u.fact.as_str()).collect();
        assert!(
            facts.iter().any(|f| f.contains("also accepts POST")),
            "{facts:?}"
        );
        assert!(facts.iter().any(|f| f.contains("`[ThingId]`")), "{facts:?}");
        // The generator takes it: path parameters, a `Version` query parameter (ROA
        // sends the protocol's own in headers) and a list answer.
        crate::check("demo.yaml", spec).unwrap_or_else(|e| panic!("{e}\n{spec}"));
    }
}

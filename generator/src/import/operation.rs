//! One action: its operation fields, parameters, responses and error codes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use super::{Cx, prose, qps_from_prose, s};

impl Cx {
    /// The operation as `(path key, method key, operation object)`.
    pub(super) fn operation(&mut self, name: &str, api: &Json) -> (String, String, Yaml) {
        let base = format!("/apis/{name}");
        let mut op = Mapping::new();
        op.insert(s("operationId"), s(name));
        let title = prose(api.get("title"));
        let summary = prose(api.get("summary"));
        let description = prose(api.get("description"));
        if let Some(t) = title.as_ref().or(summary.as_ref()) {
            op.insert(s("summary"), s(t));
        }
        let long: Vec<&String> = [
            summary.as_ref().filter(|_| title.is_some()),
            description.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !long.is_empty() {
            op.insert(
                s("description"),
                s(&long
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join("\n\n")),
            );
        }
        if api.get("deprecated").and_then(Json::as_bool) == Some(true) {
            op.insert(s("deprecated"), Yaml::Bool(true));
        }
        let listed: Vec<String> = api
            .get("methods")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::to_ascii_uppercase)
            .collect();
        if self.roa {
            return self.roa_operation(name, api, op, &listed);
        }
        // The official SDKs send POST whenever the operation accepts it.
        let mut methods: Vec<String> = Vec::new();
        for m in ["POST", "GET"] {
            if listed.iter().any(|l| l == m) {
                methods.push(m.to_owned());
            }
        }
        for other in listed.iter().filter(|m| *m != "POST" && *m != "GET") {
            self.unmapped(
                &format!("{base}/methods"),
                format!("HTTP method {other} (RPC actions use GET or POST)"),
            );
        }
        if methods.is_empty() {
            methods.push("GET".to_owned());
            self.unmapped(&format!("{base}/methods"), "no method listed; GET assumed");
        }
        let mut rpc = Mapping::new();
        rpc.insert(s("action"), s(name));
        let path = match api.get("path").and_then(Json::as_str) {
            None => "/",
            Some("") => {
                // The SDKs send such actions to `/` as well.
                self.unmapped(
                    &format!("{base}/path"),
                    "an empty path; `/` is used, as the SDKs do",
                );
                "/"
            }
            Some(p) => p,
        };
        rpc.insert(s("path"), s(path));
        rpc.insert(
            s("methods"),
            Yaml::Sequence(methods.iter().map(|m| s(m)).collect()),
        );
        op.insert(s("x-acs-rpc"), Yaml::Mapping(rpc));
        let form_in_body = methods.iter().any(|m| m == "POST");
        self.operation_rest(name, api, &mut op, form_in_body);
        (format!("/{name}"), "get".to_owned(), Yaml::Mapping(op))
    }

    /// What RPC and ROA operations share: QPS, RAM, parameters, answers, errors and the
    /// report of what has no place. `form_in_body`: `formData` parameters travel in the
    /// body (false for an RPC action without POST: the SDKs send them in the query).
    pub(super) fn operation_rest(
        &mut self,
        name: &str,
        api: &Json,
        op: &mut Mapping,
        form_in_body: bool,
    ) {
        let base = format!("/apis/{name}");
        let description = prose(api.get("description"));
        if let Some((limit, per)) = description.as_deref().and_then(qps_from_prose) {
            let mut q = Mapping::new();
            q.insert(s("limit"), Yaml::Number(limit.into()));
            q.insert(s("per"), s(per));
            q.insert(s("scope"), s("account"));
            op.insert(s("x-acs-qps"), Yaml::Mapping(q));
        } else if description.as_deref().is_some_and(|d| d.contains("QPS")) {
            self.unmapped(
                &format!("{base}/description"),
                "a QPS statement that is not a per-user limit in 次/秒 or 次/分钟",
            );
        }
        match api
            .pointer("/systemTags/operationType")
            .and_then(Json::as_str)
        {
            Some(level @ ("read" | "list" | "get" | "create" | "update" | "delete")) => {
                let mut ram = Mapping::new();
                ram.insert(s("accessLevel"), s(level));
                op.insert(s("x-acs-ram"), Yaml::Mapping(ram));
            }
            Some(other) => self.unmapped(
                &format!("{base}/systemTags/operationType"),
                format!("operation type {other:?}"),
            ),
            None => {}
        }
        let mut params: Vec<Yaml> = Vec::new();
        // Where each of `params` is in the metadata.
        let mut pointers: Vec<String> = Vec::new();
        let mut body = None;
        for (i, p) in api
            .get("parameters")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let pointer = format!("{base}/parameters/{i}");
            if self.roa && p.get("in").and_then(Json::as_str) == Some("body") {
                if body.is_some() {
                    self.unmapped(&pointer, "a second body parameter; skipped");
                } else {
                    body = self.request_body(p, &pointer);
                }
                continue;
            }
            let Some(p) = self.parameter(p, &pointer, form_in_body) else {
                continue;
            };
            // A parameter listed twice with the same meaning is one parameter; two
            // different meanings under one name stay, and the generator reports them.
            if params.contains(&p) {
                self.unmapped(
                    &pointer,
                    "a parameter listed a second time, identically; merged into the first",
                );
                continue;
            }
            // Two listings that differ only in `required` are one optional parameter: the
            // official SDKs enforce neither, and optional accepts every call either
            // listing accepts.
            if let Some(at) = params.iter().position(|q| same_but_required(q, &p)) {
                let name = p.get("name").and_then(Yaml::as_str).unwrap_or_default();
                let fact = format!(
                    "`{name}` listed a second time, differing from {} only in `required`; \
                     merged into one optional parameter (the official SDKs enforce neither)",
                    pointers[at]
                );
                if let Some(Yaml::Mapping(first)) = params.get_mut(at) {
                    first.insert(s("required"), Yaml::Bool(false));
                }
                self.unmapped(&pointer, fact);
                continue;
            }
            params.push(p);
            pointers.push(pointer);
        }
        let token = idempotency_token(&params).or_else(|| body.as_ref().and_then(body_token));
        if !params.is_empty() {
            op.insert(s("parameters"), Yaml::Sequence(params));
        }
        if let Some(body) = body {
            op.insert(s("requestBody"), body);
        }
        let (responses, errors) = self.responses(api, &base);
        op.insert(s("responses"), Yaml::Mapping(responses));
        if !errors.is_empty() {
            op.insert(s("x-acs-errors"), Yaml::Sequence(errors));
        }
        match super::pagination::detect(api) {
            Ok(Some(found)) => {
                let mut m = Mapping::new();
                for (key, value) in found.entries {
                    m.insert(s(key), s(&value));
                }
                op.insert(s("x-acs-pagination"), Yaml::Mapping(m));
            }
            Ok(None) => {}
            Err(super::pagination::Missed(why)) => {
                self.unmapped(
                    &format!("{base}/parameters"),
                    format!("no pagination: {why}"),
                );
            }
        }
        if let Some(token) = token {
            op.insert(s("x-acs-idempotency-token"), s(&token));
        }
        for key in api.as_object().into_iter().flat_map(|o| o.keys()) {
            let known = [
                "methods",
                "schemes",
                "security",
                "systemTags",
                "parameters",
                "responses",
                "errorCodes",
                "title",
                "summary",
                "description",
                "deprecated",
                "path",
            ];
            if known.contains(&key.as_str()) {
                continue;
            }
            let value = &api[key];
            let blank = value.is_null() || value.as_str().is_some_and(|t| t.trim().is_empty());
            if !blank {
                self.unmapped(
                    &format!("{base}/{key}"),
                    format!("`{key}` has no place in the spec"),
                );
            }
        }
        if let Some(schemes) = api.get("schemes").and_then(Json::as_array)
            && !schemes.iter().any(|v| v.as_str() == Some("https"))
        {
            self.unmapped(
                &format!("{base}/schemes"),
                "schemes without https (livegen always uses https)",
            );
        }
    }

    fn parameter(&mut self, p: &Json, pointer: &str, form_in_body: bool) -> Option<Yaml> {
        let Some(name) = p
            .get("name")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
        else {
            self.unmapped(
                pointer,
                "a parameter without a name (it cannot be sent); skipped",
            );
            return None;
        };
        let empty = serde_json::Map::new();
        let schema = p.get("schema").and_then(Json::as_object).unwrap_or(&empty);
        let mut m = Mapping::new();
        m.insert(s("name"), s(name));
        m.insert(s("in"), s("query"));
        match p.get("in").and_then(Json::as_str) {
            Some("query") | None => {}
            Some("formData") if form_in_body => {
                m.insert(s("x-acs-in"), s("formData"));
            }
            Some("formData") if !self.roa => {
                // The official SDKs send every parameter of a GET request in the query.
                self.unmapped(
                    &format!("{pointer}/in"),
                    format!("`{name}` is `formData` but the action accepts no POST; sent in the query, as the SDKs do"),
                );
            }
            Some(location @ ("path" | "header")) if self.roa => {
                m.insert(s("in"), s(location));
            }
            Some(other) => {
                self.unmapped(
                    &format!("{pointer}/in"),
                    format!("parameter `{name}` in {other:?} (not an RPC location); skipped"),
                );
                return None;
            }
        }
        let required = match schema.get("required") {
            _ if p.get("in").and_then(Json::as_str) == Some("path") => true,
            Some(Json::Bool(b)) => *b,
            _ => {
                self.unmapped(
                    &format!("{pointer}/schema"),
                    format!("`{name}` does not say whether it is required; imported as optional"),
                );
                false
            }
        };
        m.insert(s("required"), Yaml::Bool(required));
        if let Some(d) = prose(schema.get("description")) {
            m.insert(s("description"), s(&d));
        }
        if let Some(e) = schema.get("example").and_then(|e| match e {
            Json::String(t) => Some(t.clone()),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }) {
            m.insert(s("example"), s(&e));
        }
        if schema.get("deprecated").and_then(Json::as_bool) == Some(true) {
            m.insert(s("deprecated"), Yaml::Bool(true));
        }
        let ty = schema.get("type").and_then(Json::as_str);
        match p.get("style").and_then(Json::as_str) {
            Some(style @ ("repeatList" | "flat" | "json")) => {
                m.insert(s("x-acs-style"), s(style));
            }
            Some("simple") if ty == Some("array") => {
                m.insert(s("x-acs-style"), s("simple"));
            }
            Some("simple") => {}
            // Without a style the SDKs flatten lists as `Name.1=…`.
            None if ty == Some("array") => {
                m.insert(s("x-acs-style"), s("repeatList"));
            }
            None => {}
            Some(other) => self.unmapped(&format!("{pointer}/style"), format!("style {other:?}")),
        }
        for key in p.as_object().into_iter().flat_map(|o| o.keys()) {
            if !["name", "in", "schema", "style", "allowEmptyValue"].contains(&key.as_str()) {
                self.unmapped(
                    &format!("{pointer}/{key}"),
                    format!("parameter field `{key}`"),
                );
            }
        }
        let converted = self.schema(schema, &format!("{pointer}/schema"), true);
        m.insert(s("schema"), converted);
        Some(Yaml::Mapping(m))
    }

    fn responses(&mut self, api: &Json, base: &str) -> (Mapping, Vec<Yaml>) {
        let mut responses = Mapping::new();
        let mut ok = Mapping::new();
        match api
            .pointer("/responses/200/schema")
            .and_then(Json::as_object)
        {
            Some(schema) => {
                ok.insert(s("description"), s("Success."));
                let converted = self.schema(schema, &format!("{base}/responses/200/schema"), false);
                let mut media = Mapping::new();
                media.insert(s("schema"), converted);
                let mut content = Mapping::new();
                content.insert(s("application/json"), Yaml::Mapping(media));
                ok.insert(s("content"), Yaml::Mapping(content));
            }
            None => {
                ok.insert(
                    s("description"),
                    s("Success; the answer is not documented."),
                );
            }
        }
        responses.insert(s("200"), Yaml::Mapping(ok));
        for status in api
            .get("responses")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|o| o.keys())
            .filter(|k| *k != "200")
        {
            self.unmapped(
                &format!("{base}/responses/{status}"),
                format!("a response for HTTP {status}"),
            );
        }
        let mut errors = Vec::new();
        let mut seen: BTreeMap<String, u16> = BTreeMap::new();
        let mut statuses = BTreeSet::new();
        for (status, list) in api
            .get("errorCodes")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let pointer = format!("{base}/errorCodes/{status}");
            let Some(code) = status
                .parse::<u16>()
                .ok()
                .filter(|c| (200..600).contains(c))
            else {
                self.unmapped(
                    &pointer,
                    format!("error codes under {status:?}, not an HTTP status"),
                );
                continue;
            };
            for (i, e) in list.as_array().into_iter().flatten().enumerate() {
                let Some(name) = e.get("errorCode").and_then(Json::as_str).map(str::trim) else {
                    self.unmapped(&format!("{pointer}/{i}"), "an error without `errorCode`");
                    continue;
                };
                let plain = name.replace("%s", "");
                let valid = !plain.is_empty()
                    && plain
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_ ".contains(c));
                if !valid {
                    self.unmapped(
                        &format!("{pointer}/{i}"),
                        format!("error code {name:?} is not a code livegen can match"),
                    );
                    continue;
                }
                if let Some(first) = seen.get(name) {
                    self.unmapped(
                        &format!("{pointer}/{i}"),
                        format!("error `{name}` listed again under HTTP {code} (kept the HTTP {first} entry)"),
                    );
                    continue;
                }
                seen.insert(name.to_owned(), code);
                statuses.insert(code);
                let mut m = Mapping::new();
                m.insert(s("code"), s(name));
                m.insert(s("httpStatus"), Yaml::Number(code.into()));
                let message = e.get("errorMessage").and_then(Json::as_str).unwrap_or("");
                m.insert(s("message"), s(message));
                if let Some(d) = prose(e.get("description")) {
                    m.insert(s("description"), s(&d));
                }
                errors.push(Yaml::Mapping(m));
            }
        }
        for code in statuses.into_iter().filter(|c| *c != 200) {
            let mut r = Mapping::new();
            r.insert(
                s("description"),
                s("The service rejected the request; `Code` names the error."),
            );
            responses.insert(s(&code.to_string()), Yaml::Mapping(r));
        }
        (responses, errors)
    }
}

/// Whether two imported parameters are one listing apart from `required` (same wire
/// name, location, style, schema and docs).
fn same_but_required(a: &Yaml, b: &Yaml) -> bool {
    let without = |p: &Yaml| {
        let mut p = p.clone();
        if let Yaml::Mapping(m) = &mut p {
            m.remove("required");
        }
        p
    };
    without(a) == without(b)
}

/// A token that is a top-level property of the ROA JSON body (`body.clientToken`, 103
/// operations in the catalogue), as `<body name>.<property>`.
fn body_token(body: &Yaml) -> Option<String> {
    let name = body
        .get("x-acs-name")
        .and_then(Yaml::as_str)
        .unwrap_or("body");
    let schema = body
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    let properties = schema.get("properties")?.as_mapping()?;
    properties.iter().find_map(|(key, property)| {
        let key = key.as_str()?;
        let string = property.get("type").and_then(Yaml::as_str) == Some("string")
            && property.get("enum").is_none();
        (key.eq_ignore_ascii_case("ClientToken") && string).then(|| format!("{name}.{key}"))
    })
}

/// The parameter that carries an idempotency token, among imported parameters: the
/// catalogue spells it `ClientToken` (1,166 operations) or `clientToken` (5), always a
/// free-form string in the query, the form body or (ROA) a header. A token inside a JSON
/// body is [`body_token`].
fn idempotency_token(params: &[Yaml]) -> Option<String> {
    params.iter().find_map(|p| {
        let name = p.get("name")?.as_str()?;
        let placed = matches!(p.get("in").and_then(Yaml::as_str), Some("query" | "header"));
        let schema = p.get("schema")?;
        let string = schema.get("type").and_then(Yaml::as_str) == Some("string")
            && schema.get("enum").is_none();
        (name.eq_ignore_ascii_case("ClientToken") && placed && string).then(|| name.to_owned())
    })
}

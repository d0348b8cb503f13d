//! Stage 2: YAML tree → typed [`Spec`], collecting every problem in one pass.
//!
//! Structure (types, required fields, unknown keys) and meaning (references resolve,
//! names are unique, each documented error status has a response) are both checked here,
//! so a user fixes a bad spec in one round trip.

mod decode;
mod pagination;

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::diagnostics::{Diagnostic, child};
use crate::spec::{
    Endpoints, ErrorCode, Location, Operation, Parameter, Product, Qps, Ram, Schema, SchemaKind,
    Spec, Style,
};
use decode::{Obj, Problems, describe, kind, string_value};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Most values one `enum` may list.
pub const MAX_ENUM_VALUES: usize = 4096;

/// Most parameters one operation may take (the official Live API's largest has 26). Each
/// becomes a field and a table row; far past this, rustc itself runs out of stack.
pub const MAX_PARAMS: usize = 512;

/// Longest action, parameter or property name accepted. The longest in the official Live
/// API has 40 characters; a name becomes a file name and identifiers, which the file
/// system limits (255 bytes) before rustc does.
pub const MAX_NAME_LEN: usize = 128;

/// Refuses a wire name longer than [`MAX_NAME_LEN`]; true when it is within the limit.
fn name_length(what: &str, name: &str, pointer: &str, p: &mut Problems) -> bool {
    if name.chars().count() <= MAX_NAME_LEN {
        return true;
    }
    p.hinted(
        pointer,
        format!(
            "{what} is {} characters long; livegen accepts at most {MAX_NAME_LEN}",
            name.chars().count()
        ),
        "names become file names and Rust identifiers; shorten it",
    );
    false
}

/// Most properties one object schema may declare.
pub const MAX_PROPERTIES: usize = 1024;

/// Wire names the runtime sends itself with every call (RPC V1 and V3 protocol
/// parameters). A spec parameter of the same name would be sent twice or override the
/// signature's own, so it is refused. Kept equal to `livegen_runtime::RESERVED_PARAM_NAMES`
/// by a test in `tests/`.
pub const RESERVED_PARAM_NAMES: &[&str] = &[
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];
const RESPONSE_PREFIX: &str = "#/components/responses/";

/// Checks the document and returns the typed spec, or every problem found.
pub fn validate(root: &Value) -> Result<Spec, Vec<Diagnostic>> {
    let mut p = Problems::default();
    let spec = document(root, &mut p);
    match spec {
        Some(spec) if p.0.is_empty() => Ok(spec),
        _ => Err(p.0),
    }
}

fn document(root: &Value, p: &mut Problems) -> Option<Spec> {
    let doc = Obj::of(root, "", "the document", p)?;
    doc.check_keys(
        "the document",
        &[
            "openapi",
            "info",
            "servers",
            "paths",
            "components",
            "x-acs-product",
            "x-acs-endpoints",
        ],
        &[
            "jsonSchemaDialect",
            "security",
            "tags",
            "externalDocs",
            "webhooks",
        ],
        p,
    );
    match doc.required_string("openapi", "the document", p) {
        Some(v) if v.starts_with("3.1.") => {}
        Some(v) => p.hinted(
            &doc.at("openapi"),
            format!("livegen reads OpenAPI 3.1 documents, this one says {v:?}"),
            "set `openapi: 3.1.0`",
        ),
        None => {}
    }
    let (title, description) = info(&doc, p);
    let product = product(&doc, p);
    let endpoints = endpoints(&doc, p);

    let components_pointer = doc.at("components");
    let components = doc
        .get("components")
        .and_then(|c| Obj::of(c, &components_pointer, "`components`", p));
    let mut schemas = BTreeMap::new();
    let mut response_names = BTreeSet::new();
    if let Some(components) = components {
        components.check_keys(
            "`components`",
            &["schemas", "responses"],
            &[
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
                "pathItems",
            ],
            p,
        );
        if let Some(v) = components.get("schemas") {
            let pointer = components.at("schemas");
            if let Some(obj) = Obj::of(v, &pointer, "`components.schemas`", p) {
                for (name, value) in obj.entries(p) {
                    if let Some(s) = schema(value, &obj.at(name), p) {
                        schemas.insert(name.to_owned(), s);
                    }
                }
            }
        }
        if let Some(v) = components.get("responses") {
            let pointer = components.at("responses");
            if let Some(obj) = Obj::of(v, &pointer, "`components.responses`", p) {
                for (name, value) in obj.entries(p) {
                    response_names.insert(name.to_owned());
                    response_object(value, &obj.at(name), p);
                }
            }
        }
    }
    check_refs(&schemas, p);

    let mut operations = Vec::new();
    match doc.get("paths") {
        None => p.error("", "the document is missing required field `paths`"),
        Some(paths) => {
            if let Some(paths) = Obj::of(paths, "/paths", "`paths`", p) {
                for (key, item) in paths.entries(p) {
                    let pointer = paths.at(key);
                    if let Some(op) = path_item(key, item, &pointer, &response_names, p) {
                        operations.push(op);
                    }
                }
            }
        }
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for op in &operations {
        if let Some(first) = seen.insert(op.action.clone(), op.pointer.clone()) {
            p.hinted(
                &op.pointer,
                format!("action `{}` is defined twice", op.action),
                format!("the first definition is at {first}"),
            );
        }
    }
    for (name, pointer) in std::mem::take(&mut p.1) {
        if !schemas.contains_key(&name) {
            let defined: Vec<String> = schemas.keys().map(|k| format!("`{k}`")).collect();
            p.hinted(
                &pointer,
                format!("reference to `{SCHEMA_PREFIX}{name}` does not resolve"),
                if defined.is_empty() {
                    "`components/schemas` is empty".to_owned()
                } else {
                    format!("defined schemas: {}", defined.join(", "))
                },
            );
        }
    }
    for op in &operations {
        pagination::check(op, &schemas, p);
    }
    if operations.is_empty() && p.0.is_empty() {
        p.hinted(
            "/paths",
            "the spec defines no operations",
            "add a path item per RPC action",
        );
    }
    Some(Spec {
        title: title?,
        description,
        product: product?,
        endpoints: endpoints?,
        operations,
        schemas,
    })
}

fn info(doc: &Obj<'_>, p: &mut Problems) -> (Option<String>, Option<String>) {
    let Some(v) = doc.required("info", "the document", p) else {
        return (None, None);
    };
    let Some(info) = Obj::of(v, "/info", "`info`", p) else {
        return (None, None);
    };
    info.check_keys(
        "`info`",
        &["title", "version", "description"],
        &["summary", "termsOfService", "contact", "license"],
        p,
    );
    info.required_string("version", "`info`", p);
    (
        info.required_string("title", "`info`", p),
        info.string("description", p),
    )
}

fn product(doc: &Obj<'_>, p: &mut Problems) -> Option<Product> {
    let v = doc.required("x-acs-product", "the document", p)?;
    let obj = Obj::of(v, "/x-acs-product", "`x-acs-product`", p)?;
    obj.check_keys("`x-acs-product`", &["code", "version", "style"], &[], p);
    if let Some(style) = obj.string("style", p).filter(|s| s != "RPC") {
        p.hinted(
            &obj.at("style"),
            format!("style {style:?} is not supported"),
            "livegen generates RPC-style APIs: `style: RPC`",
        );
    }
    let code = obj.required_string("code", "`x-acs-product`", p);
    if let Some(c) = &code
        && (c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-'))
    {
        p.error(
            &obj.at("code"),
            format!("product code {c:?} must be ASCII letters, digits or `-`"),
        );
    }
    Some(Product {
        code: code?,
        version: obj.required_string("version", "`x-acs-product`", p)?,
    })
}

fn endpoints(doc: &Obj<'_>, p: &mut Problems) -> Option<Endpoints> {
    let v = doc.required("x-acs-endpoints", "the document", p)?;
    let obj = Obj::of(v, "/x-acs-endpoints", "`x-acs-endpoints`", p)?;
    obj.check_keys(
        "`x-acs-endpoints`",
        &["default", "pattern", "regional"],
        &[],
        p,
    );
    let default = obj.required_string("default", "`x-acs-endpoints`", p);
    let pattern = obj.required_string("pattern", "`x-acs-endpoints`", p);
    if let Some(pat) = &pattern
        && !pat.contains("{regionId}")
    {
        p.hinted(
            &obj.at("pattern"),
            format!("pattern {pat:?} does not mention `{{regionId}}`"),
            "e.g. `live.{regionId}.aliyuncs.com`",
        );
    }
    for (key, host) in [("default", &default), ("pattern", &pattern)] {
        if let Some(h) = host {
            check_host(h, &obj.at(key), p);
        }
    }
    let mut regional = BTreeMap::new();
    if let Some(v) = obj.get("regional") {
        let pointer = obj.at("regional");
        if let Some(map) = Obj::of(v, &pointer, "`x-acs-endpoints.regional`", p) {
            for (region, host) in map.entries(p) {
                if let Some(h) = string_value(host, &map.at(region), p) {
                    check_host(&h, &map.at(region), p);
                    regional.insert(region.to_owned(), h);
                }
            }
        }
    }
    Some(Endpoints {
        default: default?,
        pattern: pattern?,
        regional,
    })
}

fn check_host(host: &str, pointer: &str, p: &mut Problems) {
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.{}:".contains(c));
    if !ok {
        p.hinted(
            pointer,
            format!("{host:?} is not a host name"),
            "give a bare host such as `live.aliyuncs.com`, without scheme or path",
        );
    }
}

fn path_item(
    key: &str,
    item: &Value,
    pointer: &str,
    responses: &BTreeSet<String>,
    p: &mut Problems,
) -> Option<Operation> {
    let obj = Obj::of(item, pointer, &format!("path item `{key}`"), p)?;
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    obj.check_keys(
        &format!("path item `{key}`"),
        &METHODS,
        &["summary", "description", "servers", "parameters"],
        p,
    );
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
    let op = operation(obj.get(method)?, &op_pointer, responses, p)?;
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

fn operation(
    v: &Value,
    pointer: &str,
    responses: &BTreeSet<String>,
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
        ],
        &["tags", "externalDocs", "security", "servers", "callbacks"],
        p,
    );
    let id = obj.required_string("operationId", "the operation", p);
    let rpc = rpc(&obj, p);
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
    let params = parameters(&obj, p);
    let errors = errors(&obj, p);
    let output = responses_of(&obj, &errors, responses, p);
    let deprecated = obj.bool("deprecated", p).unwrap_or(false);
    let pagination = pagination::decode(&obj, p);
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
        deprecated,
    })
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
            || !a.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        p.hinted(
            &obj.at("action"),
            format!("action {a:?} is not an RPC action name"),
            "actions are PascalCase ASCII, e.g. `StopLivePullToPush`",
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
                    format!("expected one of {}", decode::list(allowed.iter())),
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

fn parameters(op: &Obj<'_>, p: &mut Problems) -> Option<Vec<Parameter>> {
    let Some(v) = op.get("parameters") else {
        return Some(Vec::new());
    };
    let pointer = op.at("parameters");
    let Value::Sequence(items) = v else {
        p.error(
            &pointer,
            format!("`parameters` must be a list, found {}", kind(v)),
        );
        return None;
    };
    if items.len() > MAX_PARAMS {
        p.hinted(
            &pointer,
            format!(
                "the operation takes {} parameters; livegen generates at most {MAX_PARAMS}",
                items.len()
            ),
            "group related values into an object parameter sent as JSON",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let ptr = child(&pointer, &i.to_string());
        match parameter(item, &ptr, p) {
            Some(param) => {
                if let Some(first) = names.insert(param.name.clone(), ptr.clone()) {
                    p.hinted(
                        &ptr,
                        format!("parameter `{}` is listed twice", param.name),
                        format!("first listed at {first}"),
                    );
                }
                out.push(param);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn parameter(v: &Value, pointer: &str, p: &mut Problems) -> Option<Parameter> {
    let obj = Obj::of(v, pointer, "a parameter", p)?;
    if obj.get("$ref").is_some() {
        p.hinted(
            pointer,
            "parameter references are not supported",
            "write the parameter inline; share its schema through `components/schemas`",
        );
        return None;
    }
    obj.check_keys(
        "a parameter",
        &[
            "name",
            "in",
            "required",
            "description",
            "schema",
            "example",
            "deprecated",
            "x-acs-style",
            "x-acs-in",
        ],
        &["allowEmptyValue", "style", "explode", "examples"],
        p,
    );
    let name = obj
        .required_string("name", "the parameter", p)
        .filter(|n| name_length("the parameter name", n, &obj.at("name"), p));
    if let Some(n) = &name {
        if RESERVED_PARAM_NAMES.contains(&n.as_str()) {
            p.hinted(
                &obj.at("name"),
                format!("parameter `{n}` is a protocol parameter the runtime sends itself"),
                "remove it: the runtime adds Action, Version, the signature and credentials to every call",
            );
        } else if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            p.hinted(
                &obj.at("name"),
                format!("parameter name {n:?} is not a wire name livegen can send"),
                "RPC parameter names are ASCII letters, digits and `_`",
            );
        }
    }
    match obj.required_string("in", "the parameter", p).as_deref() {
        Some("query") | None => {}
        Some(other) => p.hinted(
            &obj.at("in"),
            format!("parameter location {other:?} is not supported"),
            "RPC actions take every parameter `in: query`",
        ),
    }
    // OpenAPI defaults `required` to false; a forgotten flag would silently turn a required
    // parameter into an optional one, so livegen asks for it explicitly.
    if obj.get("required").is_none() {
        p.hinted(
            pointer,
            format!(
                "parameter {} does not say whether it is required",
                name.as_deref().map_or(String::new(), |n| format!("`{n}`"))
            ),
            "add `required: true` or `required: false`; livegen does not guess",
        );
    }
    let required = obj.bool("required", p).unwrap_or(false);
    let schema = obj
        .required("schema", "the parameter", p)
        .and_then(|s| schema(s, &obj.at("schema"), p));
    let style = match obj.string("x-acs-style", p).as_deref() {
        None | Some("simple") => Some(Style::Simple),
        Some("repeatList") => Some(Style::RepeatList),
        Some("flat") => Some(Style::Flat),
        Some("json") => Some(Style::Json),
        Some(other) => {
            p.hinted(
                &obj.at("x-acs-style"),
                format!("`x-acs-style` {other:?} is not known"),
                "expected `simple`, `repeatList`, `flat` or `json`",
            );
            None
        }
    };
    let location = match obj.string("x-acs-in", p).as_deref() {
        None | Some("query") => Some(Location::Query),
        Some("formData") => Some(Location::Body),
        Some(other) => {
            p.hinted(
                &obj.at("x-acs-in"),
                format!("`x-acs-in` {other:?} is not known"),
                "expected `query` (the default) or `formData` (a form-encoded POST body)",
            );
            None
        }
    };
    if let (Some(s), Some(style)) = (&schema, style)
        && let SchemaKind::Array { items, .. } = &s.kind
        && style == Style::Simple
        && matches!(
            items.kind,
            SchemaKind::Array { .. } | SchemaKind::Object { .. } | SchemaKind::Ref(_)
        )
    {
        p.hinted(
            pointer,
            "a `simple` list joins its items with commas, which works for scalar items only",
            "set `x-acs-style: repeatList` (Name.1.Key=v) or `json`",
        );
    }
    let example = obj.get("example").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    });
    Some(Parameter {
        pointer: pointer.to_owned(),
        name: name?,
        required,
        description: obj.string("description", p),
        schema: schema?,
        style: style?,
        location: location?,
        example,
        deprecated: obj.bool("deprecated", p).unwrap_or(false),
    })
}

fn errors(op: &Obj<'_>, p: &mut Problems) -> Option<Vec<ErrorCode>> {
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
fn responses_of(
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
fn response_object(v: &Value, pointer: &str, p: &mut Problems) -> Option<Schema> {
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

fn schema(v: &Value, pointer: &str, p: &mut Problems) -> Option<Schema> {
    let obj = Obj::of(v, pointer, "a schema", p)?;
    obj.check_keys("a schema", SCHEMA_KEYS, SCHEMA_IGNORED, p);
    let description = obj.string("description", p);
    if let Some(r) = obj.get("$ref") {
        let r = string_value(r, &obj.at("$ref"), p)?;
        return match r.strip_prefix(SCHEMA_PREFIX) {
            Some(name) if !name.is_empty() && !name.contains('/') => {
                p.1.push((name.to_owned(), obj.at("$ref")));
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

/// No component schema contains itself, and none nests deeper than [`MAX_SCHEMA_DEPTH`].
///
/// One depth-first walk with memoized heights: a chain or a diamond of thousands of
/// schemas costs linear time, and the walk stops descending past the limit, so neither
/// this check nor the recursive stages after it can exhaust the stack.
fn check_refs(schemas: &BTreeMap<String, Schema>, p: &mut Problems) {
    let mut walk = RefWalk {
        schemas,
        heights: BTreeMap::new(),
        path: Vec::new(),
        problems: Vec::new(),
        too_deep: false,
    };
    for name in schemas.keys() {
        walk.named(name, 0);
        if walk.too_deep {
            break;
        }
    }
    p.0.append(&mut walk.problems);
}

/// Deepest nesting of objects, arrays and `$ref` hops a component schema may reach.
pub const MAX_SCHEMA_DEPTH: usize = 32;

struct RefWalk<'a> {
    schemas: &'a BTreeMap<String, Schema>,
    /// Finished schemas → their height in nesting levels.
    heights: BTreeMap<&'a str, usize>,
    /// Named schemas being walked, outermost first.
    path: Vec<&'a str>,
    problems: Vec<Diagnostic>,
    /// Set once a schema nests too deep; the walk then unwinds without descending.
    too_deep: bool,
}

impl<'a> RefWalk<'a> {
    /// The height of component `name`, entered `level` nesting levels below a root.
    fn named(&mut self, name: &'a str, level: usize) -> usize {
        if let Some(h) = self.heights.get(name) {
            return *h;
        }
        let Some(schema) = self.schemas.get(name) else {
            return 0; // a dangling reference, reported with the other `$ref` problems
        };
        if let Some(start) = self.path.iter().position(|n| *n == name) {
            // A cycle would make an infinitely sized Rust type; RPC responses never need one.
            let mut names = self.path[start..].to_vec();
            names.push(name);
            let cycle = if names.len() > 8 {
                let n = names.len();
                format!(
                    "{} → … ({} schemas) … → {}",
                    names[..3].join(" → "),
                    n - 5,
                    names[n - 2..].join(" → ")
                )
            } else {
                names.join(" → ")
            };
            self.problems.push(
                Diagnostic::new(
                    &schema.pointer,
                    format!("schema `{name}` refers to itself: {cycle}"),
                )
                .with_hint("break the cycle; livegen generates plain structs"),
            );
            return 0;
        }
        self.path.push(name);
        let h = self.height(schema, level);
        self.path.pop();
        if !self.too_deep {
            self.heights.insert(name, h);
        }
        h
    }

    /// The height of `s`: levels of objects, arrays and `$ref`s at and below it.
    fn height(&mut self, s: &'a Schema, level: usize) -> usize {
        if self.too_deep {
            return 0;
        }
        // Checked before descending, so the walk's own recursion stays bounded …
        if level > MAX_SCHEMA_DEPTH {
            self.refuse(s);
            return 0;
        }
        let h = match &s.kind {
            SchemaKind::Ref(target) => 1 + self.named(target, level + 1),
            SchemaKind::Array { items, .. } => 1 + self.height(items, level + 1),
            SchemaKind::Object {
                properties,
                additional,
                ..
            } => {
                let mut h = 0;
                for (_, prop) in properties {
                    h = h.max(self.height(prop, level + 1));
                }
                if let Some(value) = additional {
                    h = h.max(self.height(value, level + 1));
                }
                1 + h
            }
            _ => 0,
        };
        // … and after, because a memoized height skips the levels it stands for.
        if level + h > MAX_SCHEMA_DEPTH {
            self.refuse(s);
        }
        h
    }

    fn refuse(&mut self, s: &Schema) {
        if self.too_deep {
            return;
        }
        self.too_deep = true;
        self.problems.push(
            Diagnostic::new(
                &s.pointer,
                format!(
                    "schema `{}` nests deeper than {MAX_SCHEMA_DEPTH} levels of objects, arrays and `$ref`s",
                    self.path.first().copied().unwrap_or_default()
                ),
            )
            .with_hint("flatten it; a type nested this deep makes an unusable client"),
        );
    }
}

//! The random specs of the property test (`accepted_specs_compile.rs`): a proptest
//! strategy over operations ([`spec`]) and the OpenAPI document written from them
//! ([`render`]), aimed at specs the validator accepts but that stress naming, types,
//! wire styles and hostile prose.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proptest::prelude::*;
use serde_json::{Value, json};

const ACTIONS: &[&str] = &[
    "Describe",
    "Type",
    "Self",
    "Match",
    "Async",
    "ABTest",
    "HTTPGet",
    "V2Thing",
    "Loop",
    "Crate",
    "Super",
    "Box",
    "Option",
    "Result",
    "Vec",
    "String",
    "DescribeLiveURL",
    "SetIPv6",
    "Fn",
    "Move",
    "Await",
    "Dyn",
    "Yield",
    "Try",
    "Gen",
    "StopLivePullToPush",
    "AddX",
    "DeleteLiveDomain",
    "Impl",
    "Where",
    "Ok",
    "Some",
    "Default",
    "Into",
    "Clone",
];

const PARAMS: &[&str] = &[
    "Type",
    "Self",
    "Match",
    "TaskId",
    "PageSize",
    "Region",
    "URL",
    "HTTPPort",
    "IPv6",
    "Async",
    "Loop",
    "In",
    "Ref",
    "Box",
    "Str",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Client",
    "Value",
    "Key",
    "Tags",
    "DomainName",
    "StartTime",
    "task_id2",
    "X",
    "A1",
    "Yield",
    "Fn",
    "Default",
    "Into",
    "Result",
    "String",
    "Vec",
];

const WORDS: &[&str] = &[
    "Key", "Value", "Type", "Self", "Items", "Count", "Name", "URL", "Async", "Ok", "Err",
    "Default", "Match", "Id", "Data",
];

const ENUM_VALUES: &[&str] = &[
    "fast",
    "Fast",
    "FAST",
    "slow",
    "cn-beijing",
    "ap-southeast-1",
    "1080p",
    "self",
    "type",
    "Ok",
    "Err_x",
    "on",
    "off",
    "a.b",
    "x_y",
];

const CODES: &[&str] = &[
    "InvalidParameter",
    "Invalid%s.ValueNotSupported",
    "Forbidden.Operation",
    "InternalError",
    "Throttling.User",
    "InvalidDomain.NotFound",
    "MissingParameter",
    "%s.Malformed",
];

const DOCS: &[&str] = &[
    "Plain text.",
    "Runs:\n```rust\nfn main() { std::process::exit(1) }\n```",
    "odd ` tick <script>alert(1)</script>",
    "a\ttab\there",
    "- one\ncontinued\n\n10. ten\nmore",
    "<b>bold</b> & [link](http://x) https://example.com/a_b.",
    "    indented code\n\n        more",
    "# Heading\n> quote\nmore",
    "*/ /* */ \"quotes\" \\ backslash {} #[attr]",
    "`unclosed",
    "```\nunclosed fence",
    "[^1] footnote ~~strike~~ | a | b |\n|---|---|",
];

#[derive(Debug, Clone)]
enum Scalar {
    Str,
    Int32(Option<(i64, i64)>),
    Int64,
    Number,
    Bool,
    StrEnum(Vec<&'static str>),
    IntEnum(Vec<i64>),
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar(Scalar),
    /// Items, `x-acs-style`.
    List(Scalar, &'static str),
    ListOfObjects(Vec<(&'static str, Scalar)>, &'static str),
    Object(Vec<(&'static str, Scalar)>, bool),
    Map(Scalar),
}

#[derive(Debug, Clone)]
struct Param {
    name: &'static str,
    kind: Kind,
    required: bool,
    form: bool,
    doc: Option<&'static str>,
    example: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Op {
    pub action: &'static str,
    post: bool,
    params: Vec<Param>,
    errors: Vec<(&'static str, u16)>,
    output: Option<Vec<(&'static str, Scalar, bool)>>,
    qps: bool,
    ram: bool,
    doc: Option<&'static str>,
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        Just(Scalar::Str),
        proptest::option::of((-100i64..100, 0i64..1000).prop_map(|(a, b)| (a, a + b)))
            .prop_map(Scalar::Int32),
        Just(Scalar::Int64),
        Just(Scalar::Number),
        Just(Scalar::Bool),
        proptest::sample::subsequence(ENUM_VALUES, 1..5).prop_map(Scalar::StrEnum),
        proptest::sample::subsequence(&[-1i64, 0, 1, 2, 10, 404][..], 1..4)
            .prop_map(Scalar::IntEnum),
    ]
}

fn props() -> impl Strategy<Value = Vec<(&'static str, Scalar)>> {
    proptest::collection::vec((proptest::sample::select(WORDS), scalar()), 1..5)
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => scalar().prop_map(Kind::Scalar),
        1 => (scalar(), proptest::sample::select(&["repeatList", "simple", "json"][..]))
            .prop_map(|(s, style)| Kind::List(s, style)),
        1 => (props(), proptest::sample::select(&["repeatList", "json"][..]))
            .prop_map(|(p, style)| Kind::ListOfObjects(p, style)),
        1 => (props(), any::<bool>()).prop_map(|(p, nested)| Kind::Object(p, nested)),
        1 => scalar().prop_map(Kind::Map),
    ]
}

fn param() -> impl Strategy<Value = Param> {
    (
        proptest::sample::select(PARAMS),
        kind(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(proptest::sample::select(DOCS)),
        proptest::option::of(proptest::sample::select(
            &["1e400", "abc", "42", "true", "[\"a\",\"b\"]", "fast"][..],
        )),
    )
        .prop_map(|(name, kind, required, form, doc, example)| Param {
            name,
            kind,
            required,
            form,
            doc,
            example,
        })
}

fn op() -> impl Strategy<Value = Op> {
    (
        proptest::sample::select(ACTIONS),
        any::<bool>(),
        proptest::collection::vec(param(), 0..9),
        proptest::collection::vec(
            (
                proptest::sample::select(CODES),
                proptest::sample::select(&[400u16, 403, 404, 500, 503][..]),
            ),
            0..4,
        ),
        proptest::option::of(proptest::collection::vec(
            (proptest::sample::select(WORDS), scalar(), any::<bool>()),
            0..5,
        )),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(proptest::sample::select(DOCS)),
    )
        .prop_map(|(action, post, params, errors, output, qps, ram, doc)| Op {
            action,
            post,
            params,
            errors,
            output,
            qps,
            ram,
            doc,
        })
}

pub fn spec() -> impl Strategy<Value = (Vec<Op>, Option<&'static str>)> {
    (
        proptest::collection::vec(op(), 1..5),
        proptest::option::of(proptest::sample::select(DOCS)),
    )
}

fn scalar_schema(s: &Scalar) -> Value {
    match s {
        Scalar::Str => json!({"type": "string"}),
        Scalar::Int32(None) => json!({"type": "integer", "format": "int32"}),
        Scalar::Int32(Some((lo, hi))) => {
            json!({"type": "integer", "format": "int32", "minimum": lo, "maximum": hi})
        }
        Scalar::Int64 => json!({"type": "integer", "format": "int64"}),
        Scalar::Number => json!({"type": "number"}),
        Scalar::Bool => json!({"type": "boolean"}),
        Scalar::StrEnum(v) => json!({"type": "string", "enum": v}),
        Scalar::IntEnum(v) => json!({"type": "integer", "enum": v}),
    }
}

/// Keeps the first of names that land on one identifier: the strategy aims at specs
/// the validator accepts (clashes have their own goldens in `tests/fixtures/bad/`).
pub fn unique<T>(items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|i| {
            let n = name(i);
            seen.insert(n.to_snake_case()) & seen.insert(n.to_upper_camel_case())
        })
        .collect()
}

fn object_schema(props: &[(&'static str, Scalar)], nested: bool) -> Value {
    let props = unique(props.to_vec(), |(n, _)| n);
    let mut map = serde_json::Map::new();
    for (name, s) in &props {
        map.insert((*name).to_owned(), scalar_schema(s));
    }
    if nested {
        map.insert(
            "Inner".to_owned(),
            json!({"type": "object", "properties": {"Items": {"type": "array", "items": {"type": "string"}}}}),
        );
    }
    let required: Vec<&str> = props.iter().take(1).map(|(n, _)| *n).collect();
    json!({"type": "object", "properties": map, "required": required})
}

pub fn render(ops: &[Op], title_doc: Option<&str>, code: &str) -> String {
    let ops = unique(ops.to_vec(), |o| o.action);
    let mut paths = serde_json::Map::new();
    for op in &ops {
        let params = unique(op.params.clone(), |p| p.name);
        let params: Vec<Value> = params
            .iter()
            .map(|p| {
                let (schema, style) = match &p.kind {
                    Kind::Scalar(s) => (scalar_schema(s), None),
                    Kind::List(s, style) => (
                        json!({"type": "array", "items": scalar_schema(s)}),
                        Some(*style),
                    ),
                    Kind::ListOfObjects(props, style) => (
                        json!({"type": "array", "items": object_schema(props, false)}),
                        Some(*style),
                    ),
                    Kind::Object(props, nested) => (object_schema(props, *nested), Some("json")),
                    Kind::Map(s) => (
                        json!({"type": "object", "additionalProperties": scalar_schema(s)}),
                        Some("json"),
                    ),
                };
                let mut v = json!({
                    "name": p.name, "in": "query", "required": p.required, "schema": schema,
                });
                if let Some(style) = style {
                    v["x-acs-style"] = json!(style);
                }
                if p.form && op.post {
                    v["x-acs-in"] = json!("formData");
                }
                if let Some(d) = p.doc {
                    v["description"] = json!(d);
                }
                if let Some(e) = p.example {
                    v["example"] = json!(e);
                }
                v
            })
            .collect();
        let errors = unique(op.errors.clone(), |(c, _)| c);
        let mut responses = serde_json::Map::new();
        responses.insert(
            "200".to_owned(),
            match &op.output {
                None => json!({"description": "OK."}),
                Some(fields) => {
                    let fields = unique(fields.clone(), |(n, ..)| n);
                    let mut props = serde_json::Map::new();
                    props.insert("RequestId".to_owned(), json!({"type": "string"}));
                    for (name, s, list) in &fields {
                        if name.to_snake_case() == "request_id" {
                            continue;
                        }
                        let s = scalar_schema(s);
                        let s = if *list { json!({"type": "array", "items": s}) } else { s };
                        props.insert((*name).to_owned(), s);
                    }
                    json!({"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": props}}}})
                }
            },
        );
        for (_, status) in &errors {
            responses.insert(
                status.to_string(),
                json!({"$ref": "#/components/responses/Error"}),
            );
        }
        let mut get = json!({
            "operationId": op.action,
            "summary": format!("Calls {}.", op.action),
            "x-acs-rpc": {
                "action": op.action,
                "path": "/",
                "methods": if op.post { json!(["POST", "GET"]) } else { json!(["GET"]) },
            },
            "parameters": params,
            "responses": responses,
        });
        if let Some(d) = op.doc {
            get["description"] = json!(d);
        }
        if op.qps {
            get["x-acs-qps"] = json!({"limit": 10, "per": "second", "scope": "account"});
        }
        if op.ram {
            get["x-acs-ram"] =
                json!({"action": format!("live:{}", op.action), "accessLevel": "update"});
        }
        if !errors.is_empty() {
            get["x-acs-errors"] = errors
                .iter()
                .map(|(code, status)| json!({"code": code, "httpStatus": status, "message": "%s is wrong <b>."}))
                .collect();
        }
        paths.insert(format!("/{}", op.action), json!({ "get": get }));
    }
    let mut info = json!({"title": "Prop <Test> `API`", "version": "2016-11-01"});
    if let Some(d) = title_doc {
        info["description"] = json!(d);
    }
    // JSON is YAML: serde_json does the quoting.
    serde_json::to_string_pretty(&json!({
        "openapi": "3.1.0",
        "info": info,
        "x-acs-product": {"code": code, "version": "2016-11-01", "style": "RPC"},
        "x-acs-endpoints": {
            "default": "live.aliyuncs.com",
            "pattern": "live.{regionId}.aliyuncs.com",
            "regional": {"cn-shanghai": "live.aliyuncs.com"},
        },
        "paths": paths,
        "components": {"responses": {"Error": {"description": "Error."}}},
    }))
    .expect("json")
}

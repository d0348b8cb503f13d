//! Every spec the validator accepts yields a crate that compiles (issue 12).
//!
//! A proptest strategy writes random *valid-looking* specs: keyword and case-mixed names,
//! every parameter type and wire style, string and integer enums with case-only spellings,
//! nested objects, lists and maps, form-body parameters, many required parameters, template
//! error codes, hostile Markdown and HTML in every description, QPS and RAM present or
//! absent, operations without parameters, errors or a documented answer.
//!
//! - `accepted_specs_generate_rust_that_parses`: `check` accepts or rejects every spec
//!   with diagnostics (never panics); for accepted ones every generated `.rs` file parses
//!   with syn. 256 cases by default, `LIVEGEN_PROP_CASES=N` for more.
//! - `a_sample_of_accepted_specs_builds_lint_clean`: the first few accepted specs
//!   (`LIVEGEN_PROP_BUILD=N`, default 3) are written into a scratch workspace
//!   (`tests/support/scratch.rs`, sharing every scratch build's target dir) against the
//!   repository's runtime and must pass `cargo clippy --all-targets --features cli -- -D
//!   warnings` and `cargo doc` with `RUSTDOCFLAGS=-D warnings`.

use std::collections::BTreeSet;
use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

#[path = "../../tests/support/scratch.rs"]
mod scratch;

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
struct Op {
    action: &'static str,
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

fn spec() -> impl Strategy<Value = (Vec<Op>, Option<&'static str>)> {
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
fn unique<T>(items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
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

fn render(ops: &[Op], title_doc: Option<&str>, code: &str) -> String {
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

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Accepted specs → generated files; rejected ones → `None`. Panics only on a real bug:
/// an internal error, or Rust that does not parse.
fn accepted(text: &str) -> Option<livegen_generator::Files> {
    match livegen_generator::check("prop.yaml", text) {
        Err(livegen_generator::Error::Spec(d)) => {
            assert!(!d.to_string().is_empty());
            if std::env::var_os("LIVEGEN_PROP_SHOW").is_some() {
                eprintln!(
                    "rejected: {}",
                    d.to_string().lines().next().unwrap_or_default()
                );
            }
            None
        }
        Err(e) => panic!("check failed without spec diagnostics: {e}\n{text}"),
        Ok(_) => {
            let files = livegen_generator::generate("prop.yaml", text)
                .unwrap_or_else(|e| panic!("checked spec does not generate: {e}\n{text}"));
            for (path, rust) in files
                .iter()
                .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
            {
                if let Err(e) = syn::parse_file(rust) {
                    panic!("{} does not parse: {e}\n--- spec\n{text}", path.display());
                }
            }
            Some(files)
        }
    }
}

#[test]
fn accepted_specs_generate_rust_that_parses() {
    let cases = env_usize("LIVEGEN_PROP_CASES", 256);
    let seen = AtomicUsize::new(0);
    let ok = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&spec(), |(ops, doc)| {
        let text = render(&ops, doc, "live");
        seen.fetch_add(1, Ordering::Relaxed);
        if accepted(&text).is_some() {
            ok.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (seen, ok) = (seen.load(Ordering::Relaxed), ok.load(Ordering::Relaxed));
    println!(
        "property test: {seen} specs, {ok} accepted and parsed, {} rejected with diagnostics",
        seen - ok
    );
    // The strategy aims at valid specs; a drop here means it no longer tests generation.
    assert!(
        ok * 10 >= seen * 8,
        "only {ok} of {seen} random specs were accepted"
    );
}

/// Needs the runtime the generated crates are written against; it runs (it is not
/// ignored) and names the specs it builds, which stay in the scratch workspace.
#[test]
fn a_sample_of_accepted_specs_builds_lint_clean() {
    let builds = env_usize("LIVEGEN_PROP_BUILD", 3);
    if builds == 0 {
        return;
    }
    let workspace = scratch::crate_dir("prop-crates");
    let _ = fs::remove_dir_all(&workspace);
    fs::create_dir_all(&workspace).expect("workspace dir");
    // A fixed seed: the sample is the same on every machine and run.
    let mut runner = TestRunner::deterministic();
    let strategy = spec();
    let mut members = Vec::new();
    let mut tried = 0;
    while members.len() < builds && tried < builds * 20 {
        tried += 1;
        let (ops, doc) = strategy.new_tree(&mut runner).expect("tree").current();
        // Distinct product codes give distinct package names in one workspace.
        let name = format!("c{}", members.len());
        let text = render(&ops, doc, &format!("prop{name}"));
        let Some(files) = accepted(&text) else {
            continue;
        };
        let dir = workspace.join(&name);
        scratch::write_crate(&dir, &files);
        fs::write(dir.join("spec.yaml"), &text).expect("spec copy");
        let actions: Vec<&str> = unique(ops.clone(), |o| o.action)
            .iter()
            .map(|o| o.action)
            .collect();
        println!("building {name}: actions {}", actions.join(", "));
        members.push(name);
    }
    scratch::workspace(&workspace, &members);
    println!(
        "property build: {} crates in {} (specs in each crate's spec.yaml)",
        members.len(),
        workspace.display()
    );
    scratch::cargo(
        &workspace,
        &[
            "clippy",
            "--offline",
            "--workspace",
            "--all-targets",
            "--features",
            "cli",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    scratch::cargo(
        &workspace,
        &[
            "doc",
            "--offline",
            "--workspace",
            "--no-deps",
            "--features",
            "cli",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    println!(
        "property build: {} crates passed clippy -D warnings and cargo doc -D warnings",
        members.len()
    );
}

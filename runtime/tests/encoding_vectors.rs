//! The encoder against pairs computed by the official Python Tea SDK's own flattening
//! helpers (`runtime/testdata/encoding/make_cases.py` writes `cases.json`). No Python is
//! needed to run these.

use livegen_runtime::operation::{FieldInfo, HttpMethod, ListShape, Operation, ParamInfo, Shape};
use livegen_runtime::params::{self, Encoded};
use livegen_runtime::signing::v3;
use serde_json::Value;
use support::stop::LIVE;
use support::vectors;

mod support;

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    method: String,
    params: Vec<Param>,
    input: Value,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
    form_body: String,
    #[serde(default)]
    python_raw_query: Option<Vec<(String, String)>>,
}

#[derive(serde::Deserialize)]
struct Param {
    name: String,
    location: String,
    style: String,
    shape: Value,
    required: bool,
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn shape(json: &Value) -> Shape {
    let field = |name: &str| json.get(name);
    let bound = |name: &str| field(name).and_then(Value::as_u64);
    match field("type").and_then(Value::as_str) {
        Some("string") => Shape::STRING,
        Some("integer") => Shape::INTEGER,
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Boolean,
        Some("any") => Shape::Any,
        Some("list") => Shape::List(leak(ListShape {
            item: shape(field("item").expect("list item")),
            min_items: bound("min_items"),
            max_items: bound("max_items"),
        })),
        Some("map") => Shape::Map(leak(shape(field("value").expect("map value")))),
        Some("object") => {
            let fields: Vec<FieldInfo> = field("fields")
                .and_then(Value::as_array)
                .expect("object fields")
                .iter()
                .map(|f| {
                    let info = FieldInfo::new(
                        leak_str(f["name"].as_str().expect("field name")),
                        shape(&f["shape"]),
                    );
                    if f["required"].as_bool() == Some(true) {
                        info.required()
                    } else {
                        info
                    }
                })
                .collect();
            Shape::Object(Box::leak(fields.into_boxed_slice()))
        }
        other => panic!("unknown shape type {other:?}"),
    }
}

fn operation(case: &Case) -> Operation {
    let params: Vec<ParamInfo> = case
        .params
        .iter()
        .map(|p| {
            let name = leak_str(&p.name);
            let info = match p.location.as_str() {
                "query" => ParamInfo::query(name, shape(&p.shape)),
                "body" => ParamInfo::body(name, shape(&p.shape)),
                other => panic!("unknown location {other}"),
            };
            let info = info.style(vectors::style(&p.style));
            if p.required { info.required() } else { info }
        })
        .collect();
    let method = match case.method.as_str() {
        "GET" => HttpMethod::Get,
        _ => HttpMethod::Post,
    };
    vectors::operation(&LIVE, "Vector", "/", method, params)
}

fn load() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/encoding/cases.json");
    let text = std::fs::read_to_string(path).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json parses")
}

#[test]
fn encoder_matches_the_sdk() {
    let cases = load();
    assert!(cases.len() >= 20, "only {} cases", cases.len());
    for case in &cases {
        let op = operation(case);
        let encoded = params::encode(&op, &case.input)
            .unwrap_or_else(|e| panic!("{}: refused: {e}", case.name));
        assert_eq!(
            encoded,
            Encoded {
                query: case.query.clone(),
                body: case.body.clone(),
                path: "/".to_owned(),
                ..Encoded::default()
            },
            "{}",
            case.name
        );
        assert_eq!(
            String::from_utf8(v3::body(&encoded.body)).expect("utf-8"),
            case.form_body,
            "{}: form body",
            case.name
        );
    }
}

#[test]
fn the_only_deviation_is_the_spelling_of_booleans() {
    let cases = load();
    let mut seen = 0;
    for case in &cases {
        let Some(raw) = &case.python_raw_query else {
            continue;
        };
        seen += 1;
        assert_eq!(raw.len(), case.query.len(), "{}", case.name);
        for ((raw_name, raw_value), (name, value)) in raw.iter().zip(&case.query) {
            assert_eq!(raw_name, name, "{}", case.name);
            let python = match value.as_str() {
                "true" => "True",
                "false" => "False",
                other => other,
            };
            assert_eq!(raw_value, python, "{}: {name}", case.name);
        }
    }
    assert!(seen >= 2, "the cases should exercise booleans");
}

#[test]
fn every_location_and_style_is_covered() {
    let cases = load();
    for (location, style) in [
        ("query", "simple"),
        ("query", "repeatList"),
        ("query", "flat"),
        ("query", "json"),
        ("body", "simple"),
        ("body", "repeatList"),
        ("body", "json"),
    ] {
        assert!(
            cases.iter().any(|c| c
                .params
                .iter()
                .any(|p| p.location == location && p.style == style)),
            "no case with a {style} {location} parameter"
        );
    }
}

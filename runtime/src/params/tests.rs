//! Tests of parameter flattening and checking: styles, bounds, required values, reserved
//! names and the SDK's text forms.

use serde_json::json;

use super::*;
use crate::operation::{FieldInfo, ListShape, ParamInfo, RamAuthorization, Service};

static SERVICE: Service = Service {
    code: "live",
    version: "2016-11-01",
    default_endpoint: "live.aliyuncs.com",
    endpoint_pattern: "live.{regionId}.aliyuncs.com",
    regional_endpoints: &[],
};

const TAG: Shape = Shape::Object(&[
    FieldInfo::new("Key", Shape::STRING).required(),
    FieldInfo::new("Value", Shape::STRING),
]);

fn op(methods: &'static [HttpMethod], params: &'static [ParamInfo]) -> Operation {
    Operation {
        service: &SERVICE,
        action: "Test",
        summary: "",
        path: "/",
        methods,
        qps: None,
        ram: RamAuthorization::UNDOCUMENTED,
        params,
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: None,
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn query(op: &Operation, input: Value) -> Vec<(String, String)> {
    match encode(op, &input) {
        Ok(encoded) => encoded.query,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn refused(op: &Operation, input: Value) -> InvalidInput {
    match encode(op, &input) {
        Ok(encoded) => panic!("expected an error, got {encoded:?}"),
        Err(e) => e,
    }
}

#[test]
fn scalars_in_table_order_absent_skipped() {
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("Name", Shape::STRING),
        ParamInfo::query("Size", Shape::INTEGER),
        ParamInfo::query("Ratio", Shape::Number),
        ParamInfo::query("On", Shape::Boolean),
        ParamInfo::query("Off", Shape::Boolean),
        ParamInfo::query("Missing", Shape::STRING),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    assert_eq!(
        query(
            &op,
            json!({"Off": false, "On": true, "Ratio": 1.0, "Size": -3, "Name": "a b", "Missing": null})
        ),
        pairs(&[
            ("Name", "a b"),
            ("Size", "-3"),
            ("Ratio", "1.0"),
            ("On", "true"),
            ("Off", "false")
        ])
    );
    assert_eq!(
        query(&op, json!({"Ratio": 1e16})),
        pairs(&[("Ratio", "1e+16")])
    );
    assert_eq!(query(&op, json!({"Ratio": 7})), pairs(&[("Ratio", "7")]));
    assert_eq!(query(&op, Value::Null), pairs(&[]));
}

#[test]
fn list_styles() {
    static STRINGS: ListShape = ListShape {
        item: Shape::STRING,
        min_items: None,
        max_items: None,
    };
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("Simple", Shape::List(&STRINGS)),
        ParamInfo::query("Repeat", Shape::List(&STRINGS)).style(ParamStyle::RepeatList),
        ParamInfo::query("Flat", Shape::List(&STRINGS)).style(ParamStyle::Flat),
        ParamInfo::query("Json", Shape::List(&STRINGS)).style(ParamStyle::Json),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    let list = json!(["a", "b,c", "中"]);
    assert_eq!(
        query(
            &op,
            json!({"Simple": list, "Repeat": list, "Flat": list, "Json": list})
        ),
        pairs(&[
            ("Simple", "a,b,c,中"),
            ("Repeat.1", "a"),
            ("Repeat.2", "b,c"),
            ("Repeat.3", "中"),
            ("Flat.1", "a"),
            ("Flat.2", "b,c"),
            ("Flat.3", "中"),
            ("Json", "[\"a\",\"b,c\",\"中\"]"),
        ])
    );
    // The SDK sends an empty simple list as an empty value and nothing for repeatList.
    assert_eq!(
        query(&op, json!({"Simple": [], "Repeat": [], "Json": []})),
        pairs(&[("Simple", ""), ("Json", "[]")])
    );
}

#[test]
fn lists_of_objects_and_nesting() {
    static TAGS: ListShape = ListShape {
        item: TAG,
        min_items: None,
        max_items: Some(2),
    };
    static INNER: ListShape = ListShape {
        item: Shape::INTEGER,
        min_items: None,
        max_items: None,
    };
    static OUTER: ListShape = ListShape {
        item: Shape::Object(&[
            FieldInfo::new("Ids", Shape::List(&INNER)),
            FieldInfo::new(
                "Sub",
                Shape::Object(&[FieldInfo::new("On", Shape::Boolean)]),
            ),
        ]),
        min_items: None,
        max_items: None,
    };
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("Tag", Shape::List(&TAGS)).style(ParamStyle::RepeatList),
        ParamInfo::query("Deep", Shape::List(&OUTER)).style(ParamStyle::RepeatList),
        ParamInfo::query("Obj", TAG),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    assert_eq!(
        query(
            &op,
            json!({
                "Tag": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": null}],
                "Deep": [{"Ids": [1, 2], "Sub": {"On": true}}],
                "Obj": {"Key": "a", "Value": "b"},
            })
        ),
        pairs(&[
            ("Tag.1.Key", "k1"),
            ("Tag.1.Value", "v1"),
            ("Tag.2.Key", "k2"),
            ("Deep.1.Ids.1", "1"),
            ("Deep.1.Ids.2", "2"),
            ("Deep.1.Sub.On", "true"),
            ("Obj.Key", "a"),
            ("Obj.Value", "b"),
        ])
    );
    let err = refused(&op, json!({"Tag": [{"Key": "k"}, {"Value": "v"}]}));
    assert_eq!(err.parameter, "Tag.2.Key");
    let err = refused(
        &op,
        json!({"Tag": [{"Key": "k"}, {"Key": "k"}, {"Key": "k"}]}),
    );
    assert_eq!(err.parameter, "Tag");
    assert!(err.reason.contains("maximum 2"), "{err}");
    let err = refused(&op, json!({"Deep": [{"Ids": [1, "2"]}]}));
    assert_eq!(err.parameter, "Deep.1.Ids.2");
    assert!(
        err.reason.contains("expected an integer, found a string"),
        "{err}"
    );
    let err = refused(&op, json!({"Obj": {"Key": "a", "Other": 1}}));
    assert_eq!(err.parameter, "Obj.Other");
}

#[test]
fn maps_flattened_or_json() {
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("Flat", Shape::Map(&Shape::STRING)).style(ParamStyle::Flat),
        ParamInfo::query("Json", Shape::Map(&Shape::STRING)).style(ParamStyle::Json),
        ParamInfo::query("Any", Shape::Any).style(ParamStyle::Json),
        ParamInfo::query("Raw", Shape::STRING).style(ParamStyle::Json),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    assert_eq!(
        query(
            &op,
            json!({
                "Flat": {"z": "1", "a": "2"},
                "Json": {"z": "1", "a": "中"},
                "Any": {"n": 1.5, "l": [1, null, false]},
                "Raw": "{\"already\":\"json\"}",
            })
        ),
        pairs(&[
            ("Flat.z", "1"),
            ("Flat.a", "2"),
            ("Json", "{\"z\":\"1\",\"a\":\"中\"}"),
            ("Any", "{\"n\":1.5,\"l\":[1,null,false]}"),
            ("Raw", "{\"already\":\"json\"}"),
        ])
    );
    let err = refused(&op, json!({"Flat": {"a": 1}}));
    assert_eq!(err.parameter, "Flat.a");
}

#[test]
fn body_params_and_get() {
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("RegionId", Shape::STRING),
        ParamInfo::body("Text", Shape::STRING),
        ParamInfo::body(
            "Users",
            Shape::List(&ListShape {
                item: Shape::STRING,
                min_items: None,
                max_items: None,
            }),
        ),
    ];
    let post = op(&[HttpMethod::Post], PARAMS);
    let encoded = encode(
        &post,
        &json!({"RegionId": "cn-shanghai", "Text": "hi there", "Users": ["u1", "u2"]}),
    );
    assert_eq!(
        encoded,
        Ok(Encoded {
            query: pairs(&[("RegionId", "cn-shanghai")]),
            body: pairs(&[("Text", "hi there"), ("Users", "u1,u2")]),
            path: "/".to_owned(),
            ..Encoded::default()
        })
    );
    let get = op(&[HttpMethod::Get, HttpMethod::Post], PARAMS);
    let err = refused(&get, json!({"Text": "x"}));
    assert_eq!(err.parameter, "Text");
    assert!(err.reason.contains("GET"), "{err}");
    assert!(encode(&get, &json!({"RegionId": "r"})).is_ok());
}

#[test]
fn validation() {
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("TaskId", Shape::STRING).required(),
        ParamInfo::query("PageSize", Shape::int_range(Some(1), Some(100))),
        ParamInfo::query(
            "Name",
            Shape::String {
                values: &[],
                min_length: Some(2),
                max_length: Some(4),
            },
        ),
        ParamInfo::query("Kind", Shape::enumeration(&["a", "b"])),
        ParamInfo::query("Flag", Shape::Boolean),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    assert_eq!(refused(&op, json!({})).parameter, "TaskId");
    assert!(refused(&op, json!({"TaskId": ""})).reason.contains("empty"));
    assert!(encode(&op, &json!({"TaskId": "t", "PageSize": 1})).is_ok());
    assert!(encode(&op, &json!({"TaskId": "t", "PageSize": 100})).is_ok());
    for bad in [0, 101] {
        assert_eq!(
            refused(&op, json!({"TaskId": "t", "PageSize": bad})).parameter,
            "PageSize"
        );
    }
    assert!(
        refused(&op, json!({"TaskId": "t", "PageSize": 1.5}))
            .reason
            .contains("expected an integer")
    );
    assert!(
        refused(&op, json!({"TaskId": "t", "PageSize": "10"}))
            .reason
            .contains("found a string")
    );
    // Lengths count characters, not bytes.
    assert!(encode(&op, &json!({"TaskId": "t", "Name": "直播测试"})).is_ok());
    assert_eq!(
        refused(&op, json!({"TaskId": "t", "Name": "a"})).parameter,
        "Name"
    );
    assert_eq!(
        refused(&op, json!({"TaskId": "t", "Name": "abcde"})).parameter,
        "Name"
    );
    // Enumerations are open: new values still go through.
    assert!(encode(&op, &json!({"TaskId": "t", "Kind": "c"})).is_ok());
    assert!(
        refused(&op, json!({"TaskId": "t", "Flag": "true"}))
            .reason
            .contains("boolean")
    );
    assert_eq!(
        refused(&op, json!({"TaskId": "t", "Bogus": 1})).parameter,
        "Bogus"
    );
    assert_eq!(refused(&op, json!(["TaskId"])).parameter, "<input>");
}

#[test]
fn protocol_names_are_ordinary_parameters_of_the_operations_that_have_them() {
    static PARAMS: &[ParamInfo] = &[
        ParamInfo::query("TaskId", Shape::STRING),
        ParamInfo::query("Format", Shape::STRING),
    ];
    let op = op(&[HttpMethod::Get], PARAMS);
    let encoded = encode(&op, &json!({"TaskId": "t", "Format": "mp4"}))
        .expect("Format is a parameter of this operation");
    assert_eq!(
        encoded.query,
        [
            ("TaskId".to_owned(), "t".to_owned()),
            ("Format".to_owned(), "mp4".to_owned())
        ]
    );
    // A protocol name the operation does not declare is an unknown parameter.
    for protocol in crate::protocol::PROTOCOL_PARAMS {
        if protocol.name != "Format" {
            let err = refused(&op, json!({ protocol.name: "x" }));
            assert_eq!(err.parameter, protocol.name);
            assert!(err.reason.contains("no such parameter"), "{err}");
        }
    }
}

//! Synthetic specs of a chosen size for the codegen benchmarks.
//!
//! Operations cycle through five shapes modelled on real Live API actions, so a spec of
//! N operations exercises what the real one will once it grows: shared and inline enums,
//! `repeatList` and JSON parameters, optional bounded integers, numbers and booleans,
//! nested outputs with lists of objects, and 2–6 documented errors with three HTTP
//! statuses. Every document is valid OpenAPI 3.1 and passes livegen's validator (the
//! benchmark checks both before timing anything).

use serde_json::{Map, Value, json};

const NOUNS: &[&str] = &[
    "Domain",
    "Stream",
    "Snapshot",
    "Record",
    "Transcode",
    "PullToPush",
    "Cert",
    "Callback",
    "Template",
    "Channel",
    "Caster",
    "Watermark",
    "Delay",
    "Audit",
    "Mix",
    "Shift",
    "Package",
    "Rtc",
    "Edge",
    "Bandwidth",
];

const VARIANTS: &[&str] = &[
    "", "Config", "Detail", "Status", "Rule", "Task", "Stats", "Info", "Quota", "Policy",
];

/// Error codes in the style of the Live API documentation: (code, HTTP status, message).
const ERRORS: &[(&str, u16, &str)] = &[
    ("InvalidParameter", 400, "%s."),
    (
        "MissingParameter",
        400,
        "The input parameter %s that is mandatory is not supplied.",
    ),
    ("InvalidDomain.NotFound", 404, "The domain does not exist."),
    ("InvalidStream.NotFound", 404, "The stream does not exist."),
    ("InvalidTaskId.Malformed", 400, "The task id is malformed."),
    ("QuotaExceeded.Stream", 400, "The stream quota is exceeded."),
    (
        "Forbidden.Operation",
        403,
        "You are not authorized to operate on this resource.",
    ),
    (
        "InvalidStartTime.ValueNotSupported",
        400,
        "The start time is not supported.",
    ),
    (
        "LiveServiceNotFound",
        400,
        "Your account does not open Live service yet",
    ),
    ("InternalError", 500, "%s."),
];

/// The document around the operations: valid YAML with no paths, read once per spec.
const FRAME: &str = include_str!("synth/frame.yaml");

/// Writes an OpenAPI 3.1 document with `ops` operations.
pub fn spec(ops: usize) -> String {
    let mut doc: Value = serde_yaml::from_str(FRAME).expect("synth/frame.yaml is valid YAML");
    doc["info"]["title"] = json!(format!("ApsaraVideo Live (synthetic, {ops} operations)"));
    let mut paths = Map::new();
    for i in 0..ops {
        let op = Synth::new(i);
        paths.insert(format!("/{}", op.action), json!({ "get": op.operation() }));
        doc["components"]["schemas"][format!("{}Response", op.action)] = op.response_schema();
    }
    doc["paths"] = Value::Object(paths);
    let yaml = serde_yaml::to_string(&doc).expect("a JSON value always serializes as YAML");
    format!(
        "# A synthetic ApsaraVideo Live spec with {ops} operations (`cargo xtask bench`).\n{yaml}"
    )
}

/// Operation `i`: one of five shapes (list, add, update, delete, query), named after a
/// noun and a variant so that every name is distinct.
struct Synth {
    i: usize,
    shape: usize,
    verb: &'static str,
    noun: &'static str,
    variant: &'static str,
    action: String,
}

impl Synth {
    fn new(i: usize) -> Self {
        let shape = i % 5;
        let combo = i / 5;
        let noun = NOUNS[combo % NOUNS.len()];
        let variant = VARIANTS[(combo / NOUNS.len()) % VARIANTS.len()];
        let round = combo / (NOUNS.len() * VARIANTS.len());
        let suffix = if round == 0 {
            String::new()
        } else {
            format!("V{}", round + 1)
        };
        let verb = ["Describe", "Add", "Update", "Delete", "Query"][shape];
        let action = format!("{verb}Live{noun}{variant}{suffix}");
        Self {
            i,
            shape,
            verb,
            noun,
            variant,
            action,
        }
    }

    fn operation(&self) -> Value {
        let action = &self.action;
        let methods = if self.shape == 0 || self.shape == 4 {
            ["GET", "POST"]
        } else {
            ["POST", "GET"]
        };
        let access = ["list", "create", "update", "delete", "get"][self.shape];
        let mut op = json!({
            "operationId": action,
            "summary": self.summary(),
            "description": format!(
                "You can call this operation to {} {} resources of ApsaraVideo Live.\n\n\
                 Synthetic operation {}; its shape is modelled on real Live API actions.",
                self.verb.to_lowercase(),
                self.noun.to_lowercase(),
                self.i,
            ),
            "x-acs-rpc": { "action": action, "path": "/", "methods": methods },
            "x-acs-ram": {
                "action": format!("live:{action}"),
                "accessLevel": access,
                "resources": ["acs:live:*:{#accountId}:domain/{#DomainName}"],
                "conditionKeys": [],
                "dependentActions": [],
            },
            "parameters": self.parameters(),
            "responses": self.responses(),
            "x-acs-errors": self.errors().iter().map(|(code, status, message)| json!({
                "code": code,
                "httpStatus": status,
                "message": message,
                "description": format!("{code} ({status})."),
            })).collect::<Vec<_>>(),
        });
        match self.i % 3 {
            0 => op["x-acs-qps"] = qps(10, "second", "account", "drop"),
            1 => op["x-acs-qps"] = qps(1000, "minute", "api", "throttle"),
            _ => {}
        }
        op
    }

    fn summary(&self) -> String {
        let (noun, variant) = (self.noun.to_lowercase(), self.variant.to_lowercase());
        match self.shape {
            0 => format!("Lists {noun} {variant} entries."),
            1 => format!("Adds a {noun} {variant}."),
            2 => format!("Changes a {noun} {variant}."),
            3 => format!("Deletes a {noun} {variant}."),
            _ => format!("Queries {noun} {variant} data."),
        }
        .replace(" .", ".")
    }

    /// 2–6 errors, always including one 500 so every operation lists three statuses.
    fn errors(&self) -> Vec<(&'static str, u16, &'static str)> {
        let n_errors = 2 + self.i % 5;
        let mut errors: Vec<_> = (0..n_errors - 1)
            .map(|k| ERRORS[(self.i * 3 + k) % (ERRORS.len() - 1)])
            .collect();
        errors.push(ERRORS[ERRORS.len() - 1]);
        errors
    }

    fn responses(&self) -> Value {
        let mut responses = json!({ "200": {
            "description": "Success.",
            "content": { "application/json": { "schema": {
                "$ref": format!("#/components/schemas/{}Response", self.action)
            } } },
        } });
        let mut statuses: Vec<u16> = self.errors().iter().map(|e| e.1).collect();
        statuses.sort_unstable();
        statuses.dedup();
        for status in statuses {
            responses[status.to_string()] = json!({ "$ref": "#/components/responses/Error" });
        }
        responses
    }

    fn parameters(&self) -> Vec<Value> {
        let mut region = param(
            "RegionId",
            self.shape != 4,
            "The region of the live center.",
        );
        region["schema"] = json!({ "$ref": "#/components/schemas/Region" });
        region["example"] = json!("cn-shanghai");
        let mut domain = param("DomainName", true, "The main streaming domain.");
        domain["example"] = json!("example.com");
        let mut params = vec![region, domain];
        params.extend(match self.shape {
            0 => list_parameters(),
            1 => add_parameters(),
            2 => update_parameters(),
            3 => {
                let mut task = param("TaskId", true, "The ID of the task to delete.");
                task["example"] = json!("3bb44350-0c34-49c7-8c5e-cba5e6c0****");
                vec![task]
            }
            _ => query_parameters(),
        });
        params
    }

    fn response_schema(&self) -> Value {
        let mut properties = json!({
            "RequestId": prop("string", "The request ID."),
        });
        let extra = match self.shape {
            0 => list_response(),
            1 => {
                json!({ "Id": { "type": "string", "description": "The ID of the new resource." } })
            }
            2 => json!({
                "Changed": { "type": "boolean", "description": "Whether anything changed." },
                "Status": { "$ref": "#/components/schemas/StreamStatus" },
            }),
            3 => json!({}),
            _ => query_response(),
        };
        if let (Some(all), Value::Object(extra)) = (properties.as_object_mut(), extra) {
            all.extend(extra);
        }
        json!({
            "type": "object",
            "description": format!("The result of `{}`.", self.action),
            "required": ["RequestId"],
            "properties": properties,
        })
    }
}

fn qps(limit: u32, per: &str, scope: &str, on_exceed: &str) -> Value {
    json!({ "limit": limit, "per": per, "scope": scope, "onExceed": on_exceed })
}

/// A query parameter with a string schema; callers change the schema where it differs.
fn param(name: &str, required: bool, description: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": { "type": "string" },
    })
}

/// `param` with another schema, and the `x-acs-style` it is sent in.
fn typed(name: &str, description: &str, schema: Value, style: Option<&str>) -> Value {
    let mut p = param(name, false, description);
    p["schema"] = schema;
    if let Some(style) = style {
        p["x-acs-style"] = json!(style);
    }
    p
}

fn int(format: &str, minimum: u32, maximum: Option<u32>) -> Value {
    let mut schema = json!({ "type": "integer", "format": format, "minimum": minimum });
    if let Some(maximum) = maximum {
        schema["maximum"] = json!(maximum);
    }
    schema
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn list_parameters() -> Vec<Value> {
    vec![
        param(
            "StreamName",
            false,
            "The name of the live stream; all streams when omitted.",
        ),
        typed(
            "Status",
            "Only entries in this state.",
            json!({ "$ref": "#/components/schemas/StreamStatus" }),
            None,
        ),
        typed(
            "PageNumber",
            "The page to return, starting at 1.",
            int("int32", 1, None),
            None,
        ),
        typed(
            "PageSize",
            "Entries per page.",
            int("int32", 1, Some(100)),
            None,
        ),
        typed(
            "TaskIds",
            "Only these tasks.",
            strings(),
            Some("repeatList"),
        ),
    ]
}

fn add_parameters() -> Vec<Value> {
    let settings = json!({ "type": "object", "properties": {
        "Height": { "type": "integer", "format": "int32" },
        "Width": { "type": "integer", "format": "int32" },
        "Fps": { "type": "number" },
    } });
    let tags = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Tag" } });
    vec![
        param("AppName", true, "The name of the application."),
        typed(
            "Tags",
            "Tags to attach, as a JSON array.",
            tags,
            Some("json"),
        ),
        typed(
            "Settings",
            "Advanced settings, as a JSON object.",
            settings,
            Some("json"),
        ),
        typed(
            "Enable",
            "Whether the new resource starts enabled.",
            json!({ "type": "boolean" }),
            None,
        ),
        typed(
            "Bitrate",
            "The target bitrate in kbit/s.",
            json!({ "type": "number" }),
            None,
        ),
    ]
}

fn update_parameters() -> Vec<Value> {
    let mut mode = param("Mode", true, "How the change is applied.");
    mode["schema"]["enum"] = json!(["immediate", "scheduled", "on-next-stream"]);
    vec![
        mode,
        typed(
            "Interval",
            "The interval in seconds.",
            int("int64", 5, Some(86400)),
            None,
        ),
        typed(
            "CallbackUrls",
            "Callback addresses.",
            strings(),
            Some("repeatList"),
        ),
    ]
}

fn query_parameters() -> Vec<Value> {
    vec![
        param(
            "StartTime",
            true,
            "The beginning of the time range, UTC, `yyyy-MM-ddTHH:mm:ssZ`.",
        ),
        param(
            "EndTime",
            false,
            "The end of the time range; now when omitted.",
        ),
        typed(
            "Interval",
            "The granularity in seconds.",
            int("int32", 60, Some(86400)),
            None,
        ),
    ]
}

/// A documented property of type `ty`.
fn prop(ty: &str, description: &str) -> Value {
    json!({ "type": ty, "description": description })
}

/// A documented integer property.
fn int_prop(format: &str, description: &str) -> Value {
    json!({ "type": "integer", "format": format, "description": description })
}

/// A documented object property, or array items when `description` is empty.
fn object(description: &str, properties: Value) -> Value {
    let mut object = json!({ "type": "object", "properties": properties });
    if !description.is_empty() {
        object["description"] = json!(description);
    }
    object
}

/// A documented array of `items`.
fn array(description: &str, items: Value) -> Value {
    json!({ "type": "array", "description": description, "items": items })
}

fn list_response() -> Value {
    let tag = json!({ "$ref": "#/components/schemas/Tag" });
    let source = object(
        "Where the stream comes from.",
        json!({
            "Url": prop("string", "The source URL."),
            "Retries": int_prop("int32", "Retries so far."),
        }),
    );
    let entry = object(
        "",
        json!({
            "Id": prop("string", "The resource ID."),
            "Status": { "$ref": "#/components/schemas/StreamStatus" },
            "CreateTime": prop("string", "When the resource was created."),
            "Tags": array("The resource's tags.", tag),
            "Source": source,
        }),
    );
    json!({
        "TotalCount": int_prop("int64", "The number of entries on all pages."),
        "PageNumber": int_prop("int32", "The page returned."),
        "Entries": object(
            "The entries on this page.",
            json!({ "Entry": array("One entry per resource.", entry) }),
        ),
    })
}

fn query_response() -> Value {
    let point = object(
        "",
        json!({
            "TimeStamp": prop("string", "The start of the interval."),
            "Value": prop("number", "The measured value."),
            "PeakValue": prop("number", "The peak within the interval."),
        }),
    );
    json!({
        "DataInterval": int_prop("int32", "The granularity of the data in seconds."),
        "Data": object(
            "The data points.",
            json!({ "DataModule": array("One point per interval.", point) }),
        ),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_specs_pass_the_generator() {
        for ops in [1, 7, 120] {
            let text = super::spec(ops);
            let files = livegen_generator::generate("synthetic.yaml", &text)
                .unwrap_or_else(|e| panic!("{ops} operations: {e}"));
            let operations = files
                .keys()
                .filter(|p| p.starts_with("src/operations/"))
                .count();
            assert_eq!(operations, ops, "one file per operation");
        }
    }
}

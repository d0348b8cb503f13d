//! Written by `tests/tests/official_conformance.rs` (not by the generator): prints what
//! the client would send for each case of a `cases.json` from `wire_capture.py`.
//!
//! A template, kept as a real file so rustfmt, clippy and editors see it:
//! `tests/src/conformance.rs` includes it with `include_str!` and replaces the ARMS marker
//! line with one match arm per action; as it stands (no arms) it compiles as a module of
//! the tests crate's own tests.

use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::signing::encode::decode_query;
use livegen_runtime::{Client, Config, Credentials, PrepareError, PreparedRequest};
use serde_json::{Value, json};

/// One arm: the typed input from the case's JSON, then the prepared request. A macro, not a
/// generic function, so the harness names no trait bound of `Client::prepare`.
macro_rules! dump {
    ($client:expr, $input:expr, $ty:ty, $op:expr $(,)?) => {
        match serde_json::from_value::<$ty>($input) {
            Ok(input) => report($client.prepare(&$op, &input)),
            Err(e) => Err(format!("input: {e}")),
        }
    };
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: wire-dump CASES_JSON");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("wire-dump: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let cases: Value = match serde_json::from_str(&text) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("wire-dump: {path} is not JSON: {e}");
            std::process::exit(2);
        }
    };
    let config = Config::builder()
        .credentials(StaticCredentials::new(Credentials::new(
            "testid",
            "testsecret",
        )))
        .region_id("cn-shanghai")
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let client = match config {
        Ok(config) => Client::new(config),
        Err(e) => {
            eprintln!("wire-dump: bad configuration: {e}");
            std::process::exit(2);
        }
    };
    let empty = serde_json::Map::new();
    let all = cases["cases"].as_object().unwrap_or(&empty);
    for (action, case) in all {
        let input = case["input"].clone();
        let line: Result<Value, String> = match action.as_str() {
            // ARMS
            _ => Err("no such operation in the generated crate".to_owned()),
        };
        let line = match line {
            Ok(mut line) => {
                line["action"] = json!(action);
                line
            }
            Err(error) => json!({ "action": action, "error": error }),
        };
        println!("{line}");
    }
}

/// What `prepare` made of a request, as the JSON line's fields: the method, the path as
/// sent, the decoded query pairs, every header, and the body as decoded form pairs or, when
/// it is not a form (a ROA JSON body), as its text.
fn report(prepared: Result<PreparedRequest, PrepareError>) -> Result<Value, String> {
    let request = prepared.map_err(|e| format!("prepare: {e}"))?;
    let after_scheme = request.url.split_once("://").map_or("", |(_, rest)| rest);
    let path_and_query = after_scheme
        .find('/')
        .map_or("/", |start| &after_scheme[start..]);
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let query = pairs(query.as_bytes())?;
    let form = request.headers.iter().any(|(name, value)| {
        name == "content-type" && value.starts_with("application/x-www-form-urlencoded")
    });
    let mut line = json!({
        "method": request.method.as_str(),
        "path": path,
        "query": query,
        "headers": request.headers,
    });
    if form {
        line["body"] = json!(pairs(&request.body)?);
    } else if !request.body.is_empty() {
        let text = std::str::from_utf8(&request.body)
            .map_err(|e| format!("the body is not UTF-8: {e}"))?;
        line["raw_body"] = json!(text);
    }
    Ok(line)
}

/// `application/x-www-form-urlencoded` decoding, as Python's `parse_qsl` does it (`+` is a
/// space, blank values kept), by the runtime's one decoder.
fn pairs(text: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(text).map_err(|e| format!("not UTF-8: {e}"))?;
    decode_query(text).map_err(|e| format!("undecodable: {e}"))
}

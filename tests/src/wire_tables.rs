//! What the checked-in `aliyun-live` would send for each case of a capture, prepared
//! in-process from its operation tables (`aliyun_live::operations::ALL`), the path the
//! generated command line takes: no second copy of the crate is generated or built.
//!
//! `tests/tests/official_conformance.rs` compares this with the official SDK's requests
//! for the 2025-12 metadata, whose wire facts the checked-in spec carries.

use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::{Client, Config, Credentials, Operation};
use serde_json::Value;

use crate::conformance::{Capture, Ours};

/// Prepares (signs without sending) one request per case with `operations`, the way the
/// CLI calls: the case's JSON input straight into `Client::prepare`.
///
/// # Panics
///
/// When the fixed test configuration is refused (a bug in this function).
pub fn dump(capture: &Capture, operations: &[&'static Operation]) -> Vec<Ours> {
    let config = Config::builder()
        .credentials(StaticCredentials::new(Credentials::new(
            "testid",
            "testsecret",
        )))
        .region_id("cn-shanghai")
        .endpoint_url("http://127.0.0.1:9")
        .build()
        .expect("a valid test configuration");
    let client = Client::new(config);
    capture
        .cases
        .iter()
        .map(|(action, case)| {
            let mut ours = Ours {
                action: action.clone(),
                method: None,
                query: Vec::new(),
                body: Vec::new(),
                path: None,
                headers: Vec::new(),
                raw_body: None,
                error: None,
            };
            let Some(op) = operations.iter().find(|op| op.action == action) else {
                ours.error = Some("no such operation in the generated crate".to_owned());
                return ours;
            };
            let input = match &case.input {
                Value::Null => Value::Object(serde_json::Map::new()),
                other => other.clone(),
            };
            match client.prepare(op, &input) {
                Ok(request) => {
                    let form = request.headers.iter().any(|(name, value)| {
                        name == "content-type"
                            && value.starts_with("application/x-www-form-urlencoded")
                    });
                    if !form && !request.body.is_empty() {
                        ours.error = Some(format!(
                            "body is not a form: {}",
                            String::from_utf8_lossy(&request.body)
                        ));
                        return ours;
                    }
                    ours.method = Some(request.method.as_str().to_owned());
                    ours.query = request
                        .url
                        .split_once('?')
                        .map_or_else(Vec::new, |(_, query)| pairs(query.as_bytes()));
                    ours.body = pairs(&request.body);
                }
                Err(e) => ours.error = Some(format!("prepare: {e}")),
            }
            ours
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding, as Python's `parse_qsl` does it (`+` is
/// a space, blank values kept).
fn pairs(text: &[u8]) -> Vec<(String, String)> {
    text.split(|b| *b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut halves = part.splitn(2, |b| *b == b'=');
            let name = halves.next().unwrap_or_default();
            let value = halves.next().unwrap_or_default();
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < text.len() => match (hex(text[i + 1]), hex(text[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_decode_as_python_does() {
        assert_eq!(
            pairs(b"A=a+b&B=%E4%B8%AD&C="),
            [
                ("A".to_owned(), "a b".to_owned()),
                ("B".to_owned(), "中".to_owned()),
                ("C".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn the_checked_in_tables_prepare_a_request_per_case() {
        let capture: Capture = serde_json::from_value(serde_json::json!({
            "metadata": "m.json",
            "cases": {
                "StopLivePullToPush": {"input": {"Region": "cn-shanghai", "TaskId": "t-1"}},
                "NoSuchAction": {"input": {}}
            }
        }))
        .expect("capture");
        let ours = dump(&capture, aliyun_live::operations::ALL);
        let stop = ours
            .iter()
            .find(|o| o.action == "StopLivePullToPush")
            .expect("dumped");
        assert_eq!(stop.method.as_deref(), Some("GET"));
        assert!(
            stop.query
                .contains(&("TaskId".to_owned(), "t-1".to_owned()))
        );
        let missing = ours
            .iter()
            .find(|o| o.action == "NoSuchAction")
            .expect("dumped");
        assert!(missing.error.is_some());
    }
}

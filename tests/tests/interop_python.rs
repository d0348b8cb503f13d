//! The official Python SDKs against the fake: if they and our client both work with it,
//! the fake speaks the real protocol and our client is tested against something faithful.
//!
//! The interpreter comes from `LIVEGEN_PYTHON` (set by `cargo xtask test` to the venv it
//! installs `tests/python/requirements.txt` into). Without it the tests skip with a
//! message, so plain `cargo test` needs no Python; under CI (`CI` set) they fail instead,
//! because CI must prove interop.

use std::path::{Path, PathBuf};
use std::process::Command;

use livegen_tests::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, TaskState};
use livegen_tests::harness::fake_with_tasks;
use serde_json::Value;

fn python() -> Option<PathBuf> {
    match std::env::var_os("LIVEGEN_PYTHON") {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but LIVEGEN_PYTHON is not: CI must run the Python SDK interop tests \
             (run `cargo xtask test`, which installs the SDKs and sets it)"
        ),
        _ => {
            eprintln!(
                "skipping the Python SDK interop test: LIVEGEN_PYTHON is not set \
                 (`cargo xtask test` sets it, or point it at a venv with \
                 tests/python/requirements.txt installed)"
            );
            None
        }
    }
}

/// Runs `script` against `fake` and returns its JSON lines, keyed by case name.
fn run_script(python: &Path, script: &str, fake: &Fake, task: &str) -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let output = Command::new(python)
        .arg(&path)
        .args(["--endpoint", &fake.addr().to_string()])
        .args(["--key-id", DEFAULT_KEY_ID, "--secret", DEFAULT_KEY_SECRET])
        .args(["--task", task])
        // Loopback must never go through a proxy a developer's shell may configure.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{script}: not JSON ({e}): {line}\n{stderr}"));
            let case = value["case"].as_str().unwrap_or_default().to_owned();
            (case, value)
        })
        .collect()
}

fn case<'a>(results: &'a [(String, Value)], name: &str) -> &'a Value {
    results
        .iter()
        .find(|(case, _)| case == name)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no `{name}` case in {results:?}"))
}

fn is_request_id(value: &Value) -> bool {
    value.as_str().is_some_and(|id| id.len() == 36)
}

/// What both SDKs must see, whatever their signature.
fn check_common_cases(results: &[(String, Value)], task: &str) {
    let success = case(results, "success");
    assert_eq!(success["ok"], true, "{success}");
    assert_eq!(success["task_id"], task, "{success}");
    assert!(is_request_id(&success["request_id"]), "{success}");

    let again = case(results, "stopped-again");
    assert_eq!(again["code"], "CodeTaskHasStopped", "{again}");
    assert_eq!(again["status"], 400, "{again}");
    assert_eq!(again["message"], "The task has been stopped.", "{again}");
    assert!(is_request_id(&again["request_id"]), "{again}");

    let documented = case(results, "documented-error");
    assert_eq!(documented["code"], "LiveServiceNotFound", "{documented}");
    assert_eq!(documented["status"], 400, "{documented}");
    assert!(is_request_id(&documented["request_id"]), "{documented}");
}

/// The fake's view: which signature each SDK call carried and what it was answered.
fn signatures_and_codes(fake: &Fake) -> Vec<(Option<&'static str>, Option<String>)> {
    fake.requests()
        .into_iter()
        .map(|request| (request.signature, request.code))
        .collect()
}

#[test]
fn the_v3_sdk_interoperates() {
    let Some(python) = python() else { return };
    let fake = fake_with_tasks(&["relay-v3"]);
    let results = run_script(&python, "interop_v3.py", &fake, "relay-v3");
    check_common_cases(&results, "relay-v3");
    let wrong = case(&results, "wrong-secret");
    assert_eq!(wrong["code"], "SignatureDoesNotMatch", "{wrong}");
    assert_eq!(wrong["status"], 400, "{wrong}");
    assert_eq!(fake.task("relay-v3"), Some(TaskState::Stopped));
    assert_eq!(
        signatures_and_codes(&fake),
        [
            (Some("V3"), None),
            (Some("V3"), Some("CodeTaskHasStopped".to_owned())),
            (None, Some("SignatureDoesNotMatch".to_owned())),
            (Some("V3"), Some("LiveServiceNotFound".to_owned())),
        ]
    );
}

#[test]
fn the_v1_sdk_interoperates() {
    let Some(python) = python() else { return };
    let fake = fake_with_tasks(&["relay-v1"]);
    let results = run_script(&python, "interop_v1.py", &fake, "relay-v1");
    check_common_cases(&results, "relay-v1");
    // The fake answers SignatureDoesNotMatch (below); the SDK turns it into
    // InvalidAccessKeySecret only when the fake's string to sign equals its own.
    let wrong = case(&results, "wrong-secret");
    assert_eq!(wrong["code"], "InvalidAccessKeySecret", "{wrong}");
    assert_eq!(wrong["status"], 400, "{wrong}");
    assert_eq!(fake.task("relay-v1"), Some(TaskState::Stopped));
    assert_eq!(
        signatures_and_codes(&fake),
        [
            (Some("V1"), None),
            (Some("V1"), Some("CodeTaskHasStopped".to_owned())),
            (None, Some("SignatureDoesNotMatch".to_owned())),
            (Some("V1"), Some("LiveServiceNotFound".to_owned())),
        ]
    );
}

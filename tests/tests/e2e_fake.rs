//! The fake's own protocol, with requests no well-behaved client sends (unsigned, unknown
//! action, wrong version, replayed, stale), its admin endpoints, and the `live-fake`
//! binary as a user starts it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use livegen_runtime::signing::{self, SignatureVersion};
use livegen_tests::fake::{Fake, FakeConfig, TaskState};
use livegen_tests::harness::{
    RawCall, RawResponse, client, config_for_url, fake_with_tasks, raw_request, signed_request,
    stop_counted,
};

const PARAMS: &[(&str, &str)] = &[("Region", "cn-shanghai"), ("TaskId", "relay-1")];

fn code(response: &RawResponse) -> String {
    response.json()["Code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn errors_use_the_service_envelope() {
    let fake = fake_with_tasks(&["relay-1"]);
    let response = raw_request(
        fake.addr(),
        "GET",
        "/?Action=StopLivePullToPush&Version=2016-11-01&Region=cn-shanghai&TaskId=relay-1",
        &[],
        &[],
    )
    .expect("answered");
    assert_eq!(response.status, 400);
    let body = response.json();
    let mut fields: Vec<&String> = body.as_object().expect("object").keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        ["Code", "HostId", "Message", "Recommend", "RequestId"],
        "{body}"
    );
    assert_eq!(body["Code"], "IncompleteSignature");
    let header = response
        .headers
        .iter()
        .find(|(name, _)| name == "x-acs-request-id")
        .map(|(_, value)| value.as_str());
    assert_eq!(header, body["RequestId"].as_str());
    assert!(
        response
            .headers
            .iter()
            .any(|(name, value)| name == "content-type" && value.starts_with("application/json"))
    );
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[test]
fn both_signature_versions_verify() {
    let fake = fake_with_tasks(&["relay-1", "relay-2"]);
    for (version, task) in [
        (SignatureVersion::V3, "relay-1"),
        (SignatureVersion::V1, "relay-2"),
    ] {
        let params = [("Region", "cn-shanghai"), ("TaskId", task)];
        let response = signed_request(
            fake.addr(),
            &RawCall {
                version,
                params: &params,
                ..RawCall::default()
            },
        )
        .expect("answered");
        assert_eq!(response.status, 200, "{version:?}: {:?}", response.json());
        assert_eq!(response.json()["TaskId"], task);
    }
}

#[test]
fn unknown_actions_and_versions_are_refused_before_the_signature() {
    let fake = fake_with_tasks(&["relay-1"]);
    let unknown = signed_request(
        fake.addr(),
        &RawCall {
            action: "StartLivePullToPush",
            params: PARAMS,
            ..RawCall::default()
        },
    )
    .expect("answered");
    assert_eq!(
        (unknown.status, code(&unknown).as_str()),
        (404, "InvalidAction.NotFound")
    );

    let old = signed_request(
        fake.addr(),
        &RawCall {
            api_version: "2014-01-01",
            params: PARAMS,
            ..RawCall::default()
        },
    )
    .expect("answered");
    assert_eq!((old.status, code(&old).as_str()), (400, "InvalidVersion"));

    // A path the action does not live on is as unknown as an unknown action.
    let response = raw_request(
        fake.addr(),
        "GET",
        "/v2/?Action=StopLivePullToPush",
        &[],
        &[],
    )
    .expect("answered");
    assert_eq!(response.status, 404);
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[test]
fn a_replayed_request_is_refused() {
    let fake = fake_with_tasks(&["relay-1"]);
    let call = RawCall {
        params: PARAMS,
        ..RawCall::default()
    };
    let first = signed_request(fake.addr(), &call).expect("answered");
    assert_eq!(first.status, 200);
    let replay = signed_request(fake.addr(), &call).expect("answered");
    assert_eq!(
        (replay.status, code(&replay).as_str()),
        (400, "SignatureNonceUsed")
    );
}

#[test]
fn a_stale_timestamp_is_refused() {
    let fake = fake_with_tasks(&["relay-1"]);
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let response = signed_request(
            fake.addr(),
            &RawCall {
                version,
                params: PARAMS,
                timestamp: SystemTime::now() - Duration::from_secs(20 * 60),
                nonce: signing::new_nonce(),
                ..RawCall::default()
            },
        )
        .expect("answered");
        assert_eq!(
            (response.status, code(&response).as_str()),
            (400, "InvalidTimeStamp.Expired"),
            "{version:?}"
        );
    }
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[test]
fn missing_parameters_are_named() {
    let fake = fake_with_tasks(&[]);
    let response = signed_request(
        fake.addr(),
        &RawCall {
            params: &[("TaskId", "relay-1")],
            ..RawCall::default()
        },
    )
    .expect("answered");
    assert_eq!(response.status, 400);
    assert_eq!(code(&response), "MissingRegion");
    assert_eq!(
        response.json()["Message"],
        "Region is mandatory for this action."
    );
}

#[test]
fn admin_endpoints_drive_the_fake() {
    let fake = Fake::start(FakeConfig::default()).expect("fake starts");
    let admin = |method: &str, path: &str, body: &str| {
        let response =
            raw_request(fake.addr(), method, path, &[], body.as_bytes()).expect("answered");
        (response.status, response.json())
    };

    let (status, body) = admin("POST", "/__admin/tasks", r#"{"ids": ["a", "b"]}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tasks"]["a"], "running");
    admin(
        "POST",
        "/__admin/tasks",
        r#"{"id": "c", "state": "stopped"}"#,
    );
    assert_eq!(fake.task("c"), Some(TaskState::Stopped));
    let (_, body) = admin("GET", "/__admin/tasks", "");
    assert_eq!(body["tasks"].as_object().map(|tasks| tasks.len()), Some(3));

    let (status, body) = admin(
        "POST",
        "/__admin/next-error",
        r#"{"code": "CodeInvalidAliUid", "count": 1}"#,
    );
    assert_eq!((status, body["documented"].as_bool()), (200, Some(true)));
    let (status, _) = admin(
        "POST",
        "/__admin/faults",
        r#"{"fault": "http503", "count": 1}"#,
    );
    assert_eq!(status, 200);
    let (status, body) = admin("POST", "/__admin/faults", r#"{"fault": "meteor"}"#);
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("reset")),
        "{body}"
    );
    let (status, _) = admin("POST", "/__admin/faults", "not json");
    assert_eq!(status, 400);
    let (status, _) = admin("GET", "/__admin/nothing-here", "");
    assert_eq!(status, 404);

    // The 503 first, then the armed error, then the task itself.
    let call = || {
        signed_request(
            fake.addr(),
            &RawCall {
                params: &[("Region", "cn-beijing"), ("TaskId", "a")],
                ..RawCall::default()
            },
        )
        .expect("answered")
    };
    assert_eq!(call().status, 503);
    assert_eq!(code(&call()), "CodeInvalidAliUid");
    assert_eq!(call().status, 200);
    assert_eq!(fake.task("a"), Some(TaskState::Stopped));

    let (_, body) = admin("GET", "/__admin/requests", "");
    assert_eq!(body["count"], 3, "admin calls are not API requests: {body}");
    assert_eq!(body["requests"][0]["fault"], "http503");
    assert_eq!(body["requests"][2]["signature"], "V3");
}

#[test]
fn a_reset_closes_the_connection_without_an_answer() {
    let fake = fake_with_tasks(&["relay-1"]);
    fake.inject(livegen_tests::fake::Fault::Reset, 1);
    let result = signed_request(
        fake.addr(),
        &RawCall {
            params: PARAMS,
            ..RawCall::default()
        },
    );
    assert!(result.is_err(), "expected no answer, got {result:?}");
    assert_eq!(fake.task("relay-1"), Some(TaskState::Running));
}

#[test]
fn log_lines_name_the_call_but_not_the_signature() {
    let fake = fake_with_tasks(&["relay-1"]);
    signed_request(
        fake.addr(),
        &RawCall {
            version: SignatureVersion::V1,
            params: PARAMS,
            ..RawCall::default()
        },
    )
    .expect("answered");
    let line = livegen_tests::fake::log_line(&fake.requests()[0]);
    assert!(line.contains("GET / action=StopLivePullToPush"), "{line}");
    assert!(line.contains("Region=cn-shanghai TaskId=relay-1"), "{line}");
    assert!(line.contains("V1 ok (testid)"), "{line}");
    assert!(line.ends_with("-> 200"), "{line}");
    assert!(!line.contains("Signature="), "{line}");
}

/// Kills the child on drop, so a failed assertion does not leave a server running.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_live-fake"))
            .args(["--port", "0", "--task", "demo-task", "--fault", "http503:1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("live-fake starts"),
    );
    let stdout = child.0.stdout.take().expect("piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("reads the first line");
    let url = line
        .trim()
        .strip_prefix("live-fake listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let addr = url
        .strip_prefix("http://")
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("not an http URL: {url}"));

    let client = client(config_for_url(url, "testid", "testsecret"));
    let outcome = stop_counted(&client, "demo-task").await;
    assert_eq!(outcome.attempts, 2, "the armed 503 is retried");
    outcome.result.expect("demo-task stops");

    let response = raw_request(addr, "GET", "/__admin/requests", &[], &[]).expect("admin");
    assert_eq!(response.json()["count"], 2);

    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut log = String::new();
    if let Some(stderr) = child.0.stderr.take() {
        std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut log).expect("log");
    }
    assert!(
        log.contains("-> 503 ServiceUnavailable [fault: http503]"),
        "{log}"
    );
    assert!(
        log.contains("TaskId=demo-task] signature=V3 ok (testid) -> 200"),
        "{log}"
    );
}

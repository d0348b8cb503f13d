//! The generated command line against the fake.
//!
//! Anything that sends a request runs the real binary as a process: the CLI takes
//! credentials only from the environment, and a test may set the environment of a child
//! but not its own (`std::env::set_var` is unsafe in edition 2024 and would leak into
//! concurrent tests). Argument handling and configuration errors, which need no
//! credentials, are checked in-process through `aliyun_live::cli`.

use std::process::{Command, ExitCode, Output};

use aliyun_live::Region;
use livegen_tests::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, TaskState};
use livegen_tests::harness::fake_with_tasks;

/// Variables the CLI reads that a developer's shell may have set: removed so the child
/// sees only what each test gives it.
const INHERITED: &[&str] = &[
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_REGION_ID",
];

fn aliyun_live(fake: &Fake, secret: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aliyun-live-cli"));
    for name in INHERITED {
        command.env_remove(name);
    }
    command
        .args(args)
        .args(["--endpoint", &fake.url()])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the CLI binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const STOP: &[&str] = &["StopLivePullToPush", "--Region", "cn-shanghai", "--TaskId"];

fn stop_args<'a>(task: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    STOP.iter()
        .copied()
        .chain([task])
        .chain(extra.iter().copied())
        .collect()
}

#[test]
fn success_prints_the_answer_as_json_and_exits_0() {
    let fake = fake_with_tasks(&["demo-task"]);
    let output = aliyun_live(&fake, DEFAULT_KEY_SECRET, &stop_args("demo-task", &[]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let answer: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is the JSON answer");
    assert_eq!(answer["TaskId"], "demo-task");
    assert!(
        answer["RequestId"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );
    assert_eq!(fake.task("demo-task"), Some(TaskState::Stopped));
}

#[test]
fn a_documented_error_goes_to_stderr_with_code_and_request_id_and_exits_1() {
    let fake = fake_with_tasks(&[]);
    let output = aliyun_live(&fake, DEFAULT_KEY_SECRET, &stop_args("no-such-task", &[]));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("CodeTaskNotExist"), "{stderr}");
    assert!(stderr.contains("Task does not exist."), "{stderr}");
    let request_id = stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("request id: "))
        .unwrap_or_else(|| panic!("no request id in {stderr}"));
    assert_eq!(request_id.len(), 36, "{request_id}");
}

#[test]
fn a_wrong_secret_is_reported_as_signature_does_not_match() {
    let fake = fake_with_tasks(&["demo-task"]);
    let output = aliyun_live(&fake, "not-the-secret", &stop_args("demo-task", &[]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("SignatureDoesNotMatch"), "{stderr}");
    assert!(
        !stderr.contains("not-the-secret"),
        "the secret leaked: {stderr}"
    );
    assert_eq!(fake.task("demo-task"), Some(TaskState::Running));
}

#[test]
fn v1_signing_from_the_command_line() {
    let fake = fake_with_tasks(&["demo-task"]);
    let output = aliyun_live(
        &fake,
        DEFAULT_KEY_SECRET,
        &stop_args("demo-task", &["--signature-version", "v1"]),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(fake.requests()[0].signature, Some("V1"));
}

#[test]
fn dry_run_prints_a_signed_request_and_sends_nothing() {
    let fake = fake_with_tasks(&["demo-task"]);
    let output = aliyun_live(
        &fake,
        DEFAULT_KEY_SECRET,
        &stop_args("demo-task", &["--dry-run"]),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with(&format!("GET {}/?", fake.url())),
        "{stdout}"
    );
    assert!(stdout.contains("TaskId=demo-task"), "{stdout}");
    assert!(
        stdout.contains("x-acs-action: StopLivePullToPush"),
        "{stdout}"
    );
    assert!(
        stdout.contains("authorization: ACS3-HMAC-SHA256 Credential=testid"),
        "{stdout}"
    );
    assert!(!stdout.contains(DEFAULT_KEY_SECRET), "{stdout}");
    assert_eq!(fake.request_count(), 0, "a dry run sent a request");
    assert_eq!(fake.task("demo-task"), Some(TaskState::Running));
}

#[test]
fn an_unknown_region_is_sent_as_is_and_the_service_answer_is_shown() {
    // Enumerations are forward-compatible: a region newer than the spec must still go out.
    let fake = fake_with_tasks(&["demo-task"]);
    let output = aliyun_live(
        &fake,
        DEFAULT_KEY_SECRET,
        &[
            "StopLivePullToPush",
            "--Region",
            "mars-north-1",
            "--TaskId",
            "demo-task",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "a service error");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("InvalidParameter"), "{stderr}");
    assert!(stderr.contains("mars-north-1"), "{stderr}");
    assert_eq!(fake.request_count(), 1);
}

// In-process: parsing and configuration, which need no credentials.

async fn run_cli(args: &[&str]) -> (ExitCode, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = std::iter::once("aliyun-live")
        .chain(args.iter().copied())
        .map(std::ffi::OsString::from);
    let code = livegen_runtime::cli::run(&aliyun_live::cli::CLI, args, &mut out, &mut err).await;
    (code, text(&out), text(&err))
}

#[tokio::test]
async fn help_lists_every_known_region_and_says_what_is_required() {
    let (code, out, err) = run_cli(&["StopLivePullToPush", "--help"]).await;
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let help = out + &err;
    for value in Region::VALUES {
        assert!(help.contains(value), "{value} missing from {help}");
    }
    assert!(help.contains("--TaskId"), "{help}");
}

#[tokio::test]
async fn a_missing_required_parameter_is_a_usage_error() {
    let (code, _, err) = run_cli(&["StopLivePullToPush", "--Region", "cn-beijing"]).await;
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("--TaskId"), "{err}");
}

#[tokio::test]
async fn help_names_the_action() {
    let (code, out, err) = run_cli(&["--help"]).await;
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    let help = out + &err;
    assert!(help.contains("StopLivePullToPush"), "{help}");
    assert!(help.contains("--dry-run"), "{help}");
}

#[tokio::test]
async fn a_bad_endpoint_is_a_configuration_error() {
    let (code, out, err) = run_cli(&[
        "--endpoint",
        "ftp://127.0.0.1:21",
        "StopLivePullToPush",
        "--Region",
        "cn-shanghai",
        "--TaskId",
        "demo-task",
    ])
    .await;
    assert_eq!(code, ExitCode::from(4));
    assert!(out.is_empty());
    assert!(err.contains("ftp://127.0.0.1:21"), "{err}");
}

#[test]
fn network_vpc_picks_the_vpc_host_and_endpoint_wins_over_it() {
    let run = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aliyun-live-cli"));
        for name in INHERITED {
            command.env_remove(name);
        }
        let output = command
            .args(stop_args(
                "demo-task",
                &["--dry-run", "--region-id", "ap-southeast-7"],
            ))
            .args(extra)
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_KEY_SECRET)
            .output()
            .expect("the CLI binary runs");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let vpc = run(&["--network", "vpc"]);
    assert!(
        vpc.starts_with("GET https://live-vpc.ap-southeast-7.aliyuncs.com/?"),
        "{vpc}"
    );
    let explicit = run(&["--network", "vpc", "--endpoint", "http://127.0.0.1:9"]);
    assert!(
        explicit.starts_with("GET http://127.0.0.1:9/?"),
        "{explicit}"
    );
}

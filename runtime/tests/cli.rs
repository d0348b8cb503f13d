//! The table-driven command line: help at the scale of the real API, flags by shape,
//! usage errors, dry runs and answers.
//!
//! Tests that need credentials run in a child process of this test binary with fake keys
//! in its environment (setting variables in-process would race with other tests).

#![cfg(feature = "cli")]

mod support;

use std::ffi::OsString;
use std::process::ExitCode;

use livegen_runtime::cli::{self, CliSpec};
use livegen_runtime::{
    FieldInfo, HttpMethod, ListShape, Operation, ParamInfo, ParamStyle, RamAuthorization, Shape,
};
use support::stop::LIVE;
use support::{FAKE_KEY_ID, FAKE_SECRET, MockServer, Reply};

const OP: Operation = Operation {
    service: &LIVE,
    action: "",
    summary: "",
    path: "/",
    methods: &[HttpMethod::Get, HttpMethod::Post],
    qps: None,
    ram: RamAuthorization::UNDOCUMENTED,
    params: &[],
    errors: &[],
    pagination: None,
    deprecated: false,
    idempotency_token: None,
};

static TAGS: ListShape = ListShape {
    item: Shape::Object(&[
        FieldInfo::new("Key", Shape::STRING).required(),
        FieldInfo::new("Value", Shape::STRING),
    ]),
    min_items: None,
    max_items: Some(20),
};

static DOMAINS: ListShape = ListShape {
    item: Shape::STRING,
    min_items: None,
    max_items: None,
};

static ADD: Operation = Operation {
    action: "AddThing",
    summary: "Adds a thing.",
    methods: &[HttpMethod::Post],
    params: &[
        ParamInfo::query(
            "Region",
            Shape::enumeration(&["cn-shanghai", "ap-southeast-1"]),
        )
        .required()
        .doc("The region of the live center."),
        ParamInfo::query("PageSize", Shape::int_range(Some(1), Some(100))),
        ParamInfo::query("Enabled", Shape::Boolean),
        ParamInfo::query("Domain", Shape::List(&DOMAINS)).style(ParamStyle::RepeatList),
        ParamInfo::query("Tag", Shape::List(&TAGS)).style(ParamStyle::RepeatList),
        ParamInfo::query("Config", Shape::Map(&Shape::STRING)).style(ParamStyle::Json),
        ParamInfo::body("Text", Shape::STRING),
    ],
    ..OP
};

/// An operation whose parameter is named like a global option.
static CLASH: Operation = Operation {
    action: "Clash",
    params: &[
        ParamInfo::query("endpoint", Shape::STRING),
        ParamInfo::query("TaskId", Shape::STRING),
    ],
    ..OP
};

static OPERATIONS: &[&Operation] = &[&ADD, &CLASH];

static SPEC: CliSpec = CliSpec {
    name: "live-test",
    about: "A test CLI.",
    service: &LIVE,
    operations: OPERATIONS,
};

struct Ran {
    code: ExitCode,
    out: String,
    err: String,
}

fn run_with(spec: &CliSpec, args: &[&str]) -> Ran {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv: Vec<OsString> = std::iter::once("live-test")
        .chain(args.iter().copied())
        .map(OsString::from)
        .collect();
    let code = runtime.block_on(cli::run(spec, argv, &mut out, &mut err));
    Ran {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        err: String::from_utf8_lossy(&err).into_owned(),
    }
}

fn run(args: &[&str]) -> Ran {
    run_with(&SPEC, args)
}

/// Runs `test` (this binary's test of that name) in a child with fake credentials.
fn in_child(test: &str) -> bool {
    if std::env::var_os("LIVEGEN_CLI_CHILD").is_some() {
        return true;
    }
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env("LIVEGEN_CLI_CHILD", "1")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", FAKE_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", FAKE_SECRET)
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_REGION_ID")
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env("HOME", "/nonexistent")
        .status()
        .expect("child test runs");
    assert!(status.success(), "child {test} failed");
    false
}

#[test]
fn help_for_five_hundred_operations_fits_a_small_stack() {
    const COUNT: usize = 500;
    let names: Vec<&'static str> = (0..COUNT)
        .map(|i| &*Box::leak(format!("Operation{i:03}").into_boxed_str()))
        .collect();
    let params: &'static [ParamInfo] = Box::leak(
        (0..10)
            .map(|i| {
                let name: &'static str = Box::leak(format!("Param{i}").into_boxed_str());
                let shape = match i % 4 {
                    0 => Shape::STRING,
                    1 => Shape::int_range(Some(1), Some(10)),
                    2 => Shape::List(&DOMAINS),
                    _ => Shape::List(&TAGS),
                };
                ParamInfo::query(name, shape).doc("Some parameter.")
            })
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let operations: Vec<&'static Operation> = names
        .iter()
        .map(|action| {
            &*Box::leak(Box::new(Operation {
                action,
                summary: "Does something.",
                params,
                ..OP
            }))
        })
        .collect();
    let spec: &'static CliSpec = Box::leak(Box::new(CliSpec {
        operations: Box::leak(operations.into_boxed_slice()),
        ..SPEC
    }));
    let worker = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let top = run_with(spec, &["--help"]);
            let sub = run_with(spec, &["Operation499", "--help"]);
            (top, sub)
        })
        .expect("spawn");
    let (top, sub) = worker.join().expect("no stack overflow");
    assert_eq!(top.code, ExitCode::SUCCESS, "{}", top.err);
    assert!(top.out.contains("Operation000"), "{}", top.out);
    assert!(top.out.contains("Operation499"), "{}", top.out);
    assert_eq!(sub.code, ExitCode::SUCCESS, "{}", sub.err);
    assert!(sub.out.contains("--Param3 <JSON>"), "{}", sub.out);
    assert!(sub.out.contains("--Param1 <INT>"), "{}", sub.out);
}

#[test]
fn top_level_help_opens_with_the_product_and_takes_examples_from_the_tables() {
    let ran = run(&["--help"]);
    assert_eq!(ran.code, ExitCode::SUCCESS, "{}", ran.err);
    let mut lines = ran.out.lines();
    assert_eq!(lines.next(), Some(SPEC.about), "{}", ran.out);
    assert_eq!(lines.next(), Some(""), "{}", ran.out);
    assert!(
        lines.next().is_some_and(|l| l.starts_with("Usage: ")),
        "{}",
        ran.out
    );
    assert!(
        ran.out
            .contains("Client options (lower case; not sent to the service):"),
        "{}",
        ran.out
    );
    // The example is the first parameter of the first operation, not a Live name.
    assert!(ran.out.contains("(for example `--Region`)"), "{}", ran.out);
    static ONLY_CLASH: &[&Operation] = &[&CLASH];
    let other = CliSpec {
        operations: ONLY_CLASH,
        ..SPEC
    };
    let ran = run_with(&other, &["--help"]);
    assert!(
        ran.out.contains("(for example `--endpoint`)"),
        "{}",
        ran.out
    );
    assert!(!ran.out.contains("--Region"), "{}", ran.out);
}

#[test]
fn subcommand_help_lists_flags_docs_and_known_values() {
    let ran = run(&["AddThing", "--help"]);
    assert_eq!(ran.code, ExitCode::SUCCESS, "{}", ran.err);
    for expected in [
        "Adds a thing.",
        "--Region <TEXT>",
        "The region of the live center. [required] [known values: cn-shanghai, ap-southeast-1]",
        "--Domain <TEXT>",
        "[repeat for each item]",
        "--Tag <JSON>",
        "--Enabled <true|false>",
        "--dry-run",
    ] {
        assert!(
            ran.out.contains(expected),
            "missing {expected:?} in\n{}",
            ran.out
        );
    }
}

#[test]
fn bad_values_are_usage_errors_naming_the_flag() {
    for (args, flag) in [
        (vec!["AddThing", "--Region", "r", "--Tag", "[{"], "--Tag"),
        (
            vec!["AddThing", "--Region", "r", "--PageSize", "0"],
            "--PageSize",
        ),
        (
            vec!["AddThing", "--Region", "r", "--PageSize", "ten"],
            "--PageSize",
        ),
        (
            vec!["AddThing", "--Region", "r", "--Enabled", "yes"],
            "--Enabled",
        ),
        (vec!["AddThing"], "--Region"),
    ] {
        let ran = run(&args);
        assert_eq!(ran.code, ExitCode::from(2), "{args:?}: {}", ran.err);
        assert!(ran.err.contains(flag), "{args:?}: {}", ran.err);
    }
    // JSON that parses but does not fit the shape is refused by the encoder, by path.
    let ran = run(&["AddThing", "--Region", "r", "--Tag", r#"[{"Value":"v"}]"#]);
    assert_eq!(ran.code, ExitCode::from(2), "{}", ran.err);
    assert!(ran.err.contains("Tag.1.Key"), "{}", ran.err);
    let ran = run(&["NoSuchThing"]);
    assert_eq!(ran.code, ExitCode::from(2), "{}", ran.err);
}

#[test]
fn dry_run_shows_query_and_form_body() {
    if !in_child("dry_run_shows_query_and_form_body") {
        return;
    }
    let ran = run(&[
        "AddThing",
        "--Region",
        "cn-shanghai",
        "--Domain",
        "a.example.com",
        "--Domain",
        "b.example.com",
        "--Tag",
        r#"[{"Key":"k","Value":"v"}]"#,
        "--Config",
        r#"{"z":"1","a":"2"}"#,
        "--Enabled",
        "true",
        "--Text",
        "hello world",
        "--endpoint",
        "http://127.0.0.1:9",
        "--dry-run",
    ]);
    assert_eq!(ran.code, ExitCode::SUCCESS, "{}", ran.err);
    let out = ran.out;
    assert!(out.starts_with("POST http://127.0.0.1:9/?Region=cn-shanghai&Enabled=true&Domain.1=a.example.com&Domain.2=b.example.com&Tag.1.Key=k&Tag.1.Value=v&Config=%7B%22z%22%3A%221%22%2C%22a%22%3A%222%22%7D"), "{out}");
    assert!(
        out.contains("content-type: application/x-www-form-urlencoded"),
        "{out}"
    );
    assert!(out.contains("\n\nText=hello+world\n"), "{out}");
    assert!(!out.contains(FAKE_SECRET), "{out}");
}

#[test]
fn a_param_named_like_a_global_option_still_works() {
    if !in_child("a_param_named_like_a_global_option_still_works") {
        return;
    }
    let ran = run(&[
        "--endpoint",
        "http://127.0.0.1:9",
        "--dry-run",
        "Clash",
        "--endpoint",
        "as-a-parameter",
        "--TaskId",
        "t",
    ]);
    assert_eq!(ran.code, ExitCode::SUCCESS, "{}", ran.err);
    assert!(
        ran.out
            .starts_with("GET http://127.0.0.1:9/?endpoint=as-a-parameter&TaskId=t"),
        "{}",
        ran.out
    );
}

#[test]
fn answers_print_as_json_and_errors_are_sanitised() {
    if !in_child("answers_print_as_json_and_errors_are_sanitised") {
        return;
    }
    // The server's tasks run on this runtime's worker while each `run` drives its own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(MockServer::start(vec![
        Reply::json(200, r#"{"RequestId":"r1","Name":"ok\u001b[2J"}"#),
        Reply::json(
            400,
            r#"{"RequestId":"r2\u001b","Code":"Bad\u0007","Message":"no\u001b]0;pwned\u0007"}"#,
        ),
    ]));
    let url = server.url();
    let args = [
        "Clash",
        "--TaskId",
        "t",
        "--endpoint",
        &url,
        "--no-rate-limit",
    ];
    // Globals after the subcommand are fine for operations without a clash... except
    // this one has one, so they go first.
    let args = [&args[3..], &args[..3]].concat();
    let ran = run_with(&SPEC, &args);
    assert_eq!(ran.code, ExitCode::SUCCESS, "{}", ran.err);
    assert!(
        ran.out.contains("\"Name\": \"ok\\u001b[2J\""),
        "{}",
        ran.out
    );
    let ran = run_with(&SPEC, &args);
    assert_eq!(ran.code, ExitCode::from(1), "{}", ran.err);
    assert!(
        !ran.err.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        ran.err
    );
    assert!(ran.err.contains("Bad\\u{7}"), "{}", ran.err);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].verified.is_ok(), "{:?}", requests[0].verified);
}

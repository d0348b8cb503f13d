//! The loader against hostile and broken input.
//!
//! `mutated_specs_never_panic_or_hang` is a property test: it takes a sample of the real
//! spec (its document-level parts and four operations), the relay family spec and the
//! fixture base, applies random line and byte mutations (delete, duplicate, swap,
//! re-indent, flip characters, insert YAML metacharacters and tricky snippets, truncate)
//! and requires that `check` returns, without panicking, within a time
//! bound, and that any spec it accepts also generates Rust that parses. The default case
//! count keeps `cargo test` fast; `LIVEGEN_FUZZ_CASES=200000` runs it long (see
//! tests/fixtures/family/README.md for the recorded long run).
//!
//! The other tests pin the limits that keep enormous or deeply nested input cheap.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One spec check may take this long even in a debug build on a busy machine; a hang or a
/// quadratic blow-up takes far longer.
const CASE_BUDGET: Duration = Duration::from_secs(5);

/// Text that YAML, OpenAPI or livegen give meaning to.
const SNIPPETS: &[&str] = &[
    ":",
    "- ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!tag ",
    "|",
    ">-",
    "'",
    "\"",
    "#",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "~",
    "null",
    "\t",
    "\n",
    "\r\n",
    "\u{feff}",
    "\\u0000",
    "\0",
    "区域",
    "0x1F",
    "1e400",
    "-.inf",
    ".nan",
    "99999999999999999999",
    "-9223372036854775809",
    "[[[[[[[[[[",
    "{{{{{{{{",
    "$ref: '#/components/schemas/Region'\n",
    "$ref: '#/components/schemas/'\n",
    "x-acs-style: json\n",
    "type: object\n",
    "enum: []\n",
    "required: true\n",
    "type\n",
    "self",
    "Unknown",
    "yes",
    "on",
    "2016-11-01",
];

/// One edit of the spec text; positions are taken modulo the current length.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Adds (`true`) or removes two spaces of indentation.
    Indent(usize, bool),
    FlipByte(usize, u8),
    Insert(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<usize>();
    prop_oneof![
        pos.prop_map(Mutation::DeleteLine),
        pos.prop_map(Mutation::DuplicateLine),
        (pos, pos).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (pos, any::<bool>()).prop_map(|(a, b)| Mutation::Indent(a, b)),
        (pos, 0x20u8..0x7f).prop_map(|(a, b)| Mutation::FlipByte(a, b)),
        (pos, 0..SNIPPETS.len()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        pos.prop_map(Mutation::Truncate),
    ]
}

/// The nearest char boundary at or below `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let n = lines.len().max(1);
    match *m {
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let line = lines[i % n];
            lines.insert(i % n, line);
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Indent(i, deeper) if !lines.is_empty() => {
            let i = i % n;
            let line = lines[i];
            let changed = if deeper {
                format!("  {line}")
            } else {
                line.strip_prefix("  ").unwrap_or(line).to_owned()
            };
            let mut out: String = lines[..i].concat();
            out.push_str(&changed);
            out.push_str(&lines[i + 1..].concat());
            return out;
        }
        Mutation::FlipByte(at, byte) => {
            let at = boundary(text, at);
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            return format!("{}{}{}", &text[..at], char::from(byte), &text[end..]);
        }
        Mutation::Insert(at, snippet) => {
            let at = boundary(text, at);
            return format!("{}{}{}", &text[..at], SNIPPETS[snippet], &text[at..]);
        }
        Mutation::Truncate(at) => return text[..boundary(text, at)].to_owned(),
        _ => {}
    }
    lines.concat()
}

/// Runs the whole pipeline on `text`; a panic, a hang or Rust that does not parse is a bug.
fn run_case(text: &str) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match livegen_generator::check("fuzz.yaml", text) {
            Ok(_) => livegen_generator::generate("fuzz.yaml", text).map(|_| ()),
            Err(e) => Err(e),
        }
    }));
    let took = started.elapsed();
    match outcome {
        Err(_) => Err(TestCaseError::fail("the generator panicked")),
        Ok(Err(livegen_generator::Error::Render { path, message })) => Err(TestCaseError::fail(
            format!("an accepted spec generated Rust that does not parse: {path}: {message}"),
        )),
        Ok(_) if took > CASE_BUDGET => Err(TestCaseError::fail(format!("one spec took {took:?}"))),
        Ok(_) => Ok(()),
    }
}

/// Operations of the real spec kept in its fuzz seed, besides `StopLivePullToPush`.
const SEED_OPERATIONS: usize = 3;

/// The real spec with every document-level part (info, servers, endpoints, components)
/// but only its first [`SEED_OPERATIONS`] operations and `StopLivePullToPush`: with all
/// 400+ operations one case takes seconds (512 cases took 270 s and tripped the time
/// bound on a busy machine), and the mutations exercise the loader, not the count.
fn real_spec_sample() -> String {
    let text = repo_file("spec/live.yaml");
    let mut out = String::new();
    let (mut in_paths, mut keep, mut kept) = (false, true, 0);
    for line in text.split_inclusive('\n') {
        let top_level = !line.starts_with([' ', '#', '\n']);
        if top_level {
            in_paths = line.starts_with("paths:");
            keep = true;
        } else if in_paths && line.starts_with("  /") {
            keep = kept < SEED_OPERATIONS || line.starts_with("  /StopLivePullToPush:");
            kept += 1;
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

fn cases() -> u32 {
    std::env::var("LIVEGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

#[test]
fn mutated_specs_never_panic_or_hang() {
    let seeds = [
        real_spec_sample(),
        repo_file("tests/fixtures/family/live-relay.yaml"),
        repo_file("tests/fixtures/base.yaml"),
    ];
    // Panics are caught and reported per case; the default hook would print each one.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        // A crash is added to tests/fixtures/bad/ by hand, with its golden message.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    });
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..8));
    let started = Instant::now();
    let result = runner.run(&strategy, |(seed, mutations)| {
        let text = mutations
            .iter()
            .fold(seeds[seed].clone(), |text, m| apply(&text, m));
        run_case(&text)
    });
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz: {} cases in {:?}",
        runner.config().cases,
        started.elapsed()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn unmutated_seeds_generate() {
    for seed in [
        "spec/live.yaml",
        "tests/fixtures/family/live-relay.yaml",
        "tests/fixtures/base.yaml",
    ] {
        let text = repo_file(seed);
        if let Err(e) = livegen_generator::generate(seed, &text) {
            panic!("{seed}: {e}");
        }
    }
    let sample = real_spec_sample();
    let api = livegen_generator::check("sample.yaml", &sample)
        .unwrap_or_else(|e| panic!("the real spec's sample: {e}"));
    let actions: Vec<&str> = api.operations.iter().map(|op| op.action.as_str()).collect();
    assert_eq!(actions.len(), SEED_OPERATIONS + 1, "{actions:?}");
    assert!(actions.contains(&"StopLivePullToPush"), "{actions:?}");
    livegen_generator::generate("sample.yaml", &sample)
        .unwrap_or_else(|e| panic!("the real spec's sample: {e}"));
}

#[test]
fn mutations_change_the_text() {
    let text = "a: 1\nb: 2\nc: 3\n";
    assert_eq!(apply(text, &Mutation::DeleteLine(4)), "a: 1\nc: 3\n");
    assert_eq!(
        apply(text, &Mutation::SwapLines(0, 2)),
        "c: 3\nb: 2\na: 1\n"
    );
    assert_eq!(
        apply(text, &Mutation::Indent(1, true)),
        "a: 1\n  b: 2\nc: 3\n"
    );
    assert_eq!(apply(text, &Mutation::Truncate(7)), "a: 1\nb:");
    assert_eq!(apply("é", &Mutation::FlipByte(1, b'x')), "x");
}

/// `tests/fixtures/base.yaml` with `schemas` added under `components/schemas` and the
/// output of its one operation pointed at `output`.
fn base_with_schemas(schemas: &str, output: &str) -> String {
    let base = repo_file("tests/fixtures/base.yaml");
    let base = base.replacen(
        "$ref: '#/components/schemas/StopLivePullToPushResponse'",
        &format!("$ref: '#/components/schemas/{output}'"),
        1,
    );
    base.replacen("  schemas:\n", &format!("  schemas:\n{schemas}"), 1)
}

/// Runs `f` on a thread with a small stack: recursion that grows with the input would
/// overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

fn problems(text: String) -> (String, Duration) {
    on_small_stack(move || {
        let started = Instant::now();
        let message = match livegen_generator::check("hostile.yaml", &text) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        (message, started.elapsed())
    })
}

#[test]
fn an_enormous_enum_is_refused_before_any_per_value_work() {
    // 100k values is 1 MB of YAML, well under the size limit.
    let values: Vec<String> = (0..100_000).map(|i| format!("v{i}")).collect();
    let region = format!(
        "    Region:\n      type: string\n      enum: [{}]\n",
        values.join(", ")
    );
    let text = repo_file("tests/fixtures/base.yaml").replacen(
        "    Region:\n      type: string\n      enum: [cn-beijing, cn-shanghai]\n",
        &region,
        1,
    );
    assert!(text.contains("v99999"));
    let (message, took) = problems(text);
    assert!(
        message.contains("`enum` lists 100000 values; livegen generates at most 4096"),
        "{message}"
    );
    assert!(took < CASE_BUDGET, "took {took:?}");
}

#[test]
fn an_enum_at_the_limit_generates() {
    let limit = livegen_generator::validate::MAX_ENUM_VALUES;
    let values: Vec<String> = (0..limit).map(|i| format!("v{i}")).collect();
    let region = format!(
        "    Region:\n      type: string\n      enum: [{}]\n",
        values.join(", ")
    );
    let text = repo_file("tests/fixtures/base.yaml").replacen(
        "    Region:\n      type: string\n      enum: [cn-beijing, cn-shanghai]\n",
        &region,
        1,
    );
    let started = Instant::now();
    let files =
        livegen_generator::generate("big-enum.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let types = files.get(Path::new("src/types.rs")).expect("types.rs");
    assert!(types.contains(&format!("V{}", limit - 1)));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_fifty_megabyte_spec_is_refused_without_parsing() {
    let line = "      description: padding padding padding padding padding padding\n";
    let text = repo_file("spec/live.yaml") + &line.repeat(50 * 1024 * 1024 / line.len());
    assert!(text.len() >= 50 * 1024 * 1024);
    let started = Instant::now();
    let err = livegen_generator::check("huge.yaml", &text).expect_err("too big");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        err.to_string().starts_with(&format!(
            "huge.yaml:1:1: error: the spec is {} bytes",
            text.len()
        )),
        "{err}"
    );
}

#[test]
fn a_long_ref_chain_is_refused_in_linear_time_on_a_small_stack() {
    // 5,000 schemas, each a property referring to the next. The old walk recursed once per
    // link (a stack overflow on this thread) and restarted from every schema (quadratic).
    let n = 5_000;
    let mut schemas = String::new();
    for i in 0..n {
        schemas.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        Next:\n          $ref: '#/components/schemas/S{}'\n",
            i + 1
        ));
    }
    schemas.push_str(&format!("    S{n}:\n      type: string\n"));
    let (message, took) = problems(base_with_schemas(&schemas, "S0"));
    assert!(message.contains("nests deeper than 32 levels"), "{message}");
    assert_eq!(message.matches("error:").count(), 1, "{message}");
    assert!(took < CASE_BUDGET, "took {took:?}");
}

#[test]
fn a_long_ref_cycle_is_reported_once() {
    let n = 1_000;
    let mut schemas = String::new();
    for i in 0..n {
        schemas.push_str(&format!(
            "    C{i}:\n      $ref: '#/components/schemas/C{}'\n",
            (i + 1) % n
        ));
    }
    let (message, took) = problems(base_with_schemas(&schemas, "C0"));
    assert!(took < CASE_BUDGET, "took {took:?}");
    // Either limit may speak first; both stop the walk, so one message.
    assert_eq!(message.matches("error:").count(), 1, "{message}");
}

#[test]
fn a_diamond_of_refs_is_walked_once_per_schema() {
    // Every level refers to the next six times: 6^15 paths through 16 schemas.
    let n = 15;
    let mut schemas = String::new();
    for i in 0..n {
        schemas.push_str(&format!(
            "    D{i}:\n      type: object\n      properties:\n"
        ));
        for side in ["A", "B", "C", "D", "E", "F"] {
            schemas.push_str(&format!(
                "        {side}:\n          $ref: '#/components/schemas/D{}'\n",
                i + 1
            ));
        }
    }
    schemas.push_str(&format!(
        "    D{n}:\n      type: object\n      properties:\n        Leaf:\n          type: string\n"
    ));
    let text = base_with_schemas(&schemas, "D0");
    let started = Instant::now();
    let files =
        livegen_generator::generate("diamond.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(started.elapsed() < CASE_BUDGET, "{:?}", started.elapsed());
    let types = files.get(Path::new("src/types.rs")).expect("types.rs");
    assert!(
        types.contains(&format!("pub struct D{n} ")),
        "one struct per schema"
    );
}

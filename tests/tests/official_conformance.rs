//! Wire-identical to the official SDK, for every operation of Alibaba's official metadata.
//!
//! - 2025-12: the checked-in `aliyun-live` *is* that metadata's wire facts (`spec/live.yaml`
//!   is merged from it, see spec/README.md), so this test builds nothing new: it prepares
//!   each request in-process from the crate's operation tables
//!   ([`livegen_tests::wire_tables`], the path the generated CLI takes).
//! - 2024-06: imports every operation into a spec, generates the crate into
//!   `<target>/livegen-scratch/official-2024-06/` (one shared scratch target directory
//!   for all scratch builds), builds it with the CLI, lints it without features (`clippy
//!   --all-targets -D warnings`), runs the CLI's `--help`, and feeds the inputs to the
//!   typed client through a `wire-dump` binary this test adds to the crate. Clippy with
//!   the features and rustdoc run on the checked-in crate instead (`cargo xtask test`'s
//!   workspace clippy and rustdoc steps), which carries this copy's prose and typed
//!   outputs.
//!
//! Both then let `tests/python/wire_capture.py` record what the official Python SDK sends
//! for derived inputs and compare the method and the decoded query and form pairs
//! ([`livegen_tests::conformance`]).
//!
//! Each metadata file goes with the SDK release nearest it (see
//! `tests/python/requirements-live-2024.txt`): the 2025-12 file with the shared venv's
//! `LIVEGEN_PYTHON`, the 2024-06 file with `LIVEGEN_PYTHON_LIVE_2024`; `cargo xtask test`
//! sets both. Without them the comparison is skipped with a message, except under CI
//! (`CI` set), where it fails, as in `interop_python.rs`.
//!
//! The 2024-06 test builds a 400-operation crate, so both are `#[ignore]`d for quick
//! local runs; CI runs `cargo test --workspace -- --include-ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use livegen_tests::conformance::{self, Capture, Ours, run};

#[path = "../support/scratch.rs"]
mod scratch;

/// The two tests share one scratch target directory, where binaries of the same name
/// land at the same path: one at a time.
static SCRATCH: Mutex<()> = Mutex::new(());

/// The command line, and `Deserialize` on inputs, which `wire-dump` needs to read cases.
const FEATURES: &str = "cli,deserialize-inputs";

/// `wire-dump` builds only with the features it needs, so the lint run without features
/// still covers the crate as users get it.
const WIRE_DUMP_BIN: &str = "\n[[bin]]\nname = \"wire-dump\"\npath = \"src/bin/wire-dump.rs\"\nrequired-features = [\"deserialize-inputs\"]\n";

/// The official metadata as a livegen spec (YAML), every operation selected, with the
/// importer's count of what it could not map.
fn import_spec(metadata_json: &str) -> Result<String, String> {
    use livegen_generator::import::{Selection, import};
    let imported = import(metadata_json, &Selection::All).map_err(|e| e.to_string())?;
    eprintln!(
        "import: {} actions, {} facts unmapped",
        imported.path_items.len(),
        imported.unmapped.len()
    );
    Ok(imported.spec)
}

#[test]
#[ignore = "builds the whole API; CI runs it (--include-ignored), as does cargo xtask test"]
fn official_2025_12_is_wire_identical_to_sdk_3_0_2() {
    let label = "2025-12";
    let metadata_path = scratch::repo()
        .join("tests/fixtures/official")
        .join("live-2016-11-01.2025-12.json");
    let Some(python) = run::python("LIVEGEN_PYTHON") else {
        return;
    };
    let dir = scratch::dir().join(format!("official-{label}"));
    fs::create_dir_all(&dir).expect("scratch dir");
    let cases = dir.join("cases.json");
    let metadata_arg = metadata_path.to_string_lossy();
    let protocol = conformance::protocol_names().join(",");
    let mut capture = run::capture(
        &python,
        "wire_capture.py",
        &["--metadata", &metadata_arg, "--protocol-names", &protocol],
        &cases,
    );
    eprintln!("official {label}: SDK {:?}", capture.sdk);
    // Operations whose facts the spec keeps hand-written (`x-livegen-handwritten`, the
    // seed document's `StopLivePullToPush` with its `Region` parameter) are not this
    // metadata's wire facts by design: left out, and named.
    let handwritten = handwritten_actions();
    for action in &handwritten {
        assert!(
            capture.cases.remove(action).is_some(),
            "hand-written `{action}` is not in the {label} metadata"
        );
    }
    eprintln!("official {label}: left out (hand-written in spec/live.yaml): {handwritten:?}");
    let ours = livegen_tests::wire_tables::dump(&capture, aliyun_live::operations::ALL);
    compare(label, &capture, &ours);
}

#[test]
#[ignore = "builds the whole API; CI runs it (--include-ignored), as does cargo xtask test"]
fn official_2024_06_is_wire_identical_to_sdk_2_0_0() {
    conform(
        "2024-06",
        "live-2016-11-01.2024-06.json",
        "LIVEGEN_PYTHON_LIVE_2024",
    );
}

fn conform(label: &str, file: &str, python_var: &str) {
    let _one_at_a_time = SCRATCH
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let metadata_path = scratch::repo().join("tests/fixtures/official").join(file);
    let metadata = fs::read_to_string(&metadata_path)
        .unwrap_or_else(|e| panic!("{}: {e}", metadata_path.display()));

    let yaml = import_spec(&metadata).unwrap_or_else(|e| panic!("importing {file}: {e}"));

    let dir = scratch::dir().join(format!("official-{label}"));
    let member = "crate";
    scratch::workspace(&dir, &[member]);
    let spec_rel = format!("livegen-scratch/official-{label}/spec.yaml");
    fs::write(dir.join("spec.yaml"), &yaml).expect("scratch spec");
    let mut files = livegen_generator::generate(&spec_rel, &yaml)
        .unwrap_or_else(|e| panic!("generating the crate for {file}:\n{e}"));

    let manifest = files
        .get(Path::new("Cargo.toml"))
        .expect("the generated crate has a Cargo.toml")
        .clone();
    let package = scratch::manifest_value(&manifest, "package", "name").expect("package name");
    let crate_ident = package.replace('-', "_");
    let cli_bin = scratch::manifest_value(&manifest, "[bin]", "name").expect("the CLI's [[bin]]");
    // Module and type names as the generator decided them, for every operation it kept;
    // an operation missing here shows up as a difference ("no such operation").
    let api = livegen_generator::check(&spec_rel, &yaml).expect("the spec was just generated");
    let actions: Vec<(String, String, String)> = api
        .operations
        .iter()
        .map(|op| (op.action.clone(), op.fn_name.clone(), op.input.clone()))
        .collect();
    files.insert(
        PathBuf::from("Cargo.toml"),
        manifest.clone() + WIRE_DUMP_BIN,
    );
    files.insert(
        PathBuf::from("src/bin/wire-dump.rs"),
        conformance::wire_dump_source(&crate_ident, &actions),
    );
    let crate_dir = dir.join(member);
    scratch::write_crate(&crate_dir, &files);

    // Only the cargo runs nothing else covers: one build with the CLI (the lib, the CLI
    // binary and wire-dump) and clippy without features (the crate as users get it, which
    // also proves it compiles without clap). Clippy with the features and rustdoc are
    // left to the checked-in `aliyun-live`, the same generator's output at the same
    // scale with this copy's prose and typed outputs merged in: the workspace's clippy
    // (`--all-features -D warnings`) and the 2025-12 test's rustdoc cover it.
    scratch::cargo(
        &dir,
        &["build", "--offline", "--features", FEATURES, "--bins"],
        &[],
    );
    scratch::cargo(
        &dir,
        &[
            "clippy",
            "--offline",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    let bin_dir = scratch::target_dir().join("debug");
    let help = run::run(&bin_dir.join(&cli_bin), &["--help"]);
    assert!(!help.trim().is_empty(), "{cli_bin} --help printed nothing");

    let Some(python) = run::python(python_var) else {
        return;
    };
    let cases = dir.join("cases.json");
    let metadata_arg = metadata_path.to_string_lossy();
    let protocol = conformance::protocol_names().join(",");
    let capture = run::capture(
        &python,
        "wire_capture.py",
        &["--metadata", &metadata_arg, "--protocol-names", &protocol],
        &cases,
    );
    eprintln!("official {label}: SDK {:?}", capture.sdk);
    let ours = run::wire_dump(&bin_dir.join("wire-dump"), &cases);

    compare(label, &capture, &ours);
}

/// Actions that `spec/live.yaml` marks `x-livegen-handwritten: true`.
fn handwritten_actions() -> Vec<String> {
    let path = scratch::repo().join("spec/live.yaml");
    let spec = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut current = None;
    let mut found = Vec::new();
    for line in spec.lines() {
        if let Some(action) = line.strip_prefix("  /").and_then(|l| l.strip_suffix(':')) {
            current = Some(action.to_owned());
        } else if line.trim() == "x-livegen-handwritten: true"
            && let Some(action) = current.take()
        {
            found.push(action);
        }
    }
    found
}

/// Compares and fails with the table of differences.
fn compare(label: &str, capture: &Capture, ours: &[Ours]) {
    let report = conformance::compare(capture, ours);
    for (action, fact) in &report.drift {
        eprintln!(
            "drift: {action}: {} {} ({})",
            fact.kind, fact.param, fact.path
        );
    }
    if !report.json_equivalent.is_empty() {
        eprintln!(
            "equal only as JSON (key order), not counted as differences:\n{}",
            conformance::table(&report.json_equivalent)
        );
    }
    let summary = report.summary(label);
    println!("{summary}");
    assert!(
        report.is_identical(),
        "our requests differ from the official SDK's:\n{}\n{summary}",
        report.table()
    );
}

//! The committed catalogue sample (`tests/fixtures/catalogue/`, its README says why each
//! file is there): every product imports and generates, and the crates together pass
//! clippy `-D warnings` and rustdoc `-D warnings` with all features.
//!
//! One scratch workspace (`<scratch>/catalogue-sample/`, one member per product) in the
//! shared scratch target dir, so the sample costs one clippy and one doc run however many
//! files it has. Adding a product is copying its file into the folder (and a README row).
//! The build is `#[ignore]`d for quick local runs; CI runs it (`--include-ignored`).
//!
//! The products of [`CONFORMANCE`] are then compared on the wire with their official
//! Python SDK for every operation, like Live in `official_conformance.rs`: their crate in
//! the same workspace gets a `wire-dump` binary (linted with the rest), `wire_capture.py`
//! records what the SDK sends for inputs derived from the metadata (every optional
//! parameter set: dotted and indexed names, repeat lists, JSON parameters, protocol-named
//! ones), and the decoded query and form pairs must be the same. The SDK comes from the
//! shared venv (`LIVEGEN_PYTHON`, set by `cargo xtask test`; pinned in
//! `tests/python/requirements.txt`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use livegen_generator::catalogue;
use livegen_tests::conformance::process::{capture, judge, python, run};
use livegen_tests::conformance::{self, Capture};

#[path = "../support/scratch.rs"]
mod scratch;

/// Sample products compared on the wire with their official SDK.
const CONFORMANCE: &[&str] = &["ecs__2014-05-26"];

/// `wire-dump` builds only with the feature it needs.
const WIRE_DUMP_BIN: &str = "\n[[bin]]\nname = \"wire-dump\"\npath = \"src/bin/wire-dump.rs\"\nrequired-features = [\"deserialize-inputs\"]\n";

/// The sample's folder.
fn sample_dir() -> PathBuf {
    scratch::repo().join("tests/fixtures/catalogue")
}

/// Every metadata file of the sample, sorted by name.
fn sample_files() -> Vec<PathBuf> {
    let dir = sample_dir();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// A workspace member name for `stem` (`ecs__2014-05-26` → `ecs--2014-05-26`).
fn member(stem: &str) -> String {
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[test]
fn the_readme_says_why_each_sample_file_is_there() {
    let readme = fs::read_to_string(sample_dir().join("README.md")).expect("the sample README");
    let files = sample_files();
    assert!(files.len() >= 10, "the sample has {} files", files.len());
    for file in &files {
        let name = file.file_name().expect("a file name").to_string_lossy();
        let row = format!("| `{name}` |");
        assert!(
            readme.lines().any(|line| line.starts_with(&row)),
            "tests/fixtures/catalogue/README.md has no row for {name}: say why it is in the sample"
        );
    }
}

#[test]
#[ignore = "generates and lints a dozen products; CI runs it (--include-ignored), as does cargo xtask test"]
fn the_sample_generates_and_is_clippy_and_rustdoc_clean() {
    let dir = scratch::crate_dir("catalogue-sample");
    let mut members = Vec::new();
    let mut conformance_crates = Vec::new();
    let mut table = String::from("product                              ops  gen skip  codegen\n");
    for path in sample_files() {
        let stem = stem(&path);
        let metadata = fs::read_to_string(&path).expect("sample metadata");
        let started = Instant::now();
        let product = catalogue::build(&metadata, &format!("catalogue/{stem}.yaml"))
            .unwrap_or_else(|e| panic!("{stem} is refused whole: {e}"));
        let mut files = product
            .crate_files
            .unwrap_or_else(|e| panic!("{stem}: generating the crate failed:\n{e}"));
        table.push_str(&format!(
            "{stem:<35} {:>4} {:>4} {:>4} {:>7.1}s\n",
            product.operations,
            product.generated,
            product.skipped.len(),
            started.elapsed().as_secs_f64()
        ));
        for skip in &product.skipped {
            table.push_str(&format!(
                "    skipped {} ({}): {}\n",
                skip.action,
                skip.pointer,
                skip.reasons.join("; ")
            ));
        }
        assert_eq!(
            product.generated + product.skipped.len(),
            product.operations,
            "{stem}: every operation is generated or reported as skipped"
        );
        let member = member(&stem);
        if CONFORMANCE.contains(&stem.as_str()) {
            let spec_path = format!("catalogue/{stem}.yaml");
            let package = product
                .package
                .clone()
                .expect("a generated crate has a package");
            add_wire_dump(&mut files, &package, &spec_path, &product.spec);
            conformance_crates.push((path.clone(), package));
        }
        let crate_dir = dir.join(&member);
        let _ = fs::remove_dir_all(&crate_dir);
        scratch::write_crate(&crate_dir, &files);
        members.push(member);
    }
    eprint!("{table}");
    scratch::workspace(&dir, &members);
    scratch::cargo(
        &dir,
        &[
            "clippy",
            "--offline",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    scratch::cargo(
        &dir,
        &[
            "doc",
            "--offline",
            "--workspace",
            "--no-deps",
            "--all-features",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    for (metadata, package) in conformance_crates {
        conform(&dir, &metadata, &package);
    }
}

/// Adds the `wire-dump` binary to the files of the generated crate `package`.
fn add_wire_dump(files: &mut livegen_generator::Files, package: &str, spec_path: &str, spec: &str) {
    let manifest = files[Path::new("Cargo.toml")].clone();
    // Module and type names as the generator decided them, for every operation it kept;
    // an operation missing here shows up as a difference ("no such operation").
    let api = livegen_generator::check(spec_path, spec).expect("the spec was just generated");
    let actions: Vec<(String, String, String)> = api
        .operations
        .iter()
        .map(|op| (op.action.clone(), op.fn_name.clone(), op.input.clone()))
        .collect();
    files.insert(PathBuf::from("Cargo.toml"), manifest + WIRE_DUMP_BIN);
    files.insert(
        PathBuf::from("src/bin/wire-dump.rs"),
        conformance::wire_dump_source(&package.replace('-', "_"), &actions),
    );
}

/// Builds `package`'s `wire-dump`, lets the official SDK send every operation of
/// `metadata`, and compares.
fn conform(dir: &Path, metadata: &Path, package: &str) {
    let Some(python) = python("LIVEGEN_PYTHON") else {
        return;
    };
    scratch::cargo(
        dir,
        &[
            "build",
            "--offline",
            "-p",
            package,
            "--features",
            "deserialize-inputs",
            "--bin",
            "wire-dump",
        ],
        &[],
    );
    let cases = dir.join(format!("{package}-cases.json"));
    capture(&python, metadata, &cases);
    let capture: Capture = serde_json::from_str(&fs::read_to_string(&cases).expect("cases.json"))
        .expect("cases.json matches conformance::Capture");
    eprintln!("{package}: SDK {:?}", capture.sdk);
    let dump = run(
        &scratch::target_dir().join("debug/wire-dump"),
        &[&cases.to_string_lossy()],
    );
    judge(&capture, &dump, package);
}

//! The committed catalogue sample (`tests/fixtures/catalogue/`, its README says why each
//! file is there): every product imports and generates, the crates together pass clippy
//! `-D warnings` and rustdoc `-D warnings` with all features, and two of them are compared
//! on the wire with their official Python SDK for every operation: ECS (RPC, [`ecs`]) and
//! ACK (ROA, [`ack`]).
//!
//! One scratch workspace (`<scratch>/catalogue-sample/`, one member per product) in the
//! shared scratch target dir, generated once per test run ([`sample`]) and shared by the
//! tests of this file: the sample costs one clippy and one doc run however many files it
//! has, and the conformance tests build their `wire-dump` binary from the same members,
//! so no product is generated or built twice. Adding a product is copying its file into
//! the folder (and a README row).
//!
//! Every paginated operation of every product is also paged through against the local
//! fake ([`paginators`]): the runtime's paginator for all of them, the generated typed
//! paginators for ECS and ACK.
//!
//! The builds are `#[ignore]`d for quick local runs; CI runs them (`--include-ignored`).
//! The comparisons need `LIVEGEN_PYTHON` (the shared venv of `cargo xtask test`, which
//! installs the SDKs pinned in `tests/python/requirements.txt`); without it they are
//! skipped with a message, except under CI (`CI` set), where they fail.

mod ack;
mod ecs;
mod paginators;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use livegen_generator::catalogue;
use livegen_tests::conformance;

#[path = "../../support/scratch.rs"]
mod scratch;

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

/// Sample products compared on the wire: their crate gets a `wire-dump` binary.
const CONFORMANCE: &[&str] = &[ecs::STEM, ack::STEM];

/// One product of the generated sample workspace.
#[derive(Debug)]
pub struct Member {
    /// The metadata file.
    pub metadata: PathBuf,
    /// The generated crate's package name.
    pub package: String,
    /// Its `wire-dump` binary's name, for the products of [`CONFORMANCE`].
    pub wire_dump: Option<String>,
    /// The operations the importer skipped (each named with its reasons when generated).
    pub skipped: Vec<String>,
}

/// The generated sample workspace.
#[derive(Debug)]
pub struct Sample {
    /// The workspace folder.
    pub dir: PathBuf,
    /// File stem (`ecs__2014-05-26`) → member.
    pub members: Vec<(String, Member)>,
    /// Set once [`Sample::binaries`] has built them.
    built: OnceLock<PathBuf>,
}

impl Sample {
    /// The member generated from the file `stem`.
    pub fn member(&self, stem: &str) -> &Member {
        self.members
            .iter()
            .find(|(s, _)| s == stem)
            .map(|(_, m)| m)
            .unwrap_or_else(|| panic!("{stem} is not in the sample"))
    }

    /// Builds `stem`'s `wire-dump` binary (with every other binary of the sample,
    /// [`Sample::binaries`]) and returns its path.
    pub fn wire_dump(&self, stem: &str) -> PathBuf {
        let member = self.member(stem);
        let bin = member.wire_dump.as_deref().expect("a conformance product");
        self.binaries().join(bin)
    }

    /// Builds the sample's binaries once, in one cargo run: the `wire-dump` of each
    /// conformance product and [`paginators::MEMBER`]. One run, so the products and their
    /// dependencies compile once with one feature set (the conformance products with
    /// `deserialize-inputs`, the runtime with the fake's `test-util`), whichever test asks
    /// first. Without debug info and incremental state for the generated crates (binaries
    /// run once on one machine need neither), which makes ECS's debug build markedly
    /// cheaper; their dependencies are built as always (`[profile.dev.package."*"]` has no
    /// debug info anyway). Returns the folder the binaries are in.
    pub fn binaries(&self) -> &Path {
        self.built.get_or_init(|| {
            let mut args = vec!["build", "--offline", "--bins", "-p", paginators::MEMBER];
            let mut features = Vec::new();
            for (_, member) in &self.members {
                if member.wire_dump.is_some() {
                    args.extend(["-p", member.package.as_str()]);
                    features.push(format!("{}/deserialize-inputs", member.package));
                }
            }
            let features = features.join(",");
            args.extend(["--features", features.as_str()]);
            scratch::cargo(
                &self.dir,
                &args,
                &[("CARGO_INCREMENTAL", "0"), ("CARGO_PROFILE_DEV_DEBUG", "0")],
            );
            scratch::target_dir().join("debug")
        })
    }
}

/// The sample workspace, generated on first use (every test of this file shares it).
pub fn sample() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(generate)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// A workspace member name for `stem` (`ecs__2014-05-26` → `ecs--2014-05-26`).
fn member_name(stem: &str) -> String {
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Imports and generates every file of the sample into the scratch workspace, printing a
/// row per product (operations, generated, skipped with reasons, codegen time).
fn generate() -> Sample {
    let dir = scratch::crate_dir("catalogue-sample");
    let mut members = Vec::new();
    let mut names = Vec::new();
    let mut paged = Vec::new();
    let mut table = String::from("product                              ops  gen skip  codegen\n");
    for path in sample_files() {
        let stem = stem(&path);
        let metadata = fs::read_to_string(&path).expect("sample metadata");
        let started = Instant::now();
        let spec_path = format!("catalogue/{stem}.yaml");
        let product = catalogue::build(&metadata, &spec_path)
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
        let package = product.package.expect("a generated crate has a package");
        let skipped = product.skipped.iter().map(|s| s.action.clone()).collect();
        let conformance = CONFORMANCE.contains(&stem.as_str());
        // Module and type names as the generator decided them, for every operation it kept.
        let api = conformance.then(|| {
            livegen_generator::check(&spec_path, &product.spec)
                .expect("the spec was just generated")
        });
        let wire_dump = api.as_ref().map(|api| {
            let bin = format!("{package}-wire-dump");
            add_wire_dump(&mut files, &package, &bin, api);
            bin
        });
        let name = member_name(&stem);
        paged.push(paginators::Product {
            label: paginators::product_label(&stem),
            package: package.clone(),
            member: name.clone(),
            typed: api.as_ref().map(paginators::typed_paginators),
        });
        scratch::write_crate(&dir.join(&name), &files);
        names.push(name);
        members.push((
            stem,
            Member {
                metadata: path,
                package,
                wire_dump,
                skipped,
            },
        ));
    }
    eprint!("{table}");
    names.push(paginators::write_member(&dir, &paged));
    scratch::workspace(&dir, &names);
    Sample {
        dir,
        members,
        built: OnceLock::new(),
    }
}

/// Adds the `wire-dump` binary `bin` to the files of the generated crate `package`. It
/// builds only with the feature it needs (`Deserialize` on inputs), which users' builds
/// never turn on; the binary is named after the package so that the conformance products
/// do not overwrite each other's in the shared target dir.
fn add_wire_dump(
    files: &mut livegen_generator::Files,
    package: &str,
    bin: &str,
    api: &livegen_generator::model::Api,
) {
    let manifest = files[Path::new("Cargo.toml")].clone();
    // An operation missing from `api` shows up as a difference ("no such operation").
    let actions: Vec<(String, String, String)> = api
        .operations
        .iter()
        .map(|op| (op.action.clone(), op.fn_name.clone(), op.input.clone()))
        .collect();
    let bin_table = format!(
        "\n[[bin]]\nname = \"{bin}\"\npath = \"src/bin/wire-dump.rs\"\nrequired-features = [\"deserialize-inputs\"]\n"
    );
    files.insert(PathBuf::from("Cargo.toml"), manifest + &bin_table);
    files.insert(
        PathBuf::from("src/bin/wire-dump.rs"),
        conformance::wire_dump_source(&package.replace('-', "_"), &actions),
    );
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
    let sample = sample();
    // Generated crates have no test code, examples or benches, so the library and the
    // binaries are every target there is: `--all-targets` would only check each library a
    // second time as a test harness (for ECS, 112k lines). Checked, not assumed.
    for dir in fs::read_dir(&sample.dir).expect("the sample workspace") {
        let dir = dir.expect("a folder entry").path();
        if dir.join("Cargo.toml").is_file() && dir.join("src").is_dir() {
            assert_no_test_code(&dir);
        }
    }
    // One clippy run (every member, the `wire-dump` binaries included) and one rustdoc
    // run over the libraries, what users read in rustdoc (`--no-deps`: the members only;
    // the binaries are a thin `main` over the library and this test's `wire-dump`).
    let clippy = [
        "clippy",
        "--offline",
        "--workspace",
        "--lib",
        "--bins",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ];
    scratch::cargo(&sample.dir, &clippy, &[]);
    scratch::cargo(
        &sample.dir,
        &[
            "doc",
            "--offline",
            "--workspace",
            "--lib",
            "--no-deps",
            "--all-features",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
}

/// Panics when the generated crate at `dir` has a target beside its library and binaries
/// (`tests/`, `examples/`, `benches/`) or `#[cfg(test)]` code, which the clippy run above
/// would not see.
fn assert_no_test_code(dir: &Path) {
    for target in ["tests", "examples", "benches"] {
        assert!(
            !dir.join(target).exists(),
            "{} has {target}/: lint it with --all-targets",
            dir.display()
        );
    }
    let mut pending = vec![dir.join("src")];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("a generated folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("a generated file");
                assert!(
                    !text.contains("cfg(test)") && !text.contains("#[test]"),
                    "{} has test code: lint it with --all-targets",
                    path.display()
                );
            }
        }
    }
}

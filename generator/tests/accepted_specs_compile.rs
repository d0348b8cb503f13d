//! Every spec the validator accepts yields a crate that compiles (issue 12).
//!
//! A proptest strategy writes random *valid-looking* specs: keyword and case-mixed names,
//! every parameter type and wire style, string and integer enums with case-only spellings,
//! nested objects, lists and maps, form-body parameters, many required parameters, template
//! error codes, hostile Markdown and HTML in every description, QPS and RAM present or
//! absent, operations without parameters, errors or a documented answer.
//!
//! - `accepted_specs_generate_rust_that_parses`: `check` accepts or rejects every spec
//!   with diagnostics (never panics); for accepted ones every generated `.rs` file parses
//!   with syn. 256 cases by default, `LIVEGEN_PROP_CASES=N` for more.
//! - `a_sample_of_accepted_specs_builds_lint_clean`: the first few accepted specs
//!   (`LIVEGEN_PROP_BUILD=N`, default 3) are written into a scratch workspace
//!   (`tests/support/scratch.rs`, sharing every scratch build's target dir) against the
//!   repository's runtime and must pass `cargo clippy --all-targets --features cli -- -D
//!   warnings` and `cargo doc` with `RUSTDOCFLAGS=-D warnings`.

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

#[path = "../../tests/support/scratch.rs"]
mod scratch;

#[path = "accepted_specs/random_spec.rs"]
mod random_spec;

use random_spec::{render, spec, unique};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Accepted specs → generated files; rejected ones → `None`. Panics only on a real bug:
/// an internal error, or Rust that does not parse.
fn accepted(text: &str) -> Option<livegen_generator::Files> {
    match livegen_generator::check("prop.yaml", text) {
        Err(livegen_generator::Error::Spec(d)) => {
            assert!(!d.to_string().is_empty());
            if std::env::var_os("LIVEGEN_PROP_SHOW").is_some() {
                eprintln!(
                    "rejected: {}",
                    d.to_string().lines().next().unwrap_or_default()
                );
            }
            None
        }
        Err(e) => panic!("check failed without spec diagnostics: {e}\n{text}"),
        Ok(_) => {
            let files = livegen_generator::generate("prop.yaml", text)
                .unwrap_or_else(|e| panic!("checked spec does not generate: {e}\n{text}"));
            for (path, rust) in files
                .iter()
                .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
            {
                if let Err(e) = syn::parse_file(rust) {
                    panic!("{} does not parse: {e}\n--- spec\n{text}", path.display());
                }
            }
            Some(files)
        }
    }
}

#[test]
fn accepted_specs_generate_rust_that_parses() {
    let cases = env_usize("LIVEGEN_PROP_CASES", 256);
    let seen = AtomicUsize::new(0);
    let ok = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&spec(), |(ops, doc)| {
        let text = render(&ops, doc, "live");
        seen.fetch_add(1, Ordering::Relaxed);
        if accepted(&text).is_some() {
            ok.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (seen, ok) = (seen.load(Ordering::Relaxed), ok.load(Ordering::Relaxed));
    println!(
        "property test: {seen} specs, {ok} accepted and parsed, {} rejected with diagnostics",
        seen - ok
    );
    // The strategy aims at valid specs; a drop here means it no longer tests generation.
    assert!(
        ok * 10 >= seen * 8,
        "only {ok} of {seen} random specs were accepted"
    );
}

/// Needs the runtime the generated crates are written against; it runs (it is not
/// ignored) and names the specs it builds, which stay in the scratch workspace.
#[test]
fn a_sample_of_accepted_specs_builds_lint_clean() {
    let builds = env_usize("LIVEGEN_PROP_BUILD", 3);
    if builds == 0 {
        return;
    }
    let workspace = scratch::crate_dir("prop-crates");
    let _ = fs::remove_dir_all(&workspace);
    fs::create_dir_all(&workspace).expect("workspace dir");
    // A fixed seed: the sample is the same on every machine and run.
    let mut runner = TestRunner::deterministic();
    let strategy = spec();
    let mut members = Vec::new();
    let mut tried = 0;
    while members.len() < builds && tried < builds * 20 {
        tried += 1;
        let (ops, doc) = strategy.new_tree(&mut runner).expect("tree").current();
        // Distinct product codes give distinct package names in one workspace.
        let name = format!("c{}", members.len());
        let text = render(&ops, doc, &format!("prop{name}"));
        let Some(files) = accepted(&text) else {
            continue;
        };
        let dir = workspace.join(&name);
        scratch::write_crate(&dir, &files);
        fs::write(dir.join("spec.yaml"), &text).expect("spec copy");
        let actions: Vec<&str> = unique(ops.clone(), |o| o.action)
            .iter()
            .map(|o| o.action)
            .collect();
        println!("building {name}: actions {}", actions.join(", "));
        members.push(name);
    }
    scratch::workspace(&workspace, &members);
    println!(
        "property build: {} crates in {} (specs in each crate's spec.yaml)",
        members.len(),
        workspace.display()
    );
    scratch::lint(&workspace, &["--features", "cli"]);
    println!(
        "property build: {} crates passed clippy -D warnings and cargo doc -D warnings",
        members.len()
    );
}

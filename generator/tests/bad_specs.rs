//! Golden tests for diagnostics: every spec in `tests/fixtures/bad/` must fail with exactly
//! the messages in its `.stderr` file. Run with `LIVEGEN_BLESS=1` to rewrite the goldens
//! after an intended change, then review the diff like code.

use std::fs;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn diagnostics_for(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("fixture readable");
    let shown = format!(
        "tests/fixtures/bad/{}",
        path.file_name().expect("file").to_string_lossy()
    );
    match livegen_generator::check(&shown, &text) {
        Ok(_) => "(no problems found)\n".to_owned(),
        Err(e) => format!("{e}\n"),
    }
}

#[test]
fn every_bad_spec_fails_with_its_golden_message() {
    let dir = fixtures().join("bad");
    let bless = std::env::var_os("LIVEGEN_BLESS").is_some();
    let mut specs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 100,
        "the corpus shrank to {} specs",
        specs.len()
    );
    let mut failures = Vec::new();
    for spec in &specs {
        let got = diagnostics_for(spec);
        let golden = spec.with_extension("stderr");
        if got.contains("(no problems found)") {
            failures.push(format!(
                "{}: accepted, but it is a bad spec",
                spec.display()
            ));
            continue;
        }
        if !got.lines().next().is_some_and(|l| l.contains(".yaml:")) {
            failures.push(format!(
                "{}: first message has no file:line:col:\n{got}",
                spec.display()
            ));
        }
        if bless {
            fs::write(&golden, &got).expect("write golden");
            continue;
        }
        match fs::read_to_string(&golden) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{}:\n--- want\n{want}--- got\n{got}",
                golden.display()
            )),
            Err(_) => failures.push(format!(
                "{} is missing; run with LIVEGEN_BLESS=1\n{got}",
                golden.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad specs differ:\n\n{}",
        failures.len(),
        specs.len(),
        failures.join("\n")
    );
}

#[test]
fn the_fixture_base_is_valid() {
    let text = fs::read_to_string(fixtures().join("base.yaml")).expect("base");
    if let Err(e) = livegen_generator::generate("tests/fixtures/base.yaml", &text) {
        panic!("base fixture must be valid:\n{e}");
    }
}

#[test]
fn a_huge_spec_is_refused_without_parsing() {
    let text = "a: b\n".repeat(livegen_generator::load::MAX_SPEC_BYTES / 5 + 1);
    let err = livegen_generator::check("big.yaml", &text).expect_err("too big");
    let message = err.to_string();
    assert!(
        message.starts_with("big.yaml:1:1: error: the spec is"),
        "{message}"
    );
}

#[test]
fn a_spec_path_with_control_characters_is_refused() {
    let text = fs::read_to_string(fixtures().join("base.yaml")).expect("base");
    for path in [
        "spec/live\n// injected.yaml",
        "spec/live\r.yaml",
        "spec/\tlive.yaml",
    ] {
        let err = livegen_generator::generate(path, &text).expect_err("refused");
        assert!(
            matches!(err, livegen_generator::Error::SpecPath { .. }),
            "{path:?}: {err}"
        );
        assert!(err.to_string().contains("control character"), "{err}");
    }
}

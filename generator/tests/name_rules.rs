//! The naming rules of spec/README.md ("Names") on small specs: a wire name livegen can
//! send is never refused for its Rust name; it keeps its wire spelling and gets a stable,
//! distinct identifier (`tests/fixtures/names/`).

use std::fs;
use std::path::Path;

/// Every generated file of the spec `tests/fixtures/names/<name>.yaml`, concatenated.
fn generated(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/names")
        .join(format!("{name}.yaml"));
    let text = fs::read_to_string(&path).expect("fixture readable");
    let shown = format!("tests/fixtures/names/{name}.yaml");
    let files = livegen_generator::generate(&shown, &text)
        .unwrap_or_else(|e| panic!("{shown} must generate:\n{e}"));
    files.into_values().collect::<Vec<_>>().join("\n")
}

fn assert_has(text: &str, needles: &[&str], case: &str) {
    for n in needles {
        assert!(text.contains(n), "{case}: the generated crate has no `{n}`");
    }
}

#[test]
fn colliding_enum_values_get_numbered_variants_in_spec_order() {
    let out = generated("enum-value-collision");
    assert_has(
        &out,
        &["CnBeijing = \"cn-beijing\"", "CnBeijing2 = \"cn_beijing\""],
        "collision",
    );
    let out = generated("enum-value-err-and-err-underscore");
    assert_has(&out, &["Err_ = \"Err\"", "Err_2 = \"Err_\""], "Err/Err_");
}

#[test]
fn values_that_differ_only_in_case_are_distinct_variants_named_by_their_spelling() {
    let out = generated("enum-value-case-only");
    // One variant per spelling, numbered in spec order, each sending exactly its spelling;
    // its docs open with that spelling, so `Critical` and `Critical2` read apart.
    assert_has(
        &out,
        &[
            "/// `critical`.\n        Critical = \"critical\",",
            "/// `Critical`: Critical, as the console spells it.\n        Critical2 = \"Critical\",",
            "/// `CRITICAL`.\n        Critical3 = \"CRITICAL\",",
        ],
        "critical/Critical/CRITICAL",
    );
    assert!(
        !out.contains("\" | \""),
        "no variant has several spellings:\n{out}"
    );
}

#[test]
fn values_the_generator_reserves_or_cannot_spell_get_a_name_too() {
    assert_has(
        &generated("enum-value-unknown"),
        &["Unknown2 = \"Unknown\""],
        "Unknown",
    );
    assert_has(
        &generated("enum-value-empty-string"),
        &["Value = \"\""],
        "empty value",
    );
    assert_has(
        &generated("error-code-collision-with-reserved"),
        &["Unhandled2", "\"Unhandled\""],
        "Unhandled",
    );
}

#[test]
fn fields_keep_their_wire_names_and_get_distinct_identifiers() {
    assert_has(
        &generated("property-case-clash"),
        &["task_id:", "task_id_2:", "\"taskId\"", "\"TaskId\""],
        "case clash",
    );
    assert_has(
        &generated("output-property-non-ascii"),
        &["\"Größe\""],
        "non-ASCII",
    );
    assert_has(
        &generated("param-name-dot"),
        &["\"Task.Name\"", "task_name"],
        "dot",
    );
    assert_has(
        &generated("param-name-dash"),
        &["\"Task-Name\"", "task_name"],
        "dash",
    );
}

#[test]
fn an_inline_type_named_like_the_operations_own_types_is_numbered() {
    assert_has(
        &generated("inline-type-collides-with-input"),
        &[
            "pub struct StopLivePullToPushInput ",
            "StopLivePullToPushInput2",
        ],
        "inline Input",
    );
    assert_has(
        &generated("inline-enum-collides-with-action-types"),
        &["StopLivePullToPushError2"],
        "inline Error",
    );
}

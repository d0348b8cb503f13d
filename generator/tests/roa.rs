//! ROA (RESTful) specs: what the validator accepts and refuses, and what the generated
//! operation table says (path template, methods, path/header/body locations, typed
//! non-object answers).

use std::path::Path;

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/roa/mini.yaml"),
    )
    .expect("the ROA fixture")
}

fn file<'f>(files: &'f livegen_generator::Files, name: &str) -> &'f str {
    files
        .iter()
        .find(|(path, _)| path.ends_with(name))
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| panic!("no {name} among {:?}", files.keys().collect::<Vec<_>>()))
}

#[test]
fn a_roa_spec_generates_a_table_with_paths_methods_and_locations() {
    let files =
        livegen_generator::generate("mini.yaml", &fixture()).unwrap_or_else(|e| panic!("{e}"));
    let scale = file(&files, "operations/scale_node_pool.rs");
    for expected in [
        r#"path: "/clusters/{ClusterId}/nodepools/{NodepoolId}""#,
        "methods: &[rt::HttpMethod::Post]",
        r#"rt::ParamInfo::path("ClusterId", rt::Shape::STRING)"#,
        r#"rt::ParamInfo::header("x-acs-resourcegroupid", rt::Shape::STRING)"#,
        r#"rt::ParamInfo::json_body("#,
        // Path parameters and the required body are constructor arguments.
        "pub fn new(",
        "cluster_id: impl Into<String>",
        "pub body: ScaleNodePoolBody",
    ] {
        assert!(
            scale.contains(expected),
            "missing {expected:?} in:\n{scale}"
        );
    }
    let delete = file(&files, "operations/delete_node_pool.rs");
    assert!(
        delete.contains("methods: &[rt::HttpMethod::Delete]"),
        "{delete}"
    );
    let regions = file(&files, "operations/list_regions.rs");
    assert!(
        regions.contains(
            "pub struct ListRegionsOutput(\n    /// The answer.\n    pub Vec<String>,\n);"
        ),
        "a list answer is a typed list:\n{regions}"
    );
}

fn problems(text: &str) -> String {
    match livegen_generator::generate("mini.yaml", text) {
        Ok(_) => panic!("the spec was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn path_segments_and_path_parameters_must_match() {
    let text = fixture().replace(
        "        - {name: NodepoolId, in: path, required: true, schema: {type: string}}\n        - {name: dry_run",
        "        - {name: dry_run",
    );
    let message = problems(&text);
    assert!(
        message.contains("`{NodepoolId}` segment but no `in: path` parameter"),
        "{message}"
    );

    let text = fixture().replacen(
        "{name: ClusterId, in: path, required: true",
        "{name: ClusterId, in: path, required: false",
        1,
    );
    assert!(problems(&text).contains("a path parameter is always required"));
}

#[test]
fn rpc_specs_still_refuse_roa_locations() {
    // Only the first path item, so the RPC rule of one operation per item stays quiet.
    let text = fixture().replace("style: ROA", "style: RPC");
    let text = &text[..text.find("    delete:").expect("the delete operation")];
    let message = problems(text);
    assert!(
        message.contains("parameter location \"path\" is not supported"),
        "{message}"
    );
    assert!(
        message.contains("an RPC action has no `requestBody`"),
        "{message}"
    );
}

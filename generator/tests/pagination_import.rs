//! The importer's pagination rules on both official copies of the Live metadata: every
//! operation that takes a page number or a next token gets `x-acs-pagination` (the figures
//! README.md quotes), and the imported spec validates, so every name it wrote exists.

use std::fs;
use std::path::Path;

use livegen_generator::import::{Selection, import};

fn official(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/official")
        .join(file);
    fs::read_to_string(&path).expect("official metadata fixture")
}

/// (operations with `x-acs-pagination`, operations whose parameters look paginated).
fn counts(file: &str) -> (usize, usize) {
    let metadata = official(file);
    let imported = import(&metadata, &Selection::All).expect("imports");
    livegen_generator::check(file, &imported.spec).expect("the imported spec validates");
    let paginated = imported
        .path_items
        .values()
        .filter(|item| item.contains("x-acs-pagination:"))
        .count();
    let json: serde_json::Value = serde_json::from_str(&metadata).expect("json");
    let looks = json["apis"]
        .as_object()
        .expect("apis")
        .values()
        .filter(|api| {
            api["parameters"].as_array().into_iter().flatten().any(|p| {
                let name = p["name"].as_str().unwrap_or("").to_ascii_lowercase();
                name.contains("token") && name != "clienttoken"
                    || name.starts_with("page") && name != "pagesize"
            })
        })
        .count();
    (paginated, looks)
}

#[test]
fn every_paginated_operation_of_the_2025_12_copy_is_recognised() {
    assert_eq!(counts("live-2016-11-01.2025-12.json"), (52, 52));
}

#[test]
fn every_paginated_operation_of_the_2024_06_copy_is_recognised() {
    assert_eq!(counts("live-2016-11-01.2024-06.json"), (49, 49));
}

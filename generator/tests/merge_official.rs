//! The merge of Alibaba's two official Live metadata copies (`tests/fixtures/official/`)
//! reports the counts `spec/README.md` quotes, and the merged metadata imports every
//! operation of the newer copy.

use std::path::Path;

use livegen_generator::import::{Selection, import};
use livegen_generator::merge;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_official_merge_reports_what_spec_readme_quotes() {
    let newer = read("tests/fixtures/official/live-2016-11-01.2025-12.json");
    let older = read("tests/fixtures/official/live-2016-11-01.2024-06.json");
    let (merged, report) = merge::merge(&newer, &older).expect("the two copies merge");
    let summary = report.summary();
    assert!(
        summary.starts_with("merge: 382 operations merged, 35 new (undocumented), 21 dropped;"),
        "{summary}"
    );
    let readme = read("spec/README.md");
    assert!(
        readme.contains(&format!("  {summary}\n")),
        "spec/README.md should quote the merge's summary line:\n{summary}"
    );
    let imported = import(&merged, &Selection::All).expect("the merged metadata imports");
    assert_eq!(imported.path_items.len(), 417);
}

//! The generator is not shaped around `StopLivePullToPush` (issue 6).
//!
//! - `tests/fixtures/family/live-relay.yaml` describes the whole pulled-stream relay family
//!   (ten actions, every parameter kind the Live API uses); its output must match the
//!   goldens in `tests/fixtures/family/expected/` (`LIVEGEN_BLESS=1` rewrites them) and
//!   compile as a crate whose own tests check the wire encoding.
//! - `tests/fixtures/family/keywords.yaml` uses Rust keywords, leading digits and prelude
//!   names as spec names; they are renamed, and the result compiles.
//! - Adding an operation to the real spec changes no Rust in the generator: the new
//!   module, method, subcommand, README row and RAM action appear, and the existing
//!   operation's file does not change.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use livegen_generator::Files;

#[path = "../../tests/support/scratch.rs"]
mod scratch;

const FAMILY: &str = "tests/fixtures/family/live-relay.yaml";
const KEYWORDS: &str = "tests/fixtures/family/keywords.yaml";

use scratch::repo;

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn generate(spec_path: &str, text: &str) -> Files {
    livegen_generator::generate(spec_path, text).unwrap_or_else(|e| panic!("{e}"))
}

/// The family's files as `cargo xtask codegen` writes them (there is no formatting pass:
/// prettyplease's layout is the output).
fn family(_name: &str) -> Files {
    generate(FAMILY, &read(FAMILY))
}

fn file<'a>(files: &'a Files, rel: &str) -> &'a str {
    files
        .get(Path::new(rel))
        .unwrap_or_else(|| panic!("{rel} was not generated"))
}

#[test]
fn the_family_generates_one_module_method_and_subcommand_per_action() {
    let files = generate(FAMILY, &read(FAMILY));
    let actions = [
        (
            "AddCustomLiveStreamTranscode",
            "add_custom_live_stream_transcode",
        ),
        ("CreateLivePullToPush", "create_live_pull_to_push"),
        ("DeleteLivePullToPush", "delete_live_pull_to_push"),
        ("DescribeLivePullToPush", "describe_live_pull_to_push"),
        (
            "DescribeLivePullToPushList",
            "describe_live_pull_to_push_list",
        ),
        ("MiguLivePullToPushStart", "migu_live_pull_to_push_start"),
        ("RestartLivePullToPush", "restart_live_pull_to_push"),
        ("StopLivePullToPush", "stop_live_pull_to_push"),
        ("UnTagLiveResources", "un_tag_live_resources"),
        ("UpdateLivePullToPush", "update_live_pull_to_push"),
    ];
    let modules: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("src/operations").ok())
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(modules.len(), actions.len(), "{modules:?}");
    for (action, snake) in actions {
        assert!(
            modules.contains(&format!("{snake}.rs")),
            "{action}: {modules:?}"
        );
        let module = file(&files, &format!("src/operations/{snake}.rs"));
        assert!(module.contains(&format!("pub async fn {snake}(")));
        assert!(module.contains(&format!("action: \"{action}\",")));
        assert!(file(&files, "src/operations.rs").contains(&format!("&{snake}::OPERATION")));
        assert!(file(&files, "README.md").contains(&format!("| `{action}` | `{snake}` |")));
        assert!(file(&files, "ram-policy.json").contains(&format!("\"live:{action}\"")));
    }
    let readme = file(&files, "README.md");
    assert!(
        readme.contains("| 300/min per account |"),
        "the minute window"
    );
    assert!(readme.contains("| 50/s per api |"), "the api scope");
    assert!(readme.contains(
        "| `MiguLivePullToPushStart` | `migu_live_pull_to_push_start` | not documented |"
    ));
}

#[test]
fn the_family_matches_its_goldens() {
    let files = family("golden-rustfmt");
    let expected = repo().join("tests/fixtures/family/expected");
    if std::env::var_os("LIVEGEN_BLESS").is_some() {
        let _ = fs::remove_dir_all(&expected);
        for (rel, text) in &files {
            let path = expected.join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("golden dir");
            fs::write(path, text).expect("write golden");
        }
        return;
    }
    let mut on_disk = Vec::new();
    let mut dirs = vec![expected.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("goldens exist; run with LIVEGEN_BLESS=1") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                on_disk.push(path.strip_prefix(&expected).expect("inside").to_path_buf());
            }
        }
    }
    on_disk.sort();
    let generated: Vec<PathBuf> = files.keys().cloned().collect();
    assert_eq!(
        on_disk, generated,
        "golden file list differs; run with LIVEGEN_BLESS=1"
    );
    let mut stale = Vec::new();
    for (rel, text) in &files {
        let want = fs::read_to_string(expected.join(rel)).expect("golden");
        if &want != text {
            let diff = similar::TextDiff::from_lines(&want, text)
                .unified_diff()
                .header("golden", "generated")
                .to_string();
            stale.push(format!("{}:\n{diff}", rel.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "generated output differs from tests/fixtures/family/expected (LIVEGEN_BLESS=1 rewrites it):\n{}",
        stale.join("\n")
    );
}

#[test]
fn keyword_digit_and_prelude_names_are_renamed_consistently() {
    let files = generate(KEYWORDS, &read(KEYWORDS));
    let op = file(&files, "src/operations/type_.rs");
    for field in [
        "pub type_: String",
        "pub self_: TypeSelf",
        "pub crate_: Option<i32>",
        "pub async_: Option<bool>",
        "pub n2nd_pass: Option<String>",
        "pub match_: Option<Vec<String>>",
        "pub self_: Option<crate::types::Result_>",
        "pub ref_: Option<Vec<crate::types::Option_>>",
        "pub n2x: Option<i64>",
        "pub fn new(type_: impl Into<String>, self_: impl Into<TypeSelf>) -> Self",
        "V404 = (400, \"404\",",
        "Self_ = (400, \"Self\",",
        "pub enum TypeSelf {",
        "Self_ = \"self\",",
        "V1080p = \"1080p\",",
        "V4k = \"4k\",",
    ] {
        assert!(op.contains(field), "{field} missing from:\n{op}");
    }
    assert!(
        op.contains("pub struct TypeInput"),
        "the action's types read `TypeInput`, not `Type_Input`"
    );
    let types = file(&files, "src/types.rs");
    for item in ["pub struct Result_ {", "pub enum Option_ {", "V0 = \"0\","] {
        assert!(types.contains(item), "{item} missing from types.rs");
    }
    assert!(op.contains("pub async fn type_("));
    let prose = "valid values \\[1, 300\\]; see \\[TaskId\\] and &lt;TaskId&gt;; format &lt;i&gt;yyyy-MM-dd&lt;/i&gt;";
    assert!(
        op.contains(prose),
        "spec prose is escaped for rustdoc:\n{op}"
    );
    assert!(op.contains("<https://help.aliyun.com/document_detail/1.html>."));
    assert!(
        op.contains("`Tag.N.Key` and `a<b>[c]`"),
        "code spans are left alone"
    );
    assert!(file(&files, "src/operations.rs").contains("pub mod type_;"));
}

#[test]
fn adding_an_operation_to_the_real_spec_needs_no_rust_changes() {
    let base = read("spec/live.yaml");
    let list = r#"  /DescribeLivePullToPushList:
    get:
      operationId: DescribeLivePullToPushList
      summary: Lists pulled-stream relay tasks.
      x-acs-rpc:
        action: DescribeLivePullToPushList
        path: /
        methods: [GET, POST]
      x-acs-qps:
        limit: 300
        per: minute
        scope: account
        onExceed: throttle
      x-acs-ram:
        action: live:DescribeLivePullToPushList
        accessLevel: list
      parameters:
        - name: Region
          in: query
          required: true
          schema:
            $ref: '#/components/schemas/Region'
        - name: TaskIds
          in: query
          required: false
          description: Only these tasks.
          x-acs-style: repeatList
          schema:
            type: array
            items:
              type: string
      responses:
        '200':
          description: One page of tasks.
          content:
            application/json:
              schema:
                type: object
                properties:
                  RequestId:
                    type: string
                    description: The request ID.
                  TaskList:
                    type: array
                    description: The tasks.
                    items:
                      type: object
                      description: One task.
                      properties:
                        TaskId:
                          type: string
                          description: The task ID.
        '400':
          $ref: '#/components/responses/Error'
      x-acs-errors:
        - code: InvalidParameter
          httpStatus: 400
          message: '%s.'
          description: Parameter error.
"#;
    let anchor = "  /StopLivePullToPush:\n";
    assert!(base.contains(anchor));
    let edited = base.replacen(anchor, &format!("{list}{anchor}"), 1);
    let before = generate("spec/live.yaml", &base);
    let after = generate("spec/live.yaml", &edited);

    let new_module = "src/operations/describe_live_pull_to_push_list.rs";
    assert!(!before.contains_key(Path::new(new_module)));
    let module = file(&after, new_module);
    assert!(module.contains("pub struct DescribeLivePullToPushListInput"));
    assert!(module.contains("pub task_ids: Option<Vec<String>>"));
    assert!(module.contains("rt::ParamInfo::query("));
    assert!(module.contains("\"TaskIds\""));
    assert!(module.contains("pub task_list: Option<"));
    assert!(module.contains("Vec<DescribeLivePullToPushListOutputTaskListItem>"));
    assert!(module.contains("std::time::Duration::from_secs(60)"));
    assert!(module.contains("pub struct DescribeLivePullToPushListOutputTaskListItem"));
    assert!(module.contains("pub async fn describe_live_pull_to_push_list("));
    assert!(file(&after, "src/operations.rs").contains("pub mod describe_live_pull_to_push_list;"));
    assert!(
        file(&after, "src/operations.rs").contains("&describe_live_pull_to_push_list::OPERATION")
    );
    assert!(file(&after, "src/exports.rs").contains("DescribeLivePullToPushListInput"));
    assert!(file(&after, "README.md").contains(
        "| `DescribeLivePullToPushList` | `describe_live_pull_to_push_list` | 300/min per account | `live:DescribeLivePullToPushList` | `list` |"
    ));
    assert!(file(&after, "ram-policy.json").contains("\"live:DescribeLivePullToPushList\""));
    assert!(file(&after, "ram-policy.json").contains("\"live:StopLivePullToPush\""));

    let existing = "src/operations/stop_live_pull_to_push.rs";
    assert_eq!(
        file(&before, existing),
        file(&after, existing),
        "the existing operation changed"
    );
    let added: Vec<&Path> = after
        .keys()
        .filter(|p| !before.contains_key(*p))
        .map(PathBuf::as_path)
        .collect();
    assert_eq!(added, [Path::new(new_module)]);
}

/// Both specs, generated, compiled with the CLI and linted with the workspace's lints as
/// errors; then the relay crate's wire-encoding tests (`smoke.rs`) and doc example run.
#[test]
fn the_family_and_keyword_crates_compile_lint_clean_and_pass_their_tests() {
    let workspace = scratch::crate_dir("family-crates");
    scratch::workspace(&workspace, &["relay", "keywords"]);

    let mut relay = family("crate-rustfmt");
    relay.insert(
        "tests/smoke.rs".into(),
        read("tests/fixtures/family/smoke.rs"),
    );
    scratch::write_crate(&workspace.join("relay"), &relay);
    let keywords = generate(KEYWORDS, &read(KEYWORDS));
    scratch::write_crate(&workspace.join("keywords"), &keywords);

    // Generated modules are `#[rustfmt::skip]`; what rustfmt still checks (the crate
    // root) must already be in its layout.
    let roots = ["relay", "keywords"].map(|c| workspace.join(c).join("src/lib.rs"));
    let status = Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(roots)
        .status()
        .expect("rustfmt runs (rustup component add rustfmt)");
    assert!(
        status.success(),
        "rustfmt --check failed on a generated crate root"
    );
    scratch::lint(&workspace, &["--all-features"]);
    scratch::cargo(
        &workspace,
        &["test", "--offline", "--workspace", "--all-features"],
        &[],
    );
}

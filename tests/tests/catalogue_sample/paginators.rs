//! Every paginator of the sample against the local fake: for each product's
//! `operations::ALL` and each operation with a `pagination` table, the fake
//! (`livegen-fake`, linked by path: the scratch workspace never builds `aliyun-live`) lists
//! one full page plus one item, and the runtime's paginator, the one the typed
//! `…_paginator()` methods wrap, pages through it with the limiter and retries: every item
//! must arrive, in order, in exactly two requests (`livegen_fake::paging_check`, the check
//! Live's `e2e_pagination.rs` runs). RPC and ROA alike.
//!
//! The products compared on the wire (ECS and ACK, built with `deserialize-inputs` for
//! their `wire-dump` anyway) are checked a second time through their generated typed
//! paginators, `client.x_paginator(input).items()`, the input read from the same JSON.
//!
//! It is one more member of the sample workspace, `sample-paginators`, one binary built in
//! the same cargo run as the `wire-dump` binaries ([`Sample::binaries`](super::Sample)),
//! so the products and their dependencies compile once with one feature set.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{sample, scratch};

/// The member's folder, package and binary name.
pub const MEMBER: &str = "sample-paginators";

/// What the binary needs to know of one product.
#[derive(Debug)]
pub struct Product {
    /// The label of its summary line: the product code of the metadata file (`ecs`).
    pub label: String,
    /// Its package.
    pub package: String,
    /// Its folder in the workspace.
    pub member: String,
    /// For the typed check: `(module, input type, paginator method)` of each paginated
    /// operation; `None` for a product checked through the table path only.
    pub typed: Option<Vec<(String, String, String)>>,
}

/// The typed paginators of `api`'s operations, `(module, input type, method)`.
pub fn typed_paginators(api: &livegen_generator::model::Api) -> Vec<(String, String, String)> {
    api.operations
        .iter()
        .filter_map(|op| {
            let paginator = op.paginator.as_ref()?;
            Some((
                op.fn_name.clone(),
                op.input.clone(),
                paginator.method.clone(),
            ))
        })
        .collect()
}

/// Writes the member (manifest and `src/main.rs`) under `workspace`; returns its folder
/// name for the workspace's member list.
pub fn write_member(workspace: &Path, products: &[Product]) -> String {
    let fake = scratch::repo().join("tests/fake");
    let mut manifest = format!(
        "[package]\nname = \"{MEMBER}\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n[dependencies]\nlivegen-fake = {{ path = {:?} }}\nserde_json = {{ workspace = true }}\ntokio = {{ workspace = true }}\n",
        fake.display().to_string()
    );
    for product in products {
        let features = if product.typed.is_some() {
            ", features = [\"deserialize-inputs\"]"
        } else {
            ""
        };
        let _ = writeln!(
            manifest,
            "{} = {{ path = \"../{}\"{features} }}",
            product.package, product.member
        );
    }
    let files = [
        (PathBuf::from("Cargo.toml"), manifest),
        (PathBuf::from("src/main.rs"), main_source(products)),
    ];
    scratch::write_crate(
        &workspace.join(MEMBER),
        files.iter().map(|(path, text)| (path, text)),
    );
    MEMBER.to_owned()
}

/// The binary: a summary line per product and per typed check, a line per failed
/// operation, a total; exit status 1 when any operation failed.
fn main_source(products: &[Product]) -> String {
    let mut checks = String::new();
    for product in products {
        let ident = product.package.replace('-', "_");
        let _ = writeln!(
            checks,
            "    let outcomes = runtime.block_on(paging_check::check_product({ident}::operations::ALL));\n    report(&mut totals, {:?}, &outcomes);",
            product.label
        );
        let Some(typed) = product.typed.as_ref().filter(|typed| !typed.is_empty()) else {
            continue;
        };
        let _ = writeln!(checks, "    let outcomes = [");
        for (module, input, method) in typed {
            let _ = writeln!(
                checks,
                "        typed!(runtime, {ident}, {module}, {input}, {method}),"
            );
        }
        let _ = writeln!(checks, "    ];");
        let _ = writeln!(
            checks,
            "    report(&mut totals, \"{} (typed)\", &outcomes);",
            product.label
        );
    }
    format!(
        r#"//! Written by `tests/tests/catalogue_sample/paginators.rs`: every paginator of the
//! catalogue sample against the local fake.

// Operations the service deprecated are paginated too, and checked like the others.
#![allow(deprecated)]

use livegen_fake::paging_check;

/// One typed check: `client.$method(input).items()` of the generated crate to the end.
macro_rules! typed {{
    ($runtime:expr, $krate:ident, $module:ident, $input:ident, $method:ident) => {{{{
        let outcome = $runtime.block_on(paging_check::check_typed(
            $krate::operations::ALL,
            &$krate::operations::$module::OPERATION,
            |config, input| async move {{
                let client = $krate::Client::new(config);
                let input: $krate::operations::$module::$input =
                    serde_json::from_value(input).map_err(|e| format!("input: {{e}}"))?;
                let mut items = client.$method(input).items();
                let mut count = 0;
                while let Some(item) = items.next().await {{
                    item.map_err(|e| format!("after {{count}} typed item(s): {{e}}"))?;
                    count += 1;
                }}
                Ok(count)
            }},
        ));
        ($krate::operations::$module::OPERATION.action, outcome)
    }}}};
}}

/// Operations checked and failed, over every product.
#[derive(Default)]
struct Totals {{
    checked: usize,
    failed: usize,
    products: usize,
}}

fn report(totals: &mut Totals, label: &str, outcomes: &[(&'static str, Result<(), String>)]) {{
    println!("{{}}", paging_check::summary(label, outcomes));
    totals.checked += outcomes.len();
    totals.failed += outcomes.iter().filter(|(_, outcome)| outcome.is_err()).count();
    totals.products += 1;
}}

fn main() -> std::process::ExitCode {{
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {{
        Ok(runtime) => runtime,
        Err(e) => {{
            eprintln!("{MEMBER}: no tokio runtime: {{e}}");
            return std::process::ExitCode::from(2);
        }}
    }};
    let mut totals = Totals::default();
{checks}    println!(
        "total: {{}} paginator checks in {{}} summaries, {{}} listed, {{}} failed",
        totals.checked,
        totals.products,
        totals.checked - totals.failed,
        totals.failed
    );
    if totals.failed == 0 {{
        std::process::ExitCode::SUCCESS
    }} else {{
        std::process::ExitCode::FAILURE
    }}
}}
"#
    )
}

#[test]
#[ignore = "builds every product of the sample; CI runs it (--include-ignored), as does cargo xtask test"]
fn every_sample_paginator_lists_every_item_through_the_fake() {
    let sample = sample();
    let binary = sample.binaries().join(MEMBER);
    let output = std::process::Command::new(&binary)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "some paginators failed against the fake (each is named above):\n{stdout}"
    );
    // Every product of the sample has its summary line: none was left out of the binary.
    for (stem, member) in &sample.members {
        let label = product_label(stem);
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(&format!("{label}: "))),
            "no summary line for {stem} ({})",
            member.package
        );
    }
}

/// The summary label of the metadata file `stem`: its product code (`ecs__2014-05-26` →
/// `ecs`).
pub fn product_label(stem: &str) -> String {
    stem.split("__").next().unwrap_or(stem).to_owned()
}

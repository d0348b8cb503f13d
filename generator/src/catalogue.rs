//! One product of a catalogue, end to end: metadata in, the generated crate's files (or a
//! clear refusal) out, with the operations skipped on the way. `cargo xtask catalogue`
//! reads the files, times this, writes crates and runs cargo; the decisions are here.

use crate::Files;
use crate::import::{self, ImportError, Selection, Skipped};

/// What one metadata file became.
#[derive(Debug)]
pub struct Product {
    /// Product code (`info.product`).
    pub code: String,
    /// API version (`info.version`).
    pub version: String,
    /// The API style (`info.style`).
    pub style: String,
    /// Operations the metadata lists.
    pub operations: usize,
    /// Operations that reached the generated crate.
    pub generated: usize,
    /// Operations left out, each with its reasons.
    pub skipped: Vec<Skipped>,
    /// The generated crate's package name (`aliyun-ecs`); `None` when generation failed.
    pub package: Option<String>,
    /// The imported spec (YAML) the crate was generated from.
    pub spec: String,
    /// The generated crate's files, or why there is no crate.
    pub crate_files: Result<Files, String>,
}

/// The product code, version, style and operation count a metadata file declares, read
/// without importing it. `None` for text that is not metadata.
pub fn describe(metadata: &str) -> Option<(String, String, String, usize)> {
    let doc: serde_json::Value = serde_json::from_str(metadata).ok()?;
    let text = |p: &str| doc.pointer(p).and_then(|v| v.as_str()).map(str::to_owned);
    let operations = doc
        .get("apis")
        .and_then(|a| a.as_object())
        .map_or(0, |a| a.len());
    Some((
        text("/info/product")?,
        text("/info/version")?,
        text("/info/style").unwrap_or_else(|| "RPC".to_owned()),
        operations,
    ))
}

/// Imports every operation of `metadata`, drops the ones the generator cannot represent,
/// and generates the crate. `spec_path` names the spec in headers and messages.
pub fn build(metadata: &str, spec_path: &str) -> Result<Product, ImportError> {
    let (code, version, style, operations) = describe(metadata).ok_or(ImportError::NotMetadata(
        "`info.product` and `info.version`",
    ))?;
    let (imported, skipped) = import::import_generable(metadata, &Selection::All, spec_path)?;
    let generated = imported.path_items.len();
    // Lowered once: the crate's files and its package name come from the same model.
    let (package, crate_files) = match crate::check(spec_path, &imported.spec) {
        Ok(api) => (
            Some(api.package.clone()),
            crate::emit::emit(&api).map_err(|e| e.to_string()),
        ),
        Err(e) => (None, Err(e.to_string())),
    };
    Ok(Product {
        code,
        version,
        style,
        operations,
        generated,
        skipped,
        crate_files,
        package,
        spec: imported.spec,
    })
}

/// The manifest of a workspace of generated crates outside the repository: the
/// repository's own `[workspace.*]` tables (`repo_manifest`, its text), `members` as
/// given, `livegen-runtime` pointing at `runtime_dir`, the repository's other crates left
/// out.
pub fn workspace_manifest(repo_manifest: &str, runtime_dir: &str, members: &[String]) -> String {
    let mut out = String::new();
    for line in repo_manifest.lines() {
        if line.starts_with("members") {
            let members: Vec<String> = members
                .iter()
                .map(|m| crate::escape::toml_string(m))
                .collect();
            out.push_str(&format!("members = [{}]\n", members.join(", ")));
        } else if line.starts_with("livegen-runtime ") {
            out.push_str(&format!(
                "livegen-runtime = {{ path = {} }}\n",
                crate::escape::toml_string(runtime_dir)
            ));
        } else if !line.contains("path = \"") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

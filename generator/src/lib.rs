//! livegen's engine: an OpenAPI 3.1 spec with Alibaba `x-acs-*` extensions in, the files of a
//! typed Rust client crate out.
//!
//! ```text
//! text ──load──▶ YAML tree ──validate──▶ Spec ──lower──▶ Api (IR) ──emit──▶ files
//! ```
//!
//! The library never touches the file system: [`generate`] takes the spec's text and returns
//! a sorted map of relative paths to contents. `xtask` reads and writes.

pub mod catalogue;
pub mod diagnostics;
pub mod emit;
pub mod escape;
pub mod import;
pub mod load;
// The runtime's one list of RPC protocol parameters, compiled here as well: the generator
// does not depend on the runtime, and the docs of generated fields must state the same
// rule the runtime's signer applies.
pub mod model;
#[path = "../../runtime/src/protocol.rs"]
pub mod protocol;
pub mod render;
pub mod spec;
pub mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use diagnostics::{Diagnostic, Diagnostics, Location};

/// Marker that every generated file carries; `xtask` only deletes files that have it.
pub const GENERATED_MARKER: &str = "@generated";

/// The command that regenerates the output, quoted in headers and error messages.
pub const REGENERATE_COMMAND: &str = "cargo xtask codegen";

/// Generated files: path relative to the output directory → contents.
pub type Files = BTreeMap<PathBuf, String>;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec has problems; every one is listed.
    #[error("{0}")]
    Spec(Diagnostics),
    /// The spec path would reach every file header, and it holds a control character.
    #[error(
        "the spec path {path:?} contains a control character (newline, tab, …); it is quoted in every generated file's header, so livegen refuses it: rename the file or its folder"
    )]
    SpecPath {
        /// The path as given.
        path: String,
    },
    /// The generator produced Rust that does not parse: a bug in livegen, not in the spec.
    #[error("internal error: generated `{path}` does not parse: {message}")]
    Render {
        /// The file being rendered.
        path: String,
        /// The parser's complaint.
        message: String,
    },
}

/// Runs the whole pipeline on one spec.
///
/// `spec_path` is used only for messages and headers; pass it relative to the repository
/// root so output does not depend on the machine.
pub fn generate(spec_path: &str, text: &str) -> Result<Files, Error> {
    let api = check(spec_path, text)?;
    emit::emit(&api)
}

/// Loads, validates and lowers a spec without emitting anything.
pub fn check(spec_path: &str, text: &str) -> Result<model::Api, Error> {
    if spec_path.chars().any(char::is_control) {
        return Err(Error::SpecPath {
            path: spec_path.to_owned(),
        });
    }
    let fail = |items: Vec<Diagnostic>, positions: Option<&load::Positions>| {
        let items = items
            .into_iter()
            .map(|mut d| {
                if d.location.is_none() {
                    // The document's first line stands for problems of the whole document.
                    let start = Location { line: 1, column: 1 };
                    d.location = Some(
                        positions
                            .and_then(|p| p.locate(&d.pointer))
                            .unwrap_or(start),
                    );
                }
                d
            })
            .collect();
        Error::Spec(Diagnostics::new(spec_path, items))
    };
    let loaded = load::load(text).map_err(|d| fail(d, None))?;
    let spec = validate::validate(&loaded.root).map_err(|d| fail(d, Some(&loaded.positions)))?;
    model::lower(&spec, spec_path).map_err(|d| fail(d, Some(&loaded.positions)))
}

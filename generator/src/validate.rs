//! Stage 2: YAML tree → typed [`Spec`], collecting every problem in one pass.
//!
//! Structure (types, required fields, unknown keys) and meaning (references resolve,
//! names are unique, each documented error status has a response) are both checked here,
//! so a user fixes a bad spec in one round trip.

mod decode;
mod document;
mod limits;
mod operation;
mod pagination;
mod parameter;
mod refs;
mod responses;
mod roa;
mod schema;

use serde_yaml::Value;

use crate::diagnostics::Diagnostic;
use crate::spec::Spec;
use decode::Problems;

pub use limits::{MAX_ENUM_VALUES, MAX_NAME_LEN, MAX_PARAMS, MAX_PROPERTIES, MAX_SCHEMA_DEPTH};

/// Checks the document and returns the typed spec, or every problem found.
pub fn validate(root: &Value) -> Result<Spec, Vec<Diagnostic>> {
    let mut p = Problems::default();
    let spec = document::document(root, &mut p);
    match spec {
        Some(spec) if p.diagnostics.is_empty() => Ok(spec),
        _ => Err(p.diagnostics),
    }
}

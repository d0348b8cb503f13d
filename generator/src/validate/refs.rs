//! References: `$ref`s resolve, and no schema contains itself or nests too deep.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::spec::{Schema, SchemaKind};

use super::decode::Problems;
use super::limits::MAX_SCHEMA_DEPTH;

/// Reference prefix of component schemas.
pub(super) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Reference prefix of component responses.
pub(super) const RESPONSE_PREFIX: &str = "#/components/responses/";

/// Every `$ref` recorded while decoding resolves to a component schema.
pub(super) fn check_dangling(schemas: &BTreeMap<String, Schema>, p: &mut Problems) {
    for (name, pointer) in std::mem::take(&mut p.refs) {
        if !schemas.contains_key(&name) {
            let defined: Vec<String> = schemas.keys().map(|k| format!("`{k}`")).collect();
            p.hinted(
                &pointer,
                format!("reference to `{SCHEMA_PREFIX}{name}` does not resolve"),
                if defined.is_empty() {
                    "`components/schemas` is empty".to_owned()
                } else {
                    format!("defined schemas: {}", defined.join(", "))
                },
            );
        }
    }
}

/// No component schema contains itself, and none nests deeper than [`MAX_SCHEMA_DEPTH`].
///
/// One depth-first walk with memoized heights: a chain or a diamond of thousands of
/// schemas costs linear time, and the walk stops descending past the limit, so neither
/// this check nor the recursive stages after it can exhaust the stack.
pub(super) fn check_refs(schemas: &BTreeMap<String, Schema>, p: &mut Problems) {
    let mut walk = RefWalk {
        schemas,
        heights: BTreeMap::new(),
        path: Vec::new(),
        problems: Vec::new(),
        too_deep: false,
    };
    for name in schemas.keys() {
        walk.named(name, 0);
        if walk.too_deep {
            break;
        }
    }
    p.diagnostics.append(&mut walk.problems);
}

struct RefWalk<'a> {
    schemas: &'a BTreeMap<String, Schema>,
    /// Finished schemas → their height in nesting levels.
    heights: BTreeMap<&'a str, usize>,
    /// Named schemas being walked, outermost first.
    path: Vec<&'a str>,
    problems: Vec<Diagnostic>,
    /// Set once a schema nests too deep; the walk then unwinds without descending.
    too_deep: bool,
}

impl<'a> RefWalk<'a> {
    /// The height of component `name`, entered `level` nesting levels below a root.
    fn named(&mut self, name: &'a str, level: usize) -> usize {
        if let Some(h) = self.heights.get(name) {
            return *h;
        }
        let Some(schema) = self.schemas.get(name) else {
            return 0; // a dangling reference, reported with the other `$ref` problems
        };
        if let Some(start) = self.path.iter().position(|n| *n == name) {
            // A cycle would make an infinitely sized Rust type; RPC responses never need one.
            let mut names = self.path[start..].to_vec();
            names.push(name);
            let cycle = if names.len() > 8 {
                let n = names.len();
                format!(
                    "{} → … ({} schemas) … → {}",
                    names[..3].join(" → "),
                    n - 5,
                    names[n - 2..].join(" → ")
                )
            } else {
                names.join(" → ")
            };
            self.problems.push(
                Diagnostic::new(
                    &schema.pointer,
                    format!("schema `{name}` refers to itself: {cycle}"),
                )
                .with_hint("break the cycle; livegen generates plain structs"),
            );
            return 0;
        }
        self.path.push(name);
        let h = self.height(schema, level);
        self.path.pop();
        if !self.too_deep {
            self.heights.insert(name, h);
        }
        h
    }

    /// The height of `s`: levels of objects, arrays and `$ref`s at and below it.
    fn height(&mut self, s: &'a Schema, level: usize) -> usize {
        if self.too_deep {
            return 0;
        }
        // Checked before descending, so the walk's own recursion stays bounded …
        if level > MAX_SCHEMA_DEPTH {
            self.refuse(s);
            return 0;
        }
        let h = match &s.kind {
            SchemaKind::Ref(target) => 1 + self.named(target, level + 1),
            SchemaKind::Array { items, .. } => 1 + self.height(items, level + 1),
            SchemaKind::Object {
                properties,
                additional,
                ..
            } => {
                let mut h = 0;
                for (_, prop) in properties {
                    h = h.max(self.height(prop, level + 1));
                }
                if let Some(value) = additional {
                    h = h.max(self.height(value, level + 1));
                }
                1 + h
            }
            _ => 0,
        };
        // … and after, because a memoized height skips the levels it stands for.
        if level + h > MAX_SCHEMA_DEPTH {
            self.refuse(s);
        }
        h
    }

    fn refuse(&mut self, s: &Schema) {
        if self.too_deep {
            return;
        }
        self.too_deep = true;
        self.problems.push(
            Diagnostic::new(
                &s.pointer,
                format!(
                    "schema `{}` nests deeper than {MAX_SCHEMA_DEPTH} levels of objects, arrays and `$ref`s",
                    self.path.first().copied().unwrap_or_default()
                ),
            )
            .with_hint("flatten it; a type nested this deep makes an unusable client"),
        );
    }
}

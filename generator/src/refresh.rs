//! Refreshing a spec from newer metadata: every imported action is rewritten from the
//! import, every hand-written one is kept byte for byte.
//!
//! A path item is hand-written when its block carries the line
//! `x-livegen-handwritten: true` (an `x-` key other tools ignore). [`refresh`] rewrites the
//! `paths:` block in action order: hand-written blocks as they are, every other action
//! from the import; actions the import no longer has are removed (unless hand-written).
//! Everything outside `paths:` (product, endpoints, components) is kept byte for byte.
//! Because the import's output is deterministic, re-running a refresh on the same
//! metadata changes nothing, and a refresh on newer metadata diffs only what changed
//! upstream.

use std::collections::BTreeMap;

use crate::import::{ImportError, Imported};

/// The marker line of a hand-written path item (inside its operation).
pub const HANDWRITTEN_MARKER: &str = "x-livegen-handwritten: true";

/// What a refresh changed, by action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Actions new in the spec.
    pub added: Vec<String>,
    /// Actions removed from the spec (no longer in the import).
    pub removed: Vec<String>,
    /// Imported actions whose text changed.
    pub changed: Vec<String>,
    /// Imported actions whose text is unchanged.
    pub unchanged: usize,
    /// Hand-written actions kept as they are.
    pub kept: Vec<String>,
}

impl RefreshReport {
    /// The one-line summary.
    pub fn summary(&self) -> String {
        format!(
            "refresh: {} added, {} removed, {} changed, {} unchanged, {} hand-written kept",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            self.unchanged,
            self.kept.len()
        )
    }
}

/// One `paths:` block split into its path items.
struct Blocks<'a> {
    /// Lines up to and including `paths:`, and any lines before the first item.
    head: Vec<&'a str>,
    /// Action → its lines, in file order.
    items: Vec<(String, String)>,
    /// Lines after the block.
    tail: Vec<&'a str>,
}

fn split(existing: &str) -> Result<Blocks<'_>, ImportError> {
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let (paths_at, end) = crate::import::merge::paths_block(&lines)?;
    let mut head: Vec<&str> = lines[..=paths_at].to_vec();
    let mut items: Vec<(String, String)> = Vec::new();
    for line in &lines[paths_at + 1..end] {
        let action = line
            .strip_prefix("  /")
            .filter(|k| !k.starts_with(' '))
            .and_then(|k| k.trim_end().strip_suffix(':'))
            .map(|a| a.trim_matches(['\'', '"']).to_owned());
        match (action, items.last_mut()) {
            (Some(action), _) => items.push((action, (*line).to_owned())),
            (None, Some((_, text))) => text.push_str(line),
            (None, None) => head.push(line),
        }
    }
    Ok(Blocks {
        head,
        items,
        tail: lines[end..].to_vec(),
    })
}

/// Rewrites the `paths:` block of `existing` (a spec's text) from `imported`, keeping
/// hand-written actions. See the module docs.
///
/// # Errors
///
/// When the spec has no block-style `paths:` or lists an action twice.
pub fn refresh(
    existing: &str,
    imported: &Imported,
) -> Result<(String, RefreshReport), ImportError> {
    let blocks = split(existing)?;
    let mut old: BTreeMap<&str, &str> = BTreeMap::new();
    for (action, text) in &blocks.items {
        if old.insert(action, text).is_some() {
            return Err(ImportError::Merge(format!(
                "the spec lists `/{action}` twice"
            )));
        }
    }
    let handwritten = |text: &str| text.lines().any(|l| l.trim() == HANDWRITTEN_MARKER);
    let mut report = RefreshReport::default();
    let mut next: BTreeMap<&str, &str> = BTreeMap::new();
    for (action, text) in &old {
        if handwritten(text) {
            report.kept.push((*action).to_owned());
            next.insert(action, text);
        } else if !imported.path_items.contains_key(*action) {
            report.removed.push((*action).to_owned());
        }
    }
    for (action, text) in &imported.path_items {
        if next.contains_key(action.as_str()) {
            continue;
        }
        match old.get(action.as_str()) {
            None => report.added.push(action.clone()),
            Some(before) if before != text => report.changed.push(action.clone()),
            Some(_) => report.unchanged += 1,
        }
        next.insert(action, text);
    }
    let mut out = String::with_capacity(existing.len());
    blocks.head.iter().for_each(|l| out.push_str(l));
    for text in next.values() {
        out.push_str(text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    blocks.tail.iter().for_each(|l| out.push_str(l));
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn imported(items: &[(&str, &str)]) -> Imported {
        Imported {
            product: "demo".to_owned(),
            version: "1".to_owned(),
            path_items: items
                .iter()
                .map(|(a, t)| ((*a).to_owned(), (*t).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            pointers: BTreeMap::new(),
            spec: String::new(),
            unmapped: Vec::new(),
        }
    }

    const SPEC: &str = "openapi: 3.1.0\npaths:\n  /B:\n    get: {x-livegen-handwritten: true}\n    # B, by hand\n  /C:\n    get: old-c\n  /D:\n    get: gone\ncomponents:\n  schemas: {}\n";

    #[test]
    fn imported_actions_are_rewritten_and_handwritten_ones_kept() {
        let import = imported(&[
            ("A", "  /A:\n    get: new-a\n"),
            ("B", "  /B:\n    get: imported-b\n"),
            ("C", "  /C:\n    get: new-c\n"),
        ]);
        let spec = SPEC.replace(
            "{x-livegen-handwritten: true}",
            "\n      x-livegen-handwritten: true",
        );
        let (out, report) = refresh(&spec, &import).expect("refreshes");
        assert_eq!(
            out,
            "openapi: 3.1.0\npaths:\n  /A:\n    get: new-a\n  /B:\n    get: \n      x-livegen-handwritten: true\n    # B, by hand\n  /C:\n    get: new-c\ncomponents:\n  schemas: {}\n"
        );
        assert_eq!(report.added, ["A"]);
        assert_eq!(report.removed, ["D"]);
        assert_eq!(report.changed, ["C"]);
        assert_eq!(report.kept, ["B"]);
        // A second refresh from the same import changes nothing.
        let (again, second) = refresh(&out, &import).expect("refreshes");
        assert_eq!(again, out);
        assert_eq!(
            second.summary(),
            "refresh: 0 added, 0 removed, 0 changed, 2 unchanged, 1 hand-written kept"
        );
    }

    #[test]
    fn a_spec_without_paths_or_with_a_duplicate_is_refused() {
        let import = imported(&[]);
        assert!(
            refresh("openapi: 3.1.0\n", &import)
                .expect_err("refused")
                .to_string()
                .contains("paths:")
        );
        let twice = "paths:\n  /A:\n    get: a\n  /A:\n    get: b\n";
        assert!(
            refresh(twice, &import)
                .expect_err("refused")
                .to_string()
                .contains("`/A` twice")
        );
    }
}

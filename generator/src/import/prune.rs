//! One operation's problem costs that operation, never the product: the imported spec is
//! checked by the generator itself, and every action a problem points into is dropped and
//! reported, until what is left generates.
//!
//! Only problems inside one path item are pruned. A problem of the document (product code,
//! endpoints) still refuses the import, with every problem listed.

use std::collections::BTreeMap;

use crate::{Diagnostic, Error};

use super::{ImportError, Imported, Selection, import};

/// An action the import left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The action.
    pub action: String,
    /// Where in the metadata, as a JSON pointer (`/apis/<Action>`).
    pub pointer: String,
    /// Every problem the generator found in the action's spec, with its spec pointer.
    pub reasons: Vec<String>,
}

/// [`import`], then drops each action the generator would refuse, so the spec returned
/// always generates (or the document itself is at fault: [`ImportError::Invalid`]).
///
/// `spec_path` names the spec in messages. Skipped actions come back in action order.
pub fn import_generable(
    metadata: &str,
    selection: &Selection,
    spec_path: &str,
) -> Result<(Imported, Vec<Skipped>), ImportError> {
    let mut imported = import(metadata, selection)?;
    let mut skipped: Vec<Skipped> = Vec::new();
    loop {
        let problems = match crate::check(spec_path, &imported.spec) {
            Ok(_) => break,
            Err(Error::Spec(d)) => d.items,
            Err(other) => return Err(ImportError::Invalid(other.to_string())),
        };
        let mut by_action: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut document = Vec::new();
        for d in &problems {
            let actions = actions_at(&imported.pointers, &d.pointer);
            if actions.is_empty() {
                document.push(d.clone());
            }
            for action in actions {
                by_action.entry(action).or_default().push(reason(d));
            }
        }
        if !document.is_empty() || by_action.is_empty() {
            let all = crate::Diagnostics::new(spec_path, problems);
            return Err(ImportError::Invalid(all.to_string()));
        }
        let keep: Vec<String> = imported
            .path_items
            .keys()
            .filter(|a| !by_action.contains_key(*a))
            .cloned()
            .collect();
        for (action, reasons) in by_action {
            skipped.push(Skipped {
                pointer: crate::diagnostics::child("/apis", &action),
                action,
                reasons,
            });
        }
        let unmapped = std::mem::take(&mut imported.unmapped);
        imported = import(metadata, &Selection::Actions(keep))?;
        imported.unmapped = unmapped
            .into_iter()
            .filter(|u| !skipped.iter().any(|s| s.action == u.action))
            .collect();
    }
    skipped.sort_by(|a, b| a.action.cmp(&b.action));
    Ok((imported, skipped))
}

/// The actions a spec pointer lies in: the one whose operation holds it
/// (`/paths/~1Name/get/...`), or every operation of the path item it points into.
fn actions_at(pointers: &BTreeMap<String, String>, pointer: &str) -> Vec<String> {
    let inside = |prefix: &str| {
        pointer == prefix
            || pointer
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    if let Some(action) = pointers.iter().find(|(p, _)| inside(p)).map(|(_, a)| a) {
        return vec![action.clone()];
    }
    pointers
        .iter()
        .filter(|(p, _)| p.rsplit_once('/').is_some_and(|(item, _)| inside(item)))
        .map(|(_, a)| a.clone())
        .collect()
}

fn reason(d: &Diagnostic) -> String {
    match &d.hint {
        Some(h) => format!("{} ({}; {h})", d.message, d.pointer),
        None => format!("{} ({})", d.message, d.pointer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_their_action() {
        let pointers: BTreeMap<String, String> = [
            ("/paths/~1DescribeX/get", "DescribeX"),
            ("/paths/~1clusters/get", "ListClusters"),
            ("/paths/~1clusters/post", "CreateCluster"),
        ]
        .into_iter()
        .map(|(p, a)| (p.to_owned(), a.to_owned()))
        .collect();
        let at = |p: &str| actions_at(&pointers, p);
        assert_eq!(at("/paths/~1DescribeX/get/parameters/3"), ["DescribeX"]);
        assert_eq!(at("/paths/~1clusters/post"), ["CreateCluster"]);
        assert_eq!(at("/paths/~1clusters"), ["ListClusters", "CreateCluster"]);
        assert!(at("/paths/~1DescribeXY/get").is_empty());
        assert!(at("/x-acs-endpoints/default").is_empty());
    }
}

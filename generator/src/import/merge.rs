//! Adding imported actions to an existing spec, keeping its text byte for byte.

use std::collections::BTreeSet;

use super::{ImportError, Imported};

/// Adds the imported actions to the spec `existing` (its text), keeping every action
/// already there byte for byte unless `replace` names it.
pub fn merge_into(
    existing: &str,
    imported: &Imported,
    replace: &BTreeSet<String>,
) -> Result<String, ImportError> {
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let (paths_at, end) = paths_block(&lines)?;
    // Existing path items: `  /Action:` lines inside the block.
    let mut items: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate().take(end).skip(paths_at + 1) {
        if let Some(key) = line.strip_prefix("  /")
            && !key.starts_with(' ')
            && let Some(action) = key.trim_end().strip_suffix(':')
        {
            items.push((i, action.trim_matches(['\'', '"']).to_owned()));
        }
    }
    let existing_actions: BTreeSet<&str> = items.iter().map(|(_, a)| a.as_str()).collect();
    for name in replace {
        if !imported.path_items.contains_key(name) {
            return Err(ImportError::Merge(format!(
                "`--replace {name}`: the import does not contain `{name}`"
            )));
        }
        if !existing_actions.contains(name.as_str()) {
            return Err(ImportError::Merge(format!(
                "`--replace {name}`: the spec has no action `{name}` to replace"
            )));
        }
    }
    let mut out = String::with_capacity(existing.len() + 4096);
    for line in &lines[..paths_at + 1] {
        out.push_str(line);
    }
    let mut i = paths_at + 1;
    while i < end {
        let item = items.iter().find(|(at, _)| *at == i);
        match item {
            Some((_, action)) if replace.contains(action) => {
                let stop = items
                    .iter()
                    .map(|(at, _)| *at)
                    .find(|at| *at > i)
                    .unwrap_or(end);
                out.push_str(&imported.path_items[action]);
                i = stop;
            }
            _ => {
                out.push_str(lines[i]);
                i += 1;
            }
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (action, text) in &imported.path_items {
        if !existing_actions.contains(action.as_str()) {
            out.push_str(text);
        }
    }
    for line in &lines[end..] {
        out.push_str(line);
    }
    Ok(out)
}

/// Where the top-level `paths:` block of a block-style spec sits in its `lines`: the index
/// of the `paths:` line, and of the first line after the block (the next line that starts
/// at column 0, a top-level key; or the end).
pub(crate) fn paths_block(lines: &[&str]) -> Result<(usize, usize), ImportError> {
    let paths_at = lines
        .iter()
        .position(|l| l.trim_end() == "paths:")
        .ok_or_else(|| {
            ImportError::Merge("no top-level `paths:` line (block-style YAML expected)".to_owned())
        })?;
    let end = lines[paths_at + 1..]
        .iter()
        .position(|l| !l.starts_with([' ', '#', '\n', '\r']) && !l.trim().is_empty())
        .map_or(lines.len(), |i| paths_at + 1 + i);
    Ok((paths_at, end))
}

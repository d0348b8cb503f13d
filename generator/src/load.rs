//! Stage 1: text → YAML tree, plus a JSON-pointer → `line:col` index for diagnostics.
//!
//! `serde_yaml` builds the tree; it keeps no positions for values it accepted, so a second,
//! streaming pass with `saphyr-parser` records where every node starts. The same pass
//! enforces the limits that keep hostile input cheap: file size, nesting depth and the
//! number of nodes aliases expand to (the "billion laughs" document).

use std::collections::BTreeMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diagnostics::{Diagnostic, Location, child};

/// Largest spec accepted, in bytes.
pub const MAX_SPEC_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_DEPTH: usize = 64;
/// Most nodes a document may hold once its aliases are expanded.
pub const MAX_EXPANDED_NODES: u64 = 1_000_000;
/// Most scalar bytes a document may hold once its aliases are expanded: one large scalar
/// aliased thousands of times costs few nodes but gigabytes in the tree.
pub const MAX_EXPANDED_BYTES: u64 = 16 * 1024 * 1024;
/// Longest scalar that the event pass accepts as a plain integer: digits beyond 64 bits
/// would otherwise reach `serde_yaml` and fail there, without a location.
const MAX_INT_DIGITS: usize = 19;

/// A parsed spec: its YAML tree and where each node sits in the file.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The document.
    pub root: serde_yaml::Value,
    /// Where each node starts: mapping entries point at their key.
    pub positions: Positions,
}

/// JSON pointer → where that node (or, for mapping entries, its key) starts.
#[derive(Debug, Clone, Default)]
pub struct Positions(BTreeMap<String, Location>);

impl Positions {
    /// The location of `pointer`, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let mut p = pointer;
        loop {
            if let Some(loc) = self.0.get(p) {
                return Some(*loc);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}

/// Parses `text`; on failure the diagnostics carry their locations already.
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    // Editors on Windows write a byte order mark; YAML readers disagree on it (serde_yaml
    // sees a second document), so it is dropped. Line and column numbers stay the same.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_SPEC_BYTES {
        return Err(vec![
            Diagnostic::new(
                "",
                format!(
                    "the spec is {} bytes; livegen reads at most {MAX_SPEC_BYTES} bytes",
                    text.len()
                ),
            )
            .with_hint("split the spec or remove unused material")
            .at(Location { line: 1, column: 1 }),
        ]);
    }
    let positions = scan(text).map_err(|d| vec![d])?;
    let root: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let location = e.location().map(|l| Location {
            line: l.line(),
            column: l.column(),
        });
        let mut d = Diagnostic::new("", format!("YAML: {e}"));
        d.location = location;
        vec![d]
    })?;
    Ok(Loaded { root, positions })
}

fn location(span: &Span) -> Location {
    Location {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
        nodes: (u64, u64),
        anchor: usize,
    },
    Sequence {
        pointer: String,
        index: usize,
        nodes: (u64, u64),
        anchor: usize,
    },
}

impl Frame {
    /// (nodes, scalar bytes) below and including this container.
    fn nodes(&mut self) -> &mut (u64, u64) {
        match self {
            Frame::Mapping { nodes, .. } | Frame::Sequence { nodes, .. } => nodes,
        }
    }
}

/// The pointer of the node being read, for syntax errors.
fn innermost(stack: &[Frame]) -> String {
    match stack.last() {
        None => String::new(),
        Some(Frame::Mapping {
            pointer,
            key: Some(k),
            ..
        }) => child(pointer, k),
        Some(Frame::Mapping { pointer, .. } | Frame::Sequence { pointer, .. }) => pointer.clone(),
    }
}

fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

/// A plain scalar of decimal digits that no 64-bit integer holds.
fn too_wide_integer(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.len() < MAX_INT_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    value.parse::<i64>().is_err() && value.parse::<u64>().is_err()
}

/// One streaming pass: positions, syntax errors with their marks, and the limits.
fn scan(text: &str) -> Result<Positions, Diagnostic> {
    let mut positions = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // (nodes, scalar bytes) per anchor id, so an alias costs what it expands to.
    let mut anchored: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    let mut total: (u64, u64) = (0, 0);
    let mut documents = 0;

    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            Diagnostic::new(innermost(&stack), format!("YAML syntax: {}", e.info())).at(Location {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            })
        })?;
        let here = location(&span);
        // Which pointer a node starting now gets, and whether it is a mapping key.
        let (pointer, is_key) = match stack.last_mut() {
            None => (String::new(), false),
            Some(Frame::Mapping { pointer, key, .. }) => match key.take() {
                None => (pointer.clone(), true),
                Some(k) => (child(pointer, &k), false),
            },
            Some(Frame::Sequence { pointer, index, .. }) => {
                let p = child(pointer, &index.to_string());
                (p, false)
            }
        };
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if starts_node {
            if let Some(Frame::Sequence { index, .. }) = stack.last_mut() {
                *index += 1;
            }
            if !is_key && !stack.is_empty() {
                positions.entry(pointer.clone()).or_insert(here);
            }
        }
        let cost = match &event {
            Event::Alias(id) => anchored.get(id).copied().unwrap_or((1, 0)),
            Event::Scalar(value, ..) => (1, value.len() as u64),
            Event::SequenceStart(..) | Event::MappingStart(..) => (1, 0),
            _ => (0, 0),
        };
        total = add(total, cost);
        if let Some(frame) = stack.last_mut() {
            *frame.nodes() = add(*frame.nodes(), cost);
        }
        if total.1 > MAX_EXPANDED_BYTES {
            return Err(Diagnostic::new(
                pointer,
                format!(
                    "YAML aliases expand to more than {} MiB of text",
                    MAX_EXPANDED_BYTES / (1024 * 1024)
                ),
            )
            .with_hint("this looks like an alias bomb; OpenAPI specs share definitions with `$ref`, not YAML aliases")
            .at(here));
        }
        if let Event::Scalar(value, ScalarStyle::Plain, ..) = &event
            && !is_key
            && too_wide_integer(value)
        {
            return Err(Diagnostic::new(
                pointer,
                format!("{value} must be an integer that fits 64 bits"),
            )
            .with_hint(format!("integers range from {} to {}", i64::MIN, u64::MAX))
            .at(here));
        }
        if total.0 > MAX_EXPANDED_NODES {
            return Err(Diagnostic::new(
                pointer,
                format!("YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes"),
            )
            .with_hint("this looks like an alias bomb; OpenAPI specs share definitions with `$ref`, not YAML aliases")
            .at(here));
        }
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(
                        Diagnostic::new("", "the file holds more than one YAML document")
                            .with_hint("keep one OpenAPI document per file")
                            .at(here),
                    );
                }
            }
            Event::Scalar(value, _, anchor, _) => {
                if anchor > 0 {
                    anchored.insert(anchor, (1, value.len() as u64));
                }
                if is_key {
                    // Keys are recorded where they stand: that is where a reader looks.
                    if let Some(Frame::Mapping { pointer, key, .. }) = stack.last_mut() {
                        positions.entry(child(pointer, &value)).or_insert(here);
                        *key = Some(value.into_owned());
                    }
                }
            }
            Event::Alias(_) if is_key => {
                if let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                    *key = Some("<alias>".to_owned());
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if is_key && let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                    *key = Some("<complex key>".to_owned());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Diagnostic::new(
                        pointer,
                        format!("the spec nests deeper than {MAX_DEPTH} levels"),
                    )
                    .with_hint("flatten the schema or move nested parts to components/schemas")
                    .at(here));
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence {
                        pointer,
                        index: 0,
                        nodes: (1, 0),
                        anchor,
                    }
                } else {
                    Frame::Mapping {
                        pointer,
                        key: None,
                        nodes: (1, 0),
                        anchor,
                    }
                };
                stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(mut frame) = stack.pop() {
                    let nodes = *frame.nodes();
                    let anchor = match frame {
                        Frame::Mapping { anchor, .. } | Frame::Sequence { anchor, .. } => anchor,
                    };
                    if anchor > 0 {
                        anchored.insert(anchor, nodes);
                    }
                    if let Some(parent) = stack.last_mut() {
                        // The container itself was counted once on entry already.
                        let below = (nodes.0.saturating_sub(1), nodes.1);
                        *parent.nodes() = add(*parent.nodes(), below);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Positions(positions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_keys_and_items() {
        let loaded = load("a:\n  b: 1\n  list:\n    - x\n    - y: 2\n").expect("valid");
        let at = |p: &str| loaded.positions.locate(p).map(|l| (l.line, l.column));
        assert_eq!(at("/a"), Some((1, 1)));
        assert_eq!(at("/a/b"), Some((2, 3)));
        assert_eq!(at("/a/list/0"), Some((4, 7)));
        assert_eq!(at("/a/list/1/y"), Some((5, 7)));
        assert_eq!(at("/a/list/1/y/nothing/here"), Some((5, 7)));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let loaded = load("paths:\n  /Stop~x:\n    get: {}\n").expect("valid");
        assert_eq!(
            loaded
                .positions
                .locate("/paths/~1Stop~0x/get")
                .map(|l| l.line),
            Some(3)
        );
    }

    #[test]
    fn alias_bomb_is_refused_early() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = load(&text).expect_err("bomb");
        assert!(err[0].message.contains("aliases expand"), "{:?}", err[0]);
    }

    #[test]
    fn syntax_error_has_a_location() {
        let err = load("a: [1, 2\nb: c\n").expect_err("unclosed");
        assert!(err[0].location.is_some());
        assert!(err[0].message.starts_with("YAML syntax"));
    }

    #[test]
    fn a_large_scalar_aliased_many_times_is_refused_fast() {
        let blob = "x".repeat(4 * 1024 * 1024);
        let mut text = format!("a: &blob {blob}\nb: [");
        for _ in 0..2000 {
            text.push_str("*blob, ");
        }
        text.push_str("]\n");
        let started = std::time::Instant::now();
        let err = load(&text).expect_err("bomb");
        assert!(err[0].message.contains("MiB of text"), "{:?}", err[0]);
        assert_eq!(err[0].pointer, "/b/2");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let loaded = load("\u{feff}a:\n  b: 1\n").expect("valid");
        assert_eq!(loaded.positions.locate("/a/b").map(|l| l.line), Some(2));
    }

    #[test]
    fn integers_past_64_bits_are_located() {
        let err = load("a:\n  min: -9223372036854775809\n").expect_err("too wide");
        assert!(err[0].message.contains("fits 64 bits"), "{:?}", err[0]);
        assert_eq!(err[0].pointer, "/a/min");
        assert!(
            load("a: -9223372036854775808\nb: 18446744073709551615\nc: '99999999999999999999'\n")
                .is_ok()
        );
    }

    #[test]
    fn depth_is_limited() {
        let text = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = load(&text).expect_err("too deep");
        assert!(err[0].message.contains("nests deeper"));
    }
}

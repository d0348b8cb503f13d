//! Spec problems, reported all at once with `file:line:col`, a JSON pointer and a hint.

use std::fmt;

/// A place in the spec file. Lines and columns count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// JSON pointer to the offending node (RFC 6901), `""` for the whole document.
    pub pointer: String,
    /// What is wrong, stating what was expected.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `pointer`; its location is filled in later from the source.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: None,
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Pins the problem to a location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

/// Every problem found in one spec file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The spec's path as given by the caller (relative paths keep output portable).
    pub file: String,
    /// The problems, sorted by location then pointer.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Sorts problems into file order so output is stable.
    pub(crate) fn new(file: &str, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by(|a, b| {
            (a.location, &a.pointer, &a.message).cmp(&(b.location, &b.pointer, &b.message))
        });
        items.dedup();
        Self {
            file: file.to_owned(),
            items,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            match d.location {
                Some(l) => write!(
                    f,
                    "{}:{}:{}: error: {}",
                    self.file, l.line, l.column, d.message
                )?,
                None => write!(f, "{}: error: {}", self.file, d.message)?,
            }
            let pointer = if d.pointer.is_empty() {
                "(document root)"
            } else {
                &d.pointer
            };
            write!(f, "\n    at {pointer}")?;
            if let Some(hint) = &d.hint {
                write!(f, "\n    hint: {hint}")?;
            }
            writeln!(f)?;
        }
        let n = self.items.len();
        write!(
            f,
            "{n} problem{} in {}",
            if n == 1 { "" } else { "s" },
            self.file
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

//! Small typed readers over the YAML tree that record problems instead of stopping.

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{Diagnostic, child};

/// Collects problems while decoding, and every `$ref` seen so they can be checked once all
/// schemas are known.
#[derive(Debug, Default)]
pub struct Problems {
    /// Every problem found so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Every `$ref` to a component schema seen: (schema name, pointer of the `$ref`).
    pub refs: Vec<(String, String)>,
}

impl Problems {
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(pointer, message));
    }

    pub fn hinted(&mut self, pointer: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(pointer, message).with_hint(hint));
    }
}

/// What a YAML value is, for "expected X, found Y" messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A mapping being decoded, with its pointer.
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    pub map: &'a Mapping,
    pub pointer: &'a str,
}

impl<'a> Obj<'a> {
    /// Views `value` as a mapping, or records what it was instead.
    pub fn of(value: &'a Value, pointer: &'a str, what: &str, p: &mut Problems) -> Option<Self> {
        match value {
            Value::Mapping(map) => Some(Self { map, pointer }),
            other => {
                p.error(
                    pointer,
                    format!("{what} must be a mapping, found {}", kind(other)),
                );
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub fn at(&self, key: &str) -> String {
        child(self.pointer, key)
    }

    /// Entries whose keys are strings, in file order; other keys are reported.
    pub fn entries(&self, p: &mut Problems) -> Vec<(&'a str, &'a Value)> {
        let mut out = Vec::new();
        for (k, v) in self.map {
            match k.as_str() {
                Some(k) => out.push((k, v)),
                None => p.error(
                    self.pointer,
                    format!("mapping keys must be strings, found {}", kind(k)),
                ),
            }
        }
        out
    }

    /// Reports keys outside `known`. `x-acs-*` keys must be known; other `x-` keys are free.
    pub fn check_keys(&self, what: &str, known: &[&str], ignored: &[&str], p: &mut Problems) {
        for (key, _) in self.entries(&mut Problems::default()) {
            if known.contains(&key) || ignored.contains(&key) {
                continue;
            }
            if key.starts_with("x-acs-") {
                p.hinted(
                    &self.at(key),
                    format!("unknown extension `{key}` on {what}"),
                    format!(
                        "livegen knows {}; see spec/README.md",
                        list(known.iter().filter(|k| k.starts_with("x-acs-")))
                    ),
                );
            } else if !key.starts_with("x-") {
                p.hinted(
                    &self.at(key),
                    format!("unknown field `{key}` on {what}"),
                    format!(
                        "expected one of {}",
                        list(known.iter().filter(|k| !k.starts_with("x-")))
                    ),
                );
            }
        }
    }

    pub fn required(&self, key: &str, what: &str, p: &mut Problems) -> Option<&'a Value> {
        let v = self.get(key);
        if v.is_none() {
            p.error(
                self.pointer,
                format!("{what} is missing required field `{key}`"),
            );
        }
        v
    }

    pub fn string(&self, key: &str, p: &mut Problems) -> Option<String> {
        let v = self.get(key)?;
        string_value(v, &self.at(key), p)
    }

    pub fn required_string(&self, key: &str, what: &str, p: &mut Problems) -> Option<String> {
        let v = self.required(key, what, p)?;
        string_value(v, &self.at(key), p)
    }

    pub fn bool(&self, key: &str, p: &mut Problems) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                p.error(
                    &self.at(key),
                    format!("`{key}` must be true or false, found {}", kind(other)),
                );
                None
            }
        }
    }

    pub fn integer(&self, key: &str, p: &mut Problems) -> Option<i64> {
        let v = self.get(key)?;
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                p.error(
                    &self.at(key),
                    format!(
                        "`{key}` must be an integer that fits 64 bits, found {}",
                        describe(v)
                    ),
                );
                None
            }
        }
    }

    /// A non-negative integer such as `maxItems`.
    pub fn count(&self, key: &str, p: &mut Problems) -> Option<u64> {
        let v = self.get(key)?;
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                p.error(
                    &self.at(key),
                    format!(
                        "`{key}` must be a non-negative integer, found {}",
                        describe(v)
                    ),
                );
                None
            }
        }
    }

    pub fn strings(&self, key: &str, p: &mut Problems) -> Option<Vec<String>> {
        let v = self.get(key)?;
        let pointer = self.at(key);
        let Value::Sequence(items) = v else {
            p.error(
                &pointer,
                format!("`{key}` must be a list of strings, found {}", kind(v)),
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = string_value(item, &child(&pointer, &i.to_string()), p) {
                out.push(s);
            }
        }
        Some(out)
    }
}

/// A scalar as text: strings as they are; numbers and booleans are accepted only where the
/// caller asked for free text (`example`), never silently for names.
pub fn string_value(v: &Value, pointer: &str, p: &mut Problems) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        other => {
            p.error(
                pointer,
                format!("expected a string, found {}", describe(other)),
            );
            None
        }
    }
}

/// `kind` plus the value, for scalars.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string {s:?}"),
        other => kind(other).to_owned(),
    }
}

pub fn list<'a>(items: impl Iterator<Item = &'a &'a str>) -> String {
    let items: Vec<String> = items.map(|k| format!("`{k}`")).collect();
    items.join(", ")
}

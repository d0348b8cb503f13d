//! The one place spec names become Rust names.
//!
//! Wire names are free-form (`InvalidParam.CodeIllegalDuration`, `ap-southeast-1`, `type`);
//! Rust needs identifiers. Every conversion goes through here so that keyword handling,
//! leading digits and collisions are treated the same everywhere.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::diagnostics::Diagnostic;

/// Words Rust reserves (strict and reserved keywords of edition 2024).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Prelude names that generated code uses unqualified beside the spec's types, so a type
/// of that name (Alibaba answers often hold a `Result` object) would shadow them.
const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "BTreeMap",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// What kind of identifier to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `UpperCamelCase`: enum variants.
    Type,
    /// `UpperCamelCase` for a generated type: also steers clear of the prelude types a
    /// generated file names (`Option`, `String`, `Vec` …).
    TypeDef,
    /// `snake_case`: fields, functions, modules.
    Snake,
    /// `SCREAMING_SNAKE_CASE`: constants.
    Const,
}

/// Converts `raw` to an identifier of `case`, or explains why it cannot.
pub fn ident(raw: &str, case: Case) -> Result<String, String> {
    if raw.is_empty() {
        return Err("an empty name cannot become a Rust identifier".to_owned());
    }
    if !raw.is_ascii() {
        return Err(format!(
            "{raw:?} has non-ASCII characters; livegen only names ASCII identifiers"
        ));
    }
    let converted = match case {
        Case::Type | Case::TypeDef => raw.to_upper_camel_case(),
        Case::Snake => raw.to_snake_case(),
        Case::Const => raw.to_shouty_snake_case(),
    };
    if converted.is_empty() {
        return Err(format!(
            "{raw:?} has no letters or digits to build a Rust identifier from"
        ));
    }
    let mut name = if converted.starts_with(|c: char| c.is_ascii_digit()) {
        // A leading digit is legal on the wire only; prefix a letter that reads naturally.
        match case {
            Case::Type | Case::TypeDef => format!("V{converted}"),
            Case::Snake => format!("n{converted}"),
            Case::Const => format!("N{converted}"),
        }
    } else {
        converted
    };
    if KEYWORDS.contains(&name.as_str())
        || (case != Case::Snake && PRELUDE_TYPES.contains(&name.as_str()))
    {
        name.push('_');
    }
    Ok(name)
}

/// Names within one scope (a struct's fields, an enum's variants); reports two wire names
/// that land on the same identifier.
pub struct Scope<'a> {
    what: &'a str,
    taken: BTreeMap<String, (String, String)>,
    /// Identifiers claimed by [`Scope::claim`] → what the generator makes of them.
    labels: BTreeMap<String, String>,
}

impl<'a> Scope<'a> {
    /// A scope named for messages, e.g. "fields of `StopLivePullToPushInput`".
    pub fn new(what: &'a str) -> Self {
        Self {
            what,
            taken: BTreeMap::new(),
            labels: BTreeMap::new(),
        }
    }

    /// Reserves an identifier the generator itself uses in this scope.
    pub fn reserve(&mut self, ident: &str, reason: &str) {
        self.taken
            .insert(ident.to_owned(), (reason.to_owned(), String::new()));
    }

    /// Claims `ident` for something the generator derives from the entry at `pointer`
    /// (`label`, e.g. "the input type of `Foo`"); false, with a diagnostic, if it is taken.
    pub fn claim(
        &mut self,
        ident: &str,
        label: &str,
        pointer: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if let Some((other, other_pointer)) = self.taken.get(ident) {
            let hint = if other_pointer.is_empty() {
                "rename the spec entry".to_owned()
            } else {
                format!("{other:?} is at {other_pointer}; rename one of them")
            };
            diags.push(
                Diagnostic::new(
                    pointer,
                    format!(
                        "{label} would be `{ident}`, which {other:?} already becomes among the {}",
                        self.what
                    ),
                )
                .with_hint(hint),
            );
            return false;
        }
        self.taken
            .insert(ident.to_owned(), (label.to_owned(), pointer.to_owned()));
        self.labels.insert(ident.to_owned(), label.to_owned());
        true
    }

    /// Names `raw` (found at `pointer`) in this scope, never refusing it: the wire name
    /// stays as it is and only its Rust name adapts (spec/README.md, "Names").
    ///
    /// Characters outside ASCII are dropped; a name with no letters or digits left becomes
    /// `Value` (`value` for fields). A name already taken in the scope (by an earlier entry
    /// or by the generator's own, such as `Unknown`) gets the smallest suffix `2`, `3`, …
    /// that is free, so the first entry in spec order keeps the plain name.
    pub fn name_distinct(&mut self, raw: &str, case: Case, pointer: &str) -> String {
        let ascii: String = raw
            .chars()
            .map(|c| if c.is_ascii() { c } else { ' ' })
            .collect();
        let base = ident(&ascii, case)
            .unwrap_or_else(|_| ident("value", case).unwrap_or_else(|_| "value".to_owned()));
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains_key(&name) {
            let sep = if case == Case::Type || case == Case::TypeDef {
                ""
            } else {
                "_"
            };
            name = format!("{base}{sep}{n}");
            n += 1;
        }
        self.taken
            .insert(name.clone(), (raw.to_owned(), pointer.to_owned()));
        name
    }

    /// Names `raw` (found at `pointer`) in this scope.
    pub fn name(
        &mut self,
        raw: &str,
        case: Case,
        pointer: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let name = match ident(raw, case) {
            Ok(name) => name,
            Err(why) => {
                diags.push(Diagnostic::new(pointer, why).with_hint("rename it in the spec"));
                return None;
            }
        };
        if let Some((other, other_pointer)) = self.taken.get(&name) {
            let d = if let Some(label) = self.labels.get(&name) {
                Diagnostic::new(
                    pointer,
                    format!(
                        "{raw:?} becomes `{name}`, which is already {label} (among the {})",
                        self.what
                    ),
                )
                .with_hint(format!(
                    "that name comes from {other_pointer}; rename one of them"
                ))
            } else if other == raw && !other_pointer.is_empty() {
                // An inline schema is named after its operation and parameter, so it can
                // land on a component schema's name exactly.
                Diagnostic::new(
                    pointer,
                    format!("`{name}` is defined twice among the {}", self.what),
                )
                .with_hint(format!(
                    "the other definition is at {other_pointer}; inline schemas are named after their operation and parameter, so rename one of them"
                ))
            } else if other_pointer.is_empty() {
                Diagnostic::new(
                    pointer,
                    format!("{raw:?} becomes `{name}`, which the generator already uses for {other} (among the {})", self.what),
                )
                .with_hint("rename the spec entry")
            } else {
                Diagnostic::new(
                    pointer,
                    format!(
                        "{raw:?} and {other:?} both become `{name}` among the {}",
                        self.what
                    ),
                )
                .with_hint(format!(
                    "the other one is at {other_pointer}; rename one of them"
                ))
            };
            diags.push(d);
            return None;
        }
        self.taken
            .insert(name.clone(), (raw.to_owned(), pointer.to_owned()));
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_live_api() {
        assert_eq!(
            ident("InvalidParam.CodeIllegalDuration", Case::Type).as_deref(),
            Ok("InvalidParamCodeIllegalDuration")
        );
        assert_eq!(
            ident("ap-southeast-1", Case::Type).as_deref(),
            Ok("ApSoutheast1")
        );
        assert_eq!(ident("TaskId", Case::Snake).as_deref(), Ok("task_id"));
        assert_eq!(
            ident("StopLivePullToPush", Case::Const).as_deref(),
            Ok("STOP_LIVE_PULL_TO_PUSH")
        );
    }

    #[test]
    fn keywords_digits_and_junk() {
        assert_eq!(ident("type", Case::Snake).as_deref(), Ok("type_"));
        assert_eq!(ident("Self", Case::Type).as_deref(), Ok("Self_"));
        assert_eq!(ident("crate", Case::Snake).as_deref(), Ok("crate_"));
        assert_eq!(ident("2x", Case::Type).as_deref(), Ok("V2x"));
        assert_eq!(ident("1080p", Case::Snake).as_deref(), Ok("n1080p"));
        assert_eq!(ident("Result", Case::TypeDef).as_deref(), Ok("Result_"));
        assert_eq!(ident("Err", Case::Type).as_deref(), Ok("Err_"));
        assert_eq!(ident("Into", Case::TypeDef).as_deref(), Ok("Into_"));
        assert!(ident("区域", Case::Type).is_err());
        assert!(ident("--", Case::Snake).is_err());
    }

    #[test]
    fn collisions_name_both_sides() {
        let mut scope = Scope::new("fields of `X`");
        let mut diags = Vec::new();
        assert!(
            scope
                .name("TaskId", Case::Snake, "/a", &mut diags)
                .is_some()
        );
        assert!(
            scope
                .name("task_id", Case::Snake, "/b", &mut diags)
                .is_none()
        );
        assert!(
            diags[0].message.contains("both become `task_id`"),
            "{:?}",
            diags[0]
        );
        assert!(diags[0].hint.as_deref().unwrap_or_default().contains("/a"));
    }
}

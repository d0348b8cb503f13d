//! Types: following references, naming inline types, fields and enumerations, and the
//! structs each direction (input, output) needs.

use std::collections::BTreeSet;

use super::Lower;
use crate::diagnostics::Diagnostic;
use crate::escape::prose;
use crate::model::naming::{Case, Scope, ident};
use crate::model::{EnumDef, EnumValue, Field, StructDef, Ty, TypeDef, TypeRef};
use crate::spec::{Location, Schema, SchemaKind, Style};

impl<'a> Lower<'a> {
    /// Follows a `$ref` to the schema it names (validation has checked it resolves).
    pub(super) fn resolve<'s>(&self, s: &'s Schema) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match &s.kind {
            SchemaKind::Ref(name) => self.spec.schemas.get(name),
            _ => Some(s),
        }
    }

    pub(super) fn described(&self, s: &Schema) -> Option<String> {
        let text = s
            .description
            .as_deref()
            .or_else(|| self.resolve(s).and_then(|r| r.description.as_deref()));
        prose(text)
    }

    pub(super) fn fields(
        &mut self,
        owner: &str,
        properties: &[(String, Schema)],
        required: &[String],
        input: bool,
    ) -> Vec<Field> {
        let what = format!("fields of `{owner}`");
        let mut scope = Scope::new(&what);
        let required: BTreeSet<&str> = required.iter().map(String::as_str).collect();
        let mut fields = Vec::new();
        for (name, s) in properties {
            let ident = scope.name_distinct(name, Case::Snake, &s.pointer);
            let nested = format!(
                "{owner}{}",
                self::ident(name, Case::Type).unwrap_or_default()
            );
            let Some(ty) = self.ty(s, &nested, None, input) else {
                continue;
            };
            fields.push(Field {
                wire: name.clone(),
                ident,
                doc: self.described(s),
                ty,
                required: required.contains(name.as_str()),
                style: Style::Simple,
                location: Location::Query,
                example: None,
                deprecated: false,
            });
        }
        fields
    }

    /// The Rust type of `s`; inline enums and objects are named `owner`.
    ///
    /// `context` documents an inline type whose schema says nothing itself: a parameter's
    /// description sits beside its schema, not in it. `input` marks types a parameter
    /// uses, whose shape the runtime needs.
    pub(super) fn ty(
        &mut self,
        s: &Schema,
        owner: &str,
        context: Option<&str>,
        input: bool,
    ) -> Option<Ty> {
        match &s.kind {
            SchemaKind::Ref(name) => {
                let target = self.spec.schemas.get(name)?;
                if is_named(target) {
                    let module = self.module.take();
                    let rust = self.type_scope_name(name, &target.pointer);
                    let defined = rust.map(|rust| {
                        self.define(&rust, target, None, input);
                        self.type_ref(&rust, target)
                    });
                    self.module = module;
                    defined?
                } else {
                    self.ty(target, owner, context, input)
                }
            }
            SchemaKind::String {
                values,
                min_length,
                max_length,
                ..
            } if values.is_empty() => Some(Ty::String(*min_length, *max_length)),
            SchemaKind::Integer {
                format,
                minimum,
                maximum,
                values,
                ..
            } if values.is_empty() => Some(match format.as_deref() {
                Some("int32") => Ty::I32(*minimum, *maximum),
                _ => Ty::I64(*minimum, *maximum),
            }),
            SchemaKind::Object {
                properties,
                additional,
                ..
            } if properties.is_empty() => match additional {
                Some(value) => Some(Ty::Map(Box::new(self.ty(
                    value,
                    &format!("{owner}Value"),
                    None,
                    input,
                )?))),
                None => Some(Ty::Json),
            },
            SchemaKind::String { .. } | SchemaKind::Integer { .. } | SchemaKind::Object { .. } => {
                let rust = self.inline_type_name(owner, &s.pointer);
                self.define(&rust, s, context, input);
                self.type_ref(&rust, s)
            }
            SchemaKind::Number => Some(Ty::F64),
            SchemaKind::Boolean => Some(Ty::Bool),
            SchemaKind::Array {
                items,
                min_items,
                max_items,
            } => Some(Ty::List(
                Box::new(self.ty(items, &format!("{owner}Item"), None, input)?),
                *min_items,
                *max_items,
            )),
        }
    }

    pub(super) fn type_ref(&self, name: &str, s: &Schema) -> Option<Ty> {
        let module = self.types.get(name).and_then(|(_, _, m)| m.clone());
        let r = TypeRef {
            name: name.to_owned(),
            module,
        };
        Some(match &s.kind {
            SchemaKind::String { .. } => Ty::Enum(r),
            SchemaKind::Integer { .. } => Ty::IntEnum(r),
            _ => Ty::Struct(r),
        })
    }

    /// Names the inline schema at `pointer` after `raw` (its operation and parameter or
    /// field); taken by another type (`SubmitJobInput` for a parameter `Input` of
    /// `SubmitJob`), it gets the next free number, as every name in spec/README.md "Names".
    pub(super) fn inline_type_name(&mut self, raw: &str, pointer: &str) -> String {
        if let Some(name) = self.inline_names.get(pointer) {
            return name.clone();
        }
        let name = self.type_scope.name_distinct(raw, Case::TypeDef, pointer);
        self.inline_names.insert(pointer.to_owned(), name.clone());
        name
    }

    /// Claims a type name for the schema at `pointer` (the same schema may claim it again).
    pub(super) fn type_scope_name(&mut self, raw: &str, pointer: &str) -> Option<String> {
        let name = match ident(raw, Case::TypeDef) {
            Ok(n) => n,
            Err(why) => {
                self.diags.push(Diagnostic::new(pointer, why));
                return None;
            }
        };
        if let Some((_, origin, _)) = self.types.get(&name)
            && origin == pointer
        {
            return Some(name);
        }
        self.type_scope
            .name(raw, Case::TypeDef, pointer, &mut self.diags)
    }

    pub(super) fn define(&mut self, name: &str, s: &Schema, context: Option<&str>, input: bool) {
        if self.types.contains_key(name) {
            // Reached again, maybe from the other side (a parameter after an answer):
            // it and the structs inside it serve that side too.
            self.mark(vec![name.to_owned()], input);
            return;
        }
        // Insert a placeholder first so recursive field types see the name as taken.
        let placeholder = TypeDef::Struct(StructDef {
            name: name.to_owned(),
            doc: None,
            fields: Vec::new(),
            in_input: input,
            in_output: !input,
        });
        self.types.insert(
            name.to_owned(),
            (placeholder, s.pointer.clone(), self.module.clone()),
        );
        let doc = prose(s.description.as_deref().or(context));
        let def = match &s.kind {
            SchemaKind::String {
                values, value_docs, ..
            } => {
                let docs = |v: &String| value_docs.get(v).cloned();
                TypeDef::Enum(self.enumeration(name, doc, s, values, |v| v.clone(), docs, false))
            }
            SchemaKind::Integer {
                values, value_docs, ..
            } => {
                let docs = |v: &i64| value_docs.get(v).cloned();
                TypeDef::Enum(self.enumeration(name, doc, s, values, |v| v.to_string(), docs, true))
            }
            SchemaKind::Object {
                properties,
                required,
                ..
            } => {
                let fields = self.fields(name, properties, required, input);
                TypeDef::Struct(StructDef {
                    name: name.to_owned(),
                    doc,
                    fields,
                    in_input: input,
                    in_output: !input,
                })
            }
            _ => return,
        };
        if let Some(entry) = self.types.get_mut(name) {
            entry.0 = def;
        }
    }

    /// Marks the structs `names` and those inside them as used by a parameter (`input`) or
    /// an answer.
    pub(super) fn mark(&mut self, mut pending: Vec<String>, input: bool) {
        while let Some(name) = pending.pop() {
            if let Some((TypeDef::Struct(st), _, _)) = self.types.get_mut(&name) {
                let flag = if input {
                    &mut st.in_input
                } else {
                    &mut st.in_output
                };
                if !*flag {
                    *flag = true;
                    pending.extend(st.fields.iter().flat_map(|f| structs_in(&f.ty)));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn enumeration<T>(
        &mut self,
        name: &str,
        doc: Option<String>,
        s: &Schema,
        values: &[T],
        wire: impl Fn(&T) -> String,
        docs: impl Fn(&T) -> Option<String>,
        integer: bool,
    ) -> EnumDef {
        let what = format!("variants of `{name}`");
        let mut scope = Scope::new(&what);
        scope.reserve(
            "Unknown",
            "the catch-all variant for values this client does not know",
        );
        // Every listed spelling is its own variant, sent and parsed exactly as listed;
        // values that differ only in case (`Critical`, `critical`) are numbered by the
        // scope like any other names that land on one identifier (`Critical2`).
        let out = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let text = wire(v);
                let pointer = format!("{}/enum/{i}", s.pointer);
                let raw = if integer {
                    match text.strip_prefix('-') {
                        Some(abs) => format!("Minus{abs}"),
                        None => format!("V{text}"),
                    }
                } else {
                    text.clone()
                };
                EnumValue {
                    variant: scope.name_distinct(&raw, Case::Type, &pointer),
                    wire: text,
                    doc: prose(docs(v).as_deref()),
                }
            })
            .collect();
        EnumDef {
            name: name.to_owned(),
            doc,
            integer,
            values: out,
        }
    }
}

/// The generated structs a type mentions.
fn structs_in(ty: &Ty) -> Vec<String> {
    match ty {
        Ty::Struct(r) => vec![r.name.clone()],
        Ty::List(item, ..) | Ty::Map(item) => structs_in(item),
        _ => Vec::new(),
    }
}

/// Schemas that become named Rust types when referenced.
fn is_named(s: &Schema) -> bool {
    match &s.kind {
        SchemaKind::String { values, .. } => !values.is_empty(),
        SchemaKind::Integer { values, .. } => !values.is_empty(),
        SchemaKind::Object { properties, .. } => !properties.is_empty(),
        _ => false,
    }
}

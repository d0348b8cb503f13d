//! Typed spec → IR: resolves references, names every type, field and variant.

use std::collections::BTreeMap;

use super::naming::{Case, Scope, ident};
use super::{Api, EnumDef, EnumValue, ErrorVariant, Field, Operation, Qps, StructDef, Ty, TypeDef};
use crate::diagnostics::Diagnostic;
use crate::spec::{self, Schema, SchemaKind, Spec, Style};

/// Names everything; reports every naming problem at once.
pub fn lower(spec: &Spec, spec_path: &str) -> Result<Api, Vec<Diagnostic>> {
    let mut cx = Lower {
        spec,
        diags: Vec::new(),
        types: BTreeMap::new(),
        type_scope: Scope::new("generated type names"),
    };
    for reserved in ["Client", "Config", "OperationError", "SdkError"] {
        cx.type_scope.reserve(reserved, "the crate's own API");
    }
    let mut operations = Vec::new();
    for op in &spec.operations {
        if let Some(op) = cx.operation(op) {
            operations.push(op);
        }
    }
    operations.sort_by(|a, b| a.action.cmp(&b.action));
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let code = &spec.product.code;
    Ok(Api {
        spec_path: spec_path.to_owned(),
        title: spec.title.clone(),
        description: prose(spec.description.as_deref()),
        product_code: code.clone(),
        version: spec.product.version.clone(),
        package: format!("aliyun-{code}"),
        crate_name: format!("aliyun_{}", code.replace('-', "_")),
        default_endpoint: spec.endpoints.default.clone(),
        endpoint_pattern: spec.endpoints.pattern.clone(),
        regional_endpoints: spec
            .endpoints
            .regional
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        operations,
        types: cx.types.into_values().map(|(def, _)| def).collect(),
    })
}

struct Lower<'a> {
    spec: &'a Spec,
    diags: Vec<Diagnostic>,
    /// Type name → (definition, pointer of the schema that defines it).
    types: BTreeMap<String, (TypeDef, String)>,
    type_scope: Scope<'static>,
}

impl<'a> Lower<'a> {
    fn operation(&mut self, op: &spec::Operation) -> Option<Operation> {
        let base = match ident(&op.action, Case::Type) {
            Ok(name) => name,
            Err(why) => {
                self.diags.push(Diagnostic::new(&op.pointer, why));
                return None;
            }
        };
        let fn_name = ident(&op.action, Case::Snake).ok()?;
        // Named from the whole word, so action `Self` gives `SelfInput`, not `Self_Input`.
        let [input, output, error] = ["Input", "Output", "Error"].map(|s| {
            ident(&format!("{}{s}", op.action), Case::TypeDef)
                .unwrap_or_else(|_| format!("{base}{s}"))
        });
        for (name, what) in [(&input, "input"), (&output, "output"), (&error, "error")] {
            self.type_scope
                .reserve(name, &format!("the {what} type of `{}`", op.action));
        }

        let what = format!("parameters of `{}`", op.action);
        let mut scope = Scope::new(&what);
        let mut params = Vec::new();
        for p in &op.params {
            let Some(ident) = scope.name(&p.name, Case::Snake, &p.pointer, &mut self.diags) else {
                continue;
            };
            let owner = format!(
                "{base}{}",
                self::ident(&p.name, Case::Type).unwrap_or_default()
            );
            let Some(ty) = self.ty(&p.schema, &owner, p.description.as_deref()) else {
                continue;
            };
            let doc = prose(p.description.as_deref()).or_else(|| self.described(&p.schema));
            params.push(Field {
                wire: p.name.clone(),
                ident,
                doc,
                ty,
                required: p.required,
                style: p.style,
                example: p.example.clone(),
            });
        }

        let (output_fields, output_doc) = match self.resolve(&op.output) {
            Some(Schema {
                kind:
                    SchemaKind::Object {
                        properties,
                        required,
                    },
                description,
                ..
            }) => {
                let fields = self.fields(&output, properties, required);
                (
                    fields,
                    prose(description.as_deref().or(op.output.description.as_deref())),
                )
            }
            Some(other) => {
                self.diags.push(
                    Diagnostic::new(&other.pointer, "the 200 response body must be an object")
                        .with_hint("RPC actions answer a JSON object with at least `RequestId`"),
                );
                (Vec::new(), None)
            }
            None => (Vec::new(), None),
        };

        let what = format!("errors of `{}`", op.action);
        let mut scope = Scope::new(&what);
        scope.reserve("Common", "the shared-errors variant");
        scope.reserve("Unhandled", "the catch-all variant");
        let errors = op
            .errors
            .iter()
            .filter_map(|e| {
                let variant = scope.name(&e.code, Case::Type, &e.pointer, &mut self.diags)?;
                Some(ErrorVariant {
                    code: e.code.clone(),
                    variant,
                    http_status: e.http_status,
                    message: e.message.clone(),
                    description: prose(e.description.as_deref()),
                })
            })
            .collect();

        Some(Operation {
            action: op.action.clone(),
            fn_name,
            input,
            output,
            error,
            summary: prose(op.summary.as_deref()),
            description: prose(op.description.as_deref()),
            deprecated: op.deprecated,
            path: op.path.clone(),
            methods: op.methods.clone(),
            qps: op.qps.as_ref().map(|q| Qps {
                limit: q.limit,
                per_seconds: if q.per == "minute" { 60 } else { 1 },
                scope: q.scope.clone(),
                on_exceed: q.on_exceed.clone(),
            }),
            ram: op.ram.clone(),
            params,
            output_fields,
            output_doc,
            errors,
        })
    }

    /// Follows a `$ref` to the schema it names (validation has checked it resolves).
    fn resolve<'s>(&self, s: &'s Schema) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match &s.kind {
            SchemaKind::Ref(name) => self.spec.schemas.get(name),
            _ => Some(s),
        }
    }

    fn described(&self, s: &Schema) -> Option<String> {
        let text = s
            .description
            .as_deref()
            .or_else(|| self.resolve(s).and_then(|r| r.description.as_deref()));
        prose(text)
    }

    fn fields(
        &mut self,
        owner: &str,
        properties: &[(String, Schema)],
        required: &[String],
    ) -> Vec<Field> {
        let what = format!("fields of `{owner}`");
        let mut scope = Scope::new(&what);
        let required: std::collections::BTreeSet<&str> =
            required.iter().map(String::as_str).collect();
        let mut fields = Vec::new();
        for (name, s) in properties {
            let Some(ident) = scope.name(name, Case::Snake, &s.pointer, &mut self.diags) else {
                continue;
            };
            let nested = format!(
                "{owner}{}",
                self::ident(name, Case::Type).unwrap_or_default()
            );
            let Some(ty) = self.ty(s, &nested, None) else {
                continue;
            };
            fields.push(Field {
                wire: name.clone(),
                ident,
                doc: self.described(s),
                ty,
                required: required.contains(name.as_str()),
                style: Style::Simple,
                example: None,
            });
        }
        fields
    }

    /// The Rust type of `s`; inline enums and objects are named `owner`.
    ///
    /// `context` documents an inline type whose schema says nothing itself: a parameter's
    /// description sits beside its schema, not in it.
    fn ty(&mut self, s: &Schema, owner: &str, context: Option<&str>) -> Option<Ty> {
        match &s.kind {
            SchemaKind::Ref(name) => {
                let target = self.spec.schemas.get(name)?;
                if is_named(target) {
                    let rust = self.type_scope_name(name, &target.pointer)?;
                    self.define(&rust, target, None);
                    Some(if matches!(target.kind, SchemaKind::String { .. }) {
                        Ty::Enum(rust)
                    } else {
                        Ty::Struct(rust)
                    })
                } else {
                    self.ty(target, owner, context)
                }
            }
            SchemaKind::String { values, .. } if values.is_empty() => Some(Ty::String),
            SchemaKind::String { .. } | SchemaKind::Object { .. } => {
                if let SchemaKind::Object { properties, .. } = &s.kind
                    && properties.is_empty()
                {
                    return Some(Ty::Json);
                }
                let rust = self.type_scope_name(owner, &s.pointer)?;
                self.define(&rust, s, context);
                Some(if matches!(s.kind, SchemaKind::String { .. }) {
                    Ty::Enum(rust)
                } else {
                    Ty::Struct(rust)
                })
            }
            SchemaKind::Integer {
                format,
                minimum,
                maximum,
            } => Some(match format.as_deref() {
                Some("int32") => Ty::I32(*minimum, *maximum),
                _ => Ty::I64(*minimum, *maximum),
            }),
            SchemaKind::Number => Some(Ty::F64),
            SchemaKind::Boolean => Some(Ty::Bool),
            SchemaKind::Array(items) => Some(Ty::List(Box::new(self.ty(
                items,
                &format!("{owner}Item"),
                None,
            )?))),
        }
    }

    /// Claims a type name for the schema at `pointer` (the same schema may claim it again).
    fn type_scope_name(&mut self, raw: &str, pointer: &str) -> Option<String> {
        let name = match ident(raw, Case::TypeDef) {
            Ok(n) => n,
            Err(why) => {
                self.diags.push(Diagnostic::new(pointer, why));
                return None;
            }
        };
        if let Some((_, origin)) = self.types.get(&name) {
            return (origin == pointer).then_some(name);
        }
        self.type_scope
            .name(raw, Case::TypeDef, pointer, &mut self.diags)
    }

    fn define(&mut self, name: &str, s: &Schema, context: Option<&str>) {
        if self.types.contains_key(name) {
            return;
        }
        // Insert a placeholder first so recursive field types see the name as taken.
        let placeholder = TypeDef::Struct(StructDef {
            name: name.to_owned(),
            doc: None,
            fields: Vec::new(),
        });
        self.types
            .insert(name.to_owned(), (placeholder, s.pointer.clone()));
        let def = match &s.kind {
            SchemaKind::String {
                values, value_docs, ..
            } => {
                let what = format!("variants of `{name}`");
                let mut scope = Scope::new(&what);
                scope.reserve(
                    "Unknown",
                    "the catch-all variant for values this client does not know",
                );
                let values = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        let pointer = format!("{}/enum/{i}", s.pointer);
                        let variant = scope.name(v, Case::Type, &pointer, &mut self.diags)?;
                        Some(EnumValue {
                            wire: v.clone(),
                            variant,
                            doc: prose(value_docs.get(v).map(String::as_str)),
                        })
                    })
                    .collect();
                TypeDef::Enum(EnumDef {
                    name: name.to_owned(),
                    doc: prose(s.description.as_deref().or(context)),
                    values,
                })
            }
            SchemaKind::Object {
                properties,
                required,
            } => {
                let fields = self.fields(name, properties, required);
                TypeDef::Struct(StructDef {
                    name: name.to_owned(),
                    doc: prose(s.description.as_deref().or(context)),
                    fields,
                })
            }
            _ => return,
        };
        self.types.insert(name.to_owned(), (def, s.pointer.clone()));
    }
}

/// Spec prose made safe for rustdoc and Markdown. Alibaba's descriptions hold `[60, 300]`,
/// `<i>…</i>`, `[TaskId]` and bare URLs, which rustdoc reads as broken links and unclosed
/// HTML; code spans are left as they are.
fn prose(text: Option<&str>) -> Option<String> {
    let text = text?;
    let mut out = String::with_capacity(text.len() + 8);
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut rest = part;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("http://") || rest.starts_with("https://") {
                let end = rest
                    .find(|c: char| c.is_whitespace() || "<>[]()\"'".contains(c))
                    .unwrap_or(rest.len());
                let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[url.len()..];
                continue;
            }
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                c => out.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

/// Schemas that become named Rust types when referenced.
fn is_named(s: &Schema) -> bool {
    match &s.kind {
        SchemaKind::String { values, .. } => !values.is_empty(),
        SchemaKind::Object { properties, .. } => !properties.is_empty(),
        _ => false,
    }
}

//! Typed spec → IR: resolves references, names every type, field and variant.

use std::collections::{BTreeMap, BTreeSet};

use super::naming::{Case, Scope, ident};
use super::{
    Api, EnumDef, EnumValue, ErrorVariant, Field, Operation, Qps, StructDef, Ty, TypeDef, TypeRef,
};
use crate::diagnostics::Diagnostic;
use crate::escape::prose;
use crate::spec::{self, Location, Schema, SchemaKind, Spec, Style};

/// Type names the generated crate defines or re-exports at its root, so a spec type may
/// not take them. (Prelude names such as `Option` or `Result` are not listed: generated
/// code would shadow them, so naming renames them with a trailing `_`.)
const RESERVED_TYPES: &[&str] = &[
    "Client",
    "Config",
    "OperationError",
    "SdkError",
    "ServiceError",
    "CommonError",
    "Operation",
];

/// Methods of the generated `Client` besides one per operation.
const RESERVED_METHODS: &[&str] = &["new", "from_env", "runtime", "config", "clone", "fmt"];

/// Names everything; reports every naming problem at once.
pub fn lower(spec: &Spec, spec_path: &str) -> Result<Api, Vec<Diagnostic>> {
    let mut cx = Lower {
        spec,
        diags: Vec::new(),
        types: BTreeMap::new(),
        type_scope: Scope::new("generated type names"),
        inline_names: BTreeMap::new(),
        module: None,
    };
    for reserved in RESERVED_TYPES {
        cx.type_scope.reserve(reserved, "the crate's own API");
    }
    let mut methods = Scope::new("client methods and operation modules");
    for reserved in RESERVED_METHODS {
        methods.reserve(reserved, "the client's own API");
    }
    let mut operations = Vec::new();
    for op in &spec.operations {
        if let Some(op) = cx.operation(op, &mut methods) {
            operations.push(op);
        }
    }
    operations.sort_by(|a, b| a.action.cmp(&b.action));
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    // Inline types go to the operation that defines them; component types to `types`.
    let mut shared = Vec::new();
    let mut owned: BTreeMap<String, Vec<TypeDef>> = BTreeMap::new();
    for (def, _, module) in cx.types.into_values() {
        match module {
            None => shared.push(def),
            Some(m) => owned.entry(m).or_default().push(def),
        }
    }
    for op in &mut operations {
        op.types = owned.remove(&op.fn_name).unwrap_or_default();
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
        types: shared,
    })
}

struct Lower<'a> {
    spec: &'a Spec,
    diags: Vec<Diagnostic>,
    /// Type name → (definition, pointer of the schema that defines it, home module).
    types: BTreeMap<String, (TypeDef, String, Option<String>)>,
    type_scope: Scope<'static>,
    /// Inline schema pointer → its type name, so a schema reached twice is named once.
    inline_names: BTreeMap<String, String>,
    /// The operation module being lowered: home of the inline types met.
    module: Option<String>,
}

impl<'a> Lower<'a> {
    fn operation(&mut self, op: &spec::Operation, methods: &mut Scope<'_>) -> Option<Operation> {
        let base = match ident(&op.action, Case::Type) {
            Ok(name) => name,
            Err(why) => {
                self.diags.push(Diagnostic::new(&op.pointer, why));
                return None;
            }
        };
        // One name serves as the client method and the module file, so two actions that
        // differ only in case (`ABTest`, `AbTest`) are a spec error, never an overwrite.
        let fn_name = methods.name(&op.action, Case::Snake, &op.pointer, &mut self.diags)?;
        // Named from the whole word, so action `Self` gives `SelfInput`, not `Self_Input`.
        let [input, output, error] = ["Input", "Output", "Error"].map(|s| {
            ident(&format!("{}{s}", op.action), Case::TypeDef)
                .unwrap_or_else(|_| format!("{base}{s}"))
        });
        let mut named = true;
        let required = op.params.iter().filter(|p| p.required).count();
        let required_struct = format!("{}Required", input.trim_end_matches("Input"));
        let mut claimed = vec![
            (&input, "the input type"),
            (&output, "the output type"),
            (&error, "the error type"),
        ];
        if required > crate::emit::MAX_NEW_ARGS {
            claimed.push((&required_struct, "the required-arguments type"));
        }
        for (name, what) in claimed {
            let label = format!("{what} of `{}`", op.action);
            named &= self
                .type_scope
                .claim(name, &label, &op.pointer, &mut self.diags);
        }
        if !named {
            return None;
        }
        self.module = Some(fn_name.clone());

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
            let Some(ty) = self.ty(&p.schema, &owner, p.description.as_deref(), true) else {
                continue;
            };
            let body = matches!(p.location, Location::Body | Location::JsonBody);
            if body && !op.methods.iter().any(|m| m != "GET") {
                self.diags.push(
                    Diagnostic::new(
                        &p.pointer,
                        format!(
                            "parameter `{}` travels in the form body, but `{}` accepts no POST",
                            p.name, op.action
                        ),
                    )
                    .with_hint("add POST to `x-acs-rpc.methods` or send it `in: query`"),
                );
            }
            let doc = prose(p.description.as_deref()).or_else(|| self.described(&p.schema));
            params.push(Field {
                wire: p.name.clone(),
                ident,
                doc,
                ty,
                required: p.required,
                style: p.style,
                location: p.location,
                example: p.example.clone(),
                deprecated: p.deprecated,
            });
        }

        let mut output_value = None;
        let (output_fields, output_doc) = match op.output.as_ref().and_then(|o| self.resolve(o)) {
            None => (None, None),
            Some(Schema {
                kind:
                    SchemaKind::Object {
                        properties,
                        required,
                        additional: None,
                    },
                description,
                ..
            }) => {
                let doc = description
                    .as_deref()
                    .or(op.output.as_ref().and_then(|o| o.description.as_deref()));
                let fields = self.fields(&output, properties, required, false);
                (Some(fields), prose(doc))
            }
            Some(other) if op.is_roa() => {
                // ROA operations may answer a list or a bare value: the output wraps it.
                let doc = other
                    .description
                    .as_deref()
                    .or(op.output.as_ref().and_then(|o| o.description.as_deref()));
                output_value = self.ty(other, &format!("{base}Answer"), doc, false);
                (None, prose(doc))
            }
            Some(other) => {
                self.diags.push(
                    Diagnostic::new(
                        &other.pointer,
                        "the 200 response body must be an object with `properties`",
                    )
                    .with_hint("RPC actions answer a JSON object with at least `RequestId`"),
                );
                (None, None)
            }
        };

        let what = format!("errors of `{}`", op.action);
        let mut scope = Scope::new(&what);
        scope.reserve("Common", "the shared-errors variant");
        scope.reserve("Unhandled", "the catch-all variant");
        let errors = op
            .errors
            .iter()
            .map(|e| {
                // `Invalid%s.ValueNotSupported` reads as `InvalidValueNotSupported`.
                let raw = e.code.replace("%s", "");
                let variant = scope.name_distinct(&raw, Case::Type, &e.pointer);
                ErrorVariant {
                    code: e.code.clone(),
                    variant,
                    http_status: e.http_status,
                    message: e.message.clone(),
                    description: prose(e.description.as_deref()),
                }
            })
            .collect();
        self.module = None;

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
            output_value,
            errors,
            types: Vec::new(),
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
    fn ty(&mut self, s: &Schema, owner: &str, context: Option<&str>, input: bool) -> Option<Ty> {
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

    fn type_ref(&self, name: &str, s: &Schema) -> Option<Ty> {
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
    fn inline_type_name(&mut self, raw: &str, pointer: &str) -> String {
        if let Some(name) = self.inline_names.get(pointer) {
            return name.clone();
        }
        let name = self.type_scope.name_distinct(raw, Case::TypeDef, pointer);
        self.inline_names.insert(pointer.to_owned(), name.clone());
        name
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
        if let Some((_, origin, _)) = self.types.get(&name)
            && origin == pointer
        {
            return Some(name);
        }
        self.type_scope
            .name(raw, Case::TypeDef, pointer, &mut self.diags)
    }

    fn define(&mut self, name: &str, s: &Schema, context: Option<&str>, input: bool) {
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
    fn mark(&mut self, mut pending: Vec<String>, input: bool) {
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
    fn enumeration<T>(
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
        let mut out: Vec<EnumValue> = Vec::new();
        // Values that differ only in case (`DOMAIN`, `domain`) are one variant with
        // several accepted spellings; the first listed is the one sent.
        let mut by_folded: BTreeMap<String, usize> = BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            let text = wire(v);
            if let Some(&at) = by_folded.get(&text.to_lowercase()) {
                out[at].wires.push(text);
                continue;
            }
            let pointer = format!("{}/enum/{i}", s.pointer);
            let raw = if integer {
                match text.strip_prefix('-') {
                    Some(abs) => format!("Minus{abs}"),
                    None => format!("V{text}"),
                }
            } else {
                text.clone()
            };
            let variant = scope.name_distinct(&raw, Case::Type, &pointer);
            by_folded.insert(text.to_lowercase(), out.len());
            out.push(EnumValue {
                wires: vec![text],
                variant,
                doc: prose(docs(v).as_deref()),
            });
        }
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

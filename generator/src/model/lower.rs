//! Typed spec → IR: resolves references, names every type, field and variant.

use std::collections::BTreeMap;

use super::naming::{Case, Scope, ident};
use super::{Api, ErrorVariant, Field, Operation, Paginator, Qps, TypeDef};
use crate::diagnostics::Diagnostic;
use crate::escape::prose;
use crate::spec::{self, Location, Schema, SchemaKind, Spec};

mod types;

/// Type names the generated crate defines or re-exports at its root, so a spec type may
/// not take them. (Prelude names such as `Option` or `Result` are not listed: generated
/// code would shadow them, so naming renames them with a trailing `_`.)
const RESERVED_TYPES: &[&str] = &[
    "Client",
    "CallOptions",
    "Config",
    "OperationError",
    "SdkError",
    "ServiceError",
    "CommonError",
    "Operation",
];

/// Methods of the generated `Client` besides one per operation.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "from_env",
    "runtime",
    "with_options",
    "mock",
    "config",
    "clone",
    "fmt",
];

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
    /// One operation: its names first (an operation whose names clash is left out, with
    /// the diagnostics), then its parameters, answer and errors.
    fn operation(&mut self, op: &spec::Operation, methods: &mut Scope<'_>) -> Option<Operation> {
        let names = self.operation_names(op, methods)?;
        self.module = Some(names.fn_name.clone());
        let params = self.params(op, &names.base);
        let (output_fields, output_doc, output_value) = self.output(op, &names);
        let errors = error_variants(op);
        self.module = None;
        Some(Operation {
            action: op.action.clone(),
            fn_name: names.fn_name,
            input: names.input,
            output: names.output,
            error: names.error,
            summary: prose(op.summary.as_deref()),
            description: prose(op.description.as_deref()),
            deprecated: op.deprecated,
            example: op.example,
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
            paginator: names.paginator,
            idempotency_token: op.idempotency_token.clone(),
        })
    }

    /// The client method, module, paginator and type names of `op`, each claimed in its
    /// scope; `None` when one clashes (the diagnostic says with what).
    fn operation_names(
        &mut self,
        op: &spec::Operation,
        methods: &mut Scope<'_>,
    ) -> Option<OperationNames> {
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
        let paginator = Self::paginator_name(op, &fn_name, methods, &mut self.diags);
        // Named from the whole word, so action `Self` gives `SelfInput`, not `Self_Input`.
        let [input, output, error] = ["Input", "Output", "Error"].map(|s| {
            ident(&format!("{}{s}", op.action), Case::TypeDef)
                .unwrap_or_else(|_| format!("{base}{s}"))
        });
        let named = self.claim_type_names(op, [&input, &output, &error]);
        named.then_some(OperationNames {
            base,
            fn_name,
            input,
            output,
            error,
            paginator,
        })
    }

    /// The paginator method of a paginated operation, claimed in the client's method scope.
    fn paginator_name(
        op: &spec::Operation,
        fn_name: &str,
        methods: &mut Scope<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Paginator> {
        let pagination = op.pagination.as_ref()?;
        let method = format!("{fn_name}_paginator");
        let label = format!("the paginator method of `{}`", op.action);
        methods
            .claim(&method, &label, &pagination.pointer, diags)
            .then(|| Paginator {
                method,
                pagination: pagination.clone(),
            })
    }

    /// Claims an operation's input, output and error type names (and its required-arguments
    /// struct when the constructor would take too many) in the crate's type scope; false
    /// when any clashes, each clash reported.
    fn claim_type_names(
        &mut self,
        op: &spec::Operation,
        [input, output, error]: [&String; 3],
    ) -> bool {
        let required = op
            .params
            .iter()
            .filter(|p| p.required && op.idempotency_token.as_deref() != Some(p.name.as_str()))
            .count();
        let required_struct = format!("{}Required", input.trim_end_matches("Input"));
        let mut claimed = vec![
            (input, "the input type"),
            (output, "the output type"),
            (error, "the error type"),
        ];
        if required > crate::emit::MAX_NEW_ARGS {
            claimed.push((&required_struct, "the required-arguments type"));
        }
        let mut named = true;
        for (name, what) in claimed {
            let label = format!("{what} of `{}`", op.action);
            named &= self
                .type_scope
                .claim(name, &label, &op.pointer, &mut self.diags);
        }
        named
    }

    /// The input fields of `op`, named in one scope; a form-body parameter of an action
    /// without POST is reported.
    fn params(&mut self, op: &spec::Operation, base: &str) -> Vec<Field> {
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
            // The runtime fills an unset token, so the caller need not, even where the
            // service requires one on the wire.
            let token = op.idempotency_token.as_deref() == Some(p.name.as_str());
            let doc = if token { with_token_note(doc) } else { doc };
            params.push(Field {
                wire: p.name.clone(),
                ident,
                doc,
                ty,
                required: p.required && !token,
                style: p.style,
                location: p.location,
                example: p.example.clone(),
                deprecated: p.deprecated,
            });
        }
        params
    }

    /// The answer of `op`: its fields (an object), or the type of a ROA operation's
    /// non-object answer, with the output type's docs.
    fn output(&mut self, op: &spec::Operation, names: &OperationNames) -> OutputParts {
        let declared_doc = op.output.as_ref().and_then(|o| o.description.as_deref());
        match op.output.as_ref().and_then(|o| self.resolve(o)) {
            None => (None, None, None),
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
                let doc = description.as_deref().or(declared_doc);
                let fields = self.fields(&names.output, properties, required, false);
                (Some(fields), prose(doc), None)
            }
            Some(other) if op.is_roa() => {
                // ROA operations may answer a list or a bare value: the output wraps it.
                let doc = other.description.as_deref().or(declared_doc);
                let value = self.ty(other, &format!("{}Answer", names.base), doc, false);
                (None, prose(doc), value)
            }
            Some(other) => {
                self.diags.push(
                    Diagnostic::new(
                        &other.pointer,
                        "the 200 response body must be an object with `properties`",
                    )
                    .with_hint("RPC actions answer a JSON object with at least `RequestId`"),
                );
                (None, None, None)
            }
        }
    }
}

/// The names one operation claims.
struct OperationNames {
    /// The action as a type name, the stem of its inline types (`StopLivePullToPush`).
    base: String,
    fn_name: String,
    input: String,
    output: String,
    error: String,
    paginator: Option<Paginator>,
}

/// Output fields, output docs, and the wrapped type of a non-object (ROA) answer.
type OutputParts = (Option<Vec<Field>>, Option<String>, Option<super::Ty>);

/// One variant per documented error code, distinct from each other and from the two
/// variants every error enum has.
fn error_variants(op: &spec::Operation) -> Vec<ErrorVariant> {
    let what = format!("errors of `{}`", op.action);
    let mut scope = Scope::new(&what);
    scope.reserve("Common", "the shared-errors variant");
    scope.reserve("Unhandled", "the catch-all variant");
    op.errors
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
        .collect()
}

/// A token parameter's documentation, with what the runtime does about it.
fn with_token_note(doc: Option<String>) -> Option<String> {
    let note = "Idempotency token: left unset, the client fills one generated value per \
                call, the same on every attempt.";
    Some(match doc {
        Some(doc) => format!("{doc}\n\n{note}"),
        None => note.to_owned(),
    })
}

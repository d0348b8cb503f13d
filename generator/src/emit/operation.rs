//! `src/operations/<action>.rs`: one operation's metadata, input, output and error.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, docs, ident, inner_doc, int, is_eq, ty};
use super::types::{builder, defaultable, serde_field};
use crate::model::{Field, Operation, Ty};
use crate::spec::Style;

pub fn operation_rs(op: &Operation) -> TokenStream {
    let metadata = metadata(op);
    let input = input(op);
    let output = output(op);
    let error = error(op);
    let title = inner_doc(&format!(
        "`{}`: {}",
        op.action,
        op.summary.as_deref().unwrap_or("").trim()
    ));
    quote! {
        #title
        use livegen_runtime::{CommonError, InvalidInput, OperationError, Params, ServiceError, ToParams};

        #metadata
        #input
        #output
        #error
    }
}

fn metadata(op: &Operation) -> TokenStream {
    let action = &op.action;
    let path = &op.path;
    let methods = op.methods.iter().map(|m| {
        let m = ident(if m == "POST" { "Post" } else { "Get" });
        quote!(livegen_runtime::HttpMethod::#m)
    });
    let qps = match &op.qps {
        Some(q) => {
            let limit = int(q.limit);
            let per = int(q.per_seconds);
            let scope = ident(if q.scope == "api" { "Api" } else { "Account" });
            quote!(Some(livegen_runtime::QpsLimit {
                limit: #limit,
                per: std::time::Duration::from_secs(#per),
                scope: livegen_runtime::QpsScope::#scope,
            }))
        }
        None => quote!(None),
    };
    let params = op.params.iter().map(|f| {
        let name = &f.wire;
        let required = f.required;
        let allowed = match &f.ty {
            Ty::Enum(e) => {
                let e = ident(e);
                quote!(crate::types::#e::VALUES)
            }
            _ => quote!(&[]),
        };
        let style = ident(match f.style {
            Style::Simple => "Simple",
            Style::RepeatList => "RepeatList",
            Style::Json => "Json",
        });
        quote!(livegen_runtime::ParamInfo {
            name: #name,
            required: #required,
            allowed: #allowed,
            style: livegen_runtime::ParamStyle::#style,
        })
    });
    let errors = op.errors.iter().map(|e| {
        let code = &e.code;
        let status = int(e.http_status);
        let message = &e.message;
        let description = e.description.as_deref().unwrap_or("");
        quote!(livegen_runtime::ErrorInfo {
            code: #code,
            http_status: #status,
            message: #message,
            description: #description,
        })
    });
    let ram = &op.ram;
    let (ram_action, level) = (&ram.action, &ram.access_level);
    let resources = &ram.resources;
    let conditions = &ram.condition_keys;
    let dependents = &ram.dependent_actions;
    let mut facts = vec![format!(
        "Action `{action}`, sent to `{path}` with {}.",
        op.methods.join(" or ")
    )];
    if let Some(q) = &op.qps {
        let per = if q.per_seconds == 60 {
            "minute"
        } else {
            "second"
        };
        let whom = if q.scope == "api" {
            "for all callers together"
        } else {
            "per account"
        };
        let excess = if q.on_exceed == "drop" {
            "excess calls are dropped"
        } else {
            "excess calls are throttled"
        };
        facts.push(format!(
            "The service allows {} calls per {per} {whom}; {excess}. The runtime spaces calls to stay within it.",
            q.limit
        ));
    }
    facts.push(format!(
        "RAM: action `{ram_action}`, access level `{level}`, resources `{}`.",
        resources.join("`, `")
    ));
    let d = doc(&facts.join("\n\n"));
    quote! {
        #d
        pub const OPERATION: livegen_runtime::Operation = livegen_runtime::Operation {
            service: &crate::service::SERVICE,
            action: #action,
            path: #path,
            methods: &[#(#methods),*],
            qps: #qps,
            ram: livegen_runtime::RamAuthorization {
                action: #ram_action,
                access_level: #level,
                resources: &[#(#resources),*],
                condition_keys: &[#(#conditions),*],
                dependent_actions: &[#(#dependents),*],
            },
            params: &[#(#params),*],
            errors: &[#(#errors),*],
        };
    }
}

/// Documentation of an input field: the spec's text plus wire name and example.
fn param_doc(f: &Field) -> TokenStream {
    let mut facts = format!("Wire name: `{}`", f.wire);
    if let Some(e) = &f.example {
        facts.push_str(&format!("; example: `{e}`"));
    }
    if let Ty::I32(min, max) | Ty::I64(min, max) = &f.ty {
        match (min, max) {
            (Some(lo), Some(hi)) => facts.push_str(&format!("; from {lo} to {hi}")),
            (Some(lo), None) => facts.push_str(&format!("; at least {lo}")),
            (None, Some(hi)) => facts.push_str(&format!("; at most {hi}")),
            (None, None) => {}
        }
    }
    match f.style {
        Style::RepeatList => facts.push_str(&format!("; sent as `{0}.1`, `{0}.2`, …", f.wire)),
        Style::Json => facts.push_str("; sent as one JSON string"),
        Style::Simple => {}
    }
    facts.push('.');
    docs([f.doc.as_deref(), Some(&facts)])
}

fn input(op: &Operation) -> TokenStream {
    let name = ident(&op.input);
    let type_doc = doc(&format!(
        "Input of [`{0}`](crate::Client::{1}).\n\nRequired parameters are arguments of [`{0}Input::new`](Self::new); a struct literal must name every field, so none can be forgotten.",
        op.action, op.fn_name
    ));
    let eq = op.params.iter().all(|f| is_eq(&f.ty)).then(|| quote!(Eq,));
    let fields = op.params.iter().map(|f| {
        let n = ident(&f.ident);
        let t = ty(&f.ty, f.required);
        let d = param_doc(f);
        quote!(#d pub #n: #t,)
    });
    let builder = builder(
        &op.params,
        "Creates the input from its required parameters.",
    );
    let puts = op.params.iter().map(put);
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, #eq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #builder
        }

        impl ToParams for #name {
            fn to_params(&self, params: &mut Params) -> Result<(), InvalidInput> {
                #(#puts)*
                Ok(())
            }
        }
    }
}

/// How one field is written to the query.
fn put(f: &Field) -> TokenStream {
    let wire = &f.wire;
    let n = ident(&f.ident);
    let value = quote!(value);
    let write = match (&f.style, &f.ty) {
        (Style::Json, _) => quote!(params.put_json(#wire, #value)?;),
        (Style::RepeatList, _) => quote!(params.put_list(#wire, #value);),
        (_, Ty::I32(min, max) | Ty::I64(min, max)) if min.is_some() || max.is_some() => {
            let bound = |b: &Option<i64>| match b {
                Some(v) => {
                    let v = int(*v);
                    quote!(Some(#v))
                }
                None => quote!(None),
            };
            let (lo, hi) = (bound(min), bound(max));
            let wide = if matches!(f.ty, Ty::I32(..)) {
                quote!(i64::from(*#value))
            } else {
                quote!(*#value)
            };
            quote!(params.put_int(#wire, #wide, #lo, #hi)?;)
        }
        _ => quote!(params.put(#wire, #value);),
    };
    if f.required {
        quote! {
            let value = &self.#n;
            #write
        }
    } else {
        quote! {
            if let Some(value) = &self.#n {
                #write
            }
        }
    }
}

fn output(op: &Operation) -> TokenStream {
    let name = ident(&op.output);
    let d = docs([
        op.output_doc.as_deref(),
        Some(&format!(
            "Fields the service adds later are ignored; missing optional fields are `None`. Answer of [`{}`](crate::Client::{}).",
            op.action, op.fn_name
        )),
    ]);
    let fields = op.output_fields.iter().map(serde_field);
    let default = defaultable(&op.output_fields).then(|| quote!(Default,));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn error(op: &Operation) -> TokenStream {
    let name = ident(&op.error);
    let type_doc = doc(&format!(
        "Errors of [`{0}`](crate::Client::{1}): one variant per documented code, shared errors, and the rest.\n\nEvery variant carries the service's answer: request id, HTTP status, code and message. Codes are matched exactly; each code's documented HTTP status and message are in [`OPERATION`]'s `errors` table.",
        op.action, op.fn_name
    ));
    let variants = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        let d = docs([
            Some(
                format!(
                    "`{}` (HTTP {}): {}",
                    e.code,
                    e.http_status,
                    e.description.as_deref().unwrap_or("no description")
                )
                .as_str(),
            ),
            Some(format!("Message template: `{}`", e.message).as_str()),
        ]);
        quote!(#d #v(ServiceError),)
    });
    let codes: Vec<&str> = op.errors.iter().map(|e| e.code.as_str()).collect();
    let idents: Vec<_> = op.errors.iter().map(|e| ident(&e.variant)).collect();
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An error every Alibaba Cloud API may answer: throttling, signature, credentials, …
            Common(CommonError),
            /// A code this operation does not document.
            Unhandled(ServiceError),
        }

        impl OperationError for #name {
            fn from_service_error(error: ServiceError) -> Self {
                match error.code.as_str() {
                    #(#codes => Self::#idents(error),)*
                    _ => match CommonError::classify(error) {
                        Ok(common) => Self::Common(common),
                        Err(error) => Self::Unhandled(error),
                    },
                }
            }

            fn service_error(&self) -> &ServiceError {
                match self {
                    #(Self::#idents(error))|* | Self::Unhandled(error) => error,
                    Self::Common(common) => &common.error,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.service_error().fmt(f)
            }
        }

        impl std::error::Error for #name {}
    }
}

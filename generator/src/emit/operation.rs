//! `src/operations/<action>.rs`: one operation as a table (`OPERATION`) plus the types only
//! the compiler can give (input, output, error enum) and its client method.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, docs, help_line, ident, inner_doc, int, is_eq, shape, ty};
use super::types::{MAX_NEW_ARGS, constructor, serde_field, type_def};
use crate::escape::{code_span, code_span_text};
use crate::model::{Field, Operation, TypeDef};
use crate::protocol::{self, V1Value};
use crate::spec::{Location, PageStyle, Style};

mod paginator;

use paginator::paginator_method;

pub fn operation_rs(op: &Operation, shared: &[TypeDef]) -> TokenStream {
    let home = Some(op.fn_name.as_str());
    let metadata = metadata(op, home);
    let input = input(op, home);
    let output = output(op, home);
    let error = error(op);
    let method = client_method(op, shared);
    let types = op.types.iter().map(|t| type_def(t, home));
    let title = inner_doc(&format!(
        "`{}`: {}",
        op.action,
        op.summary.as_deref().unwrap_or("not documented").trim()
    ));
    quote! {
        #title
        use livegen_runtime as rt;

        #metadata
        #method
        #input
        #output
        #error
        #(#types)*
    }
}

fn metadata(op: &Operation, home: Option<&str>) -> TokenStream {
    let action = &op.action;
    let path = &op.path;
    let summary = help_line(op.summary.as_deref());
    let methods = op.methods.iter().map(|m| {
        let m = ident(match m.as_str() {
            "POST" => "Post",
            "PUT" => "Put",
            "DELETE" => "Delete",
            "PATCH" => "Patch",
            _ => "Get",
        });
        quote!(rt::HttpMethod::#m)
    });
    let qps = match &op.qps {
        Some(q) => {
            let limit = int(q.limit);
            let per = int(q.per_seconds);
            let scope = ident(if q.scope == "api" { "Api" } else { "Account" });
            quote!(Some(rt::QpsLimit {
                limit: #limit,
                per: std::time::Duration::from_secs(#per),
                scope: rt::QpsScope::#scope,
            }))
        }
        None => quote!(None),
    };
    let params = op.params.iter().map(|f| {
        let name = &f.wire;
        let sh = shape(&f.ty, home);
        let ctor = match f.location {
            Location::Query => quote!(query),
            Location::Body => quote!(body),
            Location::Path => quote!(path),
            Location::Header => quote!(header),
            Location::JsonBody => quote!(json_body),
        };
        // `path(…)` is required by construction; `json_body(…)` is JSON by construction.
        let required = (f.required && f.location != Location::Path).then(|| quote!(.required()));
        let style = match f.style {
            _ if f.location == Location::JsonBody => None,
            Style::Simple => None,
            Style::RepeatList => Some(quote!(.style(rt::ParamStyle::RepeatList))),
            Style::Flat => Some(quote!(.style(rt::ParamStyle::Flat))),
            Style::Json => Some(quote!(.style(rt::ParamStyle::Json))),
        };
        let help = help_line(f.doc.as_deref());
        let help = (!help.is_empty()).then(|| quote!(.doc(#help)));
        quote!(rt::ParamInfo::#ctor(#name, #sh) #required #style #help)
    });
    let errors = ident(&op.error);
    let ram = &op.ram;
    let some = |v: &Option<String>| match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let (ram_action, level) = (some(&ram.action), some(&ram.access_level));
    let resources = &ram.resources;
    let conditions = &ram.condition_keys;
    let dependents = &ram.dependent_actions;
    let deprecated = op.deprecated;
    let pagination = pagination_entry(op);
    let token = some(&op.idempotency_token);
    // The facts in words live on the client method only; the table points there.
    let d = doc(&format!(
        "The table the runtime and CLI read for [`{}`](crate::Client::{}).",
        op.action, op.fn_name
    ));
    quote! {
        #d
        pub const OPERATION: rt::Operation = rt::Operation {
            service: &crate::service::SERVICE,
            action: #action,
            summary: #summary,
            path: #path,
            methods: &[#(#methods),*],
            qps: #qps,
            ram: rt::RamAuthorization {
                action: #ram_action,
                access_level: #level,
                resources: &[#(#resources),*],
                condition_keys: &[#(#conditions),*],
                dependent_actions: &[#(#dependents),*],
            },
            params: &[#(#params),*],
            errors: #errors::ERRORS,
            pagination: #pagination,
            deprecated: #deprecated,
            idempotency_token: #token,
        };
    }
}

/// What the table says, in words, for the docs of the client method.
fn facts(op: &Operation) -> Vec<String> {
    let mut facts = vec![format!(
        "Action `{}`, sent to `{}` with {}.",
        op.action,
        op.path,
        op.methods.first().map_or("GET", String::as_str)
    )];
    match &op.qps {
        Some(q) => {
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
                "Rate limit: {} calls per {per} {whom}; {excess}. The runtime spaces calls to stay within it.",
                q.limit
            ));
        }
        None => facts.push("Rate limit: not documented.".to_owned()),
    }
    let ram = &op.ram;
    let action = ram
        .action
        .as_ref()
        .map_or("not documented".to_owned(), |a| format!("`{a}`"));
    let level = ram
        .access_level
        .as_ref()
        .map_or("not documented".to_owned(), |a| format!("`{a}`"));
    let mut line = format!("RAM: action {action}, access level {level}");
    if !ram.resources.is_empty() {
        line.push_str(&format!(", resources `{}`", ram.resources.join("`, `")));
    }
    line.push('.');
    facts.push(line);
    if let Some(token) = &op.idempotency_token {
        facts.push(format!(
            "Idempotency token {}: left unset, the client fills one generated value per call, \
             the same on every attempt, so a lost answer is resent safely.",
            code_span(token)
        ));
    }
    if op.deprecated {
        facts.push("Deprecated by the service.".to_owned());
    }
    facts
}

fn client_method(op: &Operation, shared: &[TypeDef]) -> TokenStream {
    let m = ident(&op.fn_name);
    let (i, o, e) = (ident(&op.input), ident(&op.output), ident(&op.error));
    let facts = facts(op).join("\n\n");
    let d = docs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(facts.as_str()),
    ]);
    // The compiler then tells callers, which a doc line alone does not.
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated by the service")]));
    let paginator = paginator_method(op, shared);
    quote! {
        impl crate::Client {
            #d
            #deprecated
            pub async fn #m(&self, input: #i) -> Result<#o, rt::SdkError<#e>> {
                self.runtime().call(&OPERATION, &input).await
            }
            #paginator
        }
    }
}

/// `OPERATION.pagination`: the spec's `x-acs-pagination`, names as string literals.
fn pagination_entry(op: &Operation) -> TokenStream {
    let Some(paginator) = &op.paginator else {
        return quote!(None);
    };
    let pg = &paginator.pagination;
    let opt = |v: &Option<String>| match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let style = match &pg.style {
        PageStyle::PageNumber { page, total } => {
            let total = opt(total);
            quote!(rt::PageStyle::PageNumber { page_param: #page, total: #total })
        }
        PageStyle::NextToken { token, next_token } => {
            quote!(rt::PageStyle::NextToken { token_param: #token, next_token: #next_token })
        }
    };
    let (size, items) = (opt(&pg.size), opt(&pg.items));
    quote!(Some(rt::Pagination { style: #style, size_param: #size, items: #items }))
}

fn input(op: &Operation, home: Option<&str>) -> TokenStream {
    let name = ident(&op.input);
    let rpc = op.path == "/"
        && op
            .params
            .iter()
            .all(|f| matches!(f.location, Location::Query | Location::Body));
    let fields = op.params.iter().map(|f| input_field(f, rpc, home));
    let required: Vec<&Field> = op.params.iter().filter(|f| f.required).collect();
    let eq = op.params.iter().all(|f| is_eq(&f.ty)).then(|| quote!(Eq,));
    let default = required.is_empty().then(|| quote!(Default,));
    let link = format!("Input of [`{}`](crate::Client::{}).", op.action, op.fn_name);
    let (how, constructor, required_struct) = if required.len() <= MAX_NEW_ARGS {
        (
            if required.is_empty() {
                "Nothing is required: start from `new()`."
            } else {
                "Required parameters are the arguments of `new`, so none can be forgotten."
            },
            constructor(
                &op.params,
                home,
                "Creates the input from its required parameters; the optional ones start as `None`.",
            ),
            None,
        )
    } else {
        let req_name = ident(&format!("{}Required", op.input.trim_end_matches("Input")));
        let req_fields = required.iter().map(|f| {
            let n = ident(&f.ident);
            let t = ty(&f.ty, true, home);
            let fallback = format!("Wire name: `{}`.", f.wire);
            let d = docs([f.doc.as_deref().or(Some(&fallback))]);
            quote!(#d pub #n: #t,)
        });
        let inits = op.params.iter().map(|f| {
            let n = ident(&f.ident);
            if f.required {
                quote!(#n: required.#n)
            } else {
                quote!(#n: None)
            }
        });
        let req_doc = doc(&format!(
            "The required parameters of [`{}`], named so a call reads like a form.",
            op.input
        ));
        (
            "Required parameters come as one struct literal, so none can be forgotten.",
            quote! {
                /// Creates the input from its required parameters; the optional ones start as `None`.
                pub fn new(required: #req_name) -> Self {
                    Self { #(#inits),* }
                }
            },
            Some(quote! {
                #req_doc
                #[derive(Debug, Clone, PartialEq)]
                pub struct #req_name {
                    #(#req_fields)*
                }
            }),
        )
    };
    let d = doc(&format!(
        "{link}\n\n{how} Optional parameters are public fields: `input.field = Some(value);`."
    ));
    let deserialize = super::types::deserialize_inputs();
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #eq #default serde::Serialize)]
        #deserialize
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #constructor
        }

        #required_struct
    }
}

fn input_field(f: &Field, rpc: bool, home: Option<&str>) -> TokenStream {
    let mut notes = vec![format!("Wire name: `{}`", f.wire)];
    match f.location {
        Location::Query if rpc => notes.extend(v1_protocol_note(&f.wire)),
        Location::Query => {}
        Location::Body => notes.push("sent in the form body".to_owned()),
        Location::Path => notes.push("fills its segment of the path".to_owned()),
        Location::Header => notes.push("sent as a header".to_owned()),
        Location::JsonBody => notes.push("the whole request body, as JSON".to_owned()),
    }
    if let Some(e) = &f.example {
        notes.push(format!("example: `{}`", code_span_text(e)));
    }
    let notes = notes.join("; ") + ".";
    let deprecated = f.deprecated.then_some("Deprecated by the service.");
    let d = docs([f.doc.as_deref(), deprecated, Some(&notes)]);
    let name = ident(&f.ident);
    let wire = &f.wire;
    let t = ty(&f.ty, f.required, home);
    quote! {
        #d
        #[serde(rename = #wire)]
        pub #name: #t,
    }
}

/// For a query parameter named like a V1 protocol parameter, what V1 signing does with
/// it (the rule of [`crate::protocol`], which the runtime's signer applies).
fn v1_protocol_note(wire: &str) -> Option<String> {
    let p = protocol::protocol_param(wire)?;
    Some(match p.v1 {
        V1Value::Operation => format!(
            "with `SignatureVersion::V1` this value replaces the protocol's own `{wire}`, as in the official SDK"
        ),
        V1Value::Signer => format!(
            "with `SignatureVersion::V1` the signer's own `{wire}` is sent instead, as in the official SDK"
        ),
    })
}

fn output(op: &Operation, home: Option<&str>) -> TokenStream {
    let name = ident(&op.output);
    let serialize = super::types::serialize_outputs();
    let link = format!(
        "Answer of [`{}`](crate::Client::{}).",
        op.action, op.fn_name
    );
    if let Some(value) = &op.output_value {
        let d = docs([op.output_doc.as_deref(), Some(&link)]);
        let t = ty(value, true, home);
        return quote! {
            #d
            #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
            #serialize
            #[serde(transparent)]
            #[non_exhaustive]
            pub struct #name(
                /// The answer.
                pub #t,
            );
        };
    }
    let Some(fields) = &op.output_fields else {
        let d = doc(&format!(
            "{link}\n\nThe spec does not document this answer, so it is kept as JSON: every top-level field by name."
        ));
        return quote! {
            #d
            #[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
            #serialize
            #[non_exhaustive]
            pub struct #name {
                /// The answer's fields, `RequestId` included.
                #[serde(flatten)]
                pub fields: serde_json::Map<String, serde_json::Value>,
            }
        };
    };
    let d = docs([
        op.output_doc.as_deref(),
        Some(&format!(
            "{link} Fields the service adds later are ignored; missing fields are `None`."
        )),
    ]);
    let eq = fields.iter().all(|f| is_eq(&f.ty)).then(|| quote!(Eq,));
    let default = super::types::defaultable(fields).then(|| quote!(Default,));
    let fields = fields.iter().map(|f| serde_field(f, home));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #eq #default serde::Deserialize)]
        #serialize
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn error(op: &Operation) -> TokenStream {
    let name = ident(&op.error);
    let d = doc(&format!(
        "Errors of [`{}`](crate::Client::{}): one variant per documented code, shared errors (`Common`) and the rest (`Unhandled`).\n\nEvery variant carries the service's answer: request id, HTTP status, code and message.",
        op.action, op.fn_name
    ));
    // One entry per code: the runtime's macro derives the variant, its docs' code and
    // status line, and the `ERRORS` table that `OPERATION.errors` points to.
    let variants = op.errors.iter().map(|e| {
        let v = ident(&e.variant);
        let code = &e.code;
        let status = int(e.http_status);
        let message = &e.message;
        let d = docs([e.description.as_deref()]);
        quote!(#d #v = (#status, #code, #message),)
    });
    quote! {
        #[livegen_macro(operation_error)]
        #d
        pub enum #name {
            #(#variants)*
        }
    }
}

//! Small token builders shared by the Rust emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Ty, TypeRef};

/// An identifier from a name `naming` already produced.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "…"]` lines for `text`, one attribute per line so they print as `///`.
pub fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| {
        let line = if l.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", l.trim_end())
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "…"]` lines: documentation of the enclosing module or crate.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| {
        let line = if l.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", l.trim_end())
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Paragraphs joined by blank doc lines; empty paragraphs are skipped.
pub fn docs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let text: Vec<&str> = paragraphs
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    doc(&text.join("\n\n"))
}

/// The Rust type of a field as written in module `home` (`None`: the `types` module or
/// the crate root); optional fields are wrapped in `Option`.
pub fn ty(ty: &Ty, required: bool, home: Option<&str>) -> TokenStream {
    let inner = bare(ty, home);
    if required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

/// The path of a generated type as seen from module `home`.
pub fn type_path(r: &TypeRef, home: Option<&str>) -> TokenStream {
    let name = ident(&r.name);
    match r.module.as_deref() {
        Some(m) if Some(m) == home => quote!(#name),
        Some(m) => {
            let m = ident(m);
            quote!(crate::operations::#m::#name)
        }
        None => quote!(crate::types::#name),
    }
}

fn bare(ty: &Ty, home: Option<&str>) -> TokenStream {
    match ty {
        Ty::String(..) => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32(..) => quote!(i32),
        Ty::I64(..) => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Enum(r) | Ty::IntEnum(r) | Ty::Struct(r) => type_path(r, home),
        Ty::List(item, ..) => {
            let item = bare(item, home);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            let value = bare(value, home);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        Ty::Json => quote!(serde_json::Value),
    }
}

/// The runtime's `Shape` of values of `ty` (`rt` is `livegen_runtime`).
pub fn shape(ty: &Ty, home: Option<&str>) -> TokenStream {
    let opt = |v: Option<u64>| match v {
        Some(n) => {
            let n = int(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let opt_i = |v: Option<i64>| match v {
        Some(n) => {
            let n = int(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    match ty {
        Ty::String(None, None) => quote!(rt::Shape::STRING),
        Ty::String(min, max) => {
            let (min, max) = (opt(*min), opt(*max));
            quote!(rt::Shape::String { values: &[], min_length: #min, max_length: #max })
        }
        Ty::I32(None, None) | Ty::I64(None, None) => quote!(rt::Shape::INTEGER),
        Ty::I32(min, max) | Ty::I64(min, max) => {
            let (min, max) = (opt_i(*min), opt_i(*max));
            quote!(rt::Shape::int_range(#min, #max))
        }
        Ty::F64 => quote!(rt::Shape::Number),
        Ty::Bool => quote!(rt::Shape::Boolean),
        Ty::Json => quote!(rt::Shape::Any),
        Ty::Enum(r) => {
            let path = type_path(r, home);
            quote!(rt::Shape::enumeration(#path::VALUES))
        }
        Ty::IntEnum(r) => {
            let path = type_path(r, home);
            quote!(rt::Shape::Integer { values: #path::VALUES, minimum: None, maximum: None })
        }
        Ty::Struct(r) => {
            let path = type_path(r, home);
            quote!(#path::SHAPE)
        }
        Ty::List(item, min, max) => {
            let item = shape(item, home);
            let (min, max) = (opt(*min), opt(*max));
            quote!(rt::Shape::List(&rt::ListShape { item: #item, min_items: #min, max_items: #max }))
        }
        Ty::Map(value) => {
            let value = shape(value, home);
            quote!(rt::Shape::Map(&#value))
        }
    }
}

/// Whether values of `ty` can derive `Eq` (floats and JSON cannot).
pub fn is_eq(ty: &Ty) -> bool {
    match ty {
        Ty::F64 | Ty::Json | Ty::Struct(_) => false,
        Ty::List(item, ..) | Ty::Map(item) => is_eq(item),
        _ => true,
    }
}

/// An integer literal without a type suffix (`10`, not `10u32`).
pub fn int(value: impl Into<i128>) -> proc_macro2::Literal {
    proc_macro2::Literal::i128_unsuffixed(value.into())
}

/// One line of plain text for command-line help: the first line of `text`, without
/// control characters or Markdown escapes, at most 160 characters.
pub fn help_line(text: Option<&str>) -> String {
    let first = text
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let clean: String = first
        .chars()
        .filter(|c| !c.is_control())
        .filter(|c| *c != '\\')
        .collect();
    let clean = clean
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    match clean.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &clean[..at]),
        None => clean,
    }
}

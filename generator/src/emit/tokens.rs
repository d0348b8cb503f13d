//! Small token builders shared by the Rust emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::Ty;

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

/// The Rust type of a field; optional fields are wrapped in `Option`.
pub fn ty(ty: &Ty, required: bool) -> TokenStream {
    let inner = bare(ty);
    if required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

fn bare(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32(..) => quote!(i32),
        Ty::I64(..) => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Enum(name) | Ty::Struct(name) => {
            let name = ident(name);
            quote!(crate::types::#name)
        }
        Ty::List(item) => {
            let item = bare(item);
            quote!(Vec<#item>)
        }
        Ty::Json => quote!(serde_json::Value),
    }
}

/// Whether values of `ty` can derive `Eq` (floats and JSON cannot).
pub fn is_eq(ty: &Ty) -> bool {
    match ty {
        Ty::F64 | Ty::Json | Ty::Struct(_) => false,
        Ty::List(item) => is_eq(item),
        _ => true,
    }
}

/// An integer literal without a type suffix (`10`, not `10u32`).
pub fn int(value: impl Into<i128>) -> proc_macro2::Literal {
    proc_macro2::Literal::i128_unsuffixed(value.into())
}

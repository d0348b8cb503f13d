//! An operation's paginator method: the lazy page and item streams over its
//! `x-acs-pagination`, with the item type the spec's items path leads to.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::tokens::{docs, ident, ty};
use crate::escape::code_span;
use crate::model::{Field, Operation, Ty, TypeDef};
use crate::spec::PageStyle;

/// The paginator method, for an operation whose spec says how it pages.
pub(super) fn paginator_method(op: &Operation, shared: &[TypeDef]) -> Option<TokenStream> {
    let paginator = op.paginator.as_ref()?;
    let m = ident(&paginator.method);
    let call = &op.fn_name;
    let (i, o, e) = (ident(&op.input), ident(&op.output), ident(&op.error));
    let pg = &paginator.pagination;
    let how = match &pg.style {
        PageStyle::PageNumber { page, total } => format!(
            "Pages by page number ({}){}.",
            code_span(page),
            total
                .as_ref()
                .map(|t| format!(", up to the answer's {}", code_span(t)))
                .unwrap_or_default()
        ),
        PageStyle::NextToken { token, next_token } => format!(
            "Pages by token: the answer's {} becomes the next request's {}.",
            code_span(next_token),
            code_span(token)
        ),
    };
    let items = match &pg.items {
        Some(items) => format!("Items: the answer's {}.", code_span(items)),
        None => "Items: the answer's only list (the spec does not name it).".to_owned(),
    };
    let intro = format!(
        "Every page of [`{call}`](Self::{call}) as a lazy stream: `.pages()` or `.items()`; \
         each page is one call, rate-limited and retried like any other. A page number \
         or token set in `input` is where paging starts."
    );
    let detail = format!("{how} {items}");
    let d = docs([Some(intro.as_str()), Some(detail.as_str())]);
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated by the service")]));
    let home = Some(op.fn_name.as_str());
    Some(match item_type(op, shared, home) {
        Some(t) => quote! {
            #d
            #deprecated
            pub fn #m(&self, input: #i) -> rt::Paginator<#o, #e, #t> {
                self.runtime().paginator(&OPERATION, &input).with_items()
            }
        },
        None => quote! {
            #d
            #deprecated
            pub fn #m(&self, input: #i) -> rt::Paginator<#o, #e> {
                self.runtime().paginator(&OPERATION, &input)
            }
        },
    })
}

/// The Rust type of one item: the spec's items path (`Domains.PageData`) followed through
/// the output's fields and structs to a list. `None` (items stay JSON) when there is no
/// path or it does not end in a list.
fn item_type(op: &Operation, shared: &[TypeDef], home: Option<&str>) -> Option<TokenStream> {
    let path = op.paginator.as_ref()?.pagination.items.as_deref()?;
    let mut fields: &[Field] = op.output_fields.as_deref()?;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let field = fields.iter().find(|f| f.wire == segment)?;
        if segments.peek().is_none() {
            return match &field.ty {
                Ty::List(item, ..) => Some(ty(item, true, home)),
                _ => None,
            };
        }
        let Ty::Struct(r) = &field.ty else {
            return None;
        };
        let defs = if r.module.is_some() {
            &op.types[..]
        } else {
            shared
        };
        fields = defs.iter().find_map(|t| match t {
            TypeDef::Struct(s) if s.name == r.name => Some(&s.fields[..]),
            _ => None,
        })?;
    }
    None
}

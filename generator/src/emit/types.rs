//! `src/types.rs`: enums and structs shared by operations.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, docs, ident, ty};
use crate::model::{Api, EnumDef, Field, StructDef, Ty, TypeDef};

pub fn types_rs(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|t| match t {
        TypeDef::Enum(e) => enum_def(e),
        TypeDef::Struct(s) => struct_def(s),
    });
    quote! {
        //! Enumerations and structures the operations share.
        #(#items)*
    }
}

fn enum_def(e: &EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let type_doc = docs([
        e.doc.as_deref(),
        Some(
            "Values the service may add later parse as [`Self::Unknown`], so a new value never breaks a client.",
        ),
    ]);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let text = match &v.doc {
            Some(d) => format!("`{}`: {d}", v.wire),
            None => format!("`{}`.", v.wire),
        };
        let d = doc(&text);
        quote!(#d #variant,)
    });
    let wires: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
    let idents: Vec<_> = e.values.iter().map(|v| ident(&v.variant)).collect();
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; holds the wire string.
            Unknown(String),
        }

        impl #name {
            /// Every value the spec lists, in spec order.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether the value is one the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

fn struct_def(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let fallback = format!("The `{}` object.", s.name);
    let d = docs([s.doc.as_deref().or(Some(&fallback))]);
    let fields = s.fields.iter().map(serde_field);
    let default = defaultable(&s.fields).then(|| quote!(Default,));
    // `#[non_exhaustive]` forbids struct literals outside this crate, so a value sent as a
    // JSON parameter could not be built at all without a constructor.
    let builder = builder(&s.fields, "Creates the value from its required fields.");
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #builder
        }
    }
}

/// `new(required…)` plus a `with_<field>` setter per optional field.
pub fn builder(fields: &[Field], new_doc: &str) -> TokenStream {
    let args = fields.iter().filter(|f| f.required).map(|f| {
        let n = ident(&f.ident);
        let t = arg_ty(&f.ty);
        quote!(#n: #t)
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.ident);
        if !f.required {
            quote!(#n: None)
        } else if converts(&f.ty) {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    });
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let n = ident(&f.ident);
        let setter = ident(&format!("with_{}", f.ident.trim_end_matches('_')));
        let t = arg_ty(&f.ty);
        let value = if converts(&f.ty) {
            quote!(value.into())
        } else {
            quote!(value)
        };
        let d = doc(&format!("Sets `{}`.", f.wire));
        quote! {
            #d
            pub fn #setter(mut self, value: #t) -> Self {
                self.#n = Some(#value);
                self
            }
        }
    });
    let new_doc = doc(new_doc);
    quote! {
        #new_doc
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
        #(#setters)*
    }
}

/// Strings and enums are taken as `impl Into<…>` so `"cn-shanghai"` works where a `Region` is due.
fn converts(t: &Ty) -> bool {
    matches!(t, Ty::String | Ty::Enum(_))
}

fn arg_ty(t: &Ty) -> TokenStream {
    let bare = ty(t, true);
    if converts(t) {
        quote!(impl Into<#bare>)
    } else {
        bare
    }
}

/// Whether `#[derive(Default)]` works: generated enums and structs may lack `Default`.
pub fn defaultable(fields: &[Field]) -> bool {
    fields
        .iter()
        .all(|f| !f.required || !matches!(f.ty, Ty::Enum(_) | Ty::Struct(_)))
}

/// A field of a JSON-mapped struct (outputs and nested objects).
pub fn serde_field(f: &Field) -> TokenStream {
    let name = ident(&f.ident);
    let wire = &f.wire;
    let t = ty(&f.ty, f.required);
    let fallback = format!("Wire name: `{wire}`.");
    let d = docs([f.doc.as_deref().or(Some(&fallback))]);
    let skip =
        (!f.required).then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
    quote! {
        #d
        #[serde(rename = #wire)]
        #skip
        pub #name: #t,
    }
}

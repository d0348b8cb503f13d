//! Enums and structs: `src/types.rs` for the spec's shared schemas, and the inline types
//! each operation file carries.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, docs, ident, int, is_eq, shape, ty};
use crate::model::{Api, EnumDef, Field, StructDef, Ty, TypeDef};

pub fn types_rs(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|t| type_def(t, None));
    let uses = uses_rt(&api.types).then(|| {
        quote!(
            use livegen_runtime as rt;
        )
    });
    quote! {
        //! Enumerations and structures the operations share.
        #uses
        #(#items)*
    }
}

/// Whether the types need the runtime's shape vocabulary.
pub fn uses_rt(types: &[TypeDef]) -> bool {
    types
        .iter()
        .any(|t| matches!(t, TypeDef::Struct(s) if s.in_input))
}

/// One type, as written in module `home`.
pub fn type_def(t: &TypeDef, home: Option<&str>) -> TokenStream {
    match t {
        TypeDef::Enum(e) => enum_def(e),
        TypeDef::Struct(s) => struct_def(s, home),
    }
}

fn enum_def(e: &EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let type_doc = docs([
        e.doc.as_deref(),
        Some(
            "Values the service may add later parse as `Unknown`, so a new value never breaks a client.",
        ),
    ]);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        // The docs open with the exact spelling, so `Critical` and `Critical2` read apart.
        let text = match &v.doc {
            Some(d) => format!("`{}`: {d}", v.wire),
            None => format!("`{}`.", v.wire),
        };
        let d = doc(&text);
        if e.integer {
            let value = v.wire.parse::<i64>().ok().map(int);
            quote!(#d #variant = #value,)
        } else {
            let wire = &v.wire;
            quote!(#d #variant = #wire,)
        }
    });
    let kind = if e.integer {
        quote!(int_enum)
    } else {
        quote!(string_enum)
    };
    quote! {
        #[livegen_macro(#kind)]
        #type_doc
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Most required fields `new` takes as arguments; past this, `new` takes a struct of them.
pub const MAX_NEW_ARGS: usize = 4;

fn struct_def(s: &StructDef, home: Option<&str>) -> TokenStream {
    let name = ident(&s.name);
    let fallback = format!("The `{}` object.", s.name);
    let d = docs([s.doc.as_deref().or(Some(&fallback))]);
    let fields = s.fields.iter().map(|f| serde_field(f, home));
    let default = defaultable(&s.fields).then(|| quote!(Default,));
    let eq = s.fields.iter().all(|f| is_eq(&f.ty)).then(|| quote!(Eq,));
    let deserialize_inputs = (s.in_input && !s.in_output).then(deserialize_inputs);
    let serialize_outputs = (s.in_output && !s.in_input).then(serialize_outputs);
    let required = s.fields.iter().filter(|f| f.required).count();
    // `#[non_exhaustive]` forbids struct literals outside this crate, so it goes only where
    // `new` can build the value.
    // Answers are only ever deserialized, so only input types get a constructor.
    let (non_exhaustive, constructor) = if !s.in_input {
        (Some(quote!(#[non_exhaustive])), None)
    } else if required <= MAX_NEW_ARGS {
        (
            Some(quote!(#[non_exhaustive])),
            Some(constructor(
                &s.fields,
                home,
                "Creates the value from its required fields; the others start as `None`.",
            )),
        )
    } else {
        (None, None)
    };
    let shape = s.in_input.then(|| {
        let infos = s.fields.iter().map(|f| {
            let wire = &f.wire;
            let sh = shape(&f.ty, home);
            let req = f.required.then(|| quote!(.required()));
            quote!(rt::FieldInfo::new(#wire, #sh) #req)
        });
        quote! {
            /// How the runtime checks and encodes this object.
            pub const SHAPE: rt::Shape = rt::Shape::Object(&[#(#infos),*]);
        }
    });
    let imp = (constructor.is_some() || shape.is_some()).then(|| {
        quote! {
            impl #name {
                #shape
                #constructor
            }
        }
    });
    let serde = serde_derives(s.in_input, s.in_output);
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, #eq #default #serde)]
        #deserialize_inputs
        #serialize_outputs
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }

        #imp
    }
}

/// The serde derives a type needs: `Serialize` to be sent, `Deserialize` to be read. At
/// hundreds of operations each unneeded derive costs seconds of compile time, so inputs
/// deserialize only with the crate feature `deserialize-inputs` (see [`deserialize_inputs`]).
pub fn serde_derives(input: bool, output: bool) -> TokenStream {
    match (input, output) {
        (true, true) => quote!(serde::Serialize, serde::Deserialize),
        (true, false) => quote!(serde::Serialize),
        (false, _) => quote!(serde::Deserialize),
    }
}

/// `Deserialize` for a type only inputs use, behind the crate feature `deserialize-inputs`
/// (to load requests from JSON or YAML).
pub fn deserialize_inputs() -> TokenStream {
    quote!(#[cfg_attr(feature = "deserialize-inputs", derive(serde::Deserialize))])
}

/// `Serialize` for a type only answers use, behind the crate feature `test-doubles`, so a
/// test can hand a typed answer to the mock service (`livegen_runtime::mock`).
pub fn serialize_outputs() -> TokenStream {
    quote!(#[cfg_attr(feature = "test-doubles", derive(serde::Serialize))])
}

/// `new(required…)`; `Self::default()` when nothing is required.
pub fn constructor(fields: &[Field], home: Option<&str>, new_doc: &str) -> TokenStream {
    let new_doc = doc(new_doc);
    if fields.iter().all(|f| !f.required) {
        return quote! {
            #new_doc
            pub fn new() -> Self {
                Self::default()
            }
        };
    }
    let args = fields.iter().filter(|f| f.required).map(|f| {
        let n = ident(&f.ident);
        let t = arg_ty(&f.ty, home);
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
    quote! {
        #new_doc
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
    }
}

/// Strings and enums are taken as `impl Into<…>` so `"cn-shanghai"` works where a `Region` is due.
fn converts(t: &Ty) -> bool {
    matches!(t, Ty::String(..) | Ty::Enum(_))
}

fn arg_ty(t: &Ty, home: Option<&str>) -> TokenStream {
    let bare = ty(t, true, home);
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
        .all(|f| !f.required || !matches!(f.ty, Ty::Enum(_) | Ty::IntEnum(_) | Ty::Struct(_)))
}

/// A field of a JSON-mapped struct. A missing optional field deserializes as `None`, and
/// `None` serializes as `null`, which the runtime's encoder treats as absent.
pub fn serde_field(f: &Field, home: Option<&str>) -> TokenStream {
    let name = ident(&f.ident);
    let wire = &f.wire;
    let t = ty(&f.ty, f.required, home);
    let fallback = format!("Wire name: `{wire}`.");
    let deprecated = f.deprecated.then_some("Deprecated by the service.");
    let d = docs([f.doc.as_deref().or(Some(&fallback)), deprecated]);
    quote! {
        #d
        #[serde(rename = #wire)]
        pub #name: #t,
    }
}

//! `src/cli.rs` and `src/bin/<package>.rs`: an aliyun-CLI-style command line.
//!
//! Only the per-operation table is generated; argument handling shared by all operations
//! (credentials, endpoint, signing version, dry run, printing, exit codes) is in
//! `livegen_runtime::cli`.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, ty};
use crate::model::{Api, Field, Operation, Ty};
use crate::spec::Style;

pub fn cli_rs(api: &Api) -> TokenStream {
    let about = format!(
        "Calls the {} API ({}) from the command line.",
        api.title, api.version
    );
    let about_doc = doc(&about);
    let bin = &api.package;
    let variants = api.operations.iter().map(variant);
    let arms = api.operations.iter().map(arm);
    quote! {
        //! The command line, in the style of the aliyun CLI: `<bin> <Action> --Param value …`.

        use std::io::Write;
        use std::process::ExitCode;

        use clap::Parser;
        use livegen_runtime::cli::GlobalArgs;

        #about_doc
        #[derive(Debug, Parser)]
        #[command(name = #bin, version, about = #about)]
        pub struct Cli {
            /// Options every operation takes.
            #[command(flatten)]
            pub global: GlobalArgs,
            /// The action to call.
            #[command(subcommand)]
            pub command: Command,
        }

        /// One subcommand per action, named as on the wire.
        #[derive(Debug, clap::Subcommand)]
        pub enum Command {
            #(#variants)*
        }

        /// Parses the process arguments, runs, and returns the exit code.
        pub fn main() -> ExitCode {
            let cli = Cli::parse();
            livegen_runtime::cli::block_on(run(cli, &mut std::io::stdout(), &mut std::io::stderr()))
        }

        /// Runs one parsed command line, printing the answer to `out` and problems to `err`.
        pub async fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
            let client = match cli.global.config() {
                Ok(config) => crate::Client::new(config),
                Err(problem) => return problem.report(err),
            };
            let global = &cli.global;
            match cli.command {
                #(#arms)*
            }
        }
    }
}

fn field_names(op: &Operation) -> Vec<proc_macro2::Ident> {
    op.params.iter().map(|f| ident(&f.ident)).collect()
}

fn variant(op: &Operation) -> TokenStream {
    let name = ident(&op.action);
    let action = &op.action;
    let about = doc(op.summary.as_deref().unwrap_or(&op.action));
    let args = op.params.iter().map(|f| {
        let n = ident(&f.ident);
        let wire = &f.wire;
        let help = f
            .doc
            .as_deref()
            .and_then(|d| d.lines().next())
            .unwrap_or(&f.wire)
            .to_owned();
        let (t, parser) = arg_type(f);
        let t = if f.required || matches!(f.ty, Ty::List(_)) {
            t
        } else {
            quote!(Option<#t>)
        };
        quote! {
            #[doc = #help]
            #[arg(long = #wire, #parser)]
            #n: #t,
        }
    });
    quote! {
        #about
        #[command(name = #action)]
        #name {
            #(#args)*
        },
    }
}

/// The clap-side type of an argument and its value parser.
fn arg_type(f: &Field) -> (TokenStream, TokenStream) {
    let item = match &f.ty {
        Ty::List(item) => item.as_ref(),
        other => other,
    };
    let (t, parser) = match item {
        Ty::Enum(name) => {
            let e = ident(name);
            (
                quote!(String),
                quote!(value_parser = clap::builder::PossibleValuesParser::new(crate::types::#e::VALUES)),
            )
        }
        Ty::Json | Ty::Struct(_) => (
            quote!(String),
            quote!(value_parser = livegen_runtime::cli::json_arg),
        ),
        Ty::Bool => (quote!(bool), quote!(action = clap::ArgAction::Set)),
        other => (ty(other, true), quote!()),
    };
    if matches!(f.ty, Ty::List(_)) && f.style == Style::RepeatList {
        (
            quote!(Vec<#t>),
            quote!(#parser, num_args = 1.., action = clap::ArgAction::Append),
        )
    } else if matches!(f.ty, Ty::List(_)) {
        // A JSON-encoded list: one argument holding the JSON text.
        (
            quote!(String),
            quote!(value_parser = livegen_runtime::cli::json_arg),
        )
    } else {
        (t, parser)
    }
}

/// Converts one argument into the input field's type.
fn convert(f: &Field, value: TokenStream) -> TokenStream {
    match (&f.ty, f.style) {
        (Ty::Enum(name), _) => {
            let e = ident(name);
            quote!(crate::types::#e::from(#value.as_str()))
        }
        (Ty::List(item), Style::RepeatList) => match item.as_ref() {
            Ty::Enum(name) => {
                let e = ident(name);
                quote!(#value.iter().map(|v| crate::types::#e::from(v.as_str())).collect())
            }
            _ => value,
        },
        (Ty::Json | Ty::Struct(_) | Ty::List(_), Style::Json) => {
            quote!(livegen_runtime::cli::from_json(&#value)?)
        }
        _ => value,
    }
}

fn arm(op: &Operation) -> TokenStream {
    let name = ident(&op.action);
    let module = ident(&op.fn_name);
    let (input, output, error) = (ident(&op.input), ident(&op.output), ident(&op.error));
    let fields = field_names(op);
    let required = op.params.iter().filter(|f| f.required).map(|f| {
        let n = ident(&f.ident);
        convert(f, quote!(#n))
    });
    let optional = op.params.iter().filter(|f| !f.required).map(|f| {
        let n = ident(&f.ident);
        if matches!(f.ty, Ty::List(_)) && f.style == Style::RepeatList {
            let v = convert(f, quote!(#n));
            quote!(if !#n.is_empty() { input.#n = Some(#v); })
        } else {
            let v = convert(f, quote!(value));
            quote!(if let Some(value) = #n { input.#n = Some(#v); })
        }
    });
    let has_optional = op.params.iter().any(|f| !f.required);
    let binding = if has_optional {
        quote!(let mut input)
    } else {
        quote!(let input)
    };
    quote! {
        Command::#name { #(#fields),* } => {
            let build = || -> Result<crate::#input, livegen_runtime::cli::ArgError> {
                #binding = crate::#input::new(#(#required),*);
                #(#optional)*
                Ok(input)
            };
            let input = match build() {
                Ok(input) => input,
                Err(problem) => return problem.report(err),
            };
            livegen_runtime::cli::execute::<_, crate::#output, crate::#error>(
                client.runtime(),
                &crate::operations::#module::OPERATION,
                &input,
                global,
                out,
                err,
            )
            .await
        }
    }
}

pub fn bin_rs(api: &Api) -> TokenStream {
    let krate = ident(&api.crate_name);
    let d = format!(
        "The `{}` command line; see [`{}::cli`].",
        api.package, api.crate_name
    );
    quote! {
        #![doc = #d]

        fn main() -> std::process::ExitCode {
            #krate::cli::main()
        }
    }
}

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
        let (t, mut settings) = arg_type(f);
        let t = if f.required || repeated(f) {
            t
        } else {
            quote!(Option<#t>)
        };
        settings.insert(0, quote!(long = #wire));
        if f.required && repeated(f) {
            // clap treats a `Vec` as optional; a required list must still be given once.
            settings.insert(1, quote!(required = true));
        }
        let help = doc(&help);
        quote! {
            #help
            #[arg(#(#settings),*)]
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

/// A list sent as `Name.1`, `Name.2`, …: on the command line, a repeatable flag.
fn repeated(f: &Field) -> bool {
    matches!(f.ty, Ty::List(_)) && f.style == Style::RepeatList
}

/// The clap-side type of an argument and its `#[arg]` settings beyond `long`.
fn arg_type(f: &Field) -> (TokenStream, Vec<TokenStream>) {
    let item = match &f.ty {
        Ty::List(item) => item.as_ref(),
        other => other,
    };
    let (t, mut settings) = match item {
        Ty::Enum(name) => {
            let e = ident(name);
            (
                quote!(String),
                vec![
                    quote!(value_parser = clap::builder::PossibleValuesParser::new(crate::types::#e::VALUES)),
                ],
            )
        }
        Ty::Json | Ty::Struct(_) => (
            quote!(String),
            vec![quote!(value_parser = livegen_runtime::cli::json_arg)],
        ),
        // `Set` makes a flag take `true`/`false`, as the service does; a repeated flag appends.
        Ty::Bool if !repeated(f) => (quote!(bool), vec![quote!(action = clap::ArgAction::Set)]),
        other => (ty(other, true), Vec::new()),
    };
    if repeated(f) {
        settings.push(quote!(num_args = 1..));
        settings.push(quote!(action = clap::ArgAction::Append));
        (quote!(Vec<#t>), settings)
    } else if matches!(f.ty, Ty::List(_)) {
        // A JSON-encoded list: one argument holding the JSON text.
        (
            quote!(String),
            vec![quote!(value_parser = livegen_runtime::cli::json_arg)],
        )
    } else {
        (t, settings)
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
        // The only conversion that can fail; it reports and ends the command right here.
        (Ty::Json | Ty::Struct(_) | Ty::List(_), Style::Json) => {
            quote!(match livegen_runtime::cli::from_json(&#value) {
                Ok(value) => value,
                Err(problem) => return problem.report(err),
            })
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
        if repeated(f) {
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
            #binding = crate::#input::new(#(#required),*);
            #(#optional)*
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

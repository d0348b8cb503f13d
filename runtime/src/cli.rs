//! The command line of a generated crate, built at run time from its operation tables
//! (feature `cli`).
//!
//! A generated CLI is one line, `livegen_runtime::cli::main(&aliyun_live::CLI)`: [`run`]
//! builds a clap [`Command`](clap::Command) with one subcommand per [`Operation`] (named as
//! the action) and one `--{WireName}` flag per parameter, turns the flags into a JSON
//! input keyed by wire names, and hands it to [`Client::call_value`]. Nothing is compiled per operation.
//!
//! Flags by shape: strings as given (an enumeration's known values are listed in the help,
//! others still accepted, as the service may add values); integers parsed and bounds
//! checked; numbers; booleans `true`/`false`; lists of scalars by repeating the flag
//! (`--Domain a --Domain b`); objects, maps, lists of objects and free-form values as one
//! JSON text, or `@path` for a file holding it (a ROA operation's JSON body). A value that
//! does not parse is a usage error naming the flag.
//!
//! `--all-pages` fetches every page of a paginated operation and prints one answer with
//! every item.
//!
//! The global options (`--endpoint`, `--dry-run`, …) may come before or after the
//! subcommand, except for an operation with a parameter of the same name: then they are
//! accepted before the subcommand only. Server text is sanitised before it is printed.
//!
//! Exit codes: `0` success, `1` the service answered with an error, `2` bad arguments,
//! `3` no usable answer (transport failure, timeout, unreadable body), `4` configuration or
//! credentials problem.

mod flags;
mod output;

use std::ffi::OsString;
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use self::flags::{GlobalArgs, Parsed, input_from, parse};
use self::output::{Problem, report};
use crate::Client;
use crate::error::sanitize_text;
use crate::operation::{Operation, Service};
use crate::params;

/// Exit code when the service answered with an error.
pub const EXIT_SERVICE_ERROR: u8 = 1;
/// Exit code for unusable arguments (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when no usable answer arrived.
pub const EXIT_NO_ANSWER: u8 = 3;
/// Exit code for configuration and credential problems.
pub const EXIT_CONFIG: u8 = 4;

/// A generated crate's command line: its name, its service and its operations.
#[derive(Debug, Clone, Copy)]
pub struct CliSpec {
    /// The binary's name, e.g. `aliyun-live`.
    pub name: &'static str,
    /// One line about the tool, for `--help`.
    pub about: &'static str,
    /// The service every operation belongs to.
    pub service: &'static Service,
    /// The operations, one subcommand each, in this order.
    pub operations: &'static [&'static Operation],
}

/// Flag names the command line takes itself (its global options and clap's `help`,
/// `version`); a parameter with one of these wire names still works, see the module docs,
/// but generators should avoid them.
pub const RESERVED_FLAG_NAMES: &[&str] = &[
    "endpoint",
    "region-id",
    "signature-version",
    "dry-run",
    "all-pages",
    "max-attempts",
    "timeout",
    "no-rate-limit",
    "help",
    "version",
];

/// Runs the command line on the process arguments and standard streams.
pub fn main(spec: &CliSpec) -> ExitCode {
    block_on(run(
        spec,
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    ))
}

/// Runs the command line on `args` (the program name first), printing answers to `out`
/// and errors to `err`; returns the exit code.
pub async fn run(
    spec: &CliSpec,
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let (op, matches) = match parse(spec, &args) {
        Ok(Parsed::Run(op, matches)) => (op, matches),
        Ok(Parsed::Shown(text)) => {
            let _ = write!(out, "{text}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => return problem.report(err),
    };
    let global = match GlobalArgs::from_arg_matches(&matches) {
        Ok(global) => global,
        Err(e) => return Problem::usage(e.to_string()).report(err),
    };
    let sub = matches.subcommand().map_or(&matches, |(_, sub)| sub);
    let input = match input_from(op, sub) {
        Ok(input) => input,
        Err(problem) => return problem.report(err),
    };
    // Checked here so that a bad value is a usage error, not a configuration one.
    if let Err(e) = params::encode(op, &input) {
        return Problem::usage(e.to_string()).report(err);
    }
    let config = match global.config() {
        Ok(config) => config,
        Err(problem) => return problem.report(err),
    };
    let client = Client::new(config);
    if global.dry_run {
        return match client.prepare_async(op, &input).await {
            Ok(request) => {
                let _ = writeln!(
                    out,
                    "{}",
                    sanitize_text(&request.to_string()).replace("\\u{a}", "\n")
                );
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(e.to_string()).report(err),
        };
    }
    if global.all_pages {
        if op.pagination.is_none() {
            return Problem::usage(format!(
                "--all-pages: `{}` is not paginated (its spec has no x-acs-pagination)",
                op.action
            ))
            .report(err);
        }
        let merged = client
            .paginator::<_, serde_json::Value, crate::error::ServiceError>(op, &input)
            .merged()
            .await;
        return report(merged, out, err);
    }
    report(client.call_value(op, &input).await, out, err)
}

/// Runs a CLI's async main on a fresh runtime.
pub fn block_on(future: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(e) => Problem::config(format!("cannot start the async runtime: {e}"))
            .report(&mut std::io::stderr()),
    }
}

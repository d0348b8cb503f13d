//! The command line of a generated crate, built at run time from its operation tables
//! (feature `cli`).
//!
//! A generated CLI is one line, `livegen_runtime::cli::main(&aliyun_live::CLI)`: [`run`]
//! builds a clap [`Command`] with one subcommand per [`Operation`] (named as the action) and
//! one `--{WireName}` flag per parameter, turns the flags into a JSON input keyed by wire
//! names, and hands it to [`Client::call_value`]. Nothing is compiled per operation.
//!
//! Flags by shape: strings as given (an enumeration's known values are listed in the help,
//! others still accepted, as the service may add values); integers parsed and bounds
//! checked; numbers; booleans `true`/`false`; lists of scalars by repeating the flag
//! (`--Domain a --Domain b`); objects, maps, lists of objects and free-form values as one
//! JSON text. A value that does not parse is a usage error naming the flag.
//!
//! The global options (`--endpoint`, `--dry-run`, …) may come before or after the
//! subcommand, except for an operation with a parameter of the same name: then they are
//! accepted before the subcommand only. Server text is sanitised before it is printed.
//!
//! Exit codes: `0` success, `1` the service answered with an error, `2` bad arguments,
//! `3` no usable answer (transport failure, timeout, unreadable body), `4` configuration or
//! credentials problem.

use std::ffi::OsString;
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::Client;
use crate::config::{Config, RateLimit};
use crate::error::{OperationError, SdkError, ServiceError, sanitize_text};
use crate::operation::{Operation, ParamInfo, Service, Shape};
use crate::params;
use crate::retry::RetryConfig;
use crate::signing::SignatureVersion;

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
    report(client.call_value(op, &input).await, out, err)
}

enum Parsed {
    /// Help or version text to print.
    Shown(String),
    /// The operation to call and the matches (globals at the top, parameters below).
    Run(&'static Operation, ArgMatches),
}

fn parse(spec: &CliSpec, args: &[OsString]) -> Result<Parsed, Problem> {
    // Only operations named on the command line get their flags built: top-level help
    // needs just names and summaries, and 400 operations' flags are most of the cost.
    let named: Vec<&'static Operation> = spec
        .operations
        .iter()
        .copied()
        .filter(|op| {
            args.iter()
                .skip(1)
                .any(|arg| arg.to_str() == Some(op.action))
        })
        .collect();
    for op in &named {
        if let Some(param) = op
            .params
            .iter()
            .find(|p| p.name == "help" || p.name == "version")
        {
            return Err(Problem::config(format!(
                "`{}` has a parameter named `{}`, which the command line cannot offer",
                op.action, param.name
            )));
        }
    }
    let collides = named.iter().any(|op| {
        op.params
            .iter()
            .any(|p| RESERVED_FLAG_NAMES.contains(&p.name))
    });
    let mut command = Command::new(spec.name)
        .about(spec.about)
        .color(clap::ColorChoice::Never)
        .subcommand_required(true)
        .arg_required_else_help(true);
    command = GlobalArgs::augment_args(command);
    if collides {
        for name in GLOBAL_IDS {
            command = command.mut_arg(*name, |arg| arg.global(false));
        }
    }
    for op in spec.operations {
        let mut sub = Command::new(op.action).about(summary(op));
        if named.iter().any(|candidate| std::ptr::eq(*candidate, *op)) {
            sub = sub.args(op.params.iter().map(flag));
        }
        command = command.subcommand(sub);
    }
    let matches = match command.try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            let text = e.render().to_string();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                    if e.exit_code() == 0 =>
                {
                    Ok(Parsed::Shown(text))
                }
                _ => Err(Problem {
                    message: text.trim_end().trim_start_matches("error: ").to_owned(),
                    exit: u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE),
                }),
            };
        }
    };
    let Some((action, _)) = matches.subcommand() else {
        return Err(Problem::usage("no operation given"));
    };
    let op = spec
        .operations
        .iter()
        .copied()
        .find(|op| op.action == action)
        .ok_or_else(|| Problem::usage(format!("unknown operation `{action}`")))?;
    Ok(Parsed::Run(op, matches))
}

/// Ids of [`GlobalArgs`]' options as clap derives them (the field names).
const GLOBAL_IDS: &[&str] = &[
    "endpoint",
    "region_id",
    "signature_version",
    "dry_run",
    "max_attempts",
    "timeout_secs",
    "no_rate_limit",
];

fn summary(op: &Operation) -> String {
    match (op.deprecated, op.summary.is_empty()) {
        (true, true) => "[deprecated]".to_owned(),
        (true, false) => format!("[deprecated] {}", op.summary),
        (false, _) => op.summary.to_owned(),
    }
}

/// How a parameter's values are given on the command line.
#[derive(Clone, Copy)]
enum Syntax {
    /// One scalar.
    Scalar(Shape),
    /// A repeatable flag, one scalar each.
    Repeated(Shape),
    /// One JSON text.
    Json,
}

fn syntax(shape: &Shape) -> Syntax {
    match shape {
        Shape::List(list) if is_scalar(&list.item) => Syntax::Repeated(list.item),
        shape if is_scalar(shape) => Syntax::Scalar(*shape),
        _ => Syntax::Json,
    }
}

fn is_scalar(shape: &Shape) -> bool {
    matches!(
        shape,
        Shape::String { .. } | Shape::Integer { .. } | Shape::Number | Shape::Boolean
    )
}

/// The id of a parameter's flag; distinct from the global options' ids.
fn param_id(param: &ParamInfo) -> String {
    format!("param:{}", param.name)
}

fn flag(param: &ParamInfo) -> Arg {
    let syntax = syntax(&param.shape);
    let (value_name, shape) = match syntax {
        Syntax::Scalar(shape) | Syntax::Repeated(shape) => (value_name(&shape), Some(shape)),
        Syntax::Json => ("JSON", None),
    };
    let mut help = param.doc.to_owned();
    let mut add = |text: String| {
        if !help.is_empty() {
            help.push(' ');
        }
        help.push_str(&text);
    };
    if param.required {
        add("[required]".to_owned());
    }
    match shape {
        Some(Shape::String { values, .. }) if !values.is_empty() => {
            add(format!("[known values: {}]", values.join(", ")));
        }
        Some(Shape::Integer { values, .. }) if !values.is_empty() => {
            let values: Vec<String> = values.iter().map(i64::to_string).collect();
            add(format!("[known values: {}]", values.join(", ")));
        }
        _ => {}
    }
    if let Syntax::Repeated(_) = syntax {
        add("[repeat for each item]".to_owned());
    }
    let arg = Arg::new(param_id(param))
        .long(param.name)
        .value_name(value_name)
        .help(help)
        .required(param.required);
    let parser = move |text: &str| parse_value(syntax, text);
    let arg = arg.value_parser(parser);
    match syntax {
        Syntax::Repeated(_) => arg.action(ArgAction::Append),
        Syntax::Scalar(_) | Syntax::Json => arg.action(ArgAction::Set),
    }
}

fn value_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Integer { .. } => "INT",
        Shape::Number => "NUMBER",
        Shape::Boolean => "true|false",
        _ => "TEXT",
    }
}

fn parse_value(syntax: Syntax, text: &str) -> Result<Value, String> {
    match syntax {
        Syntax::Scalar(shape) | Syntax::Repeated(shape) => parse_scalar(&shape, text),
        Syntax::Json => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}")),
    }
}

fn parse_scalar(shape: &Shape, text: &str) -> Result<Value, String> {
    match shape {
        Shape::Integer {
            minimum, maximum, ..
        } => {
            let value: i64 = text
                .trim()
                .parse()
                .map_err(|_| "not an integer".to_owned())?;
            if let Some(min) = minimum.filter(|min| value < *min) {
                return Err(format!("{value} is below the minimum {min}"));
            }
            if let Some(max) = maximum.filter(|max| value > *max) {
                return Err(format!("{value} is above the maximum {max}"));
            }
            Ok(Value::from(value))
        }
        Shape::Number => {
            let value: f64 = text.trim().parse().map_err(|_| "not a number".to_owned())?;
            serde_json::Number::from_f64(value)
                .map(Value::Number)
                .ok_or_else(|| "not a finite number".to_owned())
        }
        Shape::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("expected `true` or `false`".to_owned()),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// The input object, keyed by wire names, from an operation's matches.
fn input_from(op: &Operation, matches: &ArgMatches) -> Result<Value, Problem> {
    let mut input = Map::new();
    for param in op.params {
        let id = param_id(param);
        let value = match syntax(&param.shape) {
            Syntax::Repeated(_) => matches
                .get_many::<Value>(&id)
                .map(|values| Value::Array(values.cloned().collect())),
            Syntax::Scalar(_) | Syntax::Json => matches.get_one::<Value>(&id).cloned(),
        };
        if let Some(value) = value {
            input.insert(param.name.to_owned(), value);
        }
    }
    Ok(Value::Object(input))
}

/// Prints an answer: JSON on `out`, or the error on `err`.
fn report<E: OperationError>(
    result: Result<Value, SdkError<E>>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    match result {
        Ok(output) => match serde_json::to_string_pretty(&output) {
            Ok(json) => {
                // serde_json escapes control characters inside strings, so this is safe.
                let _ = writeln!(out, "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(format!("cannot print the answer: {e}")).report(err),
        },
        Err(SdkError::Service(e)) => {
            print_service_error(e.service_error(), err);
            ExitCode::from(EXIT_SERVICE_ERROR)
        }
        Err(SdkError::Construction(message)) => Problem::config(message).report(err),
        Err(other) => {
            let _ = writeln!(err, "error: {}", sanitize_text(&other.to_string()));
            ExitCode::from(EXIT_NO_ANSWER)
        }
    }
}

fn print_service_error(error: &ServiceError, err: &mut dyn Write) {
    let _ = writeln!(
        err,
        "error: {}: {}",
        sanitize_text(&error.code),
        sanitize_text(&error.message)
    );
    let _ = writeln!(err, "  HTTP status: {}", error.status);
    if let Some(id) = &error.request_id {
        let _ = writeln!(err, "  request id: {}", sanitize_text(id));
    }
    if let Some(link) = &error.recommend {
        let _ = writeln!(err, "  diagnosis: {}", sanitize_text(link));
    }
}

/// Signature algorithm, as chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SignatureArg {
    /// ACS3-HMAC-SHA256 (current official SDKs).
    V3,
    /// HMAC-SHA1 RPC signature (older SDKs).
    V1,
}

/// Options every operation takes. Credentials come from the environment
/// (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`,
/// `ALIBABA_CLOUD_SECURITY_TOKEN`) or the aliyun CLI profile (`~/.aliyun/config.json`,
/// `ALIBABA_CLOUD_PROFILE`), never from arguments, so they stay out of shell history.
///
/// These are lower-case client settings (`--region-id`), listed under their own heading;
/// an operation's parameters are spelled as on the wire (`--Region`, `--TaskId`) and are
/// what is sent.
#[derive(Debug, Clone, clap::Args)]
#[command(
    next_help_heading = "Client options (not sent; the operation's parameters above are spelled as on the wire)"
)]
pub struct GlobalArgs {
    /// Send to this URL instead of the service's endpoint, scheme included
    /// (`http://127.0.0.1:8080` for a local fake).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Region id that picks the endpoint host; defaults to the ALIBABA_CLOUD_REGION_ID
    /// environment variable
    ///
    /// Not sent to the service: an operation's `--Region` parameter is. Without either, the
    /// service's default endpoint is used. A region id missing from the service's endpoint
    /// table goes to the pattern's host (`live.<ID>.aliyuncs.com`), as in the official
    /// SDKs; if that connection fails the error names the host. Use --endpoint to choose
    /// the host yourself.
    #[arg(long = "region-id", global = true, value_name = "ID")]
    pub region_id: Option<String>,
    /// Signature algorithm.
    #[arg(
        long = "signature-version",
        global = true,
        value_enum,
        default_value = "v3"
    )]
    pub signature_version: SignatureArg,
    /// Print the signed request instead of sending it.
    #[arg(long = "dry-run", global = true)]
    pub dry_run: bool,
    /// Attempts per call, the first included (1 disables retries).
    #[arg(long = "max-attempts", global = true, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: u32,
    /// Per-attempt timeout in seconds.
    #[arg(long = "timeout", global = true, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout_secs: u64,
    /// Do not space calls by the operation's published QPS limit.
    #[arg(long = "no-rate-limit", global = true)]
    pub no_rate_limit: bool,
}

impl GlobalArgs {
    /// The client configuration these options describe, on top of the environment.
    pub fn config(&self) -> Result<Config, Problem> {
        let base = Config::from_env().map_err(|e| Problem::config(e.to_string()))?;
        let mut builder = base
            .to_builder()
            .signature_version(match self.signature_version {
                SignatureArg::V3 => SignatureVersion::V3,
                SignatureArg::V1 => SignatureVersion::V1,
            })
            .retry(RetryConfig {
                max_attempts: self.max_attempts,
                ..RetryConfig::default()
            })
            .attempt_timeout(Duration::from_secs(self.timeout_secs));
        if let Some(url) = &self.endpoint {
            builder = builder.endpoint_url(url.clone());
        }
        if let Some(region) = &self.region_id {
            builder = builder.region_id(region.clone());
        }
        if self.no_rate_limit {
            builder = builder.rate_limit(RateLimit::Disabled);
        }
        builder.build().map_err(|e| Problem::config(e.to_string()))
    }
}

/// A problem found before anything was sent, with its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    message: String,
    exit: u8,
}

impl Problem {
    /// A bad argument.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_USAGE,
        }
    }

    /// A configuration or credentials problem.
    pub fn config(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_CONFIG,
        }
    }

    /// Prints the problem to `err` and returns its exit code.
    pub fn report(&self, err: &mut dyn Write) -> ExitCode {
        let _ = writeln!(
            err,
            "error: {}",
            sanitize_text(&self.message).replace("\\u{a}", "\n")
        );
        ExitCode::from(self.exit)
    }
}

/// clap value parser for JSON-encoded arguments: checks the text parses, keeps it as is.
pub fn json_arg(text: &str) -> Result<String, String> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|_| text.to_owned())
        .map_err(|e| format!("not valid JSON: {e}"))
}

/// Decodes a JSON argument into the input field's type.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    serde_json::from_str(text)
        .map_err(|e| Problem::usage(format!("JSON argument does not fit: {e}")))
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

/// Calls `op` with a typed input (or, with `--dry-run`, prints the signed request) and
/// reports the outcome: the answer as JSON on `out`, or the error on `err`. For command
/// lines written by hand; generated ones use [`run`].
pub async fn execute<I, O, E>(
    client: &Client,
    op: &'static Operation,
    input: &I,
    global: &GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode
where
    I: Serialize + ?Sized,
    O: DeserializeOwned + Serialize,
    E: OperationError,
{
    if global.dry_run {
        return match client.prepare_async(op, input).await {
            Ok(request) => {
                let _ = writeln!(out, "{request}");
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(e.to_string()).report(err),
        };
    }
    let result = client.call::<I, O, E>(op, input).await.and_then(|output| {
        serde_json::to_value(&output)
            .map_err(|e| SdkError::Construction(format!("cannot print the answer: {e}")))
    });
    report(result, out, err)
}

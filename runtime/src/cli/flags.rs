//! From command-line words to an operation and its JSON input: the clap command built from
//! the operation tables, one flag per parameter, and the client options every operation
//! takes.

use std::ffi::OsString;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Args, Command};
use serde_json::{Map, Value};

use super::output::Problem;
use super::{CliSpec, EXIT_USAGE, RESERVED_FLAG_NAMES};
use crate::config::{Config, RateLimit};
use crate::operation::{Operation, ParamInfo, Shape};
use crate::retry::RetryConfig;
use crate::signing::SignatureVersion;

pub(super) enum Parsed {
    /// Help or version text to print.
    Shown(String),
    /// The operation to call and the matches (globals at the top, parameters below).
    Run(&'static Operation, ArgMatches),
}

pub(super) fn parse(spec: &CliSpec, args: &[OsString]) -> Result<Parsed, Problem> {
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
        .after_help(after_help(spec))
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
    "all_pages",
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
        Syntax::Json => json_value(text),
    }
}

/// A JSON flag's value: the JSON text itself, or `@path` for a file holding it (a ROA
/// operation's body is often too long for a command line).
fn json_value(text: &str) -> Result<Value, String> {
    let from_file;
    let json = match text.strip_prefix('@') {
        Some(path) => {
            from_file = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the JSON file `{path}`: {e}"))?;
            from_file.as_str()
        }
        None => text,
    };
    serde_json::from_str(json).map_err(|e| format!("not valid JSON: {e}"))
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
pub(super) fn input_from(op: &Operation, matches: &ArgMatches) -> Result<Value, Problem> {
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

/// Signature algorithm, as chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum SignatureArg {
    /// ACS3-HMAC-SHA256 (current official SDKs).
    V3,
    /// HMAC-SHA1 RPC signature (older SDKs).
    V1,
}

/// The end of the top-level `--help`: how the two kinds of options differ (with a
/// parameter of the product's own as the example), and where credentials come from.
fn after_help(spec: &CliSpec) -> String {
    let example = spec
        .operations
        .iter()
        .flat_map(|op| op.params)
        .find(|p| !p.name.is_empty())
        .map(|p| format!(" (for example `--{}`)", p.name))
        .unwrap_or_default();
    format!(
        "Operation parameters are spelled as on the wire{example} and are what is sent; \
         client options are lower case and are not sent.\n\n\
         Credentials come from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, \
         ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN) or the rest of the \
         official credentials chain (RRSA/OIDC, the aliyun CLI profile in \
         ~/.aliyun/config.json with ALIBABA_CLOUD_PROFILE, the credentials file, the ECS \
         instance's RAM role), never from arguments, so they stay out of shell history."
    )
}

// Options every operation takes. Plain comments, not rustdoc: clap would make a doc
// comment the whole command's description, which belongs to the product (`CliSpec::about`).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Client options (lower case; not sent to the service)")]
pub(super) struct GlobalArgs {
    /// Send to this URL instead of the service's endpoint, scheme included
    /// (`http://127.0.0.1:8080` for a local fake).
    #[arg(long, global = true, value_name = "URL")]
    pub(super) endpoint: Option<String>,
    /// Region id that picks the endpoint host; defaults to the ALIBABA_CLOUD_REGION_ID
    /// environment variable
    ///
    /// Not sent to the service: an operation's own region parameter is. Without either,
    /// the service's default endpoint is used. A region id missing from the service's
    /// endpoint table goes to the host its endpoint pattern names, as in the official
    /// SDKs; if that connection fails the error names the host. Use --endpoint to choose
    /// the host yourself.
    #[arg(long = "region-id", global = true, value_name = "ID")]
    pub(super) region_id: Option<String>,
    /// Network the endpoint host is chosen for, as the official SDKs' `network` setting:
    /// `vpc` picks `<product>-vpc.<region>.aliyuncs.com` from a VPC without internet
    /// access. --endpoint wins over it.
    #[arg(long, global = true, value_name = "NAME")]
    pub(super) network: Option<String>,
    /// Signature algorithm.
    #[arg(
        long = "signature-version",
        global = true,
        value_enum,
        default_value = "v3"
    )]
    pub(super) signature_version: SignatureArg,
    /// Print the signed request instead of sending it.
    #[arg(long = "dry-run", global = true)]
    pub(super) dry_run: bool,
    /// For a paginated operation: fetch every page and print one answer holding every
    /// item (like aliyun-cli's `--pager`); a page number or token given is where paging
    /// starts.
    #[arg(long = "all-pages", global = true)]
    pub(super) all_pages: bool,
    /// Attempts per call, the first included (1 disables retries).
    #[arg(long = "max-attempts", global = true, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub(super) max_attempts: u32,
    /// Per-attempt timeout in seconds.
    #[arg(long = "timeout", global = true, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(super) timeout_secs: u64,
    /// Do not space calls by the operation's published QPS limit.
    #[arg(long = "no-rate-limit", global = true)]
    pub(super) no_rate_limit: bool,
}

impl GlobalArgs {
    /// The client configuration these options describe, on top of the environment.
    pub(super) fn config(&self) -> Result<Config, Problem> {
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
        if let Some(network) = &self.network {
            builder = builder.network(network.clone());
        }
        if self.no_rate_limit {
            builder = builder.rate_limit(RateLimit::Disabled);
        }
        builder.build().map_err(|e| Problem::config(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_flags_take_text_or_an_at_file() {
        assert_eq!(
            json_value(r#"{"count":3}"#),
            Ok(serde_json::json!({"count": 3}))
        );
        let path =
            std::env::temp_dir().join(format!("livegen-cli-body-{}.json", std::process::id()));
        std::fs::write(&path, r#"[{"name":"a"}]"#).expect("a temp file");
        let value = json_value(&format!("@{}", path.display()));
        let _ = std::fs::remove_file(&path);
        assert_eq!(value, Ok(serde_json::json!([{"name": "a"}])));
        let missing = json_value("@/nonexistent/livegen-body.json").expect_err("no file");
        assert!(
            missing.contains("/nonexistent/livegen-body.json"),
            "{missing}"
        );
        assert!(
            json_value("{")
                .expect_err("bad JSON")
                .contains("not valid JSON")
        );
    }
}

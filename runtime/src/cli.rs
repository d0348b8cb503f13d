//! Command-line plumbing shared by generated CLIs (feature `cli`).
//!
//! A generated CLI only lists its subcommands and turns arguments into inputs; options
//! every operation takes, dry runs, printing and exit codes are here.
//!
//! Exit codes: `0` success, `1` the service answered with an error, `2` bad arguments,
//! `3` no usable answer (transport failure, timeout, unreadable body), `4` configuration or
//! credentials problem.

use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::config::{Config, RateLimit};
use crate::error::{OperationError, SdkError};
use crate::operation::Operation;
use crate::params::ToParams;
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
        let _ = writeln!(err, "error: {}", self.message);
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

/// Calls `op` (or, with `--dry-run`, prints the signed request) and reports the outcome:
/// the answer as JSON on `out`, or the error on `err`.
pub async fn execute<I, O, E>(
    client: &Client,
    op: &'static Operation,
    input: &I,
    global: &GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode
where
    I: ToParams + ?Sized,
    O: DeserializeOwned + Serialize,
    E: OperationError,
{
    if global.dry_run {
        return match client.prepare(op, input) {
            Ok(request) => {
                let _ = writeln!(out, "{request}");
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(e.to_string()).report(err),
        };
    }
    match client.call::<I, O, E>(op, input).await {
        Ok(output) => match serde_json::to_string_pretty(&output) {
            Ok(json) => {
                let _ = writeln!(out, "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(format!("cannot print the answer: {e}")).report(err),
        },
        Err(SdkError::Service(e)) => {
            let error = e.service_error();
            let _ = writeln!(err, "error: {}: {}", error.code, error.message);
            let _ = writeln!(err, "  HTTP status: {}", error.status);
            if let Some(id) = &error.request_id {
                let _ = writeln!(err, "  request id: {id}");
            }
            if let Some(link) = &error.recommend {
                let _ = writeln!(err, "  diagnosis: {link}");
            }
            ExitCode::from(EXIT_SERVICE_ERROR)
        }
        Err(SdkError::Construction(message)) => Problem::config(message).report(err),
        Err(other) => {
            let _ = writeln!(err, "error: {other}");
            ExitCode::from(EXIT_NO_ANSWER)
        }
    }
}

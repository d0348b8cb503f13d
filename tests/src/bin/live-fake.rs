//! `live-fake`: the local fake ApsaraVideo Live service, on loopback.
//!
//! ```sh
//! cargo run -p livegen-tests --bin live-fake -- --task demo-task
//! ```
//!
//! See tests/README.md for the flags, admin endpoints and error codes.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use livegen_tests::fake::{
    DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig, Fault, ThrottleWindow,
};

/// A local fake of the ApsaraVideo Live API (StopLivePullToPush) and of the ACK sample
/// (ROA) on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "live-fake", version)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one (printed on startup).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// An accepted AccessKey as ID:SECRET; repeatable [default: testid:testsecret].
    #[arg(long = "key", value_name = "ID:SECRET", value_parser = parse_key)]
    keys: Vec<(String, String)>,
    /// A running task; repeatable. `fail:<Code>` ids need no registering: they always
    /// answer that error code.
    #[arg(long = "task", value_name = "ID")]
    tasks: Vec<String>,
    /// An ACK cluster (the ROA sample's operations, `generated-ack/`); repeatable.
    /// `fail:<Code>` ids always answer that error code.
    #[arg(long = "cluster", value_name = "ID")]
    clusters: Vec<String>,
    /// A fault for the next COUNT requests (default 1); repeatable, applied in order.
    /// Kinds: http500, http503, throttle, reset, slow, invalid-json, html, empty.
    #[arg(long = "fault", value_name = "KIND[:COUNT]", value_parser = parse_fault)]
    faults: Vec<(Fault, u32)>,
    /// How long `slow` answers wait, in milliseconds.
    #[arg(long = "slow-ms", value_name = "MS", default_value_t = 15_000)]
    slow_ms: u64,
    /// How QPS limits are counted: `sliding` (no closed interval of the limit's length
    /// holds more than the limit), `fixed` or `fixed:<phase ms>` (windows from startup),
    /// or `unlimited` (no throttling).
    #[arg(long, value_name = "MODE", default_value = "sliding")]
    window: ThrottleWindow,
    /// Do not log one line per request to stderr.
    #[arg(long)]
    quiet: bool,
}

fn parse_key(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((id, secret)) if !id.is_empty() && !secret.is_empty() => {
            Ok((id.to_owned(), secret.to_owned()))
        }
        _ => Err("expected ID:SECRET, both non-empty".to_owned()),
    }
}

fn parse_fault(text: &str) -> Result<(Fault, u32), String> {
    let (kind, count) = match text.split_once(':') {
        Some((kind, count)) => (
            kind,
            count
                .parse::<u32>()
                .map_err(|_| format!("`{count}` is not a request count"))?,
        ),
        None => (text, 1),
    };
    Ok((kind.parse()?, count))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let keys = if args.keys.is_empty() {
        vec![(DEFAULT_KEY_ID.to_owned(), DEFAULT_KEY_SECRET.to_owned())]
    } else {
        args.keys
    };
    let slow = Duration::from_millis(args.slow_ms);
    let faults = args
        .faults
        .into_iter()
        .map(|(fault, count)| match fault {
            Fault::Slow(_) => (Fault::Slow(slow), count),
            other => (other, count),
        })
        .collect();
    let config = FakeConfig {
        // None named: `livegen_tests::fake::Fake::start` serves Live and the ACK sample.
        products: Vec::new(),
        port: args.port,
        keys,
        tasks: args.tasks,
        clusters: args.clusters,
        faults,
        log: !args.quiet,
        window: args.window,
        listings: Vec::new(),
    };
    let fake = match Fake::start(config) {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("live-fake: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line to learn the port.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "live-fake listening on {}", fake.url());
    let _ = stdout.flush();
    fake.wait();
    ExitCode::SUCCESS
}

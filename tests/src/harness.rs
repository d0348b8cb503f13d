//! What the end-to-end tests share: clients pointed at a fake, and raw HTTP for the
//! requests a well-behaved client would never send.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use aliyun_live::operations::stop_live_pull_to_push::OPERATION;
use aliyun_live::{
    Client, StopLivePullToPushError, StopLivePullToPushInput, StopLivePullToPushOutput,
};
use livegen_runtime::client::CallOutcome;
use livegen_runtime::config::{ConfigBuilder, LimiterStore, RetryConfig};
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::signing::{self, SignatureVersion, SigningInput, SigningParams};
use livegen_runtime::{Config, Credentials, HttpMethod};

use crate::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig};

/// Starts a fake with the default key and these running tasks.
///
/// # Panics
///
/// When it cannot start (no free loopback port).
pub fn fake_with_tasks(tasks: &[&str]) -> Fake {
    let config = tasks
        .iter()
        .fold(FakeConfig::default(), |config, task| config.task(*task));
    Fake::start(config).expect("the fake starts on loopback")
}

/// The documented code a typed error variant stands for, `Common`/`Unhandled` for the
/// rest: matching on the variants (not on `code()`) is what proves the mapping.
pub fn variant(error: &StopLivePullToPushError) -> &'static str {
    use StopLivePullToPushError as E;
    match error {
        E::InvalidParameter(_) => "InvalidParameter",
        E::LiveServiceNotFound(_) => "LiveServiceNotFound",
        E::CodeInvalidAliUid(_) => "CodeInvalidAliUid",
        E::InvalidParamCodeIllegalDuration(_) => "InvalidParam.CodeIllegalDuration",
        E::CodeTaskNotExist(_) => "CodeTaskNotExist",
        E::CodeTaskHasStopped(_) => "CodeTaskHasStopped",
        E::InternalError(_) => "InternalError",
        E::Common(_) => "Common",
        E::Unhandled(_) => "Unhandled",
        _ => "a variant this harness does not know",
    }
}

/// Retries as the default policy makes them, but with millisecond backoff so tests that
/// retry stay fast.
pub fn quick_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        resend_writes: false,
    }
}

/// A configuration for calling `fake` with its default key, quick retries (3 attempts)
/// and a 5-second attempt timeout; adjust and `build`.
pub fn config(fake: &Fake) -> ConfigBuilder {
    config_with_key(fake, DEFAULT_KEY_ID, DEFAULT_KEY_SECRET)
}

/// Like [`config`], signing with the given key pair.
pub fn config_with_key(fake: &Fake, id: &str, secret: &str) -> ConfigBuilder {
    config_for_url(&fake.url(), id, secret)
}

/// Like [`config`], for a fake at `url` (one running in another process).
///
/// The limiter's schedule is the client's own ([`LimiterStore::Client`]), not the
/// process's: the tests of one binary run at once against fakes of their own, each of
/// which is a separate account budget. Tests of the process-wide and fleet-wide
/// schedules set the store explicitly.
pub fn config_for_url(url: &str, id: &str, secret: &str) -> ConfigBuilder {
    Config::builder()
        .credentials(StaticCredentials::new(Credentials::new(id, secret)))
        .endpoint_url(url)
        .limiter_store(LimiterStore::Client)
        .retry(quick_retries(3))
        .attempt_timeout(Duration::from_secs(5))
}

/// A client for `builder`'s configuration.
///
/// # Panics
///
/// When the configuration is invalid: a test bug.
pub fn client(builder: ConfigBuilder) -> Client {
    Client::new(builder.build().expect("test configuration is valid"))
}

/// A client for `fake` with [`config`]'s settings.
pub fn default_client(fake: &Fake) -> Client {
    client(config(fake))
}

/// Stops `task_id` in `cn-shanghai`, reporting how many attempts it took.
pub async fn stop_counted(
    client: &Client,
    task_id: &str,
) -> CallOutcome<StopLivePullToPushOutput, StopLivePullToPushError> {
    let input = StopLivePullToPushInput::new("cn-shanghai", task_id);
    client
        .runtime()
        .call_with_attempts(&OPERATION, &input)
        .await
}

/// Raises the scheduling priority of this process's threads (nice −10), best effort and
/// silently: threads and processes started afterwards inherit it.
///
/// Tests that measure request spacing at the fake call this first. On a shared 2-core
/// machine under a load of 8 or more, the scheduler can leave a runnable thread waiting
/// 30 ms and longer; that delay then lands between the limiter's grant and the fake's
/// arrival stamp (or inside the fake) and would be counted as limiter error. The
/// threads are idle nearly all the time, so others lose next to no CPU. Without the
/// permission (not root, no `CAP_SYS_NICE`) nothing changes.
pub fn raise_priority() {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    let tids: Vec<String> = tasks
        .filter_map(|task| task.ok())
        .map(|task| task.file_name().to_string_lossy().into_owned())
        .collect();
    let _ = std::process::Command::new("renice")
        .args(["-n", "-10", "-p"])
        .args(&tids)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// A raw HTTP answer.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// When it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Sends one HTTP/1.1 request on a fresh connection and reads the answer to the end.
/// A `host` header is added unless `headers` has one.
///
/// # Errors
///
/// When the connection fails or the answer is not HTTP.
pub fn raw_request(
    addr: SocketAddr,
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<RawResponse> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!("{method} {path_and_query} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        head.push_str(&format!("host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    parse_response(&answer)
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {answer:?}")))
}

fn parse_response(raw: &[u8]) -> Option<RawResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some(RawResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// What to sign in [`signed_request`].
#[derive(Debug, Clone)]
pub struct RawCall<'a> {
    /// The signature algorithm.
    pub version: SignatureVersion,
    /// The action to name.
    pub action: &'a str,
    /// The API version to name.
    pub api_version: &'a str,
    /// The operation's parameters.
    pub params: &'a [(&'a str, &'a str)],
    /// The key pair to sign with.
    pub key: (&'a str, &'a str),
    /// The signing time.
    pub timestamp: SystemTime,
    /// The nonce.
    pub nonce: String,
}

impl Default for RawCall<'_> {
    /// A correctly signed V3 `StopLivePullToPush` with the fake's default key, no
    /// parameters, signed now with a fresh nonce.
    fn default() -> Self {
        RawCall {
            version: SignatureVersion::V3,
            action: OPERATION.action,
            api_version: OPERATION.service.version,
            params: &[],
            key: (DEFAULT_KEY_ID, DEFAULT_KEY_SECRET),
            timestamp: SystemTime::now(),
            nonce: signing::new_nonce(),
        }
    }
}

/// Signs `call` for `addr` with the runtime's signer and sends it as a GET.
///
/// # Errors
///
/// As [`raw_request`].
pub fn signed_request(addr: SocketAddr, call: &RawCall<'_>) -> std::io::Result<RawResponse> {
    let host = addr.to_string();
    let params: Vec<(String, String)> = call
        .params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let credentials = Credentials::new(call.key.0, call.key.1);
    let signed = signing::sign(
        call.version,
        &SigningInput {
            method: HttpMethod::Get,
            host: &host,
            path: "/",
            action: call.action,
            version: call.api_version,
            params: &params,
            body: &[],
            payload: None,
        },
        &SigningParams {
            credentials: &credentials,
            timestamp: call.timestamp,
            nonce: &call.nonce,
        },
    );
    raw_request(addr, "GET", &signed.path_and_query, &signed.headers, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_answer() {
        let raw = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope";
        let response = parse_response(raw).expect("parses");
        assert_eq!(response.status, 404);
        assert_eq!(
            response.headers,
            [("content-type".to_owned(), "text/plain".to_owned())]
        );
        assert_eq!(response.body, b"nope");
        assert!(parse_response(b"garbage").is_none());
    }
}

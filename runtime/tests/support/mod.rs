//! Shared pieces of the client tests: a loopback HTTP/1.1 server that answers from a
//! script and records every request, plus a stand-in for what the generator emits for one
//! operation (service, operation, input, output and error enum).
//!
//! The server is deliberately tiny: one request per connection, `Connection: close` on
//! every answer, so each attempt of the client is one accepted connection.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use livegen_runtime::config::{ConfigBuilder, RateLimit, RetryConfig};
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::signing::{self, ReceivedRequest, Verified, VerifyError};
use livegen_runtime::{
    Config, Credentials, HttpMethod, ListShape, Operation, ParamInfo, RamAuthorization, Shape,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Obviously fake credentials; the mock never checks them.
pub const FAKE_KEY_ID: &str = "LTAI-fake-test-key-id";
/// Never a real secret; tests assert it does not leak into output.
pub const FAKE_SECRET: &str = "fake-test-secret-do-not-use";

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete HTTP answer; `Content-Length` and `Connection: close` are added.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes verbatim, then close.
    Raw(Vec<u8>),
    /// Reset the connection (RST) without answering.
    Reset,
    /// Read the request and never answer.
    Hang,
    /// Write these bytes, then hold the connection open without another byte.
    Stall(Vec<u8>),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An answer with the given content type.
    pub fn typed(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.into(),
        }
    }

    /// The error envelope Alibaba Cloud sends.
    pub fn envelope(status: u16, code: &str, message: &str) -> Self {
        Reply::json(
            status,
            &format!(
                r#"{{"RequestId":"req-{code}","HostId":"live.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"https://api.aliyun.com/troubleshoot?q={code}"}}"#
            ),
        )
    }

    /// A successful `StopLivePullToPush` answer, with a field the client does not know.
    pub fn stopped(task_id: &str) -> Self {
        Reply::json(
            200,
            &format!(r#"{{"RequestId":"req-ok","TaskId":"{task_id}","Unknown":{{"x":[1,2]}}}}"#),
        )
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// Path and raw (still percent-encoded) query.
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The signature check, by the runtime's own verifier, against the fake secret.
    pub verified: Result<Verified, VerifyError>,
}

impl Recorded {
    /// A header's value by (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter's raw value.
    pub fn query(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            (n == name).then_some(v)
        })
    }
}

/// A loopback server answering from a script, in order; past the script it answers 500
/// with a body that is not an envelope.
pub struct MockServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
    acceptor: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Binds 127.0.0.1 on a free port and starts answering.
    pub async fn start(script: Vec<Reply>) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.into_iter()));
        let log = Arc::clone(&received);
        let acceptor = tokio::spawn(async move {
            // Dropping the set (when the acceptor is aborted) aborts hanging connections.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let log = Arc::clone(&log);
                let script = Arc::clone(&script);
                connections.spawn(serve(stream, log, script));
            }
        });
        MockServer {
            addr,
            received,
            acceptor,
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `host:port` as the client should send it in `Host`.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.received.lock().expect("log lock").clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

type Script = Arc<Mutex<std::vec::IntoIter<Reply>>>;

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Recorded>>>, script: Script) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    // The reply is picked when the request is complete, so replies follow arrival order.
    let reply = {
        log.lock().expect("log lock").push(request);
        script.lock().expect("script lock").next()
    };
    let reply = reply.unwrap_or_else(|| Reply::typed(500, "text/plain", "script exhausted"));
    match reply {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let verified = signing::verify(
        &ReceivedRequest {
            method: &method,
            path,
            query,
            headers: &headers,
            body: &body,
        },
        |id| (id == FAKE_KEY_ID).then(|| FAKE_SECRET.to_owned()),
    );
    Some(Recorded {
        method,
        target,
        headers,
        body,
        verified,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

// --- `StopLivePullToPush` (the one hand-written table, shared with the benches) and
// --- variations of it.

pub mod stop;
pub mod vectors;

// Each test binary uses a subset.
#[allow(unused_imports)]
pub use stop::{STOP, StopError, StopInput, StopOutput};

/// `StopLivePullToPush` with a made-up bounded `PageSize`, to have a bound to break.
pub static PAGED: Operation = Operation {
    params: &[
        ParamInfo::query("Region", Shape::STRING).required(),
        ParamInfo::query("TaskId", Shape::STRING).required(),
        ParamInfo::query("PageSize", Shape::int_range(Some(1), Some(10))),
    ],
    ..STOP
};

/// The same action, POST first.
pub static STOP_POST: Operation = Operation {
    methods: &[HttpMethod::Post, HttpMethod::Get],
    qps: None,
    ..STOP
};

/// The stop action's table with the RAM access level `get`: what a read looks like to the
/// retry policy (the mock answers whatever it is told, whatever the action).
pub static STOP_AS_READ: Operation = Operation {
    ram: RamAuthorization {
        access_level: Some("get"),
        ..STOP.ram
    },
    ..STOP
};

/// A POST action with form-body parameters (shaped like `SendMessageToGroup`).
pub static SEND: Operation = Operation {
    action: "SendMessageToGroup",
    methods: &[HttpMethod::Post],
    qps: None,
    params: &[
        ParamInfo::query("RegionId", Shape::STRING),
        ParamInfo::body("AppId", Shape::STRING).required(),
        ParamInfo::body(
            "Users",
            Shape::List(&ListShape {
                item: Shape::STRING,
                min_items: None,
                max_items: None,
            }),
        ),
        ParamInfo::body("Data", Shape::STRING),
    ],
    ..STOP
};

/// An input of [`PAGED`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct PagedInput {
    #[serde(flatten)]
    pub stop: StopInput,
    #[serde(rename = "PageSize")]
    pub page_size: Option<i32>,
}

/// An input [`PAGED`] refuses (`PageSize` above its maximum).
pub fn bad_input() -> PagedInput {
    PagedInput {
        stop: StopInput::new("task-1"),
        page_size: Some(11),
    }
}

/// Fake credentials, the mock as endpoint, fast retries, no rate limiting.
pub fn config_for(server: &MockServer) -> ConfigBuilder {
    Config::builder()
        .credentials(StaticCredentials::new(Credentials::new(
            FAKE_KEY_ID,
            FAKE_SECRET,
        )))
        .endpoint_url(server.url())
        .retry(fast_retries(3))
        .attempt_timeout(Duration::from_secs(5))
        .rate_limit(RateLimit::Disabled)
}

/// Retries with millisecond backoff so tests stay fast.
pub fn fast_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        resend_writes: false,
    }
}

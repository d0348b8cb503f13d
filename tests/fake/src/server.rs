//! HTTP/1.1 plumbing: accept loop, one hyper connection per socket, faults that act on
//! the connection itself (reset, slow), and the per-request log line.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as Body};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::admin;
use super::api::{self, Incoming, Reply};
use super::state::{Fault, RequestRecord, Shared};

/// Requests larger than this are refused; no RPC call comes near it.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where admin endpoints live; no API path starts like this.
pub(crate) const ADMIN_PREFIX: &str = "/__admin/";

/// The service's answer to "reset this connection": hyper closes a connection whose
/// service fails without writing anything, and the connection task turns that close
/// into a reset.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

/// Accepts connections until `shutdown` fires (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: oneshot::Receiver<()>,
) {
    crate::loopback::accept_until(listener, shutdown, move |stream| {
        connection(stream, Arc::clone(&shared))
    })
    .await;
}

async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let reset = Arc::new(AtomicBool::new(false));
    let service = {
        let reset = Arc::clone(&reset);
        service_fn(move |request| handle(Arc::clone(&shared), Arc::clone(&reset), request))
    };
    let mut conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let result = (&mut conn).await;
    if result.is_err() && reset.load(Ordering::SeqCst) {
        // Zero linger makes the close an RST, which is what a crashed or cut-off peer
        // looks like to the client, rather than an orderly FIN.
        let stream = conn.into_parts().io.into_inner();
        let _ = stream.set_zero_linger();
        drop(stream);
    }
}

async fn handle(
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
    request: Request<Body>,
) -> Result<Response<Full<Bytes>>, ResetConnection> {
    let arrived = std::time::Instant::now();
    let received_us =
        u64::try_from(arrived.duration_since(shared.started).as_micros()).unwrap_or(u64::MAX);
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            return Ok(to_response(api::error_reply(
                shared.catalog.service(),
                413,
                "RequestEntityTooLarge",
                "The request body is too large.",
            )));
        }
    };
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        arrived,
    };

    if incoming.path.starts_with(ADMIN_PREFIX) {
        return Ok(to_response(admin::handle(&shared, &incoming)));
    }

    let fault = shared.lock().faults.pop_front();
    let (reply, mut record) = match fault {
        None => api::process(&shared, &incoming),
        Some(Fault::Reset) => {
            let (_, mut record) = api::describe(&incoming);
            record.fault = Some(Fault::Reset.name());
            record.received_us = received_us;
            finish(&shared, record);
            reset.store(true, Ordering::SeqCst);
            return Err(ResetConnection);
        }
        Some(Fault::Drop) => {
            let (_, mut record) = api::process(&shared, &incoming);
            record.fault = Some(Fault::Drop.name());
            record.received_us = received_us;
            finish(&shared, record);
            reset.store(true, Ordering::SeqCst);
            return Err(ResetConnection);
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            let (reply, mut record) = api::process(&shared, &incoming);
            record.fault = Some("slow");
            (reply, record)
        }
        Some(other) => {
            let (_, mut record) = api::describe(&incoming);
            let service = record
                .action
                .as_deref()
                .and_then(|action| shared.catalog.operation(action))
                .map_or(shared.catalog.service(), |op| op.service);
            let reply = api::fault_reply(service, other);
            api::settle(&mut record, &reply);
            record.fault = Some(other.name());
            (reply, record)
        }
    };
    record.received_us = received_us;
    finish(&shared, record);
    Ok(to_response(reply))
}

/// Logs the request and keeps its record.
fn finish(shared: &Shared, record: RequestRecord) {
    if shared.log {
        eprintln!("{}", log_line(&record));
    }
    shared.lock().requests.push(record);
}

/// One human-readable line: method, path, action, parameters, signature verdict, answer.
pub fn log_line(record: &RequestRecord) -> String {
    let params: Vec<String> = record
        .params
        .iter()
        .map(|(name, value)| format!("{name}={}", value.escape_debug()))
        .collect();
    let signature = match (
        record.signature,
        &record.access_key_id,
        record.code.as_deref(),
    ) {
        (Some(version), Some(id), _) => format!("{version} ok ({id})"),
        (
            _,
            _,
            Some(
                code @ ("SignatureDoesNotMatch"
                | "IncompleteSignature"
                | "InvalidSignatureMethod"
                | "InvalidAccessKeyId.NotFound"),
            ),
        ) => format!("rejected ({code})"),
        _ => "not checked".to_owned(),
    };
    let answer = match (record.status, record.code.as_deref()) {
        (None, _) => "connection reset".to_owned(),
        (Some(status), Some(code)) => format!("{status} {code}"),
        (Some(status), None) => status.to_string(),
    };
    let mut fault = record
        .fault
        .map(|fault| format!(" [fault: {fault}]"))
        .unwrap_or_default();
    if record.replayed {
        fault.push_str(" [token repeated: answer replayed, not acted on]");
    }
    format!(
        "live-fake: {} {} action={} params[{}] signature={signature} -> {answer}{fault}",
        record.method,
        record.path,
        record.action.as_deref().unwrap_or("-"),
        params.join(" "),
    )
}

fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(reply.content_type),
    );
    if let Some(id) = reply
        .request_id
        .and_then(|id| hyper::header::HeaderValue::from_str(&id).ok())
    {
        headers.insert("x-acs-request-id", id);
    }
    response
}

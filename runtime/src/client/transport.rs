//! Sending one request and reading its answer under the size caps; describing transport
//! errors without leaking the signature.

use std::time::Duration;

use super::response::{Answer, Body, MAX_BODY_BYTES};

/// Sends `request` and reads the answer, keeping at most [`MAX_BODY_BYTES`] of the body.
pub(super) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Answer, reqwest::Error> {
    let mut response = http.execute(request).await?;
    let status = response.status().as_u16();
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type");
    let request_id_header = header("x-acs-request-id");
    // As `alibabacloud-tea-openapi` reads it: milliseconds, only a positive count counts.
    let acs_retry_after = header("x-acs-retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis);
    let retry_after = acs_retry_after.or_else(|| {
        header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    });

    let declared_too_large = response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64);
    let mut body = Vec::new();
    let complete = loop {
        let Some(chunk) = response.chunk().await? else {
            break true;
        };
        let room = MAX_BODY_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            break false;
        }
        body.extend_from_slice(&chunk);
        if declared_too_large {
            // One chunk is plenty for the excerpt; no need to download the rest.
            break false;
        }
    };
    Ok(Answer {
        status,
        content_type,
        request_id_header,
        retry_after,
        body: if complete {
            Body::Complete(body)
        } else {
            Body::TooLarge(body)
        },
    })
}

/// The error and its causes on one line. The URL shows its scheme, host and path but not
/// its query, which carries the signature (and any security token).
pub(super) fn describe(error: &reqwest::Error) -> String {
    let mut message = format!("{error}");
    if let Some(url) = error.url() {
        let host = url.host_str().unwrap_or_default();
        let authority = url
            .port()
            .map_or(host.to_owned(), |p| format!("{host}:{p}"));
        let shown = format!("{}://{authority}{}", url.scheme(), url.path());
        let withheld = if url.query().is_some() {
            "; query withheld: it carries the signature"
        } else {
            ""
        };
        message = message
            .replace(&format!("({url})"), &format!("({shown}{withheld})"))
            .replace(url.as_str(), &format!("{shown}{withheld}"));
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

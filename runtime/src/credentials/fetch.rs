//! Plain HTTP for the metadata service and credentials URIs, and the credentials document
//! both answer with.
//!
//! These two sources are not Alibaba Cloud APIs (no signature, no error envelope), so
//! they do not go through [`Client`](crate::Client); STS does (see `sts.rs`). Error
//! messages never quote a body, since bodies carry secrets.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Credentials;

/// The most a credentials answer may hold; real ones are about 1 KiB.
const MAX_BODY: usize = 64 * 1024;

/// An answer read whole.
pub(crate) struct Fetched {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// A client with the given connect timeout (the whole-request timeout is per call).
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        // The metadata service is link-local: a proxy from the environment must not see it.
        .no_proxy()
        .build()
        .map_err(|e| format!("could not build the HTTP client: {}", e.without_url()))
}

/// Why a request got no usable answer.
#[derive(Debug)]
pub(crate) struct SendError {
    /// Nothing answered at all (connection refused or timed out before an answer began).
    pub(crate) unreachable: bool,
    /// What happened, for messages.
    pub(crate) reason: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl SendError {
    /// An answer that is not usable (the server is there).
    pub(crate) fn answered(reason: String) -> Self {
        Self {
            unreachable: false,
            reason,
        }
    }
}

/// Sends one request and reads the answer within `timeout`. Errors name what failed
/// (timeout, connection, oversized body) and never the URL's query.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<Fetched, SendError> {
    let started = std::sync::atomic::AtomicBool::new(false);
    let work = async {
        let mut response = request.send().await.map_err(|e| SendError {
            unreachable: e.is_connect() || e.is_timeout(),
            reason: describe(e),
        })?;
        started.store(true, std::sync::atomic::Ordering::Relaxed);
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SendError::answered(describe(e)))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(SendError::answered(format!(
                    "the answer is larger than {} KiB",
                    MAX_BODY / 1024
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, body })
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(SendError {
            unreachable: !started.load(std::sync::atomic::Ordering::Relaxed),
            reason: format!("no complete answer within {timeout:?}"),
        }),
    }
}

fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "cannot connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    // Sources are usually the most specific part ("connection refused").
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    format!("{kind}: {detail}")
}

/// Reads the credentials document the metadata service and credentials URIs answer:
/// `{"Code": "Success", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}`.
///
/// Messages name missing or mistyped fields, never their values.
pub(crate) fn parse_document(body: &[u8]) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the answer is not JSON ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    let text = |name: &str| -> Result<String, String> {
        match value.get(name) {
            Some(serde_json::Value::String(text)) if !text.is_empty() => Ok(text.clone()),
            Some(serde_json::Value::String(_)) => Err(format!("`{name}` is empty")),
            Some(_) => Err(format!("`{name}` is not a string")),
            None => Err(format!("`{name}` is missing")),
        }
    };
    let code = text("Code")?;
    if code != "Success" {
        // The code is a status word, not a secret; keep it short anyway.
        let shown: String = code.chars().take(40).collect();
        return Err(format!("`Code` is `{shown}`, not `Success`"));
    }
    let expiration = text("Expiration")?;
    let expiry = parse_expiration(&expiration)
        .ok_or_else(|| "`Expiration` is not a `YYYY-MM-DDThh:mm:ssZ` time".to_owned())?;
    Ok(
        Credentials::new(text("AccessKeyId")?, text("AccessKeySecret")?)
            .with_security_token(text("SecurityToken")?)
            .with_expiry(expiry),
    )
}

/// `2026-12-02T12:00:00Z` → a time; `None` if malformed.
pub(crate) fn parse_expiration(text: &str) -> Option<SystemTime> {
    let seconds = crate::signing::parse_timestamp(text)?;
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

//! A local fake of the services credentials come from, on one loopback port: the ECS
//! instance metadata service (IMDSv2 token, role list, credentials document), a
//! credentials URI (`/credentials`), and STS (`AssumeRole`, checking the signature with
//! the runtime's verifier, and `AssumeRoleWithOIDC`, checking the token and that the
//! request is unsigned).
//!
//! Each credentials answer is a new generation (`testid-gen-N`, …) valid for the set
//! lifetime; requests are counted and faults ([`CredentialsFault`]) injected.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use livegen_runtime::signing::{self, ReceivedRequest};

use livegen_fake::loopback::{ServerThread, accept_until};

/// The RAM role the fake metadata service lists.
pub const ROLE: &str = "test-role";
/// The OIDC token the fake STS accepts.
pub const OIDC_TOKEN: &str = "test-oidc-token";
/// The source keys the fake STS accepts for `AssumeRole` (besides the credentials it
/// issued itself, for roles assuming roles).
pub const SOURCE_KEY: (&str, &str) = ("testid-source", "testsecret-source");

/// The keys of credentials generation `n` (from 0), e.g. for the fake Live service.
pub fn generation_key(n: usize) -> (String, String) {
    (format!("testid-gen-{n}"), format!("testsecret-gen-{n}"))
}

/// A fault for the next answer that carries credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsFault {
    /// Answer this HTTP status with an error body.
    Status(u16),
    /// Wait this long before answering (the client should time out first).
    Hang(Duration),
    /// Answer a body that is not JSON.
    Malformed,
    /// Answer the first half of a real document (which includes part of a secret).
    Partial,
    /// Answer credentials that expired an hour ago.
    Expired,
    /// Answer an `Expiration` shifted by this many seconds (a skewed server clock).
    Skew(i64),
}

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct CredentialsFakeConfig {
    /// How long each generation of credentials is valid.
    pub lifetime: Duration,
    /// Whether `PUT /latest/api/token` works (IMDSv2); otherwise it answers 404.
    pub imds_v2: bool,
    /// Whether requests without a session token are refused (IMDSv1 off on the instance).
    pub require_token: bool,
    /// Session tokens expire after at most this long, whatever the client asked for.
    pub token_ttl_cap: Duration,
}

impl Default for CredentialsFakeConfig {
    fn default() -> Self {
        Self {
            lifetime: Duration::from_secs(3600),
            imds_v2: true,
            require_token: false,
            token_ttl_cap: Duration::from_secs(21_600),
        }
    }
}

/// Requests counted by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// `PUT /latest/api/token`.
    pub token_puts: usize,
    /// Metadata requests refused for a missing, unknown or expired session token.
    pub token_refusals: usize,
    /// `GET /latest/meta-data/ram/security-credentials/`.
    pub role_lists: usize,
    /// `GET /latest/meta-data/ram/security-credentials/<role>`.
    pub documents: usize,
    /// `GET /credentials`.
    pub uri: usize,
    /// STS `AssumeRole`.
    pub assume_role: usize,
    /// STS `AssumeRoleWithOIDC`.
    pub assume_role_with_oidc: usize,
    /// STS requests refused (bad signature, bad token, signed OIDC request).
    pub sts_refusals: usize,
}

impl Counts {
    /// Every request that asked for credentials (documents, URI, both STS actions).
    pub fn credential_requests(&self) -> usize {
        self.documents + self.uri + self.assume_role + self.assume_role_with_oidc
    }
}

/// An STS request as received: its parameters, without the OIDC token and signature.
#[derive(Debug, Clone)]
pub struct StsRecord {
    /// `AssumeRole` or `AssumeRoleWithOIDC`.
    pub action: String,
    /// Every other parameter.
    pub params: HashMap<String, String>,
    /// The AccessKey id that signed it, when it verified.
    pub signed_by: Option<String>,
}

/// Credentials handed out, one per generation.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The AccessKey id.
    pub key_id: String,
    /// When they expire (as sent, before any skew).
    pub expiry: SystemTime,
}

#[derive(Debug, Default)]
struct State {
    counts: Counts,
    faults: VecDeque<CredentialsFault>,
    tokens: HashMap<String, Instant>,
    issued: Vec<Issued>,
    sts: Vec<StsRecord>,
}

#[derive(Debug)]
struct Shared {
    config: CredentialsFakeConfig,
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running fake; dropping it stops the server.
#[derive(Debug)]
pub struct CredentialsFake {
    server: ServerThread,
    shared: Arc<Shared>,
}

impl CredentialsFake {
    /// Serves on a free loopback port, on a thread of its own.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread cannot start.
    pub fn start(config: CredentialsFakeConfig) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::default()),
        });
        let serving = Arc::clone(&shared);
        let server = ServerThread::start(0, "credentials-fake", move |listener, stopped| {
            accept_until(listener, stopped, move |stream| {
                let shared = Arc::clone(&serving);
                async move {
                    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            })
        })?;
        Ok(Self { server, shared })
    }

    /// `http://127.0.0.1:<port>`: the metadata endpoint and the STS endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The credentials URI.
    pub fn credentials_uri(&self) -> String {
        format!("{}/credentials", self.url())
    }

    /// Queues a fault for each of the next `count` credentials answers.
    pub fn inject(&self, fault: CredentialsFault, count: usize) {
        let mut state = self.shared.lock();
        for _ in 0..count {
            state.faults.push_back(fault);
        }
    }

    /// Drops the faults not used yet.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The requests counted so far.
    pub fn counts(&self) -> Counts {
        self.shared.lock().counts
    }

    /// The credentials handed out so far, oldest first.
    pub fn issued(&self) -> Vec<Issued> {
        self.shared.lock().issued.clone()
    }

    /// The STS requests received so far.
    pub fn sts_requests(&self) -> Vec<StsRecord> {
        self.shared.lock().sts.clone()
    }
}

type Reply = (u16, String);

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, 1024 * 1024)
        .collect()
        .await
        .map(|collected| collected.to_bytes().to_vec())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let received = ReceivedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body: &body,
    };
    let (status, text) = match route(&shared, &received) {
        Route::Now(reply) => reply,
        Route::Issue(kind) => issue(&shared, kind).await,
    };
    let response = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(text)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
    Ok(response)
}

enum Route {
    Now(Reply),
    Issue(Kind),
}

#[derive(Clone, Copy)]
enum Kind {
    Document,
    Sts,
}

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";

fn route(shared: &Shared, req: &ReceivedRequest<'_>) -> Route {
    let config = &shared.config;
    let mut state = shared.lock();
    if req.path == TOKEN_PATH && req.method == "PUT" {
        state.counts.token_puts += 1;
        if !config.imds_v2 {
            return Route::Now((404, "not found".to_owned()));
        }
        let Some(ttl) = req
            .header("x-aliyun-ecs-metadata-token-ttl-seconds")
            .and_then(|ttl| ttl.parse::<u64>().ok())
        else {
            return Route::Now((400, "missing ttl".to_owned()));
        };
        let ttl = Duration::from_secs(ttl).min(config.token_ttl_cap);
        let token = format!("imds-token-{}", state.counts.token_puts);
        state.tokens.insert(token.clone(), Instant::now() + ttl);
        return Route::Now((200, token));
    }
    if let Some(rest) = req.path.strip_prefix(ROLES_PATH) {
        let token_ok = match req.header("x-aliyun-ecs-metadata-token") {
            Some(token) => state
                .tokens
                .get(token)
                .is_some_and(|expiry| Instant::now() < *expiry),
            None => !config.require_token,
        };
        if !token_ok {
            state.counts.token_refusals += 1;
            return Route::Now((401, "token missing, unknown or expired".to_owned()));
        }
        if rest.is_empty() {
            state.counts.role_lists += 1;
            return Route::Now((200, format!("{ROLE}\n")));
        }
        if rest != ROLE {
            return Route::Now((404, "no such role".to_owned()));
        }
        state.counts.documents += 1;
        return Route::Issue(Kind::Document);
    }
    if req.path == "/credentials" {
        state.counts.uri += 1;
        return Route::Issue(Kind::Document);
    }
    if req.path == "/" {
        return sts(&mut state, req);
    }
    Route::Now((404, "not found".to_owned()))
}

fn sts(state: &mut State, req: &ReceivedRequest<'_>) -> Route {
    let mut params: HashMap<String, String> = signing::encode::decode_query(req.query)
        .unwrap_or_default()
        .into_iter()
        .collect();
    if let Ok(body) = std::str::from_utf8(req.body)
        && let Ok(pairs) = signing::encode::decode_query(&body.replace('+', "%20"))
    {
        params.extend(pairs);
    }
    let action = params
        .get("Action")
        .cloned()
        .or_else(|| req.header("x-acs-action").map(str::to_owned))
        .unwrap_or_default();
    let refuse = |state: &mut State, status: u16, code: &str, message: &str| {
        state.counts.sts_refusals += 1;
        Route::Now((status, error_body(code, message)))
    };
    let signed_by = match action.as_str() {
        "AssumeRole" => {
            state.counts.assume_role += 1;
            let secret_for = |id: &str| {
                if id == SOURCE_KEY.0 {
                    return Some(SOURCE_KEY.1.to_owned());
                }
                let generation: usize = id.strip_prefix("testid-gen-")?.parse().ok()?;
                Some(generation_key(generation).1)
            };
            match signing::verify(req, secret_for) {
                Ok(signing::Verified::V1 { access_key_id, .. })
                | Ok(signing::Verified::V3 { access_key_id, .. }) => Some(access_key_id),
                Err(e) => return refuse(state, e.http_status(), e.service_code(), &e.to_string()),
            }
        }
        "AssumeRoleWithOIDC" => {
            state.counts.assume_role_with_oidc += 1;
            let signed = params.contains_key("Signature")
                || params.contains_key("AccessKeyId")
                || req.header("authorization").is_some();
            if signed {
                return refuse(
                    state,
                    400,
                    "InvalidParameter",
                    "AssumeRoleWithOIDC is anonymous",
                );
            }
            if params.get("OIDCToken").map(String::as_str) != Some(OIDC_TOKEN) {
                return refuse(
                    state,
                    400,
                    "AuthenticationFail.OIDCToken.Invalid",
                    "The OIDC token is invalid.",
                );
            }
            None
        }
        _ => return refuse(state, 400, "InvalidAction.NotFound", "Unknown action."),
    };
    for secret in ["OIDCToken", "Signature"] {
        params.remove(secret);
    }
    state.sts.push(StsRecord {
        action,
        params,
        signed_by,
    });
    Route::Issue(Kind::Sts)
}

fn error_body(code: &str, message: &str) -> String {
    serde_json::json!({"RequestId": "fake-request", "Code": code, "Message": message}).to_string()
}

/// A new generation of credentials, shaped for `kind`, after any fault.
async fn issue(shared: &Shared, kind: Kind) -> Reply {
    let fault = shared.lock().faults.pop_front();
    if let Some(CredentialsFault::Hang(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    if let Some(CredentialsFault::Status(status)) = fault {
        return (status, error_body("InternalError", "injected"));
    }
    if fault == Some(CredentialsFault::Malformed) {
        return (200, "<html>not json</html>".to_owned());
    }
    let now = SystemTime::now();
    let mut state = shared.lock();
    let generation = state.issued.len();
    let (id, secret) = generation_key(generation);
    let expiry = match fault {
        Some(CredentialsFault::Expired) => now - Duration::from_secs(3600),
        _ => now + shared.config.lifetime,
    };
    state.issued.push(Issued {
        key_id: id.clone(),
        expiry,
    });
    drop(state);
    let sent_expiry = match fault {
        Some(CredentialsFault::Skew(seconds)) if seconds >= 0 => {
            expiry + Duration::from_secs(seconds.unsigned_abs())
        }
        Some(CredentialsFault::Skew(seconds)) => {
            expiry - Duration::from_secs(seconds.unsigned_abs())
        }
        _ => expiry,
    };
    let fields = serde_json::json!({
        "AccessKeyId": id,
        "AccessKeySecret": secret,
        "SecurityToken": format!("testtoken-gen-{generation}"),
        "Expiration": signing::format_timestamp(sent_expiry),
    });
    let text = match kind {
        Kind::Document => {
            let mut document = fields;
            document["Code"] = "Success".into();
            document["LastUpdated"] = signing::format_timestamp(now).into();
            document.to_string()
        }
        Kind::Sts => serde_json::json!({
            "RequestId": "fake-request",
            "AssumedRoleUser": {"Arn": "acs:ram::123:role/test", "AssumedRoleId": "1:x"},
            "Credentials": fields,
        })
        .to_string(),
    };
    if fault == Some(CredentialsFault::Partial) {
        return (200, text[..text.len() / 2].to_owned());
    }
    (200, text)
}

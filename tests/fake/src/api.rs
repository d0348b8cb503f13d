//! How the fake answers one API request, in the order the real gateway checks things:
//! which API is called, who signed it, whether it is fresh, whether the caller is over
//! the QPS limit, whether the parameters are valid, and finally the action itself.
//!
//! Codes and statuses the API documentation lists come from the operation tables the fake
//! serves (see [`catalog`](super::catalog)); the gateway's shared codes below are what Alibaba
//! Cloud's RPC gateway answers (tests/README.md lists them and which ones are guesses).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use livegen_runtime::signing::encode::decode_query;
use livegen_runtime::signing::{self, ReceivedRequest, Verified, VerifyError};

use livegen_runtime::{Operation, Service};

use super::catalog::fill;
use super::state::{Fault, REPLAY_WINDOW, RequestRecord, Shared};

/// A received HTTP request, body read in full.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// When its head was read: what throttling counts, before any work of the fake's.
    pub(crate) arrived: Instant,
}

impl Incoming {
    fn received(&self) -> ReceivedRequest<'_> {
        ReceivedRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
}

const JSON: &str = "application/json;charset=utf-8";

impl Reply {
    pub(crate) fn json(
        status: u16,
        value: &serde_json::Value,
        request_id: Option<String>,
    ) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: value.to_string().into_bytes(),
            request_id,
        }
    }
}

/// An uppercase UUID-shaped request id, like the service's.
pub(crate) fn new_request_id() -> String {
    let hex = format!("{:016X}{:016X}", fastrand::u64(..), fastrand::u64(..));
    format!(
        "{}-{}-4{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The error envelope `{RequestId, HostId, Code, Message, Recommend}` of `service`.
pub(crate) fn error_reply(service: &Service, status: u16, code: &str, message: &str) -> Reply {
    let request_id = new_request_id();
    let body = serde_json::json!({
        "RequestId": request_id,
        "HostId": service.default_endpoint,
        "Code": code,
        "Message": message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={code}&product={}&requestId={request_id}",
            service.code
        ),
    });
    Reply::json(status, &body, Some(request_id))
}

/// The answer to an injected fault other than `reset` and `slow`.
pub(crate) fn fault_reply(service: &Service, fault: Fault) -> Reply {
    let raw = |content_type, body: &str| Reply {
        status: 200,
        content_type,
        body: body.as_bytes().to_vec(),
        request_id: None,
    };
    match fault {
        Fault::Http500 => error_reply(
            service,
            500,
            "InternalError",
            "The request processing has failed due to some unknown error, exception or failure.",
        ),
        Fault::Http503 => error_reply(
            service,
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        ),
        Fault::Throttle => throttled(service),
        Fault::InvalidJson => raw(
            JSON,
            r#"{"RequestId": "5E3C1B0A-0000-4000-8000-0000000000", "TaskId": "#,
        ),
        Fault::Html => raw(
            "text/html;charset=utf-8",
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>502 Bad Gateway</h1><p>live-fake: injected HTML page</p></body></html>",
        ),
        // `reset` and `slow` never produce a body of their own; an empty one is the
        // harmless answer should one get here.
        Fault::Empty | Fault::Reset | Fault::Drop | Fault::Slow(_) => raw(JSON, ""),
    }
}

fn throttled(service: &Service) -> Reply {
    error_reply(
        service,
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
    )
}

/// The request's parameters (query plus form body) and a record of it, not yet answered.
pub(crate) fn describe(req: &Incoming) -> (Vec<(String, String)>, RequestRecord) {
    // An undecodable query leaves the parameters empty; the signature check then refuses
    // the request, as the service would.
    let mut params = decode_query(&req.query).unwrap_or_default();
    let is_form = req.header("content-type").is_some_and(|value| {
        value
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if is_form && let Ok(body) = std::str::from_utf8(&req.body) {
        params.extend(decode_query(body).unwrap_or_default());
    }
    let action = req
        .header("x-acs-action")
        .map(str::to_owned)
        .or_else(|| param(&params, "Action"));
    let record = RequestRecord {
        method: req.method.clone(),
        path: req.path.clone(),
        action,
        params: params
            .iter()
            // The signature and RPC envelope (the runtime's one protocol list) stay out of
            // records, so they show what the caller asked for.
            .filter(|(name, _)| livegen_runtime::protocol::protocol_param(name).is_none())
            .cloned()
            .collect(),
        signature: None,
        access_key_id: None,
        status: None,
        code: None,
        fault: None,
        received_us: 0,
        nonce: req
            .header("x-acs-signature-nonce")
            .map(str::to_owned)
            .or_else(|| param(&params, "SignatureNonce")),
        replayed: false,
    };
    (params, record)
}

/// Notes the answer in the record.
pub(crate) fn settle(record: &mut RequestRecord, reply: &Reply) {
    record.status = Some(reply.status);
    if reply.status >= 300 {
        record.code = serde_json::from_slice::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|body| {
                let code = body.get("Code").or_else(|| body.get("code"))?;
                code.as_str().map(str::to_owned)
            });
    }
}

/// Processes one API request (no fault armed) and says what was done.
pub(crate) fn process(shared: &Shared, req: &Incoming) -> (Reply, RequestRecord) {
    let (params, mut record) = describe(req);
    let action = record.action.clone();
    let mut reply = answer(shared, req, &params, action.as_deref(), &mut record);
    // Once the operation is known to be ROA, its errors take the ROA shape.
    let roa = action
        .as_deref()
        .and_then(|a| shared.catalog.operation(a))
        .is_some_and(|op| op.is_roa() && super::roa::route(op, &req.path).is_some());
    if roa && reply.status >= 300 {
        reply = super::roa::roa_shape(reply);
    }
    settle(&mut record, &reply);
    (reply, record)
}

pub(crate) fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(candidate, _)| candidate == name)
        .map(|(_, value)| value.clone())
}

fn missing(service: &Service, name: &str) -> Reply {
    error_reply(
        service,
        400,
        "MissingParameter",
        &format!(
            "The input parameter \u{201c}{name}\u{201d} that is mandatory for processing this request is not supplied."
        ),
    )
}

fn answer(
    shared: &Shared,
    req: &Incoming,
    params: &[(String, String)],
    action: Option<&str>,
    record: &mut RequestRecord,
) -> Reply {
    let catalog = &shared.catalog;
    let Some(action) = action else {
        return missing(catalog.service(), "Action");
    };
    let not_found = || {
        error_reply(
            catalog.service(),
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    };
    let Some(op) = catalog.operation(action) else {
        return not_found();
    };
    // ROA paths carry parameters (`/clusters/{ClusterId}`); an RPC path is the template.
    let Some(path_values) = super::roa::route(op, &req.path).filter(|_| {
        op.methods
            .iter()
            .any(|method| method.as_str() == req.method)
    }) else {
        return not_found();
    };
    let version = req
        .header("x-acs-version")
        .map(str::to_owned)
        .or_else(|| param(params, "Version"));
    match version {
        None => return missing(op.service, "Version"),
        Some(version) if version != op.service.version => {
            return error_reply(
                op.service,
                400,
                "InvalidVersion",
                "Specified parameter Version is not valid.",
            );
        }
        Some(_) => {}
    }

    let verified = match signing::verify(&req.received(), |id| shared.keys.get(id).cloned()) {
        Ok(verified) => verified,
        Err(error) => return signature_error(op.service, &error),
    };
    let (version_name, access_key_id) = match &verified {
        Verified::V3 { access_key_id, .. } => ("V3", access_key_id.clone()),
        Verified::V1 { access_key_id, .. } => ("V1", access_key_id.clone()),
    };
    record.signature = Some(version_name);
    record.access_key_id = Some(access_key_id.clone());

    let now = req.arrived;
    if let Some((timestamp, nonce)) = req.received().timestamp_and_nonce() {
        if !is_fresh(&timestamp) {
            return error_reply(
                op.service,
                400,
                "InvalidTimeStamp.Expired",
                &format!(
                    "Specified time stamp or date value is expired. The timestamp {timestamp} is more than {} minutes away from the server's time.",
                    REPLAY_WINDOW.as_secs() / 60
                ),
            );
        }
        if !shared
            .lock()
            .first_use_of_nonce(&access_key_id, &nonce, now)
        {
            return error_reply(
                op.service,
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            );
        }
    }

    if let Some(qps) = op.qps {
        let key = match qps.scope {
            livegen_runtime::QpsScope::Account => access_key_id.clone(),
            livegen_runtime::QpsScope::Api => String::new(),
        };
        let key = format!("{}:{key}", op.action);
        if !shared
            .lock()
            .admit(&key, qps.limit, qps.per, shared.started, now)
        {
            return throttled(op.service);
        }
    }

    if op.is_roa() {
        let query = decode_query(&req.query).unwrap_or_default();
        return match super::roa::check_params(op, &query, &req.headers, &req.body) {
            Ok(()) => super::roa::answer(shared, op, &path_values, &query),
            Err(reply) => reply,
        };
    }
    for spec in catalog.params(action) {
        let value = param(params, spec.name).filter(|value| !value.is_empty());
        // A list or object sent flattened (`Filter.1.Key=…`) is there too.
        let flattened = || {
            let prefix = format!("{}.", spec.name);
            params
                .iter()
                .any(|(name, value)| name.starts_with(&prefix) && !value.is_empty())
        };
        let Some(value) = value else {
            if spec.required && flattened() {
                continue;
            }
            if spec.required {
                // The gateway's per-parameter form of MissingParameter.
                return error_reply(
                    op.service,
                    400,
                    &format!("Missing{}", spec.name),
                    &format!("{} is mandatory for this action.", spec.name),
                );
            }
            continue;
        };
        if let livegen_runtime::Shape::String { values, .. } = spec.shape
            && !values.is_empty()
            && !values.contains(&value.as_str())
        {
            return documented(
                op,
                "InvalidParameter",
                Some(&format!(
                    "The value `{value}` of parameter {} is not valid; valid values: {}",
                    spec.name,
                    values.join(", ")
                )),
            );
        }
    }

    super::actions::act_once(shared, op, action, access_key_id, params, record)
}

fn is_fresh(timestamp: &str) -> bool {
    let Some(then) = signing::parse_timestamp(timestamp) else {
        return false;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        });
    let window = i64::try_from(REPLAY_WINDOW.as_secs()).unwrap_or(i64::MAX);
    (now - then).abs() <= window
}

fn signature_error(service: &Service, error: &VerifyError) -> Reply {
    let code = error.service_code();
    let message = match error {
        // The SDKs compare the string to sign after `:` with their own; the V1 SDK then
        // reports a wrong secret as `InvalidAccessKeySecret`. Keep the real wording.
        VerifyError::SignatureMismatch {
            expected_string_to_sign,
        } => format!(
            "Specified signature does not match our calculation. server string to sign is:{expected_string_to_sign}"
        ),
        VerifyError::UnknownAccessKey(_) => "Specified access key is not found.".to_owned(),
        VerifyError::UnsupportedSignatureMethod(method) => {
            format!("Specified signature method `{method}` is not supported.")
        }
        other => format!("The request signature does not conform to Aliyun standards: {other}."),
    };
    error_reply(service, error.http_status(), code, &message)
}

/// The documented error `code` of `op`, with its status and spec message; a code the
/// documentation does not list (injected to test unknown codes) answers HTTP 400.
pub(crate) fn documented(op: &Operation, code: &str, detail: Option<&str>) -> Reply {
    match op.error(code) {
        Some(error) => error_reply(
            op.service,
            error.http_status,
            code,
            &fill(error.message, detail.unwrap_or(code)),
        ),
        None => error_reply(
            op.service,
            400,
            code,
            &format!("{code} (injected by live-fake)."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_the_service_s() {
        let id = new_request_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
        assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_ne!(id, new_request_id());
    }

    #[test]
    fn documented_errors_use_the_spec() {
        let catalog = super::super::catalog::tests::catalog();
        let stop = catalog
            .operation("StopLivePullToPush")
            .expect("Live has it");
        let reply = documented(stop, "CodeTaskNotExist", None);
        assert_eq!(reply.status, 400);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
        assert_eq!(body["Message"], "Task does not exist.");
        assert_eq!(body["HostId"], "live.aliyuncs.com");
        let reply = documented(stop, "InternalError", None);
        assert_eq!(reply.status, 500);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
        // The template `%s.` is filled with the code when there is no detail.
        assert_eq!(body["Message"], "InternalError.");
    }
}

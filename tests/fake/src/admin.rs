//! Admin endpoints under `/__admin/`, for driving a fake in another process (the
//! `live-fake` binary). They take and answer JSON, need no signature, and are neither
//! counted, throttled nor logged as API requests. In-process tests call the same
//! operations as methods on [`Fake`](super::Fake).

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{Incoming, Reply};
use super::state::{Fault, Shared, TaskState};

fn ok(value: &Value) -> Reply {
    Reply::json(200, value, None)
}

fn bad(status: u16, message: impl Into<String>) -> Reply {
    Reply::json(status, &json!({ "error": message.into() }), None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddTasks {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    state: Option<TaskStateArg>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum TaskStateArg {
    Running,
    Stopped,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextError {
    code: String,
    #[serde(default = "one")]
    count: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InjectFault {
    fault: String,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

fn parse<T: for<'de> Deserialize<'de>>(req: &Incoming) -> Result<T, Reply> {
    serde_json::from_slice(&req.body).map_err(|e| bad(400, format!("bad JSON body: {e}")))
}

fn tasks_json(shared: &Shared) -> Value {
    json!({ "tasks": shared.lock().tasks })
}

/// Answers one admin request.
pub(crate) fn handle(shared: &Shared, req: &Incoming) -> Reply {
    let route = req
        .path
        .strip_prefix(super::server::ADMIN_PREFIX)
        .unwrap_or_default();
    match (req.method.as_str(), route) {
        ("GET", "tasks") => ok(&tasks_json(shared)),
        ("POST", "tasks") => match parse::<AddTasks>(req) {
            Ok(add) => {
                let state = match add.state {
                    Some(TaskStateArg::Stopped) => TaskState::Stopped,
                    Some(TaskStateArg::Running) | None => TaskState::Running,
                };
                let ids: Vec<String> = add.id.into_iter().chain(add.ids).collect();
                if ids.is_empty() {
                    return bad(400, "give `id` or `ids`");
                }
                {
                    let mut inner = shared.lock();
                    for id in ids {
                        inner.tasks.insert(id, state);
                    }
                }
                ok(&tasks_json(shared))
            }
            Err(reply) => reply,
        },
        ("POST", "next-error") => match parse::<NextError>(req) {
            Ok(next) if next.code.is_empty() => bad(400, "`code` is empty"),
            Ok(next) => {
                shared.lock().add_next_error(&next.code, next.count);
                let documented = shared.catalog.documents(&next.code);
                ok(&json!({ "code": next.code, "count": next.count, "documented": documented }))
            }
            Err(reply) => reply,
        },
        ("POST", "faults") => match parse::<InjectFault>(req) {
            Ok(inject) => match inject.fault.parse::<Fault>() {
                Ok(fault) => {
                    let fault = match (fault, inject.delay_ms) {
                        (Fault::Slow(_), Some(ms)) => Fault::Slow(Duration::from_millis(ms)),
                        (fault, _) => fault,
                    };
                    shared.lock().add_fault(fault, inject.count);
                    ok(&json!({ "fault": fault.name(), "count": inject.count }))
                }
                Err(message) => bad(400, message),
            },
            Err(reply) => reply,
        },
        ("GET", "requests") => {
            let inner = shared.lock();
            ok(&json!({ "count": inner.requests.len(), "requests": inner.requests }))
        }
        (_, "tasks" | "next-error" | "faults" | "requests") => bad(405, "method not allowed"),
        _ => bad(
            404,
            "unknown admin endpoint; see tests/README.md (tasks, next-error, faults, requests)",
        ),
    }
}

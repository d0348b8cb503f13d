//! The actions themselves, once a request has passed every gateway check: the stop
//! action's task state, paginated listings, a plain answer for the rest, and the service's
//! idempotency tokens in front of all of them.

use super::api::{Reply, documented, error_reply, new_request_id, param};
use super::pages::{DEFAULT_ITEMS, Listing, page};
use super::state::{RequestRecord, Shared, TaskState};

/// Answers `action` (`op`) for `access_key_id`. As the service does, a request repeating a
/// token (the parameter the table names, [`DEFAULT_TOKEN`] otherwise) gets the first
/// successful answer again, and nothing is done again.
pub(crate) fn act_once(
    shared: &Shared,
    op: &'static livegen_runtime::Operation,
    action: &str,
    access_key_id: String,
    params: &[(String, String)],
    record: &mut RequestRecord,
) -> Reply {
    let token = param(params, op.idempotency_token.unwrap_or(DEFAULT_TOKEN))
        .filter(|token| !token.is_empty())
        .map(|token| (action.to_owned(), access_key_id, token));
    if let Some(key) = &token
        && let Some(reply) = shared.lock().tokens.get(key).cloned()
    {
        record.replayed = true;
        return reply;
    }
    let reply = act(shared, op, action, params);
    if let Some(key) = token
        && reply.status < 300
    {
        shared.lock().tokens.insert(key, reply.clone());
    }
    reply
}

/// The token parameter the fake honours on actions whose table names none, so a test can
/// give any action a token.
const DEFAULT_TOKEN: &str = "ClientToken";

/// The action itself, once the request passed every gateway check.
fn act(
    shared: &Shared,
    op: &'static livegen_runtime::Operation,
    action: &str,
    params: &[(String, String)],
) -> Reply {
    match action {
        "StopLivePullToPush" => stop(shared, op, params),
        _ if op.pagination.is_some() => paged(shared, op, params),
        _ => Reply::json(
            200,
            &serde_json::json!({ "RequestId": new_request_id() }),
            None,
        ),
    }
}

/// One page of the paginated `op`'s listing for the request `params` (query and form).
pub(crate) fn paged(
    shared: &Shared,
    op: &'static livegen_runtime::Operation,
    params: &[(String, String)],
) -> Reply {
    let mut inner = shared.lock();
    let listing = inner
        .listings
        .entry(op.action.to_owned())
        .or_insert_with(|| Listing::new(DEFAULT_ITEMS));
    let request_id = new_request_id();
    match page(op, params, listing, request_id) {
        Ok(answer) => Reply::json(200, &answer, None),
        Err(detail) => error_reply(op.service, 400, "InvalidParameter", &detail),
    }
}

/// Magic task ids: `fail:<Code>` always answers that code.
const FAIL_PREFIX: &str = "fail:";

fn stop(shared: &Shared, op: &livegen_runtime::Operation, params: &[(String, String)]) -> Reply {
    let task_id = param(params, "TaskId").unwrap_or_default();
    let mut inner = shared.lock();
    if let Some(code) = inner.next_errors.pop_front() {
        drop(inner);
        return documented(op, &code, None);
    }
    if let Some(code) = task_id.strip_prefix(FAIL_PREFIX) {
        drop(inner);
        return documented(op, code, None);
    }
    match inner.tasks.get_mut(&task_id) {
        None => {
            drop(inner);
            documented(op, "CodeTaskNotExist", None)
        }
        Some(TaskState::Stopped) => {
            drop(inner);
            documented(op, "CodeTaskHasStopped", None)
        }
        Some(state) => {
            *state = TaskState::Stopped;
            let request_id = new_request_id();
            Reply::json(
                200,
                &serde_json::json!({ "RequestId": request_id, "TaskId": task_id }),
                Some(request_id),
            )
        }
    }
}

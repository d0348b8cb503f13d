//! The fake's ROA (RESTful) side, from the same generated tables as the rest: routing a
//! request path to an operation's template (escaped segments decoded), checking its path,
//! query, header and JSON-body parameters against the table, the ROA error shape
//! (`code`, `message`, `requestId` in lower camel case, the HTTP status carrying the
//! meaning), and the ACK sample's clusters.

use livegen_runtime::{Operation, ParamLocation};
use serde_json::{Value, json};

use super::api::{Reply, error_reply, new_request_id};
use super::catalog::fill;
use super::state::Shared;

/// The decoded values of the `{Name}` segments when `path` (as received, percent-encoded)
/// fits `op`'s path template; `Some(empty)` for an exact match of a template without
/// segments; `None` when it does not fit or a segment does not decode.
pub(crate) fn route(op: &Operation, path: &str) -> Option<Vec<(String, String)>> {
    let template: Vec<&str> = op.path.split('/').collect();
    let segments: Vec<&str> = path.split('/').collect();
    if template.len() != segments.len() {
        return None;
    }
    let mut values = Vec::new();
    for (want, got) in template.iter().zip(&segments) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) => {
                let value = percent_decode(got)?;
                if value.is_empty() {
                    return None;
                }
                values.push((name.to_owned(), value));
            }
            None if want == got => {}
            None => return None,
        }
    }
    Some(values)
}

/// RFC 3986 percent-decoding of one path segment (`+` is a plus sign here); `None` for a
/// bad escape or text that is not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks a ROA request's parameters against `op`'s table: required query and header
/// parameters present, no body where the operation takes none, and a JSON body that parses
/// and fits the table's shape. The answer on failure is the gateway's 400.
pub(crate) fn check_params(
    op: &Operation,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), Reply> {
    let invalid = |message: String| Err(error_reply(op.service, 400, "InvalidParameter", &message));
    let mut takes_body = false;
    for param in op.params {
        let present = match param.location {
            ParamLocation::Query => query.iter().any(|(n, v)| n == param.name && !v.is_empty()),
            ParamLocation::Header => headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(param.name)),
            ParamLocation::JsonBody => {
                takes_body = true;
                !body.is_empty()
            }
            ParamLocation::Path | ParamLocation::Body => true,
        };
        if !present {
            if param.required {
                return Err(error_reply(
                    op.service,
                    400,
                    &format!("Missing{}", param.name),
                    &format!("{} is mandatory for this action.", param.name),
                ));
            }
            continue;
        }
        if param.location == ParamLocation::JsonBody {
            let value: Value = match serde_json::from_slice(body) {
                Ok(value) => value,
                Err(e) => return invalid(format!("The request body is not JSON: {e}.")),
            };
            if let Err(e) = livegen_runtime::params::check_value(&value, &param.shape, param.name) {
                return invalid(format!("The request body does not fit {}: {e}.", op.action));
            }
        }
    }
    if !takes_body && !body.is_empty() {
        return invalid(format!("{} takes no request body.", op.action));
    }
    Ok(())
}

/// `reply` (an error envelope) in the ROA shape: `{code, message, requestId}`, same status.
pub(crate) fn roa_shape(reply: Reply) -> Reply {
    let Ok(Value::Object(envelope)) = serde_json::from_slice::<Value>(&reply.body) else {
        return reply;
    };
    if !envelope.contains_key("Code") {
        // Already in the ROA shape (or not an envelope at all).
        return reply;
    }
    let field = |name: &str| envelope.get(name).cloned().unwrap_or(Value::Null);
    let body = json!({
        "code": field("Code"),
        "message": field("Message"),
        "requestId": field("RequestId"),
    });
    Reply::json(reply.status, &body, reply.request_id)
}

/// Magic cluster ids: `fail:<Code>` always answers that code.
const FAIL_PREFIX: &str = "fail:";

/// Answers a ROA operation that passed every check (`query`: its decoded query). A
/// paginated operation pages through its listing as an RPC one does; the ACK sample's
/// cluster operations keep the fake's clusters; any other operation answers
/// `{"request_id": …}`.
pub(crate) fn answer(
    shared: &Shared,
    op: &'static Operation,
    path: &[(String, String)],
    query: &[(String, String)],
) -> Reply {
    if op.pagination.is_some() {
        if let Some(code) = shared.lock().next_errors.pop_front() {
            return documented(op, &code);
        }
        return roa_shape(super::actions::paged(shared, op, query));
    }
    let cluster = path
        .iter()
        .find(|(name, _)| name == "ClusterId")
        .map(|(_, value)| value.as_str());
    let request_id = new_request_id();
    let mut inner = shared.lock();
    if let Some(code) = inner.next_errors.pop_front() {
        drop(inner);
        return documented(op, &code);
    }
    if let Some(code) = cluster.and_then(|id| id.strip_prefix(FAIL_PREFIX)) {
        drop(inner);
        return documented(op, code);
    }
    let cluster_json = |id: &str| json!({"cluster_id": id, "name": id, "state": "running", "cluster_type": "ManagedKubernetes"});
    match (op.action, cluster) {
        ("DescribeClustersV1", _) => {
            let clusters: Vec<Value> = inner.clusters.iter().map(|id| cluster_json(id)).collect();
            let total = clusters.len();
            Reply::json(
                200,
                &json!({"clusters": clusters,
                        "page_info": {"page_number": 1, "page_size": total.max(1), "total_count": total}}),
                Some(request_id),
            )
        }
        (_, Some(id)) if !inner.clusters.contains(id) => {
            drop(inner);
            documented(op, "ErrorClusterNotFound")
        }
        ("DescribeClusterDetail", Some(id)) => {
            Reply::json(200, &cluster_json(id), Some(request_id))
        }
        ("DeleteCluster", Some(id)) => {
            inner.clusters.remove(id);
            Reply::json(
                200,
                &json!({"cluster_id": id, "request_id": request_id, "task_id": format!("T-{request_id}")}),
                Some(request_id),
            )
        }
        _ => Reply::json(200, &json!({"request_id": request_id}), Some(request_id)),
    }
}

/// The documented error `code` of `op` (its status and message from the table), else a
/// 404 for a missing cluster or a 400, in the ROA shape.
fn documented(op: &Operation, code: &str) -> Reply {
    let service = op.service;
    let reply = match op.error(code) {
        Some(error) => error_reply(service, error.http_status, code, &fill(error.message, code)),
        None if code == "ErrorClusterNotFound" => {
            error_reply(service, 404, code, "The specified cluster does not exist.")
        }
        None => error_reply(
            service,
            400,
            code,
            &format!("{code} (injected by live-fake)."),
        ),
    };
    roa_shape(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(action: &str) -> &'static Operation {
        super::super::catalog::tests::catalog()
            .operation(action)
            .expect("in the ACK sample")
    }

    #[test]
    fn paths_route_with_escaped_segments_decoded() {
        let scale = op("ScaleClusterNodePool");
        let values = route(scale, "/clusters/a%2Fb%20c%2B%25%E7%9B%B4/nodepools/np+1")
            .expect("fits the template");
        assert_eq!(
            values,
            [
                ("ClusterId".to_owned(), "a/b c+%直".to_owned()),
                ("NodepoolId".to_owned(), "np+1".to_owned()),
            ]
        );
        assert_eq!(route(scale, "/clusters/a/b/nodepools/np"), None);
        assert_eq!(route(scale, "/clusters/a/nodepools/%ZZ"), None);
        assert_eq!(route(scale, "/clusters//nodepools/np"), None);
        assert_eq!(
            route(op("DescribeClustersV1"), "/api/v1/clusters"),
            Some(vec![])
        );
    }

    #[test]
    fn bodies_are_checked_against_the_table() {
        let scale = op("ScaleClusterNodePool");
        assert!(check_params(scale, &[], &[], br#"{"count":2}"#).is_ok());
        let not_json = check_params(scale, &[], &[], b"{").expect_err("not JSON");
        assert_eq!(not_json.status, 400);
        let wrong = check_params(scale, &[], &[], br#"{"count":"two"}"#).expect_err("a string");
        let text = String::from_utf8_lossy(&wrong.body).into_owned();
        assert!(text.contains("count"), "{text}");
        let detail = op("DescribeClusterDetail");
        assert!(
            check_params(detail, &[], &[], b"{}").is_err(),
            "takes no body"
        );
    }

    #[test]
    fn errors_take_the_roa_shape() {
        let reply = documented(op("DescribeClusterDetail"), "ErrorClusterNotFound");
        assert_eq!(reply.status, 404);
        let body: Value = serde_json::from_slice(&reply.body).expect("json");
        assert_eq!(body["code"], "ErrorClusterNotFound");
        assert_eq!(body["message"], "The specified cluster does not exist.");
        assert!(body["requestId"].is_string());
        assert!(body.get("Code").is_none());
    }
}

//! The one page loop every paginator runs: which page to ask for next, and when to stop.
//!
//! It works on the answers as JSON so it is compiled once, not once per operation;
//! [`Pages`](super::Pages) decodes each page into the typed output afterwards.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{PageStyle, Pagination, lookup};
use crate::client::Client;
use crate::error::{OperationError, SdkError};
use crate::operation::{Operation, Shape};

/// Where the loop stands.
#[derive(Debug)]
enum Next {
    /// Ask for this page number.
    Page(u64),
    /// Ask with this token (`None`: the first page, no token).
    Token(Option<String>),
    /// Report this problem, then stop.
    Fail(Failure),
    /// Nothing more.
    Done,
}

/// A problem the loop finds before or between requests.
#[derive(Debug)]
enum Failure {
    /// The request cannot be built (construction error).
    Input(String),
    /// The answers cannot be paged (an unreadable-response error).
    Answer(String),
}

/// One paginated call in progress.
#[derive(Debug)]
pub(crate) struct PageLoop {
    client: Client,
    op: &'static Operation,
    input: Map<String, Value>,
    next: Next,
    /// Page size sent, if the input sets one.
    size: Option<u64>,
    /// Pages answered so far.
    pages: u64,
    /// Items seen so far.
    items: u64,
    /// The total the previous page stated.
    total: Option<u64>,
    /// Tokens already sent (the first page's, if the input set one, included).
    tokens: HashSet<String>,
    /// The previous page's items (page-number style), to notice a page parameter the
    /// service ignores.
    previous: Option<Vec<Value>>,
}

impl PageLoop {
    pub(crate) fn new<I>(client: Client, op: &'static Operation, input: &I) -> PageLoop
    where
        I: serde::Serialize + ?Sized,
    {
        let mut page_loop = PageLoop {
            client,
            op,
            input: Map::new(),
            next: Next::Done,
            size: None,
            pages: 0,
            items: 0,
            total: None,
            tokens: HashSet::new(),
            previous: None,
        };
        page_loop.next = match page_loop.start(input) {
            Ok(next) => next,
            Err(message) => Next::Fail(Failure::Input(message)),
        };
        page_loop
    }

    pub(crate) fn pagination(&self) -> Option<&'static Pagination> {
        self.op.pagination.as_ref()
    }

    fn start<I>(&mut self, input: &I) -> Result<Next, String>
    where
        I: serde::Serialize + ?Sized,
    {
        let action = self.op.action;
        let pagination = self.pagination().ok_or_else(|| {
            format!("{action} is not paginated (its spec has no x-acs-pagination)")
        })?;
        self.input = match serde_json::to_value(input) {
            Ok(Value::Object(map)) => map,
            Ok(other) => return Err(format!("the input of {action} is not an object: {other}")),
            Err(e) => {
                return Err(format!(
                    "the input of {action} cannot be represented as JSON: {e}"
                ));
            }
        };
        if let Some(name) = pagination.size_param {
            self.size = match self.input.get(name) {
                None | Some(Value::Null) => None,
                Some(value) => Some(
                    as_count(value)
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("{action}: {name} must be a positive number"))?,
                ),
            };
        }
        Ok(match pagination.style {
            PageStyle::PageNumber { page_param, .. } => match self.input.get(page_param) {
                None | Some(Value::Null) => Next::Page(1),
                Some(value) => Next::Page(
                    as_count(value)
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| format!("{action}: {page_param} must be 1 or more"))?,
                ),
            },
            PageStyle::NextToken { token_param, .. } => match self.input.get(token_param) {
                None | Some(Value::Null) => Next::Token(None),
                Some(Value::String(token)) if token.is_empty() => Next::Token(None),
                Some(Value::String(token)) => Next::Token(Some(token.clone())),
                Some(Value::Number(n)) => Next::Token(Some(n.to_string())),
                Some(_) => {
                    return Err(format!(
                        "{action}: {token_param} must be a string or a number"
                    ));
                }
            },
        })
    }

    /// The next page's answer, or `None` at the end.
    pub(crate) async fn next_page<E: OperationError>(
        &mut self,
    ) -> Option<Result<Value, SdkError<E>>> {
        let request = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return None,
            Next::Fail(Failure::Input(message)) => {
                return Some(Err(SdkError::Construction(message)));
            }
            Next::Fail(Failure::Answer(reason)) => {
                return Some(Err(SdkError::Response {
                    status: 200,
                    reason,
                    body_excerpt: String::new(),
                }));
            }
            request => request,
        };
        // `start` refuses an operation without pagination, so this is always there.
        let pagination = self.pagination()?;
        match (&request, pagination.style) {
            (Next::Page(page), PageStyle::PageNumber { page_param, .. }) => {
                let value = match self.op.param(page_param).map(|p| p.shape) {
                    Some(Shape::String { .. }) => Value::String(page.to_string()),
                    _ => Value::from(*page),
                };
                self.input.insert(page_param.to_owned(), value);
            }
            (Next::Token(Some(token)), PageStyle::NextToken { token_param, .. }) => {
                self.tokens.insert(token.clone());
                // Some services number their tokens; send them as the parameter's type.
                let value = match self.op.param(token_param).map(|p| p.shape) {
                    Some(Shape::Integer { .. }) => token
                        .parse::<i64>()
                        .map_or_else(|_| Value::String(token.clone()), Value::from),
                    _ => Value::String(token.clone()),
                };
                self.input.insert(token_param.to_owned(), value);
            }
            (Next::Token(None), PageStyle::NextToken { token_param, .. }) => {
                self.input.remove(token_param);
            }
            _ => return None,
        }
        let answer = match self.client.call::<_, Value, E>(self.op, &self.input).await {
            Ok(answer) => answer,
            Err(e) => return Some(Err(e)),
        };
        self.pages += 1;
        let first = self.pages == 1;
        let items = pagination.items_of(&answer);
        let count = items.len() as u64;
        self.items += count;
        if self.size.is_none() {
            self.size = pagination
                .size_param
                .and_then(|name| answer.get(name))
                .and_then(as_count)
                .filter(|n| *n > 0);
        }
        self.next = match (request, pagination.style) {
            (Next::Page(page), PageStyle::PageNumber { total, .. }) => {
                if count == 0 {
                    // The end; an empty page after the first adds nothing worth yielding.
                    return if first { Some(Ok(answer)) } else { None };
                }
                if self.previous.as_deref() == Some(items) {
                    return Some(Err(SdkError::Response {
                        status: 200,
                        reason: format!(
                            "{}: page {page} has the same items as page {}; the service seems to ignore the page number, so paging stops",
                            self.op.action,
                            page - 1
                        ),
                        body_excerpt: String::new(),
                    }));
                } else {
                    self.previous = Some(items.to_vec());
                    let total = total
                        .and_then(|path| lookup(&answer, path))
                        .and_then(as_count);
                    self.after_numbered_page(page, count, total)
                }
            }
            (Next::Token(_), PageStyle::NextToken { next_token, .. }) => {
                let token = lookup(&answer, next_token).and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
                match token.as_deref() {
                    None | Some("") => Next::Done,
                    Some(token) if self.tokens.contains(token) => {
                        Next::Fail(Failure::Answer(format!(
                            "{}: the service sent the next token {:?} a second time; paging stops rather than loop forever",
                            self.op.action,
                            crate::error::sanitize_text(token)
                        )))
                    }
                    Some(token) => Next::Token(Some(token.to_owned())),
                }
            }
            _ => Next::Done,
        };
        Some(Ok(answer))
    }

    fn after_numbered_page(&mut self, page: u64, count: u64, total: Option<u64>) -> Next {
        if let (Some(before), Some(now)) = (self.total, total)
            && before != now
        {
            tracing::warn!(
                action = self.op.action,
                before,
                now,
                "the total changed between pages; following the new one"
            );
        }
        if total.is_some() {
            self.total = total;
        }
        if let Some(size) = self.size
            && count < size
        {
            return Next::Done;
        }
        if let Some(total) = self.total {
            // Counted by position when the size is known, so a start past page 1 works.
            let reached = match self.size {
                Some(size) => page.saturating_mul(size) >= total,
                None => self.items >= total,
            };
            if reached {
                return Next::Done;
            }
        }
        Next::Page(page + 1)
    }
}

/// A non-negative count given as a JSON number or a decimal string (some services send
/// `"TotalCount": "12"`).
fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

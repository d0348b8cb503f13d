//! Paginators: every page, or every item, of a paginated operation as a lazy stream.
//!
//! An operation's [`Pagination`] (from the spec's `x-acs-pagination`) says which request
//! parameter moves through the pages and where the answer keeps its items, its total and
//! its next token. [`Client::paginator`] turns one input into a [`Paginator`]; its
//! [`pages`](Paginator::pages) and [`items`](Paginator::items) are
//! [`futures_core::Stream`]s, also usable without any stream helper crate through their
//! inherent `next().await`. Each page request is an ordinary [`Client::call`]: it waits
//! for the rate limiter and is retried like any other call.
//!
//! When the loop stops, for both conventions:
//!
//! | Convention | Stops after the page that | Refuses (error after that page) |
//! |---|---|---|
//! | page number | is empty, is shorter than the page size, or reaches the total | the same non-empty items as the previous page (the page parameter is ignored) |
//! | next token | has no or an empty next token | a next token already sent (the service would loop forever) |
//!
//! The page size is the one the input sets, else the answer's field named like the size
//! parameter. A total that changes between pages is followed (the newest one counts, a
//! warning is logged): items added or removed while paging shift the pages, which no
//! client can repair. An empty page after the first is not yielded. The loop stops at
//! the first error, after yielding it.
//!
//! Streams: the runtime implements [`futures_core::Stream`] by hand, with the
//! `futures-core` crate that reqwest already depends on (no `futures-util`, no
//! `async-stream`), so paginators add nothing to the dependency tree.

mod page_loop;
mod stream;
#[cfg(test)]
mod tests;

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use self::stream::{Items, Pages};
use crate::client::Client;
use crate::error::{OperationError, SdkError};
use crate::operation::Operation;
use page_loop::PageLoop;

/// How an operation splits its answer over pages: the spec's `x-acs-pagination`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The convention and its names.
    pub style: PageStyle,
    /// The request parameter that sets the page size (`PageSize`, `MaxResults`), if any.
    pub size_param: Option<&'static str>,
    /// Where the answer lists the page's items, as field names joined by `.`
    /// (`Domains.PageData`). `None` when the spec does not know (an undocumented answer):
    /// the runtime then takes the answer's only list, at the top level or inside one of
    /// its top-level objects, and treats a page without one as empty.
    pub items: Option<&'static str>,
}

/// A pagination convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Numbered pages from 1 (`PageNumber`, `PageNum`, `PageNo`).
    PageNumber {
        /// The request parameter carrying the page number.
        page_param: &'static str,
        /// Where the answer states the total number of items (`TotalCount`), if it does.
        total: Option<&'static str>,
    },
    /// Opaque continuation tokens (`NextToken`, `NextPageToken`).
    NextToken {
        /// The request parameter carrying the token.
        token_param: &'static str,
        /// Where the answer gives the next token, e.g. `NextToken`.
        next_token: &'static str,
    },
}

impl Pagination {
    /// The page's items in `answer` (see [`Pagination::items`]); empty when there are none.
    pub fn items_of<'a>(&self, answer: &'a Value) -> &'a [Value] {
        let found = match self.items {
            Some(path) => lookup(answer, path).and_then(Value::as_array),
            None => only_list(answer),
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// The same, mutable: the command line merges every page's items into the first.
    pub fn items_of_mut<'a>(&self, answer: &'a mut Value) -> Option<&'a mut Vec<Value>> {
        match self.items {
            Some(path) => lookup_mut(answer, path).and_then(Value::as_array_mut),
            None => {
                // Found immutably first so the borrow checker sees one mutable path.
                let key = only_list_path(answer)?;
                let mut node = answer;
                for part in key {
                    node = node.get_mut(part)?;
                }
                node.as_array_mut()
            }
        }
    }
}

/// The value at a `.`-joined path of object keys.
pub(crate) fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |node, key| node.get(key))
}

fn lookup_mut<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.')
        .try_fold(value, |node, key| node.get_mut(key))
}

fn only_list(answer: &Value) -> Option<&Vec<Value>> {
    let path = only_list_path(answer)?;
    path.iter()
        .try_fold(answer, |node, key| node.get(key))
        .and_then(Value::as_array)
}

/// The keys leading to the answer's only list: a top-level one, else the only one found
/// one level down. Several candidates at the same depth mean "unknown".
fn only_list_path(answer: &Value) -> Option<Vec<String>> {
    let object = answer.as_object()?;
    let top: Vec<&String> = object
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    match top.as_slice() {
        [one] => return Some(vec![(*one).clone()]),
        [] => {}
        _ => return None,
    }
    let mut nested = object.iter().filter_map(|(k, v)| {
        let inner = v.as_object()?;
        let mut lists = inner.iter().filter(|(_, v)| v.is_array());
        let (name, _) = lists.next()?;
        // Two lists in one object: ambiguous, so this object names none.
        lists
            .next()
            .is_none()
            .then(|| vec![k.clone(), name.clone()])
    });
    let first = nested.next()?;
    nested.next().is_none().then_some(first)
}

/// A paginated call, ready to run: see the [module docs](self).
///
/// Nothing is sent until a stream is polled.
///
/// `T` is what [`items`](Self::items) yields: the item type a generated paginator names
/// when the spec's items path leads to a typed list, else JSON.
#[derive(Debug)]
pub struct Paginator<O, E, T = Value> {
    page_loop: PageLoop,
    _types: PhantomData<Types<O, E, T>>,
}

/// The types a [`Paginator`] decodes to, as a marker.
type Types<O, E, T> = fn() -> (O, E, T);

impl<O, E, T> Paginator<O, E, T>
where
    O: DeserializeOwned + Send + 'static,
    E: OperationError,
    T: DeserializeOwned + Send + 'static,
{
    /// Every page, decoded as the operation's output.
    pub fn pages(self) -> Pages<O, E> {
        Pages::new(self.page_loop)
    }

    /// Every item of every page, decoded as `T` (JSON with the answer's own field names
    /// unless the paginator names a type).
    pub fn items(self) -> Items<T, E> {
        Items::new(self.page_loop)
    }

    /// The same paginator, its items decoded as `U` (what generated paginators use to
    /// name their item type).
    pub fn with_items<U>(self) -> Paginator<O, E, U> {
        Paginator {
            page_loop: self.page_loop,
            _types: PhantomData,
        }
    }

    /// Every item of every page, decoded as `U`.
    pub fn items_as<U: DeserializeOwned + Send + 'static>(self) -> Items<U, E> {
        Items::new(self.page_loop)
    }

    /// Fetches every page and returns the first answer with the items of all pages in
    /// its list: what the command line prints for `--all-pages`.
    pub async fn merged(self) -> Result<Value, SdkError<E>> {
        let pagination = self.page_loop.pagination();
        let mut pages = Pages::<Value, E>::new(self.page_loop);
        let mut merged: Option<Value> = None;
        while let Some(page) = pages.next().await {
            let mut page = page?;
            match (&mut merged, pagination) {
                (None, _) => merged = Some(page),
                (Some(first), Some(p)) => {
                    let more = p.items_of_mut(&mut page).map(std::mem::take);
                    if let (Some(all), Some(more)) = (p.items_of_mut(first), more) {
                        all.extend(more);
                    }
                }
                (Some(_), None) => {}
            }
        }
        Ok(merged.unwrap_or(Value::Null))
    }
}

impl Client {
    /// A [`Paginator`] over `op` starting from `input`; a page number or token the input
    /// sets is where paging starts. For an operation without a [`Pagination`], the first
    /// page is an error and nothing is sent.
    pub fn paginator<I, O, E>(&self, op: &'static Operation, input: &I) -> Paginator<O, E>
    where
        I: serde::Serialize + ?Sized,
    {
        Paginator {
            page_loop: PageLoop::new(self.clone(), op, input),
            _types: PhantomData,
        }
    }
}

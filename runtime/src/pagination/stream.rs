//! [`Pages`] and [`Items`]: the page loop as [`futures_core::Stream`]s.
//!
//! Implemented by hand over a boxed future that owns the loop while a page is in flight
//! and hands it back with the answer, so the streams are `Unpin` and `Send` and need no
//! helper crate.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Pagination;
use super::page_loop::PageLoop;
use crate::error::{OperationError, SdkError};

type Fetch<E> =
    Pin<Box<dyn Future<Output = (PageLoop, Option<Result<Value, SdkError<E>>>)> + Send>>;

/// The raw answers, one per page.
struct Raw<E> {
    idle: Option<PageLoop>,
    in_flight: Option<Fetch<E>>,
}

impl<E: OperationError> Raw<E> {
    fn new(page_loop: PageLoop) -> Raw<E> {
        Raw {
            idle: Some(page_loop),
            in_flight: None,
        }
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Value, SdkError<E>>>> {
        if self.in_flight.is_none() {
            let Some(mut page_loop) = self.idle.take() else {
                return Poll::Ready(None);
            };
            self.in_flight = Some(Box::pin(async move {
                let page = page_loop.next_page::<E>().await;
                (page_loop, page)
            }));
        }
        let Some(fetch) = self.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        match fetch.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((page_loop, page)) => {
                self.in_flight = None;
                if page.is_some() {
                    self.idle = Some(page_loop);
                }
                Poll::Ready(page)
            }
        }
    }
}

fn decode<T: DeserializeOwned, E>(value: Value, what: &str) -> Result<T, SdkError<E>> {
    serde_json::from_value(value.clone()).map_err(|e| {
        let mut body_excerpt = value.to_string();
        if body_excerpt.len() > 1024 {
            let mut end = 1024;
            while !body_excerpt.is_char_boundary(end) {
                end -= 1;
            }
            body_excerpt.truncate(end);
        }
        SdkError::Response {
            status: 200,
            reason: format!("{what} does not match its documented shape: {e}"),
            body_excerpt,
        }
    })
}

/// Every page of a [`Paginator`](super::Paginator), decoded as `O`. Lazy: a page is
/// requested when the stream is polled. Ends after the last page or the first error.
pub struct Pages<O, E> {
    raw: Raw<E>,
    _output: PhantomData<fn() -> O>,
}

impl<O, E> fmt::Debug for Pages<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("in_flight", &self.raw.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<O: DeserializeOwned, E: OperationError> Pages<O, E> {
    pub(super) fn new(page_loop: PageLoop) -> Pages<O, E> {
        Pages {
            raw: Raw::new(page_loop),
            _output: PhantomData,
        }
    }

    /// The next page, or `None` at the end (the same as `StreamExt::next`).
    pub async fn next(&mut self) -> Option<Result<O, SdkError<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<O: DeserializeOwned, E: OperationError> Stream for Pages<O, E> {
    type Item = Result<O, SdkError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.raw
            .poll_page(cx)
            .map(|page| page.map(|page| page.and_then(|value| decode(value, "a page"))))
    }
}

/// Every item of every page of a [`Paginator`](super::Paginator), decoded as `T`. Lazy:
/// the next page is requested when the items of the previous one are used up.
pub struct Items<T, E> {
    raw: Raw<E>,
    pagination: Option<&'static Pagination>,
    buffered: VecDeque<Value>,
    _item: PhantomData<fn() -> T>,
}

impl<T, E> fmt::Debug for Items<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.buffered.len())
            .field("in_flight", &self.raw.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned, E: OperationError> Items<T, E> {
    pub(super) fn new(page_loop: PageLoop) -> Items<T, E> {
        Items {
            pagination: page_loop.pagination(),
            raw: Raw::new(page_loop),
            buffered: VecDeque::new(),
            _item: PhantomData,
        }
    }

    /// The next item, or `None` at the end (the same as `StreamExt::next`).
    pub async fn next(&mut self) -> Option<Result<T, SdkError<E>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: DeserializeOwned, E: OperationError> Stream for Items<T, E> {
    type Item = Result<T, SdkError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(decode(item, "an item")));
            }
            let mut page = match this.raw.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => page,
            };
            if let Some(items) = this.pagination.and_then(|p| p.items_of_mut(&mut page)) {
                this.buffered.extend(items.drain(..));
            }
        }
    }
}

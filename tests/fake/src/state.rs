//! The fake's mutable state: tasks, armed faults and errors, throttling windows, seen
//! nonces and the request log. One mutex guards it all: the fake serves a handful of
//! requests per test, so contention is not a concern and one lock keeps every decision
//! atomic (take a fault, count a request, stop a task).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

/// How long a nonce is remembered, and how far a request's timestamp may be from the
/// fake's clock: the 15 minutes Alibaba Cloud documents for both.
pub const REPLAY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How long `slow` answers wait unless told otherwise: longer than the runtime's default
/// 10-second attempt timeout.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(15);

/// The state of a pulled-stream relay task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    /// Running; stopping it succeeds.
    Running,
    /// Stopped; stopping it again answers `CodeTaskHasStopped`.
    Stopped,
}

/// A failure the fake can inject instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with the gateway's `InternalError` envelope.
    Http500,
    /// HTTP 503 with a `ServiceUnavailable` envelope.
    Http503,
    /// `Throttling.User`, whatever the request rate.
    Throttle,
    /// The connection is reset (RST) after the request is read; no answer at all.
    Reset,
    /// The request is processed (a stop is applied), then the connection is reset: the
    /// answer is lost after the action took effect.
    Drop,
    /// The answer is held back this long, then the request is processed normally.
    Slow(Duration),
    /// HTTP 200 with a JSON body cut off in the middle.
    InvalidJson,
    /// HTTP 200 with an HTML page, as a captive portal or misrouted proxy sends.
    Html,
    /// HTTP 200 with an empty body.
    Empty,
}

impl Fault {
    /// Every fault's name, as `FromStr` accepts them.
    pub const NAMES: &'static [&'static str] = &[
        "http500",
        "http503",
        "throttle",
        "reset",
        "drop",
        "slow",
        "invalid-json",
        "html",
        "empty",
    ];

    /// The fault's name.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Http500 => "http500",
            Fault::Http503 => "http503",
            Fault::Throttle => "throttle",
            Fault::Reset => "reset",
            Fault::Drop => "drop",
            Fault::Slow(_) => "slow",
            Fault::InvalidJson => "invalid-json",
            Fault::Html => "html",
            Fault::Empty => "empty",
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    /// Parses a fault name; `slow` waits [`DEFAULT_SLOW_DELAY`].
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(match name {
            "http500" | "500" => Fault::Http500,
            "http503" | "503" => Fault::Http503,
            "throttle" => Fault::Throttle,
            "reset" => Fault::Reset,
            "drop" => Fault::Drop,
            "slow" => Fault::Slow(DEFAULT_SLOW_DELAY),
            "invalid-json" => Fault::InvalidJson,
            "html" => Fault::Html,
            "empty" => Fault::Empty,
            other => {
                return Err(format!(
                    "unknown fault `{other}`; known: {}",
                    Fault::NAMES.join(", ")
                ));
            }
        })
    }
}

/// How the fake counts requests against an operation's QPS limit (`limit` per `per`).
///
/// Only admitted requests count, as with the service's "drop the excess" policy: a client
/// that keeps bursting is refused only for what exceeds the limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ThrottleWindow {
    /// A sliding log, the strictest counter: a request is refused when `limit` admitted
    /// requests arrived within the `per` before it, ends included, so no closed interval
    /// of length `per` ever holds more than `limit`. A client that spaces calls exactly
    /// `per / limit` apart is refused on the first bit of jitter.
    #[default]
    Sliding,
    /// Fixed windows `[phase + k·per, phase + (k + 1)·per)` counted from the fake's start:
    /// `limit` per window, whatever their spacing, so `2 × limit` may pass around a
    /// window boundary.
    Fixed {
        /// Where the windows start, after the fake's start.
        phase: Duration,
    },
    /// No limit at all: for tests of something else under high call rates (a
    /// credentials refresh in the middle of a 1,000-call burst).
    Unlimited,
}

impl FromStr for ThrottleWindow {
    type Err = String;

    /// `sliding`, `fixed`, `fixed:<phase in ms>` or `unlimited`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            None if text == "sliding" => Ok(ThrottleWindow::Sliding),
            None if text == "unlimited" => Ok(ThrottleWindow::Unlimited),
            None if text == "fixed" => Ok(ThrottleWindow::Fixed {
                phase: Duration::ZERO,
            }),
            Some(("fixed", ms)) => ms
                .parse::<u64>()
                .map(|ms| ThrottleWindow::Fixed {
                    phase: Duration::from_millis(ms),
                })
                .map_err(|_| format!("`{ms}` is not a phase in milliseconds")),
            _ => Err(format!(
                "unknown window `{text}`; expected sliding, fixed, fixed:<phase ms> or unlimited"
            )),
        }
    }
}

/// One API request as the fake saw and answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The action, if the request named one.
    pub action: Option<String>,
    /// The operation's parameters (signature plumbing and secrets left out).
    pub params: Vec<(String, String)>,
    /// `V3` or `V1` when the signature verified.
    pub signature: Option<&'static str>,
    /// The AccessKey id the request was signed with, when it verified.
    pub access_key_id: Option<String>,
    /// The HTTP status answered; `None` when the connection was reset instead.
    pub status: Option<u16>,
    /// The error code answered, if any.
    pub code: Option<String>,
    /// The injected fault, if one was used.
    pub fault: Option<&'static str>,
    /// When it arrived, in microseconds since the fake started.
    pub received_us: u64,
    /// Its signature nonce (header or query), to match it with the client's records.
    pub nonce: Option<String>,
    /// Answered from an earlier request with the same idempotency token, without acting.
    pub replayed: bool,
}

/// Everything that changes while the fake runs.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) tasks: BTreeMap<String, TaskState>,
    /// The ACK sample's clusters, by id.
    pub(crate) clusters: std::collections::BTreeSet<String>,
    /// Codes to answer the next requests with, one entry per request.
    pub(crate) next_errors: VecDeque<String>,
    /// Faults for the next requests, one entry per request.
    pub(crate) faults: VecDeque<Fault>,
    /// How requests are counted against QPS limits.
    pub(crate) window: ThrottleWindow,
    /// Admission times of recent requests, per throttling key (sliding windows).
    pub(crate) windows: HashMap<String, VecDeque<Instant>>,
    /// The current window's index and count, per throttling key (fixed windows).
    pub(crate) fixed: HashMap<String, (u128, u32)>,
    /// `(AccessKey id, nonce)` pairs seen within the replay window.
    pub(crate) nonces: HashSet<(String, String)>,
    /// The same pairs in arrival order, so expiry pops from the front instead of scanning
    /// every remembered nonce on each request.
    pub(crate) nonce_order: VecDeque<(Instant, (String, String))>,
    pub(crate) requests: Vec<RequestRecord>,
    /// Paginated actions' listings that differ from the default.
    pub(crate) listings: HashMap<String, super::pages::Listing>,
    /// Successful answers by `(action, AccessKey id, idempotency token)`: a request
    /// repeating a token gets the first answer again and is not acted on.
    pub(crate) tokens: HashMap<(String, String, String), super::api::Reply>,
}

/// Configuration and state shared by every connection.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The operations served.
    pub(crate) catalog: super::catalog::Catalog,
    pub(crate) keys: HashMap<String, String>,
    pub(crate) log: bool,
    /// When the fake started: the origin of fixed windows and of `received_us`.
    pub(crate) started: Instant,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(
        catalog: super::catalog::Catalog,
        keys: HashMap<String, String>,
        log: bool,
        inner: Inner,
    ) -> Shared {
        Shared {
            catalog,
            keys,
            log,
            started: Instant::now(),
            inner: Mutex::new(inner),
        }
    }

    /// The state; a panic elsewhere while holding the lock leaves it usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Arms `fault` for the next `count` requests.
    pub(crate) fn add_fault(&mut self, fault: Fault, count: u32) {
        self.faults
            .extend(std::iter::repeat_n(fault, count as usize));
    }

    /// Arms `code` as the answer to the next `count` requests that reach the action.
    pub(crate) fn add_next_error(&mut self, code: &str, count: u32) {
        self.next_errors
            .extend(std::iter::repeat_n(code.to_owned(), count as usize));
    }

    /// Admits a request under `limit` requests per `per` for `key`, counted as
    /// [`ThrottleWindow`] says (`started` is the origin of fixed windows), or refuses it.
    pub(crate) fn admit(
        &mut self,
        key: &str,
        limit: u32,
        per: Duration,
        started: Instant,
        now: Instant,
    ) -> bool {
        match self.window {
            ThrottleWindow::Unlimited => true,
            ThrottleWindow::Sliding => {
                // Requests are judged in the order the fake gets to them, which under load
                // is not always the order they arrived in, so the admitted arrivals are kept
                // sorted and `now` is checked against every window that could hold it: any
                // `limit + 1` consecutive arrivals including it must span more than `per`.
                let times = self.windows.entry(key.to_owned()).or_default();
                while times
                    .front()
                    .is_some_and(|&t| now.saturating_duration_since(t) > per * 2)
                {
                    times.pop_front();
                }
                let pos = times.partition_point(|&t| t <= now);
                let n = limit as usize;
                let at = |i: usize| match i.cmp(&pos) {
                    std::cmp::Ordering::Less => times[i],
                    std::cmp::Ordering::Equal => now,
                    std::cmp::Ordering::Greater => times[i - 1],
                };
                for start in pos.saturating_sub(n)..=pos {
                    let end = start + n;
                    if end > times.len() {
                        break;
                    }
                    if at(end).saturating_duration_since(at(start)) <= per {
                        return false;
                    }
                }
                times.insert(pos, now);
                true
            }
            ThrottleWindow::Fixed { phase } => {
                // Shifted by one window so instants before the phase get index 0.
                let since = (now + per).saturating_duration_since(started + phase);
                let index = since.as_nanos() / per.as_nanos().max(1);
                let (current, count) = self.fixed.entry(key.to_owned()).or_insert((index, 0));
                if *current != index {
                    *current = index;
                    *count = 0;
                }
                if *count >= limit {
                    return false;
                }
                *count += 1;
                true
            }
        }
    }

    /// Records `nonce` for `access_key_id`; false when it was seen within the replay window.
    pub(crate) fn first_use_of_nonce(
        &mut self,
        access_key_id: &str,
        nonce: &str,
        now: Instant,
    ) -> bool {
        while let Some((seen, _)) = self.nonce_order.front()
            && now.saturating_duration_since(*seen) >= REPLAY_WINDOW
        {
            if let Some((_, expired)) = self.nonce_order.pop_front() {
                self.nonces.remove(&expired);
            }
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        if !self.nonces.insert(key.clone()) {
            return false;
        }
        self.nonce_order.push_back((now, key));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn sliding_window_counts_every_closed_interval() {
        let mut inner = Inner::default();
        let start = Instant::now();
        let ms = Duration::from_millis;
        for i in 0..10 {
            assert!(inner.admit("k", 10, SECOND, start, start + ms(i)));
        }
        assert!(!inner.admit("k", 10, SECOND, start, start + ms(10)));
        assert!(inner.admit("other", 10, SECOND, start, start));
        // Exactly one second after the first is still inside its window…
        assert!(!inner.admit("k", 10, SECOND, start, start + SECOND));
        // …a microsecond later it is not.
        assert!(inner.admit(
            "k",
            10,
            SECOND,
            start,
            start + SECOND + Duration::from_micros(1)
        ));
    }

    #[test]
    fn sliding_window_refuses_exact_spacing_with_jitter() {
        let mut inner = Inner::default();
        let start = Instant::now();
        // 100 ms apart, the eleventh 1 ms early: 11 requests in one second.
        for i in 0..10u64 {
            assert!(inner.admit(
                "k",
                10,
                SECOND,
                start,
                start + Duration::from_millis(i * 100)
            ));
        }
        assert!(!inner.admit("k", 10, SECOND, start, start + Duration::from_millis(999)));
    }

    #[test]
    fn fixed_windows_reset_at_their_boundary() {
        let mut inner = Inner {
            window: ThrottleWindow::Fixed {
                phase: Duration::from_millis(300),
            },
            ..Inner::default()
        };
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        // The window [-700 ms, 300 ms) holds 10, [300 ms, 1300 ms) another 10.
        for i in 0..10 {
            assert!(inner.admit("k", 10, SECOND, start, at(200 + i)));
        }
        assert!(!inner.admit("k", 10, SECOND, start, at(299)));
        for i in 0..10 {
            assert!(inner.admit("k", 10, SECOND, start, at(300 + i)));
        }
        assert!(!inner.admit("k", 10, SECOND, start, at(1299)));
        assert!(inner.admit("k", 10, SECOND, start, at(1300)));
    }

    #[test]
    fn window_names_parse() {
        assert_eq!("sliding".parse(), Ok(ThrottleWindow::Sliding));
        assert_eq!(
            "fixed:250".parse(),
            Ok(ThrottleWindow::Fixed {
                phase: Duration::from_millis(250)
            })
        );
        assert!("fixed:x".parse::<ThrottleWindow>().is_err());
        assert!("leaky".parse::<ThrottleWindow>().is_err());
    }

    #[test]
    fn nonces_are_single_use() {
        let mut inner = Inner::default();
        let now = Instant::now();
        assert!(inner.first_use_of_nonce("a", "n1", now));
        assert!(!inner.first_use_of_nonce("a", "n1", now));
        assert!(inner.first_use_of_nonce("b", "n1", now));
        // Past the replay window the nonce is forgotten (and so is its bookkeeping).
        let later = now + REPLAY_WINDOW;
        assert!(inner.first_use_of_nonce("a", "n1", later));
        assert_eq!(inner.nonces.len(), 1);
        assert_eq!(inner.nonce_order.len(), 1);
    }

    #[test]
    fn fault_names_round_trip() {
        for name in Fault::NAMES {
            let fault: Fault = name.parse().expect("known");
            assert_eq!(fault.name(), *name);
        }
        assert!("bogus".parse::<Fault>().is_err());
    }
}

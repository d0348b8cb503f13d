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
}

/// Everything that changes while the fake runs.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) tasks: BTreeMap<String, TaskState>,
    /// Codes to answer the next requests with, one entry per request.
    pub(crate) next_errors: VecDeque<String>,
    /// Faults for the next requests, one entry per request.
    pub(crate) faults: VecDeque<Fault>,
    /// Admission times of recent requests, per throttling key.
    pub(crate) windows: HashMap<String, VecDeque<Instant>>,
    /// `(AccessKey id, nonce)` pairs seen within the replay window.
    pub(crate) nonces: HashSet<(String, String)>,
    /// The same pairs in arrival order, so expiry pops from the front instead of scanning
    /// every remembered nonce on each request.
    pub(crate) nonce_order: VecDeque<(Instant, (String, String))>,
    pub(crate) requests: Vec<RequestRecord>,
}

/// Configuration and state shared by every connection.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) keys: HashMap<String, String>,
    pub(crate) log: bool,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(keys: HashMap<String, String>, log: bool, inner: Inner) -> Shared {
        Shared {
            keys,
            log,
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

    /// Admits a request under `limit` requests per `window` for `key`, or refuses it.
    ///
    /// A sliding log: only admitted requests count, so a client that keeps bursting is
    /// refused only for what exceeds the limit, as a "drop" policy does.
    pub(crate) fn admit(&mut self, key: &str, limit: u32, window: Duration, now: Instant) -> bool {
        let times = self.windows.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            return false;
        }
        times.push_back(now);
        true
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

    #[test]
    fn window_slides() {
        let mut inner = Inner::default();
        let start = Instant::now();
        let window = Duration::from_millis(900);
        for i in 0..10 {
            assert!(inner.admit("k", 10, window, start + Duration::from_millis(i)));
        }
        assert!(!inner.admit("k", 10, window, start + Duration::from_millis(10)));
        assert!(inner.admit("other", 10, window, start));
        assert!(inner.admit("k", 10, window, start + window));
    }

    #[test]
    fn spaced_requests_are_never_refused() {
        let mut inner = Inner::default();
        let start = Instant::now();
        let window = Duration::from_millis(900);
        for i in 0..100u64 {
            // 100 ms apart with up to 40 ms of lateness either way.
            let jitter = if i % 2 == 0 { 40 } else { 0 };
            let at = start + Duration::from_millis(i * 100 + jitter);
            assert!(inner.admit("k", 10, window, at), "request {i}");
        }
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

//! A local fake of an Alibaba Cloud service, for end-to-end and interop tests: it serves
//! whatever operation tables it is started with ([`FakeConfig::product`], a generated
//! crate's `operations::ALL`), RPC and ROA alike, and names no product itself.
//! `livegen-tests` re-exports it as `livegen_tests::fake`, serving the ApsaraVideo Live API
//! and the ACK sample (ROA, `generated-ack/`) unless told otherwise; the catalogue sample's
//! scratch workspace links this crate alone, without building `aliyun-live`.
//!
//! It listens on loopback only and behaves like the real service where a client can tell:
//! it verifies V3 and V1 signatures with the runtime's own verifier, refuses replayed
//! nonces and stale timestamps, validates action, version and parameters against the
//! operation tables, enforces each operation's QPS limit per AccessKey (in a strict sliding
//! window, or fixed windows: [`ThrottleWindow`]), keeps task state, acts once per
//! idempotency token (`ClientToken`), and answers with the service's error envelope. ROA
//! operations are routed by their path templates, their JSON bodies checked against the
//! table, and their errors answered in the ROA shape (`code`, `message`, `requestId`). On
//! top it injects faults (5xx, resets, slow or garbage answers) and any documented error
//! on demand.
//!
//! ```no_run
//! use livegen_fake::{Fake, FakeConfig};
//! # let operations: livegen_fake::catalog::Operations = &[];
//!
//! // `operations` is a generated crate's `operations::ALL`.
//! let fake = Fake::start(FakeConfig::default().product(operations).task("t-1"))
//!     .expect("fake starts");
//! println!("call {}", fake.url());
//! // Dropping the handle stops the server.
//! ```

mod actions;
mod admin;
mod api;
pub mod catalog;
pub mod loopback;
pub mod pages;
pub mod paging_check;
mod roa;
mod server;
mod state;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

pub use server::log_line;
pub use state::{
    DEFAULT_SLOW_DELAY, Fault, REPLAY_WINDOW, RequestRecord, TaskState, ThrottleWindow,
};

use crate::loopback::ServerThread;
use catalog::{Catalog, Operations};
use pages::Listing;
use state::{Inner, Shared};

/// The AccessKey id the fake accepts by default. Obviously not a real one.
pub const DEFAULT_KEY_ID: &str = "testid";
/// The secret of [`DEFAULT_KEY_ID`].
pub const DEFAULT_KEY_SECRET: &str = "testsecret";

/// How a fake starts.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The products served: each a generated crate's `operations::ALL`. An action two
    /// products share is served by the first. At least one operation is needed.
    pub products: Vec<Operations>,
    /// The loopback port; 0 picks a free one.
    pub port: u16,
    /// Accepted `(AccessKey id, secret)` pairs.
    pub keys: Vec<(String, String)>,
    /// Tasks that exist, running, from the start.
    pub tasks: Vec<String>,
    /// ACK clusters that exist from the start (the ROA sample's operations).
    pub clusters: Vec<String>,
    /// Faults armed from the start, in order: `(fault, number of requests)`.
    pub faults: Vec<(Fault, u32)>,
    /// Whether to log one line per API request to stderr.
    pub log: bool,
    /// How requests are counted against QPS limits.
    pub window: ThrottleWindow,
    /// Listings of paginated actions other than the default, by action.
    pub listings: Vec<(String, Listing)>,
}

impl Default for FakeConfig {
    /// No products yet (add them with [`FakeConfig::product`]), port 0, the key
    /// `testid:testsecret`, no tasks, no faults, logging on, sliding windows.
    fn default() -> Self {
        FakeConfig {
            products: Vec::new(),
            port: 0,
            keys: vec![(DEFAULT_KEY_ID.to_owned(), DEFAULT_KEY_SECRET.to_owned())],
            tasks: Vec::new(),
            clusters: Vec::new(),
            faults: Vec::new(),
            log: true,
            window: ThrottleWindow::default(),
            listings: Vec::new(),
        }
    }
}

impl FakeConfig {
    /// Serves `operations` (a generated crate's `operations::ALL`) too.
    pub fn product(mut self, operations: Operations) -> Self {
        self.products.push(operations);
        self
    }

    /// Adds a running task.
    pub fn task(mut self, id: impl Into<String>) -> Self {
        self.tasks.push(id.into());
        self
    }

    /// Adds an ACK cluster (for the ROA sample's operations).
    pub fn cluster(mut self, id: impl Into<String>) -> Self {
        self.clusters.push(id.into());
        self
    }

    /// Arms `fault` for the next `count` requests.
    pub fn fault(mut self, fault: Fault, count: u32) -> Self {
        self.faults.push((fault, count));
        self
    }

    /// Counts requests against QPS limits this way.
    pub fn window(mut self, window: ThrottleWindow) -> Self {
        self.window = window;
        self
    }

    /// Makes the paginated `action` list `listing` (instead of
    /// [`pages::DEFAULT_ITEMS`] well-behaved items).
    pub fn listing(mut self, action: impl Into<String>, listing: Listing) -> Self {
        self.listings.push((action.into(), listing));
        self
    }

    /// Accepts the AccessKey `id` with `secret` too.
    pub fn key(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.keys.push((id.into(), secret.into()));
        self
    }
}

/// A running fake. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct Fake {
    server: ServerThread,
    shared: Arc<Shared>,
}

impl Fake {
    /// Binds `127.0.0.1:port` and serves on a thread of its own, so it runs the same
    /// under any test (sync or async, any tokio flavour) and never waits on the caller.
    ///
    /// # Errors
    ///
    /// When the configuration names no operation (`InvalidInput`), the port cannot be
    /// bound, or the thread or its runtime cannot start.
    pub fn start(config: FakeConfig) -> std::io::Result<Fake> {
        let catalog = Catalog::new(&config.products).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "FakeConfig::products is empty: a fake serves at least one operation \
                 (add a generated crate's `operations::ALL` with FakeConfig::product)",
            )
        })?;
        let mut inner = Inner {
            window: config.window,
            ..Inner::default()
        };
        for id in config.tasks {
            inner.tasks.insert(id, TaskState::Running);
        }
        inner.clusters.extend(config.clusters);
        for (fault, count) in config.faults {
            inner.add_fault(fault, count);
        }
        inner.listings.extend(config.listings);
        let keys: HashMap<String, String> = config.keys.into_iter().collect();
        let shared = Arc::new(Shared::new(catalog, keys, config.log, inner));

        let serving = Arc::clone(&shared);
        let server = ServerThread::start(config.port, "live-fake", move |listener, stopped| {
            server::serve(listener, serving, stopped)
        })?;
        Ok(Fake { server, shared })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Its base URL, e.g. `http://127.0.0.1:41234`, for `Config::endpoint_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The operations it serves.
    pub fn catalog(&self) -> &Catalog {
        &self.shared.catalog
    }

    /// Adds a task (or sets an existing one) in the given state.
    pub fn set_task(&self, id: impl Into<String>, state: TaskState) {
        self.shared.lock().tasks.insert(id.into(), state);
    }

    /// Adds a running task.
    pub fn add_task(&self, id: impl Into<String>) {
        self.set_task(id, TaskState::Running);
    }

    /// Whether the ACK cluster `id` exists.
    pub fn has_cluster(&self, id: &str) -> bool {
        self.shared.lock().clusters.contains(id)
    }

    /// The state of task `id`, if it exists.
    pub fn task(&self, id: &str) -> Option<TaskState> {
        self.shared.lock().tasks.get(id).copied()
    }

    /// Answers the next `count` requests that reach the action with error `code` (the
    /// documented status and message for a documented code, HTTP 400 otherwise).
    pub fn fail_next(&self, code: &str, count: u32) {
        self.shared.lock().add_next_error(code, count);
    }

    /// Arms `fault` for the next `count` API requests.
    pub fn inject(&self, fault: Fault, count: u32) {
        self.shared.lock().add_fault(fault, count);
    }

    /// Switches how requests are counted against QPS limits; counts start afresh.
    pub fn set_window(&self, window: ThrottleWindow) {
        let mut inner = self.shared.lock();
        inner.window = window;
        inner.windows.clear();
        inner.fixed.clear();
    }

    /// Makes the paginated `action` list `listing` from now on.
    pub fn set_listing(&self, action: impl Into<String>, listing: Listing) {
        self.shared.lock().listings.insert(action.into(), listing);
    }

    /// Every API request seen so far, oldest first (admin calls are not included).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.clone()
    }

    /// When the fake started: `received_us` counts from here.
    pub fn started(&self) -> std::time::Instant {
        self.shared.started
    }

    /// How many API requests arrived so far.
    pub fn request_count(&self) -> usize {
        self.shared.lock().requests.len()
    }

    /// Blocks until the server stops, which for a fake nobody drops means until the
    /// process is killed (the `live-fake` binary's main loop).
    pub fn wait(self) {
        self.server.wait();
    }
}

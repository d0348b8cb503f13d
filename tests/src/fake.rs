//! The local fake service (crate `livegen-fake`, `tests/fake/`) serving the ApsaraVideo
//! Live API and the ACK sample (ROA, `generated-ack/`) unless a test says otherwise: every
//! item of `livegen_fake` under its old path, so tests written against
//! `livegen_tests::fake` need no change.
//!
//! [`Fake::start`] serves [`DEFAULT_PRODUCTS`] when the configuration names no product;
//! everything else (faults, listings, admin endpoints, the request log) is the fake's own.
//!
//! ```no_run
//! use livegen_tests::fake::{Fake, FakeConfig};
//!
//! let fake = Fake::start(FakeConfig::default().task("t-1")).expect("fake starts");
//! println!("call {}", fake.url());
//! // Dropping the handle stops the server.
//! ```

pub use livegen_fake::{
    DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, DEFAULT_SLOW_DELAY, FakeConfig, Fault, REPLAY_WINDOW,
    RequestRecord, TaskState, ThrottleWindow, log_line, pages, paging_check,
};

use livegen_fake::catalog::Operations;

/// What a fake serves when its configuration names no product: Live, then the ACK
/// sample.
pub const DEFAULT_PRODUCTS: &[Operations] =
    &[aliyun_live::operations::ALL, aliyun_cs::operations::ALL];

/// What the fake knows about the API: `livegen_fake::catalog`, plus the catalog of
/// [`DEFAULT_PRODUCTS`].
pub mod catalog {
    pub use livegen_fake::catalog::*;

    /// The catalog of [`DEFAULT_PRODUCTS`](super::DEFAULT_PRODUCTS).
    pub fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| Catalog::new(super::DEFAULT_PRODUCTS).expect("Live has operations"))
    }
}

/// A running fake (a [`livegen_fake::Fake`], whose methods it has). Dropping it stops
/// the server and closes its connections.
#[derive(Debug)]
pub struct Fake(livegen_fake::Fake);

impl Fake {
    /// [`livegen_fake::Fake::start`], serving [`DEFAULT_PRODUCTS`] when `config` names no
    /// product.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread or its runtime cannot start.
    pub fn start(mut config: FakeConfig) -> std::io::Result<Fake> {
        if config.products.is_empty() {
            config.products = DEFAULT_PRODUCTS.to_vec();
        }
        livegen_fake::Fake::start(config).map(Fake)
    }

    /// Blocks until the server stops, which for a fake nobody drops means until the
    /// process is killed (the `live-fake` binary's main loop).
    pub fn wait(self) {
        self.0.wait();
    }
}

impl std::ops::Deref for Fake {
    type Target = livegen_fake::Fake;

    fn deref(&self) -> &livegen_fake::Fake {
        &self.0
    }
}

//! (Feature `test-util`.) When each attempt's rate-limit slot started and when its signed
//! request was handed to the HTTP stack (after its permit, which may come later than the
//! slot when earlier answers were late), keyed by the signature nonce, so a test can set
//! both beside the moment the service saw the request and measure where the time between
//! a grant and an arrival goes. Off until [`start`] is called; generated crates never
//! turn the feature on.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// One attempt: its slot and its hand-over to the HTTP stack.
#[derive(Debug, Clone)]
pub struct Handover {
    /// The request's signature nonce (`x-acs-signature-nonce` or `SignatureNonce`).
    pub nonce: String,
    /// When its rate-limit slot started.
    pub slot: Instant,
    /// When the signed request was handed to the HTTP stack.
    pub handed_over: Instant,
}

static ON: AtomicBool = AtomicBool::new(false);
static LOG: Mutex<Vec<Handover>> = Mutex::new(Vec::new());

/// Starts recording (for this process).
pub fn start() {
    ON.store(true, Ordering::SeqCst);
}

/// Stops recording and returns what was recorded.
pub fn take() -> Vec<Handover> {
    ON.store(false, Ordering::SeqCst);
    std::mem::take(&mut *LOG.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Records one attempt, if recording.
pub(crate) fn record(nonce: &str, slot: Instant) {
    if ON.load(Ordering::Relaxed) {
        let handed_over = Instant::now();
        LOG.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Handover {
                nonce: nonce.to_owned(),
                slot,
                handed_over,
            });
    }
}

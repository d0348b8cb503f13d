//! The HTTP client every generated operation calls. (Being written; see runtime brief.)

/// Sends signed, retried, rate-limited calls.
#[derive(Debug, Clone)]
pub struct Client {}

//! Client configuration. (Being written; see runtime brief.)

/// Client configuration.
#[derive(Debug, Clone)]
pub struct Config {}

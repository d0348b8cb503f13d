//! Reading environment variables, injectable so tests never touch the process's.
//!
//! One [`EnvLookup`] serves the client configuration and every credentials source, as
//! smithy-rs's `os_shim_internal::Env` does for aws-config.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Reads an environment variable; injectable so tests need not change the process
/// environment.
#[derive(Clone)]
pub struct EnvLookup(Arc<LookupFn>);

type LookupFn = dyn Fn(&str) -> Option<String> + Send + Sync;

impl EnvLookup {
    /// The process environment (variables that are not valid Unicode count as unset).
    pub fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// Any lookup function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(lookup))
    }

    /// A fixed set of variables; everything else is unset.
    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Self::from_fn(move |name| vars.get(name).cloned())
    }

    /// The variable's value; empty counts as unset, as in the official SDKs.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.is_empty())
    }

    /// Whether the variable is `true` (any case), as the official SDKs read their
    /// switches; anything else, or unset, is `false`.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    }
}

impl fmt::Debug for EnvLookup {
    // Values may be secrets, and a closure has nothing else worth showing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvLookup")
    }
}

impl Default for EnvLookup {
    fn default() -> Self {
        Self::process()
    }
}

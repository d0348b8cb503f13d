//! A source described by a file, built the first time credentials are asked for and then
//! kept: what the INI file and the aliyun CLI profile providers share.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::{CredentialsError, ProvideCredentials, ProvideFuture};

/// A built source and the name its errors are reported under.
pub(super) type Built = (String, Arc<dyn ProvideCredentials>);

/// The source once built; clones share it.
#[derive(Clone, Default)]
pub(super) struct BuiltOnce(Arc<Mutex<Option<Built>>>);

impl fmt::Debug for BuiltOnce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let built = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_tuple("BuiltOnce")
            .field(&built.as_ref().map(|(name, _)| name))
            .finish()
    }
}

impl BuiltOnce {
    /// The kept source, or `build`'s, kept if it succeeds. A failure is not kept: the
    /// file may be fixed before the next call.
    pub(super) fn get_or_build(
        &self,
        build: impl FnOnce() -> Result<Built, CredentialsError>,
    ) -> Result<Built, CredentialsError> {
        let mut built = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(source) = built.as_ref() {
            return Ok(source.clone());
        }
        let source = build()?;
        *built = Some(source.clone());
        Ok(source)
    }

    /// Credentials from the source, with its errors placed under its name.
    pub(super) fn provide<'a>(
        &'a self,
        build: impl FnOnce() -> Result<Built, CredentialsError> + Send + 'a,
    ) -> ProvideFuture<'a> {
        Box::pin(async move {
            let (name, source) = self.get_or_build(build)?;
            source.provide().await.map_err(|e| e.within(&name))
        })
    }
}

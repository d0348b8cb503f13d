//! A cache in front of a source of temporary credentials: refreshed before they expire,
//! one refresh at a time, and the old credentials kept while a refresh fails.
//!
//! The windows follow the official `RefreshCachedSupplier`
//! (`alibabacloud-credentials`): credentials count as stale 15 minutes before they
//! expire, and a caller that finds them stale waits for a refresh; the metadata service's
//! credentials are also prefetched an hour after they were fetched. Two differences,
//! both so that short-lived credentials do not refresh on every call: the windows shrink
//! to a quarter of the credentials' lifetime when that is shorter, and every source is
//! prefetched in the background from twice the stale window before expiry, so callers
//! rarely wait at all.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// When cached credentials are refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshWindows {
    /// Before expiry, the time from which callers wait for fresh credentials (official:
    /// 15 minutes). Shrinks to a quarter of the lifetime for short-lived credentials.
    pub stale: Duration,
    /// After fetching, the time from which a background refresh starts, if earlier than
    /// twice the stale window before expiry (official: one hour for the metadata
    /// service, never for STS).
    pub prefetch_after: Option<Duration>,
    /// After a failed refresh, how long the still-valid credentials are used before the
    /// next try (official: up to 10 seconds). Shrinks to a quarter of the time left.
    pub failure_backoff: Duration,
}

impl Default for RefreshWindows {
    /// The official windows for STS credentials.
    fn default() -> Self {
        Self {
            stale: Duration::from_secs(15 * 60),
            prefetch_after: None,
            failure_backoff: Duration::from_secs(10),
        }
    }
}

impl RefreshWindows {
    /// The official windows for the ECS metadata service (prefetch after an hour).
    pub fn metadata_service() -> Self {
        Self {
            prefetch_after: Some(Duration::from_secs(60 * 60)),
            ..Self::default()
        }
    }
}

/// Caches what a source provides until it is about to expire. Cheap to clone; clones
/// share the cache.
///
/// However many calls are waiting, one request reaches the source at a time: callers
/// that find the credentials stale queue on one lock and the first one refreshes; a
/// prefetch runs as one background task while callers keep the current credentials. If a
/// refresh fails while the cached credentials are still valid, they stay in use (the
/// failure is logged at `warn`) and the next try waits for
/// [`RefreshWindows::failure_backoff`]; calls fail only once they have expired.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    source: Box<dyn ProvideCredentials>,
    windows: RefreshWindows,
    state: Mutex<State>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    entry: Option<Entry>,
    prefetching: bool,
    /// After a failed refresh: no new try before this.
    next_try: Option<SystemTime>,
}

struct Entry {
    credentials: Credentials,
    /// From here callers wait for a refresh; `None`: never (no expiry).
    stale_at: Option<SystemTime>,
    /// From here one background refresh starts.
    prefetch_at: Option<SystemTime>,
}

impl std::fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("name", &self.inner.name)
            .field("source", &self.inner.source)
            .field("windows", &self.inner.windows)
            .finish_non_exhaustive()
    }
}

/// What a caller should do, decided under the state lock.
enum Decision {
    Use(Credentials),
    UseAndPrefetch(Credentials),
    Refresh,
}

impl CredentialsCache {
    /// Caches `source`, which `name`s itself in messages (e.g. `ECS instance metadata`).
    pub fn new(name: impl Into<String>, source: impl ProvideCredentials + 'static) -> Self {
        Self::with_windows(name, source, RefreshWindows::default())
    }

    /// Like [`CredentialsCache::new`] with other windows.
    pub fn with_windows(
        name: impl Into<String>,
        source: impl ProvideCredentials + 'static,
        windows: RefreshWindows,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                name: name.into(),
                source: Box::new(source),
                windows,
                state: Mutex::new(State::default()),
                refresh: tokio::sync::Mutex::new(()),
            }),
        }
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        match self.inner.decide(SystemTime::now()) {
            Decision::Use(credentials) => return Ok(credentials),
            Decision::UseAndPrefetch(credentials) => {
                self.prefetch();
                return Ok(credentials);
            }
            Decision::Refresh => {}
        }
        let _one_at_a_time = self.inner.refresh.lock().await;
        // Whoever held the lock may have refreshed already.
        match self.inner.decide(SystemTime::now()) {
            Decision::Use(credentials) | Decision::UseAndPrefetch(credentials) => {
                return Ok(credentials);
            }
            Decision::Refresh => {}
        }
        let fetched = self.inner.source.provide().await;
        self.inner.settle(fetched, SystemTime::now())
    }

    /// Starts one background refresh, unless one is running or there is no runtime.
    fn prefetch(&self) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        {
            let mut state = self.inner.lock();
            if state.prefetching {
                return;
            }
            state.prefetching = true;
        }
        let inner = Arc::clone(&self.inner);
        handle.spawn(async move {
            // A caller already refreshing makes this prefetch pointless.
            if let Ok(_one_at_a_time) = inner.refresh.try_lock() {
                let fetched = inner.source.provide().await;
                let _ = inner.settle(fetched, SystemTime::now());
            }
            inner.lock().prefetching = false;
        });
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the state half-written: every update is one
        // assignment.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn decide(&self, now: SystemTime) -> Decision {
        let state = self.lock();
        let Some(entry) = &state.entry else {
            return Decision::Refresh;
        };
        let backing_off = state.next_try.is_some_and(|next| now < next);
        if entry.stale_at.is_none_or(|stale| now < stale) {
            let due = entry.prefetch_at.is_some_and(|at| now >= at);
            return if due && !state.prefetching && !backing_off {
                Decision::UseAndPrefetch(entry.credentials.clone())
            } else {
                Decision::Use(entry.credentials.clone())
            };
        }
        if backing_off && !entry.credentials.is_expired_at(now) {
            return Decision::Use(entry.credentials.clone());
        }
        Decision::Refresh
    }

    /// Stores a refresh's outcome and says what the waiting caller gets.
    fn settle(
        &self,
        fetched: Result<Credentials, CredentialsError>,
        now: SystemTime,
    ) -> Result<Credentials, CredentialsError> {
        let fetched = fetched.and_then(|credentials| match credentials.expiry() {
            Some(expiry) if expiry <= now => Err(CredentialsError::Unavailable {
                provider: self.name.clone(),
                reason: format!(
                    "the credentials it returned expired at {} (now {}); check the clocks",
                    crate::signing::format_timestamp(expiry),
                    crate::signing::format_timestamp(now)
                ),
            }),
            _ => Ok(credentials),
        });
        let mut state = self.lock();
        match fetched {
            Ok(credentials) => {
                state.entry = Some(self.schedule(credentials.clone(), now));
                state.next_try = None;
                Ok(credentials)
            }
            Err(error) => {
                let Some(entry) = &state.entry else {
                    return Err(error);
                };
                let Some(expiry) = entry.credentials.expiry() else {
                    return Ok(entry.credentials.clone());
                };
                let Ok(left) = expiry.duration_since(now) else {
                    tracing::warn!(source = %self.name, %error, "refreshing credentials failed and the cached ones have expired");
                    return Err(error);
                };
                let wait = self.windows.failure_backoff.min(left / 4);
                tracing::warn!(
                    source = %self.name,
                    %error,
                    expires = %crate::signing::format_timestamp(expiry),
                    retry_in_ms = wait.as_millis(),
                    "refreshing credentials failed; using the cached ones until they expire"
                );
                let credentials = entry.credentials.clone();
                state.next_try = Some(now + wait);
                Ok(credentials)
            }
        }
    }

    fn schedule(&self, credentials: Credentials, now: SystemTime) -> Entry {
        let Some(expiry) = credentials.expiry() else {
            return Entry {
                credentials,
                stale_at: None,
                prefetch_at: None,
            };
        };
        let lifetime = expiry.duration_since(now).unwrap_or_default();
        let stale = self.windows.stale.min(lifetime / 4);
        let stale_at = expiry - stale;
        let mut prefetch_at = stale_at - stale;
        if let Some(after) = self.windows.prefetch_after {
            prefetch_at = prefetch_at.min(now + after);
        }
        Entry {
            credentials,
            stale_at: Some(stale_at),
            prefetch_at: Some(prefetch_at),
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_shrink_for_short_lived_credentials() {
        let cache = CredentialsCache::new("test", Credentials::new("id", "secret"));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let short = Credentials::new("id", "secret").with_expiry(now + Duration::from_secs(8));
        let entry = cache.inner.schedule(short, now);
        assert_eq!(entry.stale_at, Some(now + Duration::from_secs(6)));
        assert_eq!(entry.prefetch_at, Some(now + Duration::from_secs(4)));
        let hour = Credentials::new("id", "secret").with_expiry(now + Duration::from_secs(3600));
        let entry = cache.inner.schedule(hour, now);
        assert_eq!(entry.stale_at, Some(now + Duration::from_secs(45 * 60)));
        assert_eq!(entry.prefetch_at, Some(now + Duration::from_secs(30 * 60)));
    }

    #[test]
    fn the_metadata_service_is_prefetched_after_an_hour() {
        let cache = CredentialsCache::with_windows(
            "test",
            Credentials::new("id", "secret"),
            RefreshWindows::metadata_service(),
        );
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let six_hours =
            Credentials::new("id", "secret").with_expiry(now + Duration::from_secs(6 * 3600));
        let entry = cache.inner.schedule(six_hours, now);
        assert_eq!(entry.prefetch_at, Some(now + Duration::from_secs(3600)));
        assert_eq!(
            entry.stale_at,
            Some(now + Duration::from_secs(6 * 3600 - 15 * 60))
        );
    }
}

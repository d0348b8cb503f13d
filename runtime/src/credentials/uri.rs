//! Credentials from a URL that answers the credentials document
//! (`ALIBABA_CLOUD_CREDENTIALS_URI`), as sidecars and credential agents serve them.

use std::time::Duration;

use super::fetch::{self, Fetched};
use super::{Credentials, CredentialsCache, CredentialsError, ProvideCredentials, ProvideFuture};
use crate::env::EnvLookup;

/// The URL answering `{"Code": "Success", "AccessKeyId", …, "Expiration"}`.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// Credentials fetched from a URL with `GET`, cached and refreshed before they expire.
/// Timeouts follow the official provider: 5 s to connect, 10 s for the answer.
#[derive(Debug, Clone)]
pub struct UriCredentials {
    cache: CredentialsCache,
}

impl UriCredentials {
    /// Fetches from `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self::with_timeout(uri, Duration::from_secs(10))
    }

    /// Fetches from `uri`, each answer within `timeout` (connecting within 5 s at most).
    pub fn with_timeout(uri: impl Into<String>, timeout: Duration) -> Self {
        Self {
            cache: CredentialsCache::new(
                "credentials URI",
                Fetcher {
                    uri: uri.into(),
                    connect_timeout: Duration::from_secs(5).min(timeout),
                    timeout,
                },
            ),
        }
    }

    /// From [`ENV_CREDENTIALS_URI`]; `None` when it is unset.
    pub fn with_env(env: &EnvLookup) -> Option<Self> {
        env.get(ENV_CREDENTIALS_URI).map(Self::new)
    }
}

impl ProvideCredentials for UriCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.cache.provide()
    }
}

struct Fetcher {
    uri: String,
    connect_timeout: Duration,
    timeout: Duration,
}

// The URI may carry a token in its query: show only scheme, host and path.
impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UriFetcher")
            .field("uri", &shown_uri(&self.uri))
            .finish_non_exhaustive()
    }
}

fn shown_uri(uri: &str) -> String {
    match reqwest::Url::parse(uri) {
        Ok(url) => {
            format!(
                "{}://{}{}",
                url.scheme(),
                url.host_str().unwrap_or(""),
                url.port().map(|p| format!(":{p}")).unwrap_or_default()
            ) + url.path()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

impl ProvideCredentials for Fetcher {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.fetch())
    }
}

impl Fetcher {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let shown = shown_uri(&self.uri);
        let unavailable = |reason: String| CredentialsError::Unavailable {
            provider: format!("credentials URI {shown}"),
            reason,
        };
        let url = reqwest::Url::parse(&self.uri).map_err(|e| CredentialsError::Invalid {
            provider: ENV_CREDENTIALS_URI.to_owned(),
            reason: format!("not a URL: {e}"),
        })?;
        let http = fetch::http_client(self.connect_timeout).map_err(unavailable)?;
        let Fetched { status, body } = fetch::send(http.get(url), self.timeout)
            .await
            .map_err(|e| unavailable(e.reason))?;
        if status != 200 {
            return Err(unavailable(format!("answered HTTP {status}")));
        }
        fetch::parse_document(&body)
            .map_err(|reason| unavailable(format!("unusable credentials document: {reason}")))
    }
}

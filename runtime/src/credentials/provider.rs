//! Credentials, the async trait every source implements, and keys given in code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use super::CredentialsError;

/// An AccessKey pair, optionally with an STS security token and an expiry.
///
/// There is deliberately no `Display`, and `Debug` redacts the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiry: Option<SystemTime>,
    anonymous: bool,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.anonymous {
            return f.write_str("Credentials(anonymous)");
        }
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.expiry.map(crate::signing::format_timestamp))
            .finish()
    }
}

impl Credentials {
    /// A long-term AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiry: None,
            anonymous: false,
        }
    }

    /// No credentials at all: requests go out unsigned. Only for the few actions the
    /// service answers anonymously, such as STS `AssumeRoleWithOIDC`.
    pub fn anonymous() -> Self {
        Self {
            anonymous: true,
            ..Self::new("", "")
        }
    }

    /// Adds an STS security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Sets the moment these credentials stop working (temporary credentials).
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The AccessKey id (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS token, if any. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// When these credentials expire; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Whether requests signed with these go out unsigned ([`Credentials::anonymous`]).
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    /// Whether these have expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expiry.is_some_and(|expiry| expiry <= now)
    }
}

/// What [`ProvideCredentials::provide`] returns: a boxed future, so the trait stays
/// usable as `dyn ProvideCredentials`.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials.
///
/// Called before each request is signed. Sources that fetch keys over the network
/// (STS, the metadata service, a credentials URI) are wrapped in a
/// [`CredentialsCache`](super::CredentialsCache), so most calls are answered from memory.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign with now.
    ///
    /// # Errors
    ///
    /// When the source has no usable credentials; the error says why.
    fn provide(&self) -> ProvideFuture<'_>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(
            StaticCredentials::new(self.clone()).check(),
        ))
    }
}

/// Fixed credentials given in code.
#[derive(Debug, Clone)]
pub struct StaticCredentials {
    credentials: Credentials,
}

impl StaticCredentials {
    /// Always provides `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self { credentials }
    }

    fn check(&self) -> Result<Credentials, CredentialsError> {
        let invalid = |reason: &str| CredentialsError::Invalid {
            provider: "static credentials".to_owned(),
            reason: reason.to_owned(),
        };
        if self.credentials.anonymous {
            return Ok(self.credentials.clone());
        }
        if self.credentials.access_key_id.is_empty() {
            return Err(invalid("the AccessKey id is empty"));
        }
        if self.credentials.access_key_secret.is_empty() {
            return Err(invalid("the AccessKey secret is empty"));
        }
        Ok(self.credentials.clone())
    }
}

impl ProvideCredentials for StaticCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(self.check()))
    }
}

//! Credentials, the trait every source implements, and keys given in code.

use std::fmt;
use std::sync::Arc;

use super::CredentialsError;

/// An AccessKey pair, optionally with an STS security token.
///
/// There is deliberately no `Display`, and `Debug` redacts the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
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
        }
    }

    /// Adds an STS security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
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
}

/// A source of credentials.
///
/// Called before each request is signed, so implementations that fetch or refresh keys
/// should cache.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign with now.
    ///
    /// # Errors
    ///
    /// When the source has no usable credentials; the error says why.
    fn provide(&self) -> Result<Credentials, CredentialsError>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        (**self).provide()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        (**self).provide()
    }
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        StaticCredentials::new(self.clone()).provide()
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
}

impl ProvideCredentials for StaticCredentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let invalid = |reason: &str| CredentialsError::Invalid {
            provider: "static credentials".to_owned(),
            reason: reason.to_owned(),
        };
        if self.credentials.access_key_id.is_empty() {
            return Err(invalid("the AccessKey id is empty"));
        }
        if self.credentials.access_key_secret.is_empty() {
            return Err(invalid("the AccessKey secret is empty"));
        }
        Ok(self.credentials.clone())
    }
}

//! Credentials and where they come from.
//!
//! Sources, each a [`ProvideCredentials`]:
//!
//! - [`StaticCredentials`] holds a key pair given in code;
//! - [`EnvironmentCredentials`] reads `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!   `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and optionally `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! - [`ProfileCredentials`] reads a profile of the aliyun CLI's `~/.aliyun/config.json`;
//! - [`DefaultCredentialsChain`] tries the environment, then the profile.
//!
//! Secrets never appear in `Debug` output or in errors. Environment lookups can be
//! injected (a closure), so tests need not touch the process environment.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Why credentials could not be had. Messages name the source and the cause, never a
/// secret value, and say "credentials" themselves, so callers show them as they are
/// (no `no credentials: …` prefix on top).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The source holds no credentials at all (variables unset, file absent); a chain
    /// moves on to its next source.
    #[error("no credentials from {provider}: {reason}")]
    NotConfigured {
        /// Which source, e.g. `environment variables`.
        provider: String,
        /// What was looked for and not found.
        reason: String,
    },
    /// The source is there but unusable (half set, malformed, missing fields); a chain
    /// stops, since quietly using another source's keys would be worse.
    #[error("unusable credentials from {provider}: {reason}")]
    Invalid {
        /// Which source.
        provider: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The profile's `mode` is not one this runtime implements.
    #[error(
        "unusable credentials from {provider}: profile `{profile}` uses mode `{mode}`, which \
         is not supported (supported modes: AK, StsToken)"
    )]
    UnsupportedMode {
        /// Which source.
        provider: String,
        /// The profile's name.
        profile: String,
        /// The profile's mode, e.g. `RamRoleArn`.
        mode: String,
    },
    /// Every source of a chain failed; each entry says why.
    #[error("no credentials found; tried {}", describe_attempts(.0))]
    Chain(Vec<CredentialsError>),
}

impl CredentialsError {
    /// Whether the source simply had nothing (so a chain should try the next one).
    pub fn is_not_configured(&self) -> bool {
        match self {
            CredentialsError::NotConfigured { .. } => true,
            CredentialsError::Chain(errors) => errors.iter().all(Self::is_not_configured),
            _ => false,
        }
    }
}

fn describe_attempts(errors: &[CredentialsError]) -> String {
    let parts: Vec<String> = errors.iter().map(|e| format!("[{}]", e.detail())).collect();
    parts.join(", then ")
}

impl CredentialsError {
    /// The message without its leading "no/unusable credentials from", for a chain's list.
    fn detail(&self) -> String {
        match self {
            CredentialsError::NotConfigured { provider, reason }
            | CredentialsError::Invalid { provider, reason } => format!("{provider}: {reason}"),
            CredentialsError::UnsupportedMode {
                provider,
                profile,
                mode,
            } => format!("{provider}: profile `{profile}` uses unsupported mode `{mode}`"),
            CredentialsError::Chain(errors) => describe_attempts(errors),
        }
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

/// The variable holding the AccessKey id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The variable holding the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The variable holding an STS token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The variable naming the aliyun CLI profile to use.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and,
/// optionally, `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentCredentials {
    env: EnvLookup,
}

impl EnvironmentCredentials {
    /// Reads the process environment (at each [`ProvideCredentials::provide`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads variables through `env` instead.
    pub fn with_env(env: EnvLookup) -> Self {
        Self { env }
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let provider = "environment variables".to_owned();
        let id = self.env.get(ENV_ACCESS_KEY_ID);
        let secret = self.env.get(ENV_ACCESS_KEY_SECRET);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::NotConfigured {
                    provider,
                    reason: format!("{ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} are not set"),
                });
            }
            (Some(_), None) => {
                return Err(CredentialsError::Invalid {
                    provider,
                    reason: format!(
                        "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
                    ),
                });
            }
            (None, Some(_)) => {
                return Err(CredentialsError::Invalid {
                    provider,
                    reason: format!(
                        "{ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
                    ),
                });
            }
        };
        let credentials = Credentials::new(id, secret);
        Ok(match self.env.get(ENV_SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

/// The aliyun CLI's config file: `{"current": "...", "profiles": [...]}`.
#[derive(serde::Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(serde::Deserialize)]
struct CliProfile {
    name: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    access_key_secret: Option<String>,
    #[serde(default)]
    sts_token: Option<String>,
    #[serde(default)]
    region_id: Option<String>,
}

/// Where the file is and which profile to use, once resolved.
#[derive(Debug, Clone)]
enum ProfileLocation {
    Resolved {
        path: PathBuf,
        profile: Option<String>,
    },
    /// Neither HOME nor USERPROFILE was set, so there is no default path.
    NoHome,
}

/// Credentials from a profile of the aliyun CLI's config file (`~/.aliyun/config.json`).
///
/// Modes `AK` (the CLI's default when `mode` is empty) and `StsToken` are supported;
/// others (`RamRoleArn`, `EcsRamRole`, …) give [`CredentialsError::UnsupportedMode`].
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    location: ProfileLocation,
}

/// The profile used when neither a name nor the file's `current` says otherwise.
const DEFAULT_PROFILE: &str = "default";

impl ProfileCredentials {
    /// The file at `path`, profile `profile`, or the file's `current` profile when `None`.
    pub fn new(path: impl Into<PathBuf>, profile: Option<String>) -> Self {
        Self {
            location: ProfileLocation::Resolved {
                path: path.into(),
                profile: profile.filter(|name| !name.is_empty()),
            },
        }
    }

    /// `$HOME/.aliyun/config.json` (`%USERPROFILE%` on Windows), profile from
    /// `ALIBABA_CLOUD_PROFILE`, both read from the process environment.
    pub fn from_env() -> Self {
        Self::with_env(&EnvLookup::process())
    }

    /// Like [`ProfileCredentials::from_env`], reading variables through `env`.
    pub fn with_env(env: &EnvLookup) -> Self {
        let home = env.get("HOME").or_else(|| env.get("USERPROFILE"));
        let location = match home {
            Some(home) => ProfileLocation::Resolved {
                path: Path::new(&home).join(".aliyun").join("config.json"),
                profile: env.get(ENV_PROFILE),
            },
            None => ProfileLocation::NoHome,
        };
        Self { location }
    }

    /// The config file this reads, if known.
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            ProfileLocation::Resolved { path, .. } => Some(path),
            ProfileLocation::NoHome => None,
        }
    }

    /// The chosen profile's `region_id`, if it sets one (empty counts as unset).
    ///
    /// # Errors
    ///
    /// As for [`ProvideCredentials::provide`], except that an unsupported mode is fine.
    pub fn region_id(&self) -> Result<Option<String>, CredentialsError> {
        let (_, profile) = self.load()?;
        Ok(profile.region_id.filter(|region| !region.is_empty()))
    }

    fn provider_name(&self, profile: Option<&str>) -> String {
        let path = match self.path() {
            Some(path) => path.display().to_string(),
            None => "~/.aliyun/config.json".to_owned(),
        };
        match profile {
            Some(profile) => format!("profile `{profile}` in {path}"),
            None => format!("aliyun CLI config {path}"),
        }
    }

    /// Reads the file and picks the profile: (its provider name, the profile).
    fn load(&self) -> Result<(String, CliProfile), CredentialsError> {
        let (path, wanted) = match &self.location {
            ProfileLocation::Resolved { path, profile } => (path, profile.clone()),
            ProfileLocation::NoHome => {
                return Err(CredentialsError::NotConfigured {
                    provider: self.provider_name(None),
                    reason: "neither HOME nor USERPROFILE is set, so there is no config file"
                        .to_owned(),
                });
            }
        };
        let provider = self.provider_name(None);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::NotConfigured {
                    provider,
                    reason: "the file does not exist".to_owned(),
                });
            }
            Err(e) => {
                return Err(CredentialsError::Invalid {
                    provider,
                    reason: format!("cannot read the file: {e}"),
                });
            }
        };
        // serde_json's messages can quote the offending value, which may be a secret:
        // report only where and what kind of error it was.
        let config: CliConfig =
            serde_json::from_str(&text).map_err(|e| CredentialsError::Invalid {
                provider: provider.clone(),
                reason: format!(
                    "not a valid aliyun CLI config ({:?} error at line {}, column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
            })?;
        let name = wanted
            .or_else(|| config.current.filter(|current| !current.is_empty()))
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
        let available: Vec<String> = config
            .profiles
            .iter()
            .map(|profile| format!("`{}`", profile.name))
            .collect();
        let profile = config
            .profiles
            .into_iter()
            .find(|profile| profile.name == name)
            .ok_or_else(|| CredentialsError::Invalid {
                provider: provider.clone(),
                reason: if available.is_empty() {
                    format!("profile `{name}` not found: the file has no profiles")
                } else {
                    format!(
                        "profile `{name}` not found (profiles: {})",
                        available.join(", ")
                    )
                },
            })?;
        Ok((self.provider_name(Some(&name)), profile))
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let (provider, profile) = self.load()?;
        let mode = profile.mode.clone().unwrap_or_default();
        let field = |value: Option<String>, what: &str| {
            value
                .filter(|value| !value.is_empty())
                .ok_or_else(|| CredentialsError::Invalid {
                    provider: provider.clone(),
                    reason: format!(
                        "mode `{}` needs `{what}`, which is empty or missing",
                        if mode.is_empty() { "AK" } else { &mode }
                    ),
                })
        };
        match mode.as_str() {
            "" | "AK" => Ok(Credentials::new(
                field(profile.access_key_id, "access_key_id")?,
                field(profile.access_key_secret, "access_key_secret")?,
            )),
            "StsToken" => Ok(Credentials::new(
                field(profile.access_key_id, "access_key_id")?,
                field(profile.access_key_secret, "access_key_secret")?,
            )
            .with_security_token(field(profile.sts_token, "sts_token")?)),
            _ => Err(CredentialsError::UnsupportedMode {
                provider,
                profile: profile.name,
                mode,
            }),
        }
    }
}

/// The environment, then the aliyun CLI profile; the first that has credentials wins.
///
/// A source with nothing configured is skipped; a source that is configured but broken
/// (a half-set environment, a malformed file, an unsupported mode) stops the chain,
/// because silently falling through to other keys could act on the wrong account.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl DefaultCredentialsChain {
    /// Environment variables, then `~/.aliyun/config.json`, read from the process
    /// environment.
    pub fn new() -> Self {
        Self::with_env(EnvLookup::process())
    }

    /// The same sources, reading variables (including HOME and ALIBABA_CLOUD_PROFILE)
    /// through `env`.
    pub fn with_env(env: EnvLookup) -> Self {
        let profile = ProfileCredentials::with_env(&env);
        Self::from_providers(vec![
            Box::new(EnvironmentCredentials::with_env(env)),
            Box::new(profile),
        ])
    }

    /// Any sources, tried in order.
    pub fn from_providers(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let mut failures = Vec::new();
        for provider in &self.providers {
            match provider.provide() {
                Ok(credentials) => return Ok(credentials),
                Err(error) => {
                    let go_on = error.is_not_configured();
                    failures.push(error);
                    if !go_on {
                        break;
                    }
                }
            }
        }
        Err(CredentialsError::Chain(failures))
    }
}

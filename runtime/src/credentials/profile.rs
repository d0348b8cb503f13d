//! Credentials from a profile of the aliyun CLI's `~/.aliyun/config.json`.

use std::path::{Path, PathBuf};

use super::environment::ENV_PROFILE;
use super::{Credentials, CredentialsError, ProvideCredentials};
use crate::env::EnvLookup;

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

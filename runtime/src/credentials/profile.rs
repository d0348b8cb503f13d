//! Credentials from a profile of the aliyun CLI's `~/.aliyun/config.json`.
//!
//! The profile is `ALIBABA_CLOUD_PROFILE`, else the file's `current`, else `default`.
//! Each mode builds the source the official `CLIProfileCredentialsProvider` builds; the
//! source is built once (the first time credentials are asked for) and then kept, so
//! refreshing modes keep their cache. `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` turns
//! the file off.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::built::{Built, BuiltOnce};
use super::ecs::{EcsOptions, EcsRamRoleCredentials};
use super::environment::ENV_PROFILE;
use super::external::{DEFAULT_EXTERNAL_TIMEOUT, ExternalCredentials};
use super::oidc::OidcRoleArnCredentials;
use super::sts::{self, ENV_STS_ENDPOINT, RamRoleArnCredentials, StsOptions};
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use crate::env::EnvLookup;

/// `true` skips the aliyun CLI config file.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// The modes this runtime implements, for messages.
pub(crate) const SUPPORTED_MODES: &str =
    "AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, External";

/// How many `source_profile` hops a `ChainableRamRoleArn` profile may take.
const MAX_CHAIN: usize = 8;

/// The aliyun CLI's config file: `{"current": "...", "profiles": [...]}`.
#[derive(serde::Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(serde::Deserialize, Clone)]
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
    #[serde(default)]
    ram_role_arn: Option<String>,
    #[serde(default)]
    ram_session_name: Option<String>,
    #[serde(default)]
    role_session_name: Option<String>,
    #[serde(default)]
    expired_seconds: Option<u32>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    sts_region: Option<String>,
    #[serde(default)]
    enable_vpc: Option<bool>,
    #[serde(default)]
    ram_role_name: Option<String>,
    #[serde(default)]
    oidc_provider_arn: Option<String>,
    #[serde(default)]
    oidc_token_file: Option<String>,
    #[serde(default)]
    source_profile: Option<String>,
    #[serde(default)]
    process_command: Option<String>,
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
    /// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED` is `true`.
    Disabled,
}

/// Credentials from a profile of the aliyun CLI's config file (`~/.aliyun/config.json`).
///
/// Modes `AK` (the CLI's default when `mode` is empty), `StsToken`, `RamRoleArn`,
/// `EcsRamRole`, `OIDC`, `ChainableRamRoleArn` and `External` are supported; others
/// (`CloudSSO`, `OAuth`, …) give [`CredentialsError::UnsupportedMode`].
#[derive(Debug, Clone)]
pub struct ProfileCredentials {
    location: ProfileLocation,
    env: EnvLookup,
    built: BuiltOnce,
}

/// The profile used when neither a name nor the file's `current` says otherwise.
const DEFAULT_PROFILE: &str = "default";

impl ProfileCredentials {
    /// The file at `path`, profile `profile`, or the file's `current` profile when `None`.
    pub fn new(path: impl Into<PathBuf>, profile: Option<String>) -> Self {
        Self::at(
            ProfileLocation::Resolved {
                path: path.into(),
                profile: profile.filter(|name| !name.is_empty()),
            },
            EnvLookup::process(),
        )
    }

    fn at(location: ProfileLocation, env: EnvLookup) -> Self {
        Self {
            location,
            env,
            built: BuiltOnce::default(),
        }
    }

    /// `$HOME/.aliyun/config.json` (`%USERPROFILE%` on Windows), profile from
    /// `ALIBABA_CLOUD_PROFILE`, both read from the process environment.
    pub fn from_env() -> Self {
        Self::with_env(&EnvLookup::process())
    }

    /// Like [`ProfileCredentials::from_env`], reading variables through `env` (also those
    /// the built source reads, such as `ALIBABA_CLOUD_STS_ENDPOINT`).
    pub fn with_env(env: &EnvLookup) -> Self {
        let home = env.get("HOME").or_else(|| env.get("USERPROFILE"));
        let location = match home {
            _ if env.flag(ENV_CLI_PROFILE_DISABLED) => ProfileLocation::Disabled,
            Some(home) => ProfileLocation::Resolved {
                path: Path::new(&home).join(".aliyun").join("config.json"),
                profile: env.get(ENV_PROFILE),
            },
            None => ProfileLocation::NoHome,
        };
        Self::at(location, env.clone())
    }

    /// The config file this reads, if known.
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            ProfileLocation::Resolved { path, .. } => Some(path),
            ProfileLocation::NoHome | ProfileLocation::Disabled => None,
        }
    }

    /// The chosen profile's `region_id`, if it sets one (empty counts as unset).
    ///
    /// # Errors
    ///
    /// As for [`ProvideCredentials::provide`], except that an unsupported mode is fine.
    pub fn region_id(&self) -> Result<Option<String>, CredentialsError> {
        let (provider, config, name) = self.load()?;
        let profile = find(&provider, &config, &name)?;
        Ok(profile
            .region_id
            .clone()
            .filter(|region| !region.is_empty()))
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

    /// Reads the file: (its provider name, its contents, the profile to use).
    fn load(&self) -> Result<(String, CliConfig, String), CredentialsError> {
        let (path, wanted) = match &self.location {
            ProfileLocation::Resolved { path, profile } => (path, profile.clone()),
            ProfileLocation::NoHome => {
                return Err(CredentialsError::NotConfigured {
                    provider: self.provider_name(None),
                    reason: "neither HOME nor USERPROFILE is set, so there is no config file"
                        .to_owned(),
                });
            }
            ProfileLocation::Disabled => {
                return Err(CredentialsError::NotConfigured {
                    provider: self.provider_name(None),
                    reason: format!("{ENV_CLI_PROFILE_DISABLED} is true"),
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
            .or_else(|| config.current.clone().filter(|current| !current.is_empty()))
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
        Ok((provider, config, name))
    }

    /// Reads the file and builds the source the chosen profile describes.
    fn build_source(&self) -> Result<Built, CredentialsError> {
        let (file, config, name) = self.load()?;
        let source = Builder {
            file: &file,
            config: &config,
            env: &self.env,
            path: self.path(),
        }
        .build(&name, 0)?;
        Ok((self.provider_name(Some(&name)), source))
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.built.provide(|| self.build_source())
    }
}

fn find<'c>(
    provider: &str,
    config: &'c CliConfig,
    name: &str,
) -> Result<&'c CliProfile, CredentialsError> {
    config
        .profiles
        .iter()
        .find(|profile| profile.name == name)
        .ok_or_else(|| {
            let available: Vec<String> = config
                .profiles
                .iter()
                .map(|profile| format!("`{}`", profile.name))
                .collect();
            CredentialsError::Invalid {
                provider: provider.to_owned(),
                reason: if available.is_empty() {
                    format!("profile `{name}` not found: the file has no profiles")
                } else {
                    format!(
                        "profile `{name}` not found (profiles: {})",
                        available.join(", ")
                    )
                },
            }
        })
}

/// Turns profiles into sources.
struct Builder<'a> {
    file: &'a str,
    config: &'a CliConfig,
    env: &'a EnvLookup,
    path: Option<&'a Path>,
}

impl Builder<'_> {
    fn build(
        &self,
        name: &str,
        depth: usize,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let profile = find(self.file, self.config, name)?;
        let path = self.path.map_or_else(
            || "~/.aliyun/config.json".to_owned(),
            |p| p.display().to_string(),
        );
        let provider = format!("profile `{name}` in {path}");
        let mode = profile.mode.clone().unwrap_or_default();
        let shown_mode = if mode.is_empty() { "AK" } else { mode.as_str() };
        let field = |value: &Option<String>, what: &str| {
            value
                .clone()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| CredentialsError::Invalid {
                    provider: provider.clone(),
                    reason: format!(
                        "mode `{shown_mode}` needs `{what}`, which is empty or missing"
                    ),
                })
        };
        let keys = || -> Result<Credentials, CredentialsError> {
            Ok(Credentials::new(
                field(&profile.access_key_id, "access_key_id")?,
                field(&profile.access_key_secret, "access_key_secret")?,
            ))
        };
        let sts_options = |session_name: &Option<String>| StsOptions {
            endpoint: sts::endpoint_from(
                self.env.get(ENV_STS_ENDPOINT),
                self.env,
                profile.sts_region.clone(),
                profile.enable_vpc,
            ),
            role_session_name: session_name.clone().filter(|n| !n.is_empty()),
            duration_seconds: profile.expired_seconds.filter(|s| *s > 0).unwrap_or(3600),
            policy: profile.policy.clone().filter(|p| !p.is_empty()),
            external_id: profile.external_id.clone().filter(|e| !e.is_empty()),
            ..StsOptions::default()
        };
        Ok(match mode.as_str() {
            "" | "AK" => Arc::new(keys()?),
            "StsToken" => {
                Arc::new(keys()?.with_security_token(field(&profile.sts_token, "sts_token")?))
            }
            "RamRoleArn" => Arc::new(RamRoleArnCredentials::from_keys(
                keys()?,
                field(&profile.ram_role_arn, "ram_role_arn")?,
                sts_options(&profile.ram_session_name),
            )),
            "ChainableRamRoleArn" => {
                let source_name = field(&profile.source_profile, "source_profile")?;
                if depth >= MAX_CHAIN {
                    return Err(CredentialsError::Invalid {
                        provider,
                        reason: format!(
                            "`source_profile` chains more than {MAX_CHAIN} profiles (a loop?)"
                        ),
                    });
                }
                let source = self.build(&source_name, depth + 1)?;
                Arc::new(RamRoleArnCredentials::new(
                    source,
                    field(&profile.ram_role_arn, "ram_role_arn")?,
                    sts_options(&profile.ram_session_name),
                ))
            }
            "EcsRamRole" => Arc::new(EcsRamRoleCredentials::new(EcsOptions {
                role_name: profile.ram_role_name.clone().filter(|r| !r.is_empty()),
                ..EcsOptions::from_env(self.env)
            })),
            "OIDC" => Arc::new(OidcRoleArnCredentials::new(
                field(&profile.ram_role_arn, "ram_role_arn")?,
                field(&profile.oidc_provider_arn, "oidc_provider_arn")?,
                field(&profile.oidc_token_file, "oidc_token_file")?,
                sts_options(&profile.role_session_name),
            )),
            "External" => Arc::new(ExternalCredentials::new(
                field(&profile.process_command, "process_command")?,
                DEFAULT_EXTERNAL_TIMEOUT,
            )),
            _ => {
                return Err(CredentialsError::UnsupportedMode {
                    provider,
                    profile: profile.name.clone(),
                    mode,
                });
            }
        })
    }
}

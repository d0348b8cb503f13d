//! Credentials from the INI file of the official credentials libraries:
//! `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials` (the Go and Java
//! libraries' name), else `~/.alibabacloud/credentials.ini` (the Python library's).
//!
//! The section is `ALIBABA_CLOUD_PROFILE`, else `default`; its `type` picks the source:
//! `access_key`, `ram_role_arn`, `oidc_role_arn` or `ecs_ram_role`. `rsa_key_pair` is
//! refused: it signs with an RSA key pair only the Japan site ever offered, and the
//! official libraries have deprecated it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::built::{Built, BuiltOnce};
use super::ecs::{EcsOptions, EcsRamRoleCredentials};
use super::environment::ENV_PROFILE;
use super::oidc::OidcRoleArnCredentials;
use super::sts::{RamRoleArnCredentials, StsOptions};
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use crate::env::EnvLookup;

/// The INI file to read instead of the default ones.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// A section of the official credentials INI file.
#[derive(Debug, Clone)]
pub struct IniCredentials {
    /// Candidate files, the first that exists wins; empty without a home directory.
    paths: Vec<PathBuf>,
    section: String,
    env: EnvLookup,
    built: BuiltOnce,
}

impl IniCredentials {
    /// Section `section` of the file at `path`.
    pub fn new(path: impl Into<PathBuf>, section: impl Into<String>) -> Self {
        Self::at(vec![path.into()], section.into(), EnvLookup::process())
    }

    /// The file and section the variables name (see the module docs).
    pub fn with_env(env: &EnvLookup) -> Self {
        let paths = match env.get(ENV_CREDENTIALS_FILE) {
            Some(file) => vec![PathBuf::from(file)],
            None => match env.get("HOME").or_else(|| env.get("USERPROFILE")) {
                Some(home) => {
                    let dir = Path::new(&home).join(".alibabacloud");
                    vec![dir.join("credentials"), dir.join("credentials.ini")]
                }
                None => Vec::new(),
            },
        };
        let section = env.get(ENV_PROFILE).unwrap_or_else(|| "default".to_owned());
        Self::at(paths, section, env.clone())
    }

    fn at(paths: Vec<PathBuf>, section: String, env: EnvLookup) -> Self {
        Self {
            paths,
            section,
            env,
            built: BuiltOnce::default(),
        }
    }

    /// Reads the file and builds the source its section describes.
    fn build_source(&self) -> Result<Built, CredentialsError> {
        let not_configured = |reason: String| CredentialsError::NotConfigured {
            provider: "credentials INI file".to_owned(),
            reason,
        };
        let Some(path) = self.paths.iter().find(|path| path.is_file()) else {
            let tried: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
            return Err(not_configured(if tried.is_empty() {
                "no home directory and no ALIBABA_CLOUD_CREDENTIALS_FILE".to_owned()
            } else {
                format!("{} not found", tried.join(" and "))
            }));
        };
        let provider = format!("section `{}` of {}", self.section, path.display());
        let text = std::fs::read_to_string(path).map_err(|e| CredentialsError::Invalid {
            provider: provider.clone(),
            reason: format!("cannot read the file: {e}"),
        })?;
        let sections = parse(&text);
        let Some(section) = sections.get(&self.section) else {
            return Err(CredentialsError::NotConfigured {
                provider,
                reason: "the file has no such section".to_owned(),
            });
        };
        let source = build(&provider, section, &self.env)?;
        Ok((provider, source))
    }
}

impl ProvideCredentials for IniCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.built.provide(|| self.build_source())
    }
}

fn build(
    provider: &str,
    section: &HashMap<String, String>,
    env: &EnvLookup,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let kind = section.get("type").map(String::as_str).unwrap_or("");
    let field = |name: &str| {
        section
            .get(name)
            .filter(|value| !value.is_empty())
            .cloned()
            .ok_or_else(|| CredentialsError::Invalid {
                provider: provider.to_owned(),
                reason: format!("type `{kind}` needs `{name}`, which is empty or missing"),
            })
    };
    let optional = |name: &str| section.get(name).filter(|value| !value.is_empty()).cloned();
    let sts_options = || StsOptions {
        role_session_name: optional("role_session_name"),
        policy: optional("policy"),
        ..StsOptions::from_env(env)
    };
    Ok(match kind {
        "access_key" => Arc::new(Credentials::new(
            field("access_key_id")?,
            field("access_key_secret")?,
        )),
        "ram_role_arn" => Arc::new(RamRoleArnCredentials::from_keys(
            Credentials::new(field("access_key_id")?, field("access_key_secret")?),
            field("role_arn")?,
            sts_options(),
        )),
        "oidc_role_arn" => Arc::new(OidcRoleArnCredentials::new(
            field("role_arn")?,
            field("oidc_provider_arn")?,
            field("oidc_token_file_path")?,
            sts_options(),
        )),
        "ecs_ram_role" => Arc::new(EcsRamRoleCredentials::new(EcsOptions {
            role_name: optional("role_name"),
            ..EcsOptions::from_env(env)
        })),
        "rsa_key_pair" => {
            return Err(CredentialsError::Invalid {
                provider: provider.to_owned(),
                reason: "type `rsa_key_pair` is not supported (Japan site only, deprecated \
                         by the official libraries)"
                    .to_owned(),
            });
        }
        other => {
            return Err(CredentialsError::Invalid {
                provider: provider.to_owned(),
                reason: format!(
                    "unknown type `{other}` (supported: access_key, ram_role_arn, \
                     oidc_role_arn, ecs_ram_role)"
                ),
            });
        }
    })
}

/// `[section]` headers and `key = value` lines; `#` and `;` start comments, and a `#`
/// ends a value, as the official Python parser reads it.
fn parse(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_owned();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, line.split_once('=')) else {
            continue;
        };
        let value = value.split('#').next().unwrap_or("").trim();
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.trim().to_owned(), value.to_owned());
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_and_comments() {
        let parsed = parse(
            "# top\n[default]\ntype = access_key   # inline\naccess_key_id=id\n\n; c\n[other]\nx = y\n",
        );
        assert_eq!(parsed["default"]["type"], "access_key");
        assert_eq!(parsed["default"]["access_key_id"], "id");
        assert_eq!(parsed["other"]["x"], "y");
    }
}

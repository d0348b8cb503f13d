//! The aliyun CLI's `External` mode: a command that prints credentials as JSON,
//! `{"mode": "AK" | "StsToken", "access_key_id", "access_key_secret", "sts_token",
//! "expiration"}`.
//!
//! The command is split like a POSIX shell would (quotes, backslashes) and run without
//! one. Neither its output nor its error stream ever reaches a message: both may hold
//! secrets.

use std::process::Stdio;
use std::time::Duration;

use super::{Credentials, CredentialsCache, CredentialsError, ProvideCredentials, ProvideFuture};

/// The official timeout for the command: one minute.
pub const DEFAULT_EXTERNAL_TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials printed by a command, cached until they expire (without an
/// `expiration` they are kept like long-term keys).
#[derive(Debug, Clone)]
pub struct ExternalCredentials {
    cache: CredentialsCache,
}

impl ExternalCredentials {
    /// Runs `command` (split into words as a shell would, not run by one).
    pub fn new(command: impl Into<String>, timeout: Duration) -> Self {
        let command = command.into();
        Self {
            cache: CredentialsCache::new("external command", Fetcher { command, timeout }),
        }
    }
}

impl ProvideCredentials for ExternalCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.cache.provide()
    }
}

struct Fetcher {
    command: String,
    timeout: Duration,
}

// Arguments may carry secrets: show the program only.
impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalFetcher")
            .field("program", &self.program())
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for Fetcher {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(self.run())
    }
}

impl Fetcher {
    fn program(&self) -> String {
        split_words(&self.command)
            .ok()
            .and_then(|words| words.into_iter().next())
            .unwrap_or_default()
    }

    async fn run(&self) -> Result<Credentials, CredentialsError> {
        let provider = format!("external command `{}`", self.program());
        let failed = |reason: String| CredentialsError::Unavailable {
            provider: provider.clone(),
            reason,
        };
        let words = split_words(&self.command).map_err(|reason| CredentialsError::Invalid {
            provider: provider.clone(),
            reason,
        })?;
        let Some((program, args)) = words.split_first() else {
            return Err(CredentialsError::Invalid {
                provider,
                reason: "`process_command` is empty".to_owned(),
            });
        };
        let child = tokio::process::Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| failed(format!("cannot start it: {e}")))?;
        let output = match tokio::time::timeout(self.timeout, child.wait_with_output()).await {
            Ok(output) => output.map_err(|e| failed(format!("cannot read its output: {e}")))?,
            Err(_) => return Err(failed(format!("no answer within {:?}", self.timeout))),
        };
        if !output.status.success() {
            return Err(failed(format!("it failed ({})", output.status)));
        }
        parse(&output.stdout).map_err(|reason| failed(format!("unusable output: {reason}")))
    }
}

fn parse(stdout: &[u8]) -> Result<Credentials, String> {
    let value: serde_json::Value = serde_json::from_slice(stdout).map_err(|e| {
        format!(
            "not JSON ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    let text = |name: &str| match value.get(name) {
        Some(serde_json::Value::String(text)) if !text.is_empty() => Some(text.clone()),
        _ => None,
    };
    let (Some(id), Some(secret)) = (text("access_key_id"), text("access_key_secret")) else {
        return Err("`access_key_id` or `access_key_secret` is missing or empty".to_owned());
    };
    let mut credentials = Credentials::new(id, secret);
    match text("sts_token") {
        Some(token) => credentials = credentials.with_security_token(token),
        None if text("mode").as_deref() == Some("StsToken") => {
            return Err("mode `StsToken` without `sts_token`".to_owned());
        }
        None => {}
    }
    if let Some(expiration) = text("expiration") {
        let expiry = super::fetch::parse_expiration(&expiration)
            .ok_or_else(|| "`expiration` is not a `YYYY-MM-DDThh:mm:ssZ` time".to_owned())?;
        credentials = credentials.with_expiry(expiry);
    }
    Ok(credentials)
}

/// Splits a command line into words as a POSIX shell does for quotes and backslashes
/// (no variables, globs or operators).
fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("`process_command` has an unclosed `'`".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => break,
                        },
                        Some(c) => word.push(c),
                        None => return Err("`process_command` has an unclosed `\"`".to_owned()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(
            split_words(r#"get-creds --profile 'my role' "a \"b\"" c\ d"#).expect("splits"),
            ["get-creds", "--profile", "my role", r#"a "b""#, "c d"]
        );
        assert!(split_words("x 'open").is_err());
    }

    #[test]
    fn output_needs_both_keys_and_a_token_in_sts_mode() {
        let ok = parse(br#"{"mode":"StsToken","access_key_id":"id","access_key_secret":"s","sts_token":"t","expiration":"2030-01-01T00:00:00Z"}"#)
            .expect("parses");
        assert_eq!(ok.security_token(), Some("t"));
        assert!(ok.expiry().is_some());
        let err = parse(br#"{"mode":"StsToken","access_key_id":"id","access_key_secret":"s"}"#)
            .expect_err("no token");
        assert!(err.contains("sts_token"), "{err}");
        let err =
            parse(br#"{"access_key_id":"id","access_key_secret":"s3cr3t-x"#).expect_err("cut off");
        assert!(!err.contains("s3cr3t"), "{err}");
    }
}

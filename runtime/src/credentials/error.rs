//! Why credentials could not be had.

/// Why credentials could not be had. Messages name the source and the cause, never a
/// secret value, and say "credentials" themselves, so callers show them as they are
/// (no `no credentials: …` prefix on top).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The source holds no credentials at all (variables unset, file absent).
    #[error("no credentials from {provider}: {reason}")]
    NotConfigured {
        /// Which source, e.g. `environment variables`.
        provider: String,
        /// What was looked for and not found.
        reason: String,
    },
    /// The source is there but unusable (half set, malformed, missing fields).
    #[error("unusable credentials from {provider}: {reason}")]
    Invalid {
        /// Which source.
        provider: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The source is configured but fetching from it failed (timeout, refused
    /// connection, an error answer, an unreadable or already expired document).
    #[error("could not fetch credentials from {provider}: {reason}")]
    Unavailable {
        /// Which source, e.g. `ECS instance metadata (role `app`)`.
        provider: String,
        /// What went wrong.
        reason: String,
    },
    /// The profile's `mode` is not one this runtime implements.
    #[error(
        "unusable credentials from {provider}: profile `{profile}` uses mode `{mode}`, which \
         is not supported (supported modes: {})",
        super::profile::SUPPORTED_MODES
    )]
    UnsupportedMode {
        /// Which source.
        provider: String,
        /// The profile's name.
        profile: String,
        /// The profile's mode, e.g. `CloudSSO`.
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

    /// The message without its leading "no/unusable credentials from", for a chain's list.
    fn detail(&self) -> String {
        match self {
            CredentialsError::NotConfigured { provider, reason }
            | CredentialsError::Invalid { provider, reason }
            | CredentialsError::Unavailable { provider, reason } => {
                format!("{provider}: {reason}")
            }
            CredentialsError::UnsupportedMode {
                provider,
                profile,
                mode,
            } => format!("{provider}: profile `{profile}` uses unsupported mode `{mode}`"),
            CredentialsError::Chain(errors) => describe_attempts(errors),
        }
    }

    /// The same error with its source named `provider` (a profile naming the provider it
    /// built, for instance).
    pub(crate) fn within(self, outer: &str) -> Self {
        match self {
            CredentialsError::NotConfigured { provider, reason } => {
                CredentialsError::NotConfigured {
                    provider: format!("{outer} via {provider}"),
                    reason,
                }
            }
            CredentialsError::Invalid { provider, reason } => CredentialsError::Invalid {
                provider: format!("{outer} via {provider}"),
                reason,
            },
            CredentialsError::Unavailable { provider, reason } => CredentialsError::Unavailable {
                provider: format!("{outer} via {provider}"),
                reason,
            },
            other => other,
        }
    }
}

fn describe_attempts(errors: &[CredentialsError]) -> String {
    let parts: Vec<String> = errors.iter().map(|e| format!("[{}]", e.detail())).collect();
    parts.join(", then ")
}

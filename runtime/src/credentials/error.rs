//! Why credentials could not be had.

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

//! What the command line prints: answers as JSON, service errors with their request id,
//! and problems found before sending, each with its exit code.

use std::io::Write;
use std::process::ExitCode;

use serde_json::Value;

use super::{EXIT_CONFIG, EXIT_NO_ANSWER, EXIT_SERVICE_ERROR, EXIT_USAGE};
use crate::error::{OperationError, SdkError, ServiceError, sanitize_text};

/// Prints an answer: JSON on `out`, or the error on `err`.
pub(super) fn report<E: OperationError>(
    result: Result<Value, SdkError<E>>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    match result {
        Ok(output) => match serde_json::to_string_pretty(&output) {
            Ok(json) => {
                // serde_json escapes control characters inside strings, so this is safe.
                let _ = writeln!(out, "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => Problem::config(format!("cannot print the answer: {e}")).report(err),
        },
        Err(SdkError::Service(e)) => {
            print_service_error(e.service_error(), err);
            ExitCode::from(EXIT_SERVICE_ERROR)
        }
        Err(SdkError::Construction(message)) => Problem::config(message).report(err),
        Err(other) => {
            let _ = writeln!(err, "error: {}", sanitize_text(&other.to_string()));
            ExitCode::from(EXIT_NO_ANSWER)
        }
    }
}

fn print_service_error(error: &ServiceError, err: &mut dyn Write) {
    let _ = writeln!(
        err,
        "error: {}: {}",
        sanitize_text(&error.code),
        sanitize_text(&error.message)
    );
    let _ = writeln!(err, "  HTTP status: {}", error.status);
    if let Some(id) = &error.request_id {
        let _ = writeln!(err, "  request id: {}", sanitize_text(id));
    }
    if let Some(link) = &error.recommend {
        let _ = writeln!(err, "  diagnosis: {}", sanitize_text(link));
    }
}

/// A problem found before anything was sent, with its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub(super) message: String,
    pub(super) exit: u8,
}

impl Problem {
    /// A bad argument.
    pub(super) fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_USAGE,
        }
    }

    /// A configuration or credentials problem.
    pub(super) fn config(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_CONFIG,
        }
    }

    /// Prints the problem to `err` and returns its exit code.
    pub(super) fn report(&self, err: &mut dyn Write) -> ExitCode {
        let _ = writeln!(
            err,
            "error: {}",
            sanitize_text(&self.message).replace("\\u{a}", "\n")
        );
        ExitCode::from(self.exit)
    }
}

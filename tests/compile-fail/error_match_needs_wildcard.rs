// Error enums are `#[non_exhaustive]`: matching them needs a wildcard arm, so a code added
// to the spec later does not break callers.
use aliyun_live::StopLivePullToPushError;

fn describe(error: &StopLivePullToPushError) -> &'static str {
    match error {
        StopLivePullToPushError::InvalidParameter(_) => "bad parameter",
        StopLivePullToPushError::LiveServiceNotFound(_) => "no live service",
        StopLivePullToPushError::CodeInvalidAliUid(_) => "no domain",
        StopLivePullToPushError::InvalidParamCodeIllegalDuration(_) => "bad duration",
        StopLivePullToPushError::CodeTaskNotExist(_) => "no such task",
        StopLivePullToPushError::CodeTaskHasStopped(_) => "already stopped",
        StopLivePullToPushError::InternalError(_) => "server error",
        StopLivePullToPushError::Common(_) => "common",
        StopLivePullToPushError::Unhandled(_) => "other",
    }
}

fn main() {
    let _ = describe;
}

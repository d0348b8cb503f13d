//! Request signing. (Being written; see runtime brief.)

/// Which Alibaba Cloud signature algorithm to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256`, the default of the current official SDKs.
    #[default]
    V3,
    /// The RPC `HMAC-SHA1` signature of the older SDKs (`Signature` query parameter).
    V1,
}

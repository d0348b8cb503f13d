//! The RPC protocol parameters: the one list of wire names the V1 signature sends itself,
//! and who decides their value when an operation has a parameter of the same name.
//!
//! This file is the single source. The runtime compiles it as `livegen_runtime::protocol`
//! (the V1 signer and the fake server read it); the generator, which does not depend on
//! the runtime, compiles the very same file as a module of its own
//! (`#[path = "../../runtime/src/protocol.rs"]` in `generator/src/lib.rs`), so it may use
//! nothing outside itself. Tests read it through the runtime.
//!
//! The rule is the official SDK's (`alibabacloud-tea-openapi`):
//!
//! - with V3 (`ACS3-HMAC-SHA256`, the default) action, version, timestamp, nonce and
//!   signature travel in headers, so an operation parameter named `Format` or `Version` is
//!   an ordinary query or body parameter and is sent as it is;
//! - with V1 (`HMAC-SHA1`), `do_rpcrequest` builds the query as the protocol defaults
//!   (`Action`, `Format`, `Version`, `Timestamp`, `SignatureNonce`) overlaid with the
//!   operation's query, then sets `SecurityToken`, `SignatureMethod`,
//!   `SignatureVersion`, `AccessKeyId` and `Signature` itself. So the operation's value
//!   wins for the first group ([`V1Value::Operation`]) and the signer's for the second
//!   ([`V1Value::Signer`]); `SignatureType`, which the SDK does not set for access keys,
//!   is the operation's when it has one;
//! - form-body parameters are never merged into the query: they are sent as they are;
//! - ROA operations are signed with V3 alone, so none of this applies to them.

/// Whose value a V1 request carries when an operation parameter has a protocol name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V1Value {
    /// The operation's value replaces the protocol's default (e.g. `Format`, `Version`).
    Operation,
    /// The signer's value is sent and the operation's query value is left out (e.g.
    /// `SignatureMethod`, `AccessKeyId`): the signature could not be checked otherwise.
    Signer,
}

/// One protocol parameter of the RPC V1 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolParam {
    /// The wire name, e.g. `SignatureNonce`.
    pub name: &'static str,
    /// Whose value V1 sends when the operation has a query parameter of this name.
    pub v1: V1Value,
}

/// Every parameter the V1 signer puts in the query itself, in the order it sends them
/// (after the operation's own), with who wins a clash. `RegionId` is not among them: it
/// is an ordinary parameter of most operations.
pub const PROTOCOL_PARAMS: &[ProtocolParam] = &[
    param("SecurityToken", V1Value::Signer),
    param("Version", V1Value::Operation),
    param("Action", V1Value::Operation),
    param("Format", V1Value::Operation),
    param("Timestamp", V1Value::Operation),
    param("SignatureMethod", V1Value::Signer),
    param("SignatureType", V1Value::Operation),
    param("SignatureVersion", V1Value::Signer),
    param("SignatureNonce", V1Value::Operation),
    param("AccessKeyId", V1Value::Signer),
    param("Signature", V1Value::Signer),
];

const fn param(name: &'static str, v1: V1Value) -> ProtocolParam {
    ProtocolParam { name, v1 }
}

/// The protocol parameter named `name`, if it is one.
pub fn protocol_param(name: &str) -> Option<&'static ProtocolParam> {
    PROTOCOL_PARAMS.iter().find(|p| p.name == name)
}

/// Whether V1 drops an operation's query parameter named `name` in favour of its own.
pub fn v1_signer_overrides(name: &str) -> bool {
    protocol_param(name).is_some_and(|p| p.v1 == V1Value::Signer)
}

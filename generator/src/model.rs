//! Stage 3: the IR. Operations, types and errors with every Rust name decided.
//!
//! Emitters read this and never invent names; `naming` is the only place that does.

mod lower;
pub mod naming;

pub use lower::lower;

use crate::spec::{Location, Style};

/// The API as the emitters see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Spec file path as given (for `@generated` headers).
    pub spec_path: String,
    /// Product title, e.g. `ApsaraVideo Live`.
    pub title: String,
    /// Product description.
    pub description: Option<String>,
    /// Product code, e.g. `live`.
    pub product_code: String,
    /// API version.
    pub version: String,
    /// Cargo package name of the generated crate, e.g. `aliyun-live`.
    pub package: String,
    /// Rust crate name, e.g. `aliyun_live`.
    pub crate_name: String,
    /// Host without a region id.
    pub default_endpoint: String,
    /// Host pattern for unlisted regions.
    pub endpoint_pattern: String,
    /// Region id → host, sorted.
    pub regional_endpoints: Vec<(String, String)>,
    /// Operations, sorted by action.
    pub operations: Vec<Operation>,
    /// Named types from `components/schemas` (enums and structs), sorted by name. Types
    /// defined inline in one operation live in [`Operation::types`].
    pub types: Vec<TypeDef>,
}

/// One operation: an RPC action or a ROA (RESTful) operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `StopLivePullToPush`.
    pub action: String,
    /// `stop_live_pull_to_push`: module and client method.
    pub fn_name: String,
    /// `StopLivePullToPushInput`.
    pub input: String,
    /// `StopLivePullToPushOutput`.
    pub output: String,
    /// `StopLivePullToPushError`.
    pub error: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// Whether the crate docs' example calls it (`x-livegen-example`).
    pub example: bool,
    /// Wire path.
    pub path: String,
    /// Methods, default first (`GET`, `POST`; ROA also `PUT`, `DELETE`, `PATCH`).
    pub methods: Vec<String>,
    /// Rate limit.
    pub qps: Option<Qps>,
    /// RAM authorization.
    pub ram: Ram,
    /// Input fields, in spec order.
    pub params: Vec<Field>,
    /// Output fields, in spec order; `None` when the spec does not document the answer.
    pub output_fields: Option<Vec<Field>>,
    /// Documentation of the output type.
    pub output_doc: Option<String>,
    /// The type of an answer that is not an object (a list, a string: ROA operations
    /// answer those); the output type then wraps it. `None` for object answers.
    pub output_value: Option<Ty>,
    /// Documented errors, in spec order.
    pub errors: Vec<ErrorVariant>,
    /// Types defined inline in this operation's parameters and answer, sorted by name.
    pub types: Vec<TypeDef>,
    /// The paginator, when the spec says how the operation pages.
    pub paginator: Option<Paginator>,
    /// The wire name of the parameter carrying an idempotency token, which the runtime
    /// fills when the caller leaves it unset (its input field is therefore optional).
    pub idempotency_token: Option<String>,
}

/// A paginated operation's extra client method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paginator {
    /// `describe_live_user_domains_paginator`.
    pub method: String,
    /// The spec's `x-acs-pagination`.
    pub pagination: crate::spec::Pagination,
}

/// A published rate limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qps {
    /// Calls per window.
    pub limit: u32,
    /// Window length in seconds.
    pub per_seconds: u64,
    /// `account` or `api`.
    pub scope: String,
    /// What the service does with excess calls.
    pub on_exceed: String,
}

/// RAM authorization.
pub type Ram = crate::spec::Ram;

/// A struct field or input parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire / in JSON.
    pub wire: String,
    /// Rust field name.
    pub ident: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Rust type, without `Option`.
    pub ty: Ty,
    /// Required fields are plain, others `Option`.
    pub required: bool,
    /// Wire layout (inputs only).
    pub style: Style,
    /// Query string or form body (inputs only).
    pub location: Location,
    /// Example value.
    pub example: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
}

/// A Rust type of a field, with the constraints the runtime checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`, with length bounds in characters.
    String(Option<u64>, Option<u64>),
    /// `bool`.
    Bool,
    /// `i32`, with inclusive bounds.
    I32(Option<i64>, Option<i64>),
    /// `i64`, with inclusive bounds.
    I64(Option<i64>, Option<i64>),
    /// `f64`.
    F64,
    /// A generated string enum.
    Enum(TypeRef),
    /// A generated integer enum.
    IntEnum(TypeRef),
    /// A generated struct.
    Struct(TypeRef),
    /// `Vec<T>`, with item-count bounds.
    List(Box<Ty>, Option<u64>, Option<u64>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `serde_json::Value`, for objects without declared properties.
    Json,
}

/// A generated type and the module that defines it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeRef {
    /// The Rust name.
    pub name: String,
    /// `None` for `types`, else the operation module (`stop_live_pull_to_push`).
    pub module: Option<String>,
}

/// A named generated type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A string or integer enumeration.
    Enum(EnumDef),
    /// An object.
    Struct(StructDef),
}

impl TypeDef {
    /// The Rust type name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Enum(e) => &e.name,
            TypeDef::Struct(s) => &s.name,
        }
    }
}

/// An enumeration with an `Unknown` catch-all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Whether the values are integers.
    pub integer: bool,
    /// Values in spec order, one variant each (values that differ only in case too).
    pub values: Vec<EnumValue>,
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// Wire spelling, sent and parsed exactly (`ap-southeast-1`).
    pub wire: String,
    /// Rust variant, e.g. `ApSoutheast1`.
    pub variant: String,
    /// Documentation (`x-acs-enum-docs`).
    pub doc: Option<String>,
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Whether a parameter uses it: it serializes, and the runtime needs its shape.
    pub in_input: bool,
    /// Whether an answer uses it: it deserializes.
    pub in_output: bool,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorVariant {
    /// Wire code.
    pub code: String,
    /// Rust variant.
    pub variant: String,
    /// HTTP status.
    pub http_status: u16,
    /// Message template.
    pub message: String,
    /// Meaning.
    pub description: Option<String>,
}

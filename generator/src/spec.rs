//! The typed spec: what `validate` accepts, before names are decided.
//!
//! Every node keeps its JSON pointer so later stages can still point at the source.

use std::collections::BTreeMap;

/// A validated spec document.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `x-acs-product`.
    pub product: Product,
    /// `x-acs-endpoints`.
    pub endpoints: Endpoints,
    /// One per RPC action, in file order.
    pub operations: Vec<Operation>,
    /// `components/schemas`, by name.
    pub schemas: BTreeMap<String, Schema>,
}

/// `x-acs-product`: the product code, API version and call style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Product code, e.g. `live`.
    pub code: String,
    /// API version, e.g. `2016-11-01`.
    pub version: String,
    /// `style: ROA`: operations are keyed by their real paths and methods.
    pub roa: bool,
}

/// `x-acs-endpoints`: how a region id becomes a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Host used without a region id.
    pub default: String,
    /// Host pattern with `{regionId}` for unlisted regions.
    pub pattern: String,
    /// Region id → host.
    pub regional: BTreeMap<String, String>,
}

/// One operation: an RPC action or a ROA (RESTful) operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Pointer to the operation object.
    pub pointer: String,
    /// `x-acs-rpc.action` (equal to `operationId`); for ROA the `operationId`.
    pub action: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Wire path, `/` for RPC; for ROA the path key, a template with `{Name}` segments.
    pub path: String,
    /// Accepted HTTP methods, upper case, default first.
    pub methods: Vec<String>,
    /// `x-acs-qps`.
    pub qps: Option<Qps>,
    /// `x-acs-ram`; what the spec leaves out is not documented.
    pub ram: Ram,
    /// Parameters, in file order; a ROA `requestBody` comes last as a `JsonBody` one.
    pub params: Vec<Parameter>,
    /// Schema of the 200 response body; `None` when the spec does not document it.
    pub output: Option<Schema>,
    /// `x-acs-errors`, in file order.
    pub errors: Vec<ErrorCode>,
    /// `x-acs-pagination`.
    pub pagination: Option<Pagination>,
    /// `x-acs-idempotency-token`: the parameter carrying an idempotency token.
    pub idempotency_token: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// A ROA (RESTful) operation: keyed by its real path and method, no `x-acs-rpc`.
    pub roa: bool,
}

impl Operation {
    /// Whether this is a ROA (RESTful) operation.
    pub fn is_roa(&self) -> bool {
        self.roa
    }
}

/// `x-acs-pagination`: how an operation splits its answer over pages. Request names are
/// parameters of the operation; answer paths are property names joined by `.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Pointer to the `x-acs-pagination` object.
    pub pointer: String,
    /// The convention.
    pub style: PageStyle,
    /// `size`: the page-size parameter (`PageSize`, `MaxResults`).
    pub size: Option<String>,
    /// `items`: where the answer lists the page's items (`Domains.PageData`).
    pub items: Option<String>,
}

/// The two conventions of `x-acs-pagination.style`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// `pageNumber`: pages numbered from 1.
    PageNumber {
        /// `page`: the page-number parameter.
        page: String,
        /// `total`: where the answer states the total item count.
        total: Option<String>,
    },
    /// `nextToken`: opaque continuation tokens.
    NextToken {
        /// `token`: the token parameter.
        token: String,
        /// `nextToken`: where the answer gives the next token.
        next_token: String,
    },
}

/// `x-acs-qps`: the published rate limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qps {
    /// Calls allowed per window.
    pub limit: u32,
    /// `second` or `minute`.
    pub per: String,
    /// `account` or `api`.
    pub scope: String,
    /// What the service does with excess calls (`drop`, `throttle`).
    pub on_exceed: String,
}

/// `x-acs-ram`: the authorization an operation needs. Every field is optional: imported
/// metadata rarely says all of it, and livegen never guesses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ram {
    /// e.g. `live:StopLivePullToPush`.
    pub action: Option<String>,
    /// `read`, `list`, `get`, `create`, `update` or `delete`.
    pub access_level: Option<String>,
    /// Resource patterns.
    pub resources: Vec<String>,
    /// Condition keys.
    pub condition_keys: Vec<String>,
    /// Actions the caller must also be allowed.
    pub dependent_actions: Vec<String>,
}

/// How a parameter is laid out on the wire (`x-acs-style`, the metadata's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Name=value`; lists comma-joined; objects flattened.
    Simple,
    /// `Name.1=a&Name.2=b`, `Name.1.Key=v`.
    RepeatList,
    /// Like `RepeatList` (the metadata's `flat`).
    Flat,
    /// `Name=<JSON>`.
    Json,
}

/// Where a parameter travels (`in`, and `x-acs-in` for what OpenAPI cannot say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The query string.
    Query,
    /// A form-encoded body (`formData`).
    Body,
    /// ROA: a `{Name}` segment of the path (`in: path`).
    Path,
    /// ROA: an HTTP header (`in: header`).
    Header,
    /// ROA: the whole body as one JSON document (`requestBody`).
    JsonBody,
}

/// A query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Pointer to the parameter object.
    pub pointer: String,
    /// Wire name.
    pub name: String,
    /// `required: true`.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Value schema.
    pub schema: Schema,
    /// Wire layout.
    pub style: Style,
    /// Query string or form body.
    pub location: Location,
    /// `example`, as text.
    pub example: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// Pointer to the entry in `x-acs-errors`.
    pub pointer: String,
    /// e.g. `CodeTaskNotExist`.
    pub code: String,
    /// HTTP status the service answers with (200 when the metadata lists it under success).
    pub http_status: u16,
    /// Message template (`%s` marks a variable part).
    pub message: String,
    /// What it means.
    pub description: Option<String>,
}

/// A JSON schema, restricted to what RPC APIs use.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// Pointer to the schema object.
    pub pointer: String,
    /// Description.
    pub description: Option<String>,
    /// The shape.
    pub kind: SchemaKind,
}

/// The shapes livegen knows.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaKind {
    /// `$ref: '#/components/schemas/Name'`.
    Ref(String),
    /// A string; with `enum` it becomes a Rust enum.
    String {
        /// `format` (e.g. `date-time`).
        format: Option<String>,
        /// `enum` values, in file order.
        values: Vec<String>,
        /// `x-acs-enum-docs`: value → doc.
        value_docs: BTreeMap<String, String>,
        /// `minLength`.
        min_length: Option<u64>,
        /// `maxLength`.
        max_length: Option<u64>,
    },
    /// An integer; `format: int32` narrows it.
    Integer {
        /// `int32` or `int64`.
        format: Option<String>,
        /// Inclusive lower bound.
        minimum: Option<i64>,
        /// Inclusive upper bound.
        maximum: Option<i64>,
        /// `enum` values, in file order.
        values: Vec<i64>,
        /// `x-acs-enum-docs`: value → doc.
        value_docs: BTreeMap<i64, String>,
    },
    /// A floating-point number.
    Number,
    /// A boolean.
    Boolean,
    /// An array of `items`.
    Array {
        /// The items.
        items: Box<Schema>,
        /// `minItems`.
        min_items: Option<u64>,
        /// `maxItems`.
        max_items: Option<u64>,
    },
    /// An object; properties in file order.
    Object {
        /// Property name → schema.
        properties: Vec<(String, Schema)>,
        /// Names of required properties.
        required: Vec<String>,
        /// `additionalProperties` with a schema: a map with values of that shape.
        additional: Option<Box<Schema>>,
    },
}

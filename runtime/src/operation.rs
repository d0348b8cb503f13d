//! Static descriptions of a service and its operations.
//!
//! Generated crates hold these as `const`s; the runtime reads them to pick an endpoint,
//! sign, rate-limit and label each call. Nothing here is specific to one operation.

/// An HTTP method an operation accepts: RPC actions use GET and POST, ROA (RESTful)
/// operations any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// Parameters travel in the query string (and path and headers, for ROA).
    Get,
    /// Query parameters in the query string, body parameters in a form or JSON body.
    Post,
    /// ROA: replace a resource.
    Put,
    /// ROA: delete a resource.
    Delete,
    /// ROA: change part of a resource.
    Patch,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
        }
    }

    /// The method named `name` (any case), if it is one of these.
    pub fn parse(name: &str) -> Option<HttpMethod> {
        [
            HttpMethod::Get,
            HttpMethod::Post,
            HttpMethod::Put,
            HttpMethod::Delete,
            HttpMethod::Patch,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// A cloud product: its API version and how its endpoint is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Product code, e.g. `live`.
    pub code: &'static str,
    /// API version sent with every call, e.g. `2016-11-01`.
    pub version: &'static str,
    /// Host used when no region id is configured.
    pub default_endpoint: &'static str,
    /// Host pattern for region ids missing from `regional_endpoints`; `{regionId}` is replaced.
    pub endpoint_pattern: &'static str,
    /// Region id → host, sorted by region id.
    pub regional_endpoints: &'static [(&'static str, &'static str)],
}

/// The published request-rate limit of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QpsLimit {
    /// Requests allowed per `per`.
    pub limit: u32,
    /// The window the limit is counted over.
    pub per: std::time::Duration,
    /// Who shares the budget.
    pub scope: QpsScope,
}

/// Who shares a QPS budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QpsScope {
    /// Every caller using the same Alibaba Cloud account (the runtime keys by AccessKey id).
    Account,
    /// All callers of the API together.
    Api,
}

/// RAM authorization an operation requires. Imported metadata often leaves parts of it
/// out; what is not documented is `None` or empty, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamAuthorization {
    /// The RAM action, e.g. `live:StopLivePullToPush`.
    pub action: Option<&'static str>,
    /// `read`, `list`, `get`, `create`, `update` or `delete`.
    pub access_level: Option<&'static str>,
    /// Resource patterns the action applies to (`*` for all resources).
    pub resources: &'static [&'static str],
    /// Condition keys the action supports.
    pub condition_keys: &'static [&'static str],
    /// Other actions the caller must also be allowed.
    pub dependent_actions: &'static [&'static str],
}

impl RamAuthorization {
    /// Nothing documented.
    pub const UNDOCUMENTED: RamAuthorization = RamAuthorization {
        action: None,
        access_level: None,
        resources: &[],
        condition_keys: &[],
        dependent_actions: &[],
    };
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the query string.
    Query,
    /// In an `application/x-www-form-urlencoded` POST body (`formData` in the metadata).
    Body,
    /// ROA: one `{Name}` segment of the operation's path template, percent-encoded so
    /// that a `/` in the value stays inside its segment. Always required.
    Path,
    /// ROA: an HTTP header of this name (signed under V3).
    Header,
    /// ROA: the whole request body as one JSON document (`in: body` in the metadata).
    /// An operation has at most one.
    JsonBody,
}

impl ParamLocation {
    /// Whether only ROA (RESTful) operations use this location.
    pub const fn is_roa_only(self) -> bool {
        matches!(
            self,
            ParamLocation::Path | ParamLocation::Header | ParamLocation::JsonBody
        )
    }
}

/// How a parameter is laid out on the wire, with the official metadata's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamStyle {
    /// Scalars as `Name=value`; lists joined with commas (`Name=a,b`); objects flattened
    /// like [`RepeatList`](Self::RepeatList).
    Simple,
    /// Lists as `Name.1=a&Name.2=b`, objects as `Name.Key=v`, nested as `Name.1.Key=v`.
    RepeatList,
    /// Like [`RepeatList`](Self::RepeatList) (the metadata's `flat`).
    Flat,
    /// The whole value as one JSON text: `Name=<JSON>`.
    Json,
}

/// The shape of a parameter's value: what a typed input or a command line must supply and
/// how the runtime checks and encodes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// A string; `values` lists an enumeration's known values (others are still sent).
    String {
        /// Known enumeration values, empty when free-form.
        values: &'static [&'static str],
        /// Minimum length in characters.
        min_length: Option<u64>,
        /// Maximum length in characters.
        max_length: Option<u64>,
    },
    /// An integer with inclusive bounds; `values` lists an enumeration's known values.
    Integer {
        /// Known enumeration values, empty when free-form.
        values: &'static [i64],
        /// Inclusive lower bound.
        minimum: Option<i64>,
        /// Inclusive upper bound.
        maximum: Option<i64>,
    },
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list of `item`s.
    List(&'static ListShape),
    /// An object with declared fields, in spec order.
    Object(&'static [FieldInfo]),
    /// A map from string keys to values of one shape.
    Map(&'static Shape),
    /// Any JSON value.
    Any,
}

/// The shape of a list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListShape {
    /// The items' shape.
    pub item: Shape,
    /// Minimum number of items.
    pub min_items: Option<u64>,
    /// Maximum number of items.
    pub max_items: Option<u64>,
}

/// A field of an object-shaped value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldInfo {
    /// The wire name, e.g. `Key`.
    pub name: &'static str,
    /// Whether it must be present.
    pub required: bool,
    /// Its shape.
    pub shape: Shape,
}

impl Shape {
    /// A free-form string.
    pub const STRING: Shape = Shape::String {
        values: &[],
        min_length: None,
        max_length: None,
    };
    /// A free-form integer.
    pub const INTEGER: Shape = Shape::Integer {
        values: &[],
        minimum: None,
        maximum: None,
    };

    /// A string enumeration with these known values.
    pub const fn enumeration(values: &'static [&'static str]) -> Shape {
        Shape::String {
            values,
            min_length: None,
            max_length: None,
        }
    }

    /// An integer with inclusive bounds.
    pub const fn int_range(minimum: Option<i64>, maximum: Option<i64>) -> Shape {
        Shape::Integer {
            values: &[],
            minimum,
            maximum,
        }
    }
}

impl FieldInfo {
    /// An optional field.
    pub const fn new(name: &'static str, shape: Shape) -> FieldInfo {
        FieldInfo {
            name,
            required: false,
            shape,
        }
    }

    /// The same field, required.
    pub const fn required(self) -> FieldInfo {
        FieldInfo {
            required: true,
            ..self
        }
    }
}

/// A parameter of an operation: how to check it and where and how it goes on the wire.
/// Typed inputs, the generated command line and tools that see raw requests (a local
/// fake, a proxy) all read this one table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamInfo {
    /// The wire name, e.g. `TaskId`.
    pub name: &'static str,
    /// Query string or form body.
    pub location: ParamLocation,
    /// The wire layout.
    pub style: ParamStyle,
    /// Whether a request without it is refused.
    pub required: bool,
    /// The value's shape.
    pub shape: Shape,
    /// One line of documentation, for command-line help (may be empty).
    pub doc: &'static str,
}

impl ParamInfo {
    /// An optional query parameter in the `simple` style, without documentation.
    pub const fn query(name: &'static str, shape: Shape) -> ParamInfo {
        ParamInfo {
            name,
            location: ParamLocation::Query,
            style: ParamStyle::Simple,
            required: false,
            shape,
            doc: "",
        }
    }

    /// An optional form-body parameter in the `simple` style, without documentation.
    pub const fn body(name: &'static str, shape: Shape) -> ParamInfo {
        ParamInfo {
            location: ParamLocation::Body,
            ..ParamInfo::query(name, shape)
        }
    }

    /// A path parameter (always required) in the `simple` style, without documentation.
    pub const fn path(name: &'static str, shape: Shape) -> ParamInfo {
        ParamInfo {
            location: ParamLocation::Path,
            required: true,
            ..ParamInfo::query(name, shape)
        }
    }

    /// An optional header parameter, without documentation.
    pub const fn header(name: &'static str, shape: Shape) -> ParamInfo {
        ParamInfo {
            location: ParamLocation::Header,
            ..ParamInfo::query(name, shape)
        }
    }

    /// An optional whole-document JSON body, without documentation.
    pub const fn json_body(name: &'static str, shape: Shape) -> ParamInfo {
        ParamInfo {
            location: ParamLocation::JsonBody,
            style: ParamStyle::Json,
            ..ParamInfo::query(name, shape)
        }
    }

    /// The same parameter, required.
    pub const fn required(self) -> ParamInfo {
        ParamInfo {
            required: true,
            ..self
        }
    }

    /// The same parameter with another wire style.
    pub const fn style(self, style: ParamStyle) -> ParamInfo {
        ParamInfo { style, ..self }
    }

    /// The same parameter with a line of documentation.
    pub const fn doc(self, doc: &'static str) -> ParamInfo {
        ParamInfo { doc, ..self }
    }
}

/// An error code an operation documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The code, e.g. `CodeTaskNotExist`. A code written as a template in the metadata
    /// (`Invalid%s.ValueNotSupported`) keeps its `%s`; see [`ErrorInfo::matches`].
    pub code: &'static str,
    /// The HTTP status the service answers it with.
    pub http_status: u16,
    /// The message template; `%s` marks a variable part.
    pub message: &'static str,
}

impl ErrorInfo {
    /// A documented error: HTTP status, code and message template.
    pub const fn new(http_status: u16, code: &'static str, message: &'static str) -> ErrorInfo {
        ErrorInfo {
            code,
            http_status,
            message,
        }
    }

    /// Whether the service's `code` is this documented one; `%s` in a documented code
    /// matches any non-empty text.
    pub fn matches(&self, code: &str) -> bool {
        template_matches(self.code, code)
    }
}

/// `%s` in `template` matches one or more characters; everything else literally.
pub fn template_matches(template: &str, text: &str) -> bool {
    let mut parts = template.split("%s");
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        // At least one character for the preceding `%s`, then the shortest match.
        let Some(found) = rest.get(1..).and_then(|tail| tail.find(part)) else {
            return false;
        };
        rest = &rest[1 + found + part.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last)
}

/// One operation of a [`Service`]: an RPC action or a ROA (RESTful) operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operation {
    /// The service the operation belongs to.
    pub service: &'static Service,
    /// The `Action` name, e.g. `StopLivePullToPush`.
    pub action: &'static str,
    /// One line of documentation, for command-line help (may be empty).
    pub summary: &'static str,
    /// The wire path: `/` for RPC actions, a template such as `/clusters/{ClusterId}` for
    /// ROA operations (each `{Name}` filled from the path parameter of that name).
    pub path: &'static str,
    /// Accepted methods; the first is the one sent.
    pub methods: &'static [HttpMethod],
    /// The published QPS limit, if any.
    pub qps: Option<QpsLimit>,
    /// RAM authorization the call needs.
    pub ram: RamAuthorization,
    /// The parameters, in spec order.
    pub params: &'static [ParamInfo],
    /// The documented error codes, in spec order.
    pub errors: &'static [ErrorInfo],
    /// How the operation pages its answers, if it does (`x-acs-pagination`).
    pub pagination: Option<crate::pagination::Pagination>,
    /// The parameter that carries an idempotency token (`x-acs-idempotency-token`,
    /// usually `ClientToken`, or `body.clientToken` for a property of a ROA JSON body
    /// parameter): the service acts once on requests repeating a token. Left
    /// unset by the caller, the client fills one generated value per call, the same on
    /// every attempt, and resends the operation like a read (see [`retry`](crate::retry)).
    pub idempotency_token: Option<&'static str>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
}

impl Operation {
    /// The documented error `code`, if this operation lists it (exactly, or through a
    /// template such as `Invalid%s.ValueNotSupported`).
    pub fn error(&self, code: &str) -> Option<&'static ErrorInfo> {
        self.errors
            .iter()
            .find(|e| e.code == code)
            .or_else(|| self.errors.iter().find(|e| e.matches(code)))
    }

    /// The parameter named `name` on the wire.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The method a call sends: the first listed.
    pub fn method(&self) -> Option<HttpMethod> {
        self.methods.first().copied()
    }

    /// Whether this is a ROA (RESTful) operation: a path other than `/`, or a parameter
    /// in the path, a header or a JSON body. RPC actions are signed and sent alike under
    /// V3; only ROA ones need the path template, headers and JSON bodies.
    pub fn is_roa(&self) -> bool {
        self.path != "/" || self.params.iter().any(|p| p.location.is_roa_only())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_or_more_characters() {
        assert!(template_matches(
            "Invalid%s.ValueNotSupported",
            "InvalidApp.ValueNotSupported"
        ));
        assert!(!template_matches(
            "Invalid%s.ValueNotSupported",
            "Invalid.ValueNotSupported"
        ));
        assert!(!template_matches(
            "Invalid%s.ValueNotSupported",
            "InvalidApp.Other"
        ));
        assert!(template_matches("%s.Missing", "Domain.Missing"));
        assert!(template_matches("A%sB%sC", "AxBBByC"));
        assert!(template_matches("Exact", "Exact"));
        assert!(!template_matches("Exact", "Exactly"));
        assert!(!template_matches("A%s", "A"));
    }
}

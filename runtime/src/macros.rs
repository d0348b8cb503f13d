//! Macros generated crates invoke as `livegen_runtime::operation_error!`,
//! `livegen_runtime::string_enum!` and `livegen_runtime::int_enum!`.
//!
//! They expand to plain items with `$crate::` paths only, so a generated file needs no
//! `use` lines, and every item they add carries rustdoc (generated crates deny
//! `missing_docs`). Keeping the repeated code here instead of in 400 generated files keeps
//! those files short and lets the runtime change an implementation without regenerating.

/// Defines an operation's error enum from its documented errors, written once: each
/// variant as `Name = (http_status, "code", "message template")`.
///
/// The enum has one variant per documented code (each holding the
/// [`ServiceError`](crate::ServiceError)), plus `Common` for codes every API shares and
/// `Unhandled` for anything else. The same list becomes the associated constant `ERRORS`
/// (an [`ErrorInfo`](crate::ErrorInfo) per variant, in order), which the operation's table
/// points to, so a new error code is a one-line change. Each variant's docs end with its
/// code and HTTP status.
///
/// A service code picks the variant whose code equals it; failing that, the first whose
/// code is a `%s` template matching it (see
/// [`template_matches`](crate::operation::template_matches)); then a
/// [`CommonError`](crate::CommonError); else `Unhandled`.
///
/// ```
/// livegen_runtime::operation_error! {
///     /// Errors of `StopLivePullToPush`.
///     pub enum StopError {
///         /// The task does not exist.
///         TaskNotExist = (400, "CodeTaskNotExist", "Task does not exist."),
///         /// A value is not supported.
///         InvalidValueNotSupported = (400, "Invalid%s.ValueNotSupported", "%s"),
///     }
/// }
/// use livegen_runtime::{OperationError, ServiceError};
/// let error = |code: &str| ServiceError {
///     status: 400, code: code.to_owned(), message: String::new(),
///     request_id: None, host_id: None, recommend: None,
/// };
/// assert!(matches!(StopError::from_service_error(error("InvalidApp.ValueNotSupported")),
///     StopError::InvalidValueNotSupported(_)));
/// assert!(matches!(StopError::from_service_error(error("Throttling")), StopError::Common(_)));
/// assert!(matches!(StopError::from_service_error(error("New")), StopError::Unhandled(_)));
/// assert_eq!(StopError::ERRORS[0].code, "CodeTaskNotExist");
/// assert_eq!(StopError::ERRORS[1].http_status, 400);
/// ```
#[macro_export]
macro_rules! operation_error {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = ($status:literal, $code:literal, $message:literal $(,)?)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                #[doc = ""]
                #[doc = concat!("Code `", $code, "`, HTTP ", stringify!($status), ".")]
                $variant($crate::ServiceError),
            )*
            /// An error every Alibaba Cloud API may answer (throttling, signature,
            /// credentials, permissions, …).
            Common($crate::CommonError),
            /// A code this operation does not document; its `code()` tells which.
            Unhandled($crate::ServiceError),
        }

        impl $name {
            /// The documented errors, in spec order: HTTP status, code and message template.
            pub const ERRORS: &'static [$crate::ErrorInfo] =
                &[$($crate::ErrorInfo::new($status, $code, $message)),*];
        }

        impl $crate::OperationError for $name {
            fn from_service_error(error: $crate::ServiceError) -> Self {
                $(
                    if error.code == $code {
                        return Self::$variant(error);
                    }
                )*
                $(
                    if $code.contains("%s")
                        && $crate::operation::template_matches($code, &error.code)
                    {
                        return Self::$variant(error);
                    }
                )*
                match $crate::CommonError::classify(error) {
                    ::core::result::Result::Ok(common) => Self::Common(common),
                    ::core::result::Result::Err(error) => Self::Unhandled(error),
                }
            }

            fn service_error(&self) -> &$crate::ServiceError {
                match self {
                    $(Self::$variant(error) => error,)*
                    Self::Common(common) => &common.error,
                    Self::Unhandled(error) => error,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(
                    <Self as $crate::OperationError>::service_error(self),
                    f,
                )
            }
        }

        impl ::std::error::Error for $name {}
    };
}

/// Defines a forward-compatible string enumeration: the known values plus
/// `Unknown(String)` for any other text, so a value the service adds later still parses.
///
/// Each variant is one spelling, sent and parsed exactly: values that differ only in case
/// (`critical`, `Critical`) are distinct variants, and no spelling matches another's.
/// `VALUES` lists every spelling.
///
/// ```
/// livegen_runtime::string_enum! {
///     /// A severity.
///     pub enum Severity {
///         /// `critical`.
///         Critical = "critical",
///         /// `Critical`.
///         Critical2 = "Critical",
///     }
/// }
/// assert_eq!(Severity::from("Critical"), Severity::Critical2);
/// assert_eq!(Severity::Critical.as_str(), "critical");
/// assert_eq!(Severity::VALUES, ["critical", "Critical"]);
/// assert_eq!(Severity::from("CRITICAL").as_str(), "CRITICAL");
/// assert!(!Severity::from("CRITICAL").is_known());
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $wire:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this client does not know (yet), exactly as sent or received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every known spelling, in spec order.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The text on the wire: a known value's spelling, or the unknown text.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(text) => text.as_str(),
                }
            }

            /// Whether the value is one the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                $(
                    if text == $wire {
                        return Self::$variant;
                    }
                )*
                Self::Unknown(::std::borrow::ToOwned::to_owned(text))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Unknown(_) => Self::Unknown(text),
                    known => known,
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(text))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let text: ::std::string::String =
                    $crate::__serde::Deserialize::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(text))
            }
        }
    };
}

/// Defines a forward-compatible integer enumeration: the known values plus `Unknown(i64)`;
/// it travels as a JSON number.
///
/// ```
/// livegen_runtime::int_enum! {
///     /// A sort order.
///     pub enum SortType {
///         /// `1`: ascending.
///         V1 = 1,
///         /// `2`: descending.
///         V2 = 2,
///     }
/// }
/// assert_eq!(SortType::from(2), SortType::V2);
/// assert_eq!(SortType::from(7).as_i64(), 7);
/// assert_eq!(SortType::VALUES, [1, 2]);
/// ```
#[macro_export]
macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $value:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
            /// A value this client does not know (yet), exactly as sent or received.
            Unknown(i64),
        }

        impl $name {
            /// Every known value, in spec order.
            pub const VALUES: &'static [i64] = &[$($value),*];

            /// The number on the wire.
            pub const fn as_i64(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether the value is one the spec lists.
            pub const fn is_known(self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                $(
                    if value == $value {
                        return Self::$variant;
                    }
                )*
                Self::Unknown(value)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.as_i64(), f)
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value: i64 = $crate::__serde::Deserialize::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(value))
            }
        }
    };
}

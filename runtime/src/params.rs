//! Flattening typed inputs into Alibaba's RPC query parameters.
//!
//! RPC actions take flat `Name=value` pairs. Lists use the `repeatList` style
//! (`Name.1=a&Name.2=b`), objects may be sent as one JSON-encoded value. Generated input
//! structs describe their fields through [`ToParams`]; the encoding rules live here once.

use std::fmt::Display;

/// Ordered `(name, value)` pairs of one request, before signing and percent-encoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// An empty parameter list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value` using the value's `Display` form.
    pub fn put(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.pairs.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds `name=value` when `value` is present.
    pub fn put_opt<T: Display>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.put(name, value);
        }
        self
    }

    /// Adds a list in Alibaba's `repeatList` style: `Name.1=a&Name.2=b`.
    pub fn put_list<T: Display>(&mut self, name: &str, values: &[T]) -> &mut Self {
        for (index, value) in values.iter().enumerate() {
            self.pairs
                .push((format!("{name}.{}", index + 1), value.to_string()));
        }
        self
    }

    /// Adds a value encoded as one JSON string (Alibaba's `json` style).
    pub fn put_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<&mut Self, InvalidInput> {
        let encoded = serde_json::to_string(value)
            .map_err(|e| InvalidInput::new(name, format!("cannot encode as JSON: {e}")))?;
        self.pairs.push((name.to_owned(), encoded));
        Ok(self)
    }

    /// Adds an integer after checking the spec's inclusive bounds.
    pub fn put_int(
        &mut self,
        name: &str,
        value: i64,
        minimum: Option<i64>,
        maximum: Option<i64>,
    ) -> Result<&mut Self, InvalidInput> {
        if let Some(min) = minimum.filter(|min| value < *min) {
            return Err(InvalidInput::new(
                name,
                format!("{value} is below the minimum {min}"),
            ));
        }
        if let Some(max) = maximum.filter(|max| value > *max) {
            return Err(InvalidInput::new(
                name,
                format!("{value} is above the maximum {max}"),
            ));
        }
        Ok(self.put(name, value))
    }

    /// The pairs in insertion order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Consumes the list, returning its pairs.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }
}

/// A request input that can write itself as RPC parameters.
pub trait ToParams {
    /// Appends this input's parameters to `params`, checking the spec's constraints.
    fn to_params(&self, params: &mut Params) -> Result<(), InvalidInput>;
}

/// An input value the spec does not allow (out of range, not encodable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value for parameter `{parameter}`: {reason}")]
pub struct InvalidInput {
    /// The wire name of the parameter.
    pub parameter: String,
    /// What is wrong with it.
    pub reason: String,
}

impl InvalidInput {
    /// An error about `parameter`.
    pub fn new(parameter: &str, reason: impl Into<String>) -> Self {
        Self {
            parameter: parameter.to_owned(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_list_numbers_from_one() {
        let mut params = Params::new();
        params.put_list("Domain", &["a", "b"]).put("TaskId", "t");
        assert_eq!(
            params.pairs(),
            &[
                ("Domain.1".to_owned(), "a".to_owned()),
                ("Domain.2".to_owned(), "b".to_owned()),
                ("TaskId".to_owned(), "t".to_owned()),
            ]
        );
    }

    #[test]
    fn json_style_encodes_once() {
        let mut params = Params::new();
        params
            .put_json("Tags", &serde_json::json!({"k": "v"}))
            .expect("serializable");
        assert_eq!(params.pairs()[0].1, r#"{"k":"v"}"#);
    }

    #[test]
    fn bounds_are_inclusive_and_named() {
        let mut params = Params::new();
        assert!(params.put_int("PageSize", 10, Some(1), Some(10)).is_ok());
        let err = params
            .put_int("PageSize", 11, Some(1), Some(10))
            .expect_err("above max");
        assert_eq!(err.parameter, "PageSize");
        assert!(err.reason.contains("maximum 10"), "{err}");
    }

    #[test]
    fn optional_absent_is_skipped() {
        let mut params = Params::new();
        params
            .put_opt::<u32>("Limit", None)
            .put_opt("Page", Some(2));
        assert_eq!(params.pairs(), &[("Page".to_owned(), "2".to_owned())]);
    }
}

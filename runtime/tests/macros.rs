//! The macros generated crates invoke, used exactly as the generator emits them (no
//! imports; rustdoc on every item), so clippy's `-D warnings` over this file covers the
//! expansions too.

#![deny(missing_docs)]

use livegen_runtime::{CommonErrorKind, OperationError, ServiceError};

livegen_runtime::operation_error! {
    /// Errors of `StopLivePullToPush`.
    pub enum StopLivePullToPushError {
        /// Parameter error.
        InvalidParameter = (400, "InvalidParameter", "%s."),
        /// A value is not supported.
        InvalidValueNotSupported = (400, "Invalid%s.ValueNotSupported", "%s"),
        /// Listed exactly as well.
        InvalidAppValueNotSupported = (400, "InvalidApp.ValueNotSupported", "%s"),
    }
}

livegen_runtime::operation_error! {
    /// Errors of an operation that documents none.
    pub enum NoCodesError {}
}

livegen_runtime::string_enum! {
    /// A region of the live center.
    pub enum Region {
        /// Singapore.
        ApSoutheast1 = "ap-southeast-1",
        /// `DOMAIN`: values that differ only in case are distinct variants.
        Domain = "DOMAIN",
        /// `domain`.
        Domain2 = "domain",
        /// `Domain`.
        Domain3 = "Domain",
    }
}

livegen_runtime::string_enum! {
    /// An enumeration with no known values.
    pub enum Empty {}
}

livegen_runtime::int_enum! {
    /// A sort order.
    pub enum SortType {
        /// `1`
        V1 = 1,
        /// `2`
        V2 = 2,
        /// `-1`
        Minus1 = -1,
    }
}

livegen_runtime::int_enum! {
    /// An integer enumeration with no known values.
    pub enum NoInts {}
}

fn service_error(code: &str) -> ServiceError {
    ServiceError {
        status: 400,
        code: code.to_owned(),
        message: "m".to_owned(),
        request_id: Some("r".to_owned()),
        host_id: None,
        recommend: None,
    }
}

#[test]
fn error_codes_match_exactly_then_by_template_then_common() {
    type E = StopLivePullToPushError;
    assert!(matches!(
        E::from_service_error(service_error("InvalidParameter")),
        E::InvalidParameter(_)
    ));
    // The exact listing wins over an earlier template that also matches.
    assert!(matches!(
        E::from_service_error(service_error("InvalidApp.ValueNotSupported")),
        E::InvalidAppValueNotSupported(_)
    ));
    assert!(matches!(
        E::from_service_error(service_error("InvalidDomain.ValueNotSupported")),
        E::InvalidValueNotSupported(_)
    ));
    match E::from_service_error(service_error("Throttling.User")) {
        E::Common(common) => assert_eq!(common.kind, CommonErrorKind::Throttling),
        other => panic!("expected a common error, got {other:?}"),
    }
    let unhandled = E::from_service_error(service_error("SomethingNew"));
    assert!(matches!(unhandled, E::Unhandled(_)));
    assert_eq!(unhandled.code(), "SomethingNew");
    assert_eq!(unhandled.request_id(), Some("r"));
    assert_eq!(
        unhandled.to_string(),
        "SomethingNew (HTTP 400): m [request id r]"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(unhandled);
    assert!(boxed.to_string().contains("SomethingNew"));

    assert!(matches!(
        NoCodesError::from_service_error(service_error("X")),
        NoCodesError::Unhandled(_)
    ));
    assert!(matches!(
        NoCodesError::from_service_error(service_error("Forbidden.RAM")),
        NoCodesError::Common(_)
    ));
}

#[test]
fn the_error_list_is_also_the_operations_table() {
    let codes: Vec<(u16, &str, &str)> = StopLivePullToPushError::ERRORS
        .iter()
        .map(|e| (e.http_status, e.code, e.message))
        .collect();
    assert_eq!(
        codes,
        [
            (400, "InvalidParameter", "%s."),
            (400, "Invalid%s.ValueNotSupported", "%s"),
            (400, "InvalidApp.ValueNotSupported", "%s"),
        ]
    );
    assert!(NoCodesError::ERRORS.is_empty());
}

#[test]
fn string_enums_are_open_and_keep_every_spelling() {
    assert_eq!(
        Region::VALUES,
        ["ap-southeast-1", "DOMAIN", "domain", "Domain"]
    );
    assert_eq!(Region::from("ap-southeast-1"), Region::ApSoutheast1);
    // Each spelling parses to its own variant and is sent back exactly.
    for (spelling, variant) in [
        ("DOMAIN", Region::Domain),
        ("domain", Region::Domain2),
        ("Domain", Region::Domain3),
    ] {
        assert_eq!(Region::from(spelling), variant);
        assert_eq!(variant.as_str(), spelling);
        let json = format!("\"{spelling}\"");
        assert_eq!(serde_json::to_string(&variant).expect("serialises"), json);
        assert_eq!(
            serde_json::from_str::<Region>(&json).expect("parses"),
            variant
        );
    }
    // Matching is exact: a fourth spelling is not a known value.
    assert_eq!(Region::from("DoMain"), Region::Unknown("DoMain".to_owned()));
    let unknown = Region::from("eu-central-9".to_owned());
    assert_eq!(unknown, Region::Unknown("eu-central-9".to_owned()));
    assert_eq!(unknown.as_str(), "eu-central-9");
    assert_eq!(unknown.to_string(), "eu-central-9");
    assert_eq!("domain".parse::<Region>(), Ok(Region::Domain2));
    assert_eq!(
        serde_json::from_str::<Region>("\"new\"").expect("parses"),
        Region::Unknown("new".to_owned())
    );
    assert!(serde_json::from_str::<Region>("1").is_err());
    assert!(Empty::VALUES.is_empty());
    assert_eq!(Empty::from("x").as_str(), "x");
}

#[test]
fn int_enums_travel_as_numbers() {
    assert_eq!(SortType::VALUES, [1, 2, -1]);
    assert_eq!(SortType::from(2), SortType::V2);
    assert_eq!(SortType::from(-1), SortType::Minus1);
    assert_eq!(SortType::from(9), SortType::Unknown(9));
    assert_eq!(SortType::V1.as_i64(), 1);
    assert_eq!(SortType::Unknown(9).to_string(), "9");
    assert_eq!(
        serde_json::to_string(&SortType::V2).expect("serialises"),
        "2"
    );
    assert_eq!(
        serde_json::from_str::<SortType>("7").expect("parses"),
        SortType::Unknown(7)
    );
    assert!(serde_json::from_str::<SortType>("\"1\"").is_err());
    assert_eq!(NoInts::from(3).as_i64(), 3);
}

/// A generated input struct using the enums, as the encoder sees it.
#[derive(serde::Serialize)]
struct Input {
    #[serde(rename = "Region")]
    region: Region,
    #[serde(rename = "SortType")]
    sort_type: Option<SortType>,
}

#[test]
fn enums_serialise_into_inputs() {
    let value = serde_json::to_value(Input {
        region: Region::Domain,
        sort_type: Some(SortType::V2),
    })
    .expect("serialises");
    assert_eq!(
        value,
        serde_json::json!({"Region": "DOMAIN", "SortType": 2})
    );
}

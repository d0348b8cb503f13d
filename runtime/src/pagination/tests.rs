//! Where the items of an answer are, with and without a spec path.

use serde_json::json;

use super::{PageStyle, Pagination};

const NUMBERED: Pagination = Pagination {
    style: PageStyle::PageNumber {
        page_param: "PageNumber",
        total: Some("TotalCount"),
    },
    size_param: Some("PageSize"),
    items: Some("Domains.PageData"),
};

const UNKNOWN_ITEMS: Pagination = Pagination {
    items: None,
    ..NUMBERED
};

#[test]
fn items_follow_the_spec_path() {
    let answer = json!({"Domains": {"PageData": [1, 2]}, "Other": [9]});
    assert_eq!(NUMBERED.items_of(&answer), &[json!(1), json!(2)]);
    assert!(NUMBERED.items_of(&json!({"Domains": {}})).is_empty());
    assert!(
        NUMBERED
            .items_of(&json!({"Domains": {"PageData": "x"}}))
            .is_empty()
    );
}

#[test]
fn without_a_path_the_only_list_is_the_items() {
    let top = json!({"RequestId": "r", "Total": 3, "List": [1]});
    assert_eq!(UNKNOWN_ITEMS.items_of(&top), &[json!(1)]);
    let nested = json!({"RequestId": "r", "Result": {"Users": [1, 2], "Count": 2}});
    assert_eq!(UNKNOWN_ITEMS.items_of(&nested).len(), 2);
    let mut merged = nested.clone();
    UNKNOWN_ITEMS
        .items_of_mut(&mut merged)
        .expect("found")
        .push(json!(3));
    assert_eq!(merged["Result"]["Users"], json!([1, 2, 3]));
}

#[test]
fn several_lists_without_a_path_are_no_items() {
    assert!(
        UNKNOWN_ITEMS
            .items_of(&json!({"A": [1], "B": [2]}))
            .is_empty()
    );
    assert!(
        UNKNOWN_ITEMS
            .items_of(&json!({"A": {"X": [1]}, "B": {"Y": [2]}}))
            .is_empty()
    );
    assert!(
        UNKNOWN_ITEMS
            .items_of(&json!({"A": {"X": [1], "Y": [2]}}))
            .is_empty()
    );
    // A top-level list wins over nested ones.
    assert_eq!(
        UNKNOWN_ITEMS.items_of(&json!({"A": [1], "B": {"Y": [2, 3]}})),
        &[json!(1)]
    );
}

//! Paginators against the fake: every paginated operation of the generated crate, both
//! conventions, and every way a listing ends or misbehaves (partial and empty last pages,
//! a total that changes between pages, a page number the service ignores, a repeated
//! token), plus a failed page retried on the ordinary call path and `--all-pages` on the
//! command line.

use std::process::Command;

use aliyun_live::operations::ALL;
use aliyun_live::operations::list_live_message_group_users::{
    ListLiveMessageGroupUsersOutputUserListItem, ListLiveMessageGroupUsersSortType,
};
use aliyun_live::{DescribeLiveUserDomainsInput, ListLiveMessageGroupUsersInput, SdkError};
use livegen_runtime::{Operation, ServiceError, Shape};
use livegen_tests::fake::pages::{DEFAULT_PAGE_SIZE, Listing, Quirk, item};
use livegen_tests::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig, Fault};
use livegen_tests::harness::default_client;
use serde_json::{Map, Value, json};

const DOMAINS: &str = "DescribeLiveUserDomains";
const USERS: &str = "ListLiveMessageGroupUsers";

fn fake(config: FakeConfig) -> Fake {
    Fake::start(FakeConfig {
        log: false,
        ..config
    })
    .expect("the fake starts on loopback")
}

/// A value of `shape` the fake accepts (for required parameters of any operation).
fn filler(shape: &Shape) -> Value {
    match shape {
        Shape::String {
            values, min_length, ..
        } => match values.first() {
            Some(value) => json!(value),
            None => json!("x".repeat(min_length.unwrap_or(1).max(1) as usize)),
        },
        Shape::Integer {
            values,
            minimum,
            maximum,
        } => json!(values.first().copied().unwrap_or_else(|| {
            let low = minimum.unwrap_or(1);
            maximum.map_or(low, |high| low.min(high))
        })),
        Shape::Number => json!(1.0),
        Shape::Boolean => json!(true),
        Shape::List(list) => {
            let count = list.min_items.unwrap_or(1).max(1) as usize;
            Value::Array(vec![filler(&list.item); count])
        }
        Shape::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_owned(), filler(&f.shape)))
                .collect(),
        ),
        Shape::Map(_) => json!({}),
        Shape::Any => json!("x"),
    }
}

/// The page size a test asks `op` for: 2, or the nearest its bounds allow; the fake's
/// default when `op` takes none.
fn page_size(op: &Operation) -> i64 {
    let Some(param) = op
        .pagination
        .and_then(|p| p.size_param)
        .and_then(|n| op.param(n))
    else {
        return i64::from(DEFAULT_PAGE_SIZE);
    };
    match param.shape {
        Shape::Integer {
            minimum, maximum, ..
        } => {
            let size = minimum.unwrap_or(2).max(2);
            maximum.map_or(size, |high| size.min(high))
        }
        _ => 2,
    }
}

/// The smallest valid input of `op`, with [`page_size`] when it takes a size.
fn input(op: &Operation) -> Value {
    let mut input: Map<String, Value> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.to_owned(), filler(&p.shape)))
        .collect();
    if let Some(size) = op.pagination.and_then(|p| p.size_param) {
        // Some metadata types the page size as a string (Live's `DescribeLiveAIProduceRules`):
        // the input must match the parameter's own type, as a caller's would.
        let value = match op.param(size).map(|p| p.shape) {
            Some(Shape::String { .. }) => json!(page_size(op).to_string()),
            _ => json!(page_size(op)),
        };
        input.insert(size.to_owned(), value);
    }
    Value::Object(input)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["FakeItemId"].as_str().unwrap_or("?").to_owned())
        .collect()
}

fn expected(action: &str, count: u32) -> Vec<String> {
    ids(&(0..count).map(|i| item(action, i)).collect::<Vec<_>>())
}

async fn collect(
    fake: &Fake,
    op: &'static Operation,
    input: &Value,
) -> (Vec<Value>, Option<SdkError<ServiceError>>) {
    let client = default_client(fake);
    let mut items = client
        .runtime()
        .paginator::<_, Value, ServiceError>(op, input)
        .items();
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => seen.push(item),
            Err(e) => return (seen, Some(e)),
        }
    }
    (seen, None)
}

fn op(action: &str) -> &'static Operation {
    ALL.iter()
        .copied()
        .find(|op| op.action == action)
        .expect("the generated crate has the action")
}

/// The values the fake saw for `name`, one per request.
fn sent(fake: &Fake, name: &str) -> Vec<Option<String>> {
    fake.requests()
        .iter()
        .map(|r| {
            r.params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
        .collect()
}

#[tokio::test]
async fn every_paginated_operation_lists_every_item_through_the_fake() {
    let paginated: Vec<&'static Operation> = ALL
        .iter()
        .copied()
        .filter(|op| op.pagination.is_some())
        .collect();
    assert!(
        paginated.len() >= 2,
        "the generated crate has {} paginated operations",
        paginated.len()
    );
    for op in paginated {
        // One full page and one item more: two requests, whatever the page size.
        let count = u32::try_from(page_size(op)).expect("small") + 1;
        let fake = fake(FakeConfig::default().listing(op.action, Listing::new(count)));
        let (items, error) = collect(&fake, op, &input(op)).await;
        assert!(error.is_none(), "{}: {error:?}", op.action);
        assert_eq!(ids(&items), expected(op.action, count), "{}", op.action);
        assert_eq!(fake.request_count(), 2, "{}", op.action);
    }
}

#[tokio::test]
async fn typed_pages_stop_at_the_total_with_a_partial_last_page() {
    let fake = fake(FakeConfig::default().listing(DOMAINS, Listing::new(5)));
    let client = default_client(&fake);
    let mut input = DescribeLiveUserDomainsInput::new();
    input.page_size = Some(2);
    let mut pages = client.describe_live_user_domains_paginator(input).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        assert_eq!(page.total_count, Some(5));
        let domains = page.domains.and_then(|d| d.page_data).unwrap_or_default();
        sizes.push(domains.len());
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(
        sent(&fake, "PageNumber"),
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
}

#[tokio::test]
async fn without_a_total_an_empty_page_ends_the_listing() {
    let listing = Listing::new(4).quirk(Quirk::NoTotal);
    let fake = fake(FakeConfig::default().listing(DOMAINS, listing));
    let (items, error) = collect(&fake, op(DOMAINS), &json!({"PageSize": 2})).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&items), expected(DOMAINS, 4));
    assert_eq!(
        fake.request_count(),
        3,
        "two full pages, then the empty one"
    );
}

#[tokio::test]
async fn without_a_total_a_partial_page_ends_the_listing() {
    let listing = Listing::new(5).quirk(Quirk::NoTotal);
    let fake = fake(FakeConfig::default().listing(DOMAINS, listing));
    let (items, _) = collect(&fake, op(DOMAINS), &json!({"PageSize": 2})).await;
    assert_eq!(items.len(), 5);
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn a_total_that_shrinks_between_pages_ends_the_listing_early() {
    let listing = Listing::new(6).quirk(Quirk::ResizeAfterFirstPage(3));
    let fake = fake(FakeConfig::default().listing(DOMAINS, listing));
    let (items, error) = collect(&fake, op(DOMAINS), &json!({"PageSize": 2})).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids(&items), expected(DOMAINS, 3));
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_total_that_grows_between_pages_is_followed() {
    let listing = Listing::new(4).quirk(Quirk::ResizeAfterFirstPage(6));
    let fake = fake(FakeConfig::default().listing(DOMAINS, listing));
    let (items, _) = collect(&fake, op(DOMAINS), &json!({"PageSize": 2})).await;
    assert_eq!(ids(&items), expected(DOMAINS, 6));
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn an_ignored_page_number_is_an_error_not_a_loop() {
    let listing = Listing::new(5).quirk(Quirk::Stuck).quirk(Quirk::NoTotal);
    let fake = fake(FakeConfig::default().listing(DOMAINS, listing));
    let (items, error) = collect(&fake, op(DOMAINS), &json!({"PageSize": 2})).await;
    assert_eq!(items.len(), 2);
    let error = error.expect("refused").to_string();
    assert!(error.contains("same items as page 1"), "{error}");
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn typed_tokens_page_through_the_fake() {
    let fake = fake(FakeConfig::default().listing(USERS, Listing::new(25)));
    let client = default_client(&fake);
    let input = ListLiveMessageGroupUsersInput::new(
        "app",
        "group",
        10,
        ListLiveMessageGroupUsersSortType::V1,
    );
    // The fake's items carry only `FakeItemId`: read them as JSON here (the typed items
    // are checked below).
    let mut items = client
        .list_live_message_group_users_paginator(input.clone())
        .with_items::<Value>()
        .items();
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        seen.push(item.expect("item"));
    }
    assert_eq!(ids(&seen), expected(USERS, 25));
    // The service numbers its tokens; they go back as sent.
    assert_eq!(
        sent(&fake, "NextPageToken"),
        [None, Some("10".into()), Some("20".into())]
    );
    // The generated paginator names the item type its spec's items path leads to.
    let mut typed = client
        .list_live_message_group_users_paginator(input)
        .items();
    let mut count = 0;
    while let Some(item) = typed.next().await {
        let item: ListLiveMessageGroupUsersOutputUserListItem = item.expect("typed item");
        assert_eq!(item.user_id, None, "the fake's items have no UserId");
        count += 1;
    }
    assert_eq!(count, 25);
}

#[tokio::test]
async fn a_repeated_token_is_an_error_not_a_loop() {
    let fake = fake(FakeConfig::default().listing(USERS, Listing::new(25).quirk(Quirk::Stuck)));
    let (_, error) = collect(&fake, op(USERS), &input(op(USERS))).await;
    let error = error.expect("refused").to_string();
    assert!(error.contains("a second time"), "{error}");
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_failed_page_is_retried_like_any_call() {
    let fake = fake(FakeConfig::default().listing(DOMAINS, Listing::new(3)));
    let client = default_client(&fake);
    let mut items = client
        .runtime()
        .paginator::<_, Value, ServiceError>(op(DOMAINS), &json!({"PageSize": 2}))
        .items();
    let mut seen = vec![items.next().await.expect("first").expect("ok")];
    fake.inject(Fault::Http503, 1);
    while let Some(item) = items.next().await {
        seen.push(item.expect("the 503 was retried"));
    }
    assert_eq!(ids(&seen), expected(DOMAINS, 3));
    assert_eq!(
        sent(&fake, "PageNumber"),
        [Some("1".into()), Some("2".into()), Some("2".into())]
    );
}

#[test]
fn the_cli_merges_every_page_with_all_pages() {
    let fake = fake(FakeConfig::default().listing(DOMAINS, Listing::new(5)));
    let output = Command::new(env!("CARGO_BIN_EXE_aliyun-live-cli"))
        .args([
            DOMAINS,
            "--PageSize",
            "2",
            "--all-pages",
            "--endpoint",
            &fake.url(),
        ])
        .env_remove("ALIBABA_CLOUD_PROFILE")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_REGION_ID")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_KEY_SECRET)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the CLI binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let answer: Value = serde_json::from_slice(&output.stdout).expect("one JSON answer");
    let items = answer["Domains"]["PageData"].as_array().expect("items");
    assert_eq!(ids(items), expected(DOMAINS, 5));
    assert_eq!(answer["TotalCount"], 5);
    assert_eq!(fake.request_count(), 3);
}

#[test]
fn all_pages_on_an_unpaginated_operation_is_a_usage_error() {
    let fake = fake(FakeConfig::default().task("t"));
    let output = Command::new(env!("CARGO_BIN_EXE_aliyun-live-cli"))
        .args([
            "StopLivePullToPush",
            "--Region",
            "cn-shanghai",
            "--TaskId",
            "t",
        ])
        .args(["--all-pages", "--endpoint", &fake.url()])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_KEY_SECRET)
        .output()
        .expect("the CLI binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not paginated"), "{stderr}");
    assert_eq!(fake.request_count(), 0);
}

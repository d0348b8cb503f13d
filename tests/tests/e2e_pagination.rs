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
use livegen_runtime::{Operation, ServiceError};
use livegen_tests::fake::pages::{Listing, Quirk};
use livegen_tests::fake::paging_check::{self, expected, ids, input};
use livegen_tests::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig, Fault};
use livegen_tests::harness::default_client;
use serde_json::{Value, json};

const DOMAINS: &str = "DescribeLiveUserDomains";
const USERS: &str = "ListLiveMessageGroupUsers";

fn fake(config: FakeConfig) -> Fake {
    Fake::start(FakeConfig {
        log: false,
        ..config
    })
    .expect("the fake starts on loopback")
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

/// The check the catalogue sample runs for each of its products
/// (`livegen_fake::paging_check`): one full page plus one item, every item in order, in
/// exactly two requests, for each paginated operation.
#[tokio::test]
async fn every_paginated_operation_lists_every_item_through_the_fake() {
    let outcomes = paging_check::check_product(ALL).await;
    let summary = paging_check::summary("live", &outcomes);
    eprintln!("{summary}");
    assert!(
        outcomes.len() >= 2,
        "the generated crate has {} paginated operations",
        outcomes.len()
    );
    assert!(
        outcomes.iter().all(|(_, outcome)| outcome.is_ok()),
        "{summary}"
    );
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

//! The page loop against a scripted server: both conventions, every way a listing ends,
//! totals that change, tokens that repeat, errors and retries in the middle.

mod support;

use livegen_runtime::{
    Client, Operation, PageStyle, Pagination, ParamInfo, SdkError, ServiceError, Shape,
};
use serde_json::{Value, json};
use support::{MockServer, Reply, STOP, config_for};

/// Shaped like `DescribeLiveUserDomains`: page number, size and a total.
static NUMBERED: Operation = Operation {
    action: "DescribeLiveUserDomains",
    params: &[
        ParamInfo::query("PageNumber", Shape::INTEGER),
        ParamInfo::query("PageSize", Shape::INTEGER),
    ],
    pagination: Some(Pagination {
        style: PageStyle::PageNumber {
            page_param: "PageNumber",
            total: Some("TotalCount"),
        },
        size_param: Some("PageSize"),
        items: Some("Domains.PageData"),
    }),
    qps: None,
    ..STOP
};

/// Shaped like `ListLiveMessageGroupUsers`: a next token, items at the top level.
static TOKENS: Operation = Operation {
    action: "ListLiveMessageGroupUsers",
    params: &[
        ParamInfo::query("NextPageToken", Shape::STRING),
        ParamInfo::query("PageSize", Shape::INTEGER),
    ],
    pagination: Some(Pagination {
        style: PageStyle::NextToken {
            token_param: "NextPageToken",
            next_token: "NextPageToken",
        },
        size_param: Some("PageSize"),
        items: Some("UserList"),
    }),
    qps: None,
    ..STOP
};

fn numbered(items: &[&str], total: Option<u64>) -> Reply {
    let mut body = json!({"RequestId": "r", "Domains": {"PageData": items}});
    if let Some(total) = total {
        body["TotalCount"] = json!(total);
    }
    Reply::json(200, &body.to_string())
}

fn tokened(items: &[&str], next: Option<&str>) -> Reply {
    let mut body = json!({"RequestId": "r", "UserList": items});
    if let Some(next) = next {
        body["NextPageToken"] = json!(next);
    }
    Reply::json(200, &body.to_string())
}

async fn client(script: Vec<Reply>) -> (MockServer, Client) {
    let server = MockServer::start(script).await;
    let client = Client::new(config_for(&server).build().expect("config"));
    (server, client)
}

async fn all_items(
    client: &Client,
    op: &'static Operation,
    input: Value,
) -> (Vec<String>, Option<SdkError<ServiceError>>) {
    let mut items = client
        .paginator::<_, Value, ServiceError>(op, &input)
        .items_as::<String>();
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => seen.push(item),
            Err(e) => {
                assert!(
                    items.next().await.is_none(),
                    "the stream ends after an error"
                );
                return (seen, Some(e));
            }
        }
    }
    (seen, None)
}

fn sent(server: &MockServer, name: &str) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .map(|r| r.query(name).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn page_numbers_stop_at_the_total() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(5)),
        numbered(&["c", "d"], Some(5)),
        numbered(&["e"], Some(5)),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    assert!(error.is_none());
    assert_eq!(
        sent(&server, "PageNumber"),
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    assert_eq!(
        sent(&server, "PageSize"),
        [Some("2".into()), Some("2".into()), Some("2".into())]
    );
}

#[tokio::test]
async fn an_exact_total_needs_no_empty_page() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(4)),
        numbered(&["c", "d"], Some(4)),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!((items.len(), error.is_none()), (4, true));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_partial_page_ends_a_listing_without_a_total() {
    let (server, client) = client(vec![numbered(&["a", "b"], None), numbered(&["c"], None)]).await;
    let (items, _) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!(items, ["a", "b", "c"]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_empty_page_ends_a_listing_and_is_not_yielded() {
    // No page size sent or answered, no total: only the empty page tells the end.
    let (server, client) = client(vec![numbered(&["a", "b"], None), numbered(&[], None)]).await;
    let mut pages = client
        .paginator::<_, Value, ServiceError>(&NUMBERED, &json!({}))
        .pages();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        page.expect("page");
        count += 1;
    }
    assert_eq!(count, 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_empty_first_page_is_yielded_once() {
    let (server, client) = client(vec![numbered(&[], Some(0))]).await;
    let mut pages = client
        .paginator::<_, Value, ServiceError>(&NUMBERED, &json!({}))
        .pages();
    let first = pages.next().await.expect("one page").expect("ok");
    assert_eq!(first["TotalCount"], 0);
    assert!(pages.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_answered_page_size_counts_when_the_input_sets_none() {
    let mut body = json!({"RequestId": "r", "PageSize": 2, "Domains": {"PageData": ["a", "b"]}});
    let first = Reply::json(200, &body.to_string());
    body["Domains"]["PageData"] = json!(["c"]);
    let (server, client) = client(vec![first, Reply::json(200, &body.to_string())]).await;
    let (items, _) = all_items(&client, &NUMBERED, json!({})).await;
    assert_eq!(items, ["a", "b", "c"]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_shrinking_total_is_followed() {
    // Two items were deleted while paging: the listing ends at the new total.
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(6)),
        numbered(&["c", "d"], Some(4)),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!((items.len(), error.is_none()), (4, true));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_growing_total_is_followed() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(4)),
        numbered(&["c", "d"], Some(6)),
        numbered(&["e", "f"], Some(6)),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!((items.len(), error.is_none()), (6, true));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_service_ignoring_the_page_number_is_an_error_not_a_loop() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], None),
        numbered(&["a", "b"], None),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!(items, ["a", "b"]);
    let error = error.expect("refused").to_string();
    assert!(error.contains("same items as page 1"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn paging_starts_at_the_inputs_page() {
    let (server, client) = client(vec![numbered(&["e"], Some(5))]).await;
    let (items, _) = all_items(&client, &NUMBERED, json!({"PageNumber": 3, "PageSize": 2})).await;
    assert_eq!(items, ["e"]);
    assert_eq!(sent(&server, "PageNumber"), [Some("3".into())]);
}

#[tokio::test]
async fn tokens_are_followed_until_none_is_given() {
    let (server, client) = client(vec![
        tokened(&["a", "b"], Some("t1")),
        tokened(&["c"], Some("t2")),
        tokened(&["d"], Some("")),
    ])
    .await;
    let (items, error) = all_items(&client, &TOKENS, json!({"PageSize": 2})).await;
    assert_eq!(items, ["a", "b", "c", "d"]);
    assert!(error.is_none());
    assert_eq!(
        sent(&server, "NextPageToken"),
        [None, Some("t1".into()), Some("t2".into())]
    );
}

#[tokio::test]
async fn a_repeated_token_is_an_error_not_a_loop() {
    let (server, client) = client(vec![
        tokened(&["a"], Some("t1")),
        tokened(&["b"], Some("t2")),
        tokened(&["c"], Some("t1")),
    ])
    .await;
    let (items, error) = all_items(&client, &TOKENS, json!({})).await;
    assert_eq!(items, ["a", "b", "c"]);
    let error = error.expect("refused").to_string();
    assert!(error.contains("next token \"t1\" a second time"), "{error}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn the_inputs_token_counts_as_sent() {
    let (server, client) = client(vec![tokened(&["x"], Some("start"))]).await;
    let (items, error) = all_items(&client, &TOKENS, json!({"NextPageToken": "start"})).await;
    assert_eq!(items, ["x"]);
    assert!(error.is_some(), "the service sent the starting token back");
    assert_eq!(sent(&server, "NextPageToken"), [Some("start".into())]);
}

#[tokio::test]
async fn each_page_is_retried_like_a_call() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(3)),
        Reply::envelope(503, "ServiceUnavailable", "busy"),
        numbered(&["c"], Some(3)),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!((items.len(), error.is_none()), (3, true));
    assert_eq!(
        sent(&server, "PageNumber"),
        [Some("1".into()), Some("2".into()), Some("2".into())]
    );
}

#[tokio::test]
async fn a_service_error_ends_the_stream_after_the_items_before_it() {
    let (server, client) = client(vec![
        numbered(&["a", "b"], Some(9)),
        Reply::envelope(400, "InvalidParameter", "bad."),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED, json!({"PageSize": 2})).await;
    assert_eq!(items, ["a", "b"]);
    match error {
        Some(SdkError::Service(e)) => assert_eq!(e.code, "InvalidParameter"),
        other => panic!("expected the service error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn merged_puts_every_item_in_the_first_answer() {
    let (_server, client) = client(vec![
        numbered(&["a", "b"], Some(3)),
        numbered(&["c"], Some(3)),
    ])
    .await;
    let merged = client
        .paginator::<_, Value, ServiceError>(&NUMBERED, &json!({"PageSize": 2}))
        .merged()
        .await
        .expect("merged");
    assert_eq!(merged["Domains"]["PageData"], json!(["a", "b", "c"]));
    assert_eq!(merged["TotalCount"], 3);
}

#[tokio::test]
async fn an_operation_without_pagination_sends_nothing() {
    let (server, client) = client(vec![]).await;
    let (items, error) = all_items(&client, &STOP, json!({})).await;
    assert!(items.is_empty());
    match error {
        Some(SdkError::Construction(message)) => {
            assert!(
                message.contains("StopLivePullToPush is not paginated"),
                "{message}"
            )
        }
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn pages_are_a_send_stream() {
    fn assert_stream<S: futures_core::Stream + Send + Unpin>(_: &S) {}
    let (_server, client) = client(vec![]).await;
    let pages = client
        .paginator::<_, Value, ServiceError>(&NUMBERED, &json!({}))
        .pages();
    assert_stream(&pages);
}

/// Shaped like `ListLiveMessageGroupMessages`: the "token" is an integer both ways.
static NUMBERED_TOKENS: Operation = Operation {
    params: &[ParamInfo::query("NextPageToken", Shape::INTEGER)],
    ..TOKENS
};

#[tokio::test]
async fn integer_tokens_are_sent_as_integers() {
    let (server, client) = client(vec![
        Reply::json(200, r#"{"UserList": ["a"], "NextPageToken": 7}"#),
        Reply::json(200, r#"{"UserList": ["b"]}"#),
    ])
    .await;
    let (items, error) = all_items(&client, &NUMBERED_TOKENS, json!({})).await;
    assert_eq!(items, ["a", "b"]);
    assert!(error.is_none());
    assert_eq!(sent(&server, "NextPageToken"), [None, Some("7".into())]);
}

//! The paginator check every product gets: for each operation with a `pagination` table,
//! a fake lists one full page plus one item, the runtime's paginator (the one the typed
//! `…_paginator()` methods wrap, through the limiter and retries) pages through it, and
//! every item must arrive, in order, in exactly two requests. Live's
//! `tests/tests/e2e_pagination.rs` runs it over `aliyun_live::operations::ALL`; the
//! catalogue sample's scratch workspace runs it over each sample product
//! (`tests/tests/catalogue_sample/paginators.rs`).
//!
//! Inputs are the smallest valid ones: every required parameter filled from its shape
//! ([`filler`]), and a page size of 2 or the nearest its bounds allow ([`page_size`]).

use std::future::Future;
use std::time::Duration;

use livegen_runtime::config::LimiterStore;
use livegen_runtime::credentials::StaticCredentials;
use livegen_runtime::{Client, Config, Credentials, Operation, RetryConfig, ServiceError, Shape};
use serde_json::{Map, Value, json};

use crate::catalog::Operations;
use crate::pages::{DEFAULT_PAGE_SIZE, Listing, item};
use crate::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig};

/// A value of `shape` the fake accepts (for required parameters of any operation).
pub fn filler(shape: &Shape) -> Value {
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
        // The required fields; when none is, the first field, so that the object is sent
        // at all (a `RepeatList` of empty objects encodes to nothing).
        Shape::Object(fields) => {
            let mut chosen: Vec<_> = fields.iter().filter(|f| f.required).collect();
            if chosen.is_empty() {
                chosen.extend(fields.first());
            }
            Value::Object(
                chosen
                    .into_iter()
                    .map(|f| (f.name.to_owned(), filler(&f.shape)))
                    .collect(),
            )
        }
        Shape::Map(_) => json!({}),
        Shape::Any => json!("x"),
    }
}

/// The page size a check asks `op` for: 2, or the nearest its bounds allow; the fake's
/// default when `op` takes none.
pub fn page_size(op: &Operation) -> i64 {
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

/// The smallest valid input of `op`, with [`page_size`] when it takes a size, and page 1
/// when its page number is required (a filler would not be a page number).
pub fn input(op: &Operation) -> Value {
    let mut input: Map<String, Value> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.to_owned(), filler(&p.shape)))
        .collect();
    // Some metadata types the page size or number as a string (Live's
    // `DescribeLiveAIProduceRules`, PCDN's `GetDomains`): the input must match the
    // parameter's own type, as a caller's would.
    let number = |name: &str, value: i64| match op.param(name).map(|p| p.shape) {
        Some(Shape::String { .. }) => json!(value.to_string()),
        _ => json!(value),
    };
    if let Some(pagination) = op.pagination {
        if let Some(size) = pagination.size_param {
            input.insert(size.to_owned(), number(size, page_size(op)));
        }
        if let livegen_runtime::PageStyle::PageNumber { page_param, .. } = pagination.style
            && input.contains_key(page_param)
        {
            input.insert(page_param.to_owned(), number(page_param, 1));
        }
    }
    Value::Object(input)
}

/// The fake's item ids of `items` (`?` for an item without one).
pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["FakeItemId"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// The ids of the first `count` items the fake lists for `action`.
pub fn expected(action: &str, count: u32) -> Vec<String> {
    ids(&(0..count).map(|i| item(action, i)).collect::<Vec<_>>())
}

/// The configuration for calling `fake`: its default key, the client's own limiter
/// schedule, three attempts with millisecond backoff, a 5-second attempt timeout.
///
/// # Errors
///
/// When the configuration is refused (a bug of this function).
pub fn config(fake: &Fake) -> Result<Config, String> {
    Config::builder()
        .credentials(StaticCredentials::new(Credentials::new(
            DEFAULT_KEY_ID,
            DEFAULT_KEY_SECRET,
        )))
        .endpoint_url(fake.url())
        .limiter_store(LimiterStore::Client)
        .retry(RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            resend_writes: false,
        })
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| format!("the client configuration is refused: {e}"))
}

/// A fake of `product` (quiet) whose `op` lists one full page plus one item, and that
/// item count: two requests, whatever the page size.
fn listing_fake(product: Operations, op: &Operation) -> Result<(Fake, u32), String> {
    let count = u32::try_from(page_size(op)).map_err(|_| "a page size out of range")? + 1;
    let config = FakeConfig {
        log: false,
        ..FakeConfig::default()
            .product(product)
            .listing(op.action, Listing::new(count))
    };
    let fake = Fake::start(config).map_err(|e| format!("the fake does not start: {e}"))?;
    Ok((fake, count))
}

/// `Err` unless `fake` saw exactly two requests.
fn two_requests(fake: &Fake) -> Result<(), String> {
    match fake.request_count() {
        2 => Ok(()),
        n => Err(format!("{n} requests, expected 2")),
    }
}

/// Pages through `op` of `product` with the runtime's paginator against a fake of its
/// own that lists one full page plus one item; `Err` says what went wrong (an error, a
/// missing or extra item, a request count other than two).
pub async fn check_operation(product: Operations, op: &'static Operation) -> Result<(), String> {
    let (fake, count) = listing_fake(product, op)?;
    let client = Client::new(config(&fake)?);
    let mut items = client
        .paginator::<_, Value, ServiceError>(op, &input(op))
        .items();
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => seen.push(item),
            Err(e) => {
                return Err(format!(
                    "failed after {} item(s) and {} request(s): {e}",
                    seen.len(),
                    fake.request_count()
                ));
            }
        }
    }
    let want = expected(op.action, count);
    let got = ids(&seen);
    if got != want {
        return Err(format!("listed {got:?}, expected {want:?}"));
    }
    two_requests(&fake)
}

/// The same check through a generated crate's typed paginator: `list` gets the
/// configuration for the fake and [`input`] as JSON, builds the typed client and input,
/// runs `client.…_paginator(input).items()` to the end and returns how many typed items
/// arrived (the typed items carry none of the fake's ids, so the count is what is
/// compared, besides the two requests).
pub async fn check_typed<F, Fut>(
    product: Operations,
    op: &'static Operation,
    list: F,
) -> Result<(), String>
where
    F: FnOnce(Config, Value) -> Fut,
    Fut: Future<Output = Result<usize, String>>,
{
    let (fake, count) = listing_fake(product, op)?;
    let listed = list(config(&fake)?, input(op)).await?;
    if listed != count as usize {
        return Err(format!("listed {listed} typed items, expected {count}"));
    }
    two_requests(&fake)
}

/// Runs [`check_operation`] on every paginated operation of `product`, in table order:
/// `(action, outcome)` for each.
pub async fn check_product(product: Operations) -> Vec<(&'static str, Result<(), String>)> {
    let mut outcomes = Vec::new();
    for op in product.iter().copied().filter(|op| op.pagination.is_some()) {
        outcomes.push((op.action, check_operation(product, op).await));
    }
    outcomes
}

/// One line for a product's outcomes, e.g. `ecs: 53 paginated operations, all listed`,
/// followed by a line per failed operation.
pub fn summary(label: &str, outcomes: &[(&'static str, Result<(), String>)]) -> String {
    let failed: Vec<String> = outcomes
        .iter()
        .filter_map(|(action, outcome)| outcome.as_ref().err().map(|e| format!("  {action}: {e}")))
        .collect();
    let mut text = if failed.is_empty() {
        format!(
            "{label}: {} paginated operations, all listed",
            outcomes.len()
        )
    } else {
        format!(
            "{label}: {} paginated operations, {} listed, {} failed",
            outcomes.len(),
            outcomes.len() - failed.len(),
            failed.len()
        )
    };
    for line in failed {
        text.push('\n');
        text.push_str(&line);
    }
    text
}

#[cfg(test)]
mod tests {
    use livegen_runtime::{
        FieldInfo, HttpMethod, ListShape, PageStyle, Pagination, ParamInfo, RamAuthorization,
        Service,
    };

    use super::*;

    static SERVICE: Service = Service {
        code: "demo",
        version: "2020-01-01",
        default_endpoint: "demo.aliyuncs.com",
        endpoint_pattern: "demo.{regionId}.aliyuncs.com",
        regional_endpoints: &[],
    };
    static FIELDS: &[FieldInfo] = &[
        FieldInfo::new("Key", Shape::STRING),
        FieldInfo::new("Value", Shape::STRING),
    ];
    /// A page number and size typed as required strings (PCDN's `GetDomains`), and a
    /// required list of objects none of whose fields is required (ECS's `DescribeHaVips`).
    static GET_THINGS: Operation = Operation {
        service: &SERVICE,
        action: "GetThings",
        summary: "",
        path: "/",
        methods: &[HttpMethod::Get],
        qps: None,
        ram: RamAuthorization {
            action: None,
            access_level: Some("read"),
            resources: &[],
            condition_keys: &[],
            dependent_actions: &[],
        },
        params: &[
            ParamInfo::query("Page", Shape::STRING).required(),
            ParamInfo::query("PageSize", Shape::STRING).required(),
            ParamInfo::query(
                "Filter",
                Shape::List(&ListShape {
                    item: Shape::Object(FIELDS),
                    min_items: None,
                    max_items: None,
                }),
            )
            .required()
            .style(livegen_runtime::ParamStyle::RepeatList),
        ],
        errors: &[],
        pagination: Some(Pagination {
            style: PageStyle::PageNumber {
                page_param: "Page",
                total: Some("Total"),
            },
            size_param: Some("PageSize"),
            items: Some("Things"),
        }),
        deprecated: false,
        idempotency_token: None,
    };

    #[test]
    fn inputs_start_at_page_one_in_the_parameter_s_own_type() {
        assert_eq!(
            input(&GET_THINGS),
            json!({"Page": "1", "PageSize": "2", "Filter": [{"Key": "x"}]})
        );
    }

    #[test]
    fn summaries_name_every_failed_operation() {
        let outcomes = [
            ("A", Ok(())),
            ("B", Err("3 requests, expected 2".to_owned())),
            ("C", Err("boom".to_owned())),
        ];
        assert_eq!(
            summary("demo", &outcomes),
            "demo: 3 paginated operations, 1 listed, 2 failed\n  B: 3 requests, expected 2\n  C: boom"
        );
        assert_eq!(
            summary("demo", &outcomes[..1]),
            "demo: 1 paginated operations, all listed"
        );
    }

    #[tokio::test]
    async fn a_product_of_its_own_is_checked_through_the_fake() {
        static PRODUCT: &[&Operation] = &[&GET_THINGS];
        let outcomes = check_product(PRODUCT).await;
        assert_eq!(outcomes.len(), 1);
        assert_eq!(outcomes[0].0, "GetThings");
        assert_eq!(outcomes[0].1, Ok(()), "a flattened Filter.1.Key is present");
    }
}

//! Paginated answers. Every operation the generated crate marks paginated
//! (`Operation::pagination`) lists [`DEFAULT_ITEMS`] items unless a test sets another
//! [`Listing`]; pages are cut by the request's page number or token and page size, and
//! the answer carries the items, the total and the next token where the operation's
//! table says. [`Quirk`]s make the listing misbehave the ways real services do.

use livegen_runtime::{Operation, PageStyle, Shape};
use serde_json::{Map, Value, json};

/// Items a paginated action lists unless a test says otherwise.
pub const DEFAULT_ITEMS: u32 = 3;

/// The page size when the request sets none (the service's default).
pub const DEFAULT_PAGE_SIZE: u32 = 10;

/// Where the items go when the operation's table names no place (an undocumented answer).
pub const UNNAMED_ITEMS: &str = "Items";

/// A way a listing misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quirk {
    /// Answers state no total.
    NoTotal,
    /// Once the first page is served, the listing has this many items: items were added
    /// or deleted while the client paged, so the total changes between pages.
    ResizeAfterFirstPage(u32),
    /// The page number is ignored (every page is the first), and every answer gives the
    /// same next token.
    Stuck,
}

/// What one action lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// How many items.
    pub items: u32,
    /// How it misbehaves.
    pub quirks: Vec<Quirk>,
    /// Pages answered so far.
    pub(crate) pages_served: u32,
}

impl Listing {
    /// `items` items, well-behaved.
    pub fn new(items: u32) -> Listing {
        Listing {
            items,
            quirks: Vec::new(),
            pages_served: 0,
        }
    }

    /// The same listing with `quirk`.
    pub fn quirk(mut self, quirk: Quirk) -> Listing {
        self.quirks.push(quirk);
        self
    }
}

/// The item at `index` of `action`'s listing: an object, as list items in answers are.
pub fn item(action: &str, index: u32) -> Value {
    json!({ "FakeItemId": format!("{action}-{index}") })
}

/// One page of `op` for the request `params`; `Err` is the message of an
/// `InvalidParameter` answer.
pub(crate) fn page(
    op: &Operation,
    params: &[(String, String)],
    listing: &mut Listing,
    request_id: String,
) -> Result<Value, String> {
    let Some(pagination) = op.pagination else {
        return Err(format!("{} is not paginated", op.action));
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let size = match pagination.size_param.and_then(get) {
        None | Some("") => DEFAULT_PAGE_SIZE,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("the page size {text:?} is not a positive integer"))?,
    };
    if listing.pages_served > 0 {
        for quirk in &listing.quirks {
            if let Quirk::ResizeAfterFirstPage(items) = quirk {
                listing.items = *items;
            }
        }
    }
    let stuck = listing.quirks.contains(&Quirk::Stuck);
    let offset = match pagination.style {
        PageStyle::PageNumber { page_param, .. } => match get(page_param) {
            None | Some("") => 0,
            Some(text) => {
                let page = text
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("the page number {text:?} is not 1 or more"))?;
                (page - 1).saturating_mul(size)
            }
        },
        PageStyle::NextToken { token_param, .. } => match get(token_param) {
            None | Some("") => 0,
            Some(text) => text
                .strip_prefix("tok-")
                .unwrap_or(text)
                .parse::<u32>()
                .map_err(|_| format!("the token {text:?} was not issued by this service"))?,
        },
    };
    let offset = if stuck { 0 } else { offset };
    let end = offset.saturating_add(size).min(listing.items);
    let items: Vec<Value> = (offset..end.max(offset))
        .map(|i| item(op.action, i))
        .collect();
    listing.pages_served += 1;

    let mut answer = json!({ "RequestId": request_id });
    place(
        &mut answer,
        pagination.items.unwrap_or(UNNAMED_ITEMS),
        Value::Array(items),
    );
    match pagination.style {
        PageStyle::PageNumber {
            total: Some(total), ..
        } if !listing.quirks.contains(&Quirk::NoTotal) => {
            place(&mut answer, total, json!(listing.items));
        }
        PageStyle::PageNumber { .. } => {}
        PageStyle::NextToken {
            token_param,
            next_token,
        } => {
            let next = if stuck {
                Some(size)
            } else {
                (end < listing.items).then_some(end)
            };
            if let Some(next) = next {
                let integer = matches!(
                    op.param(token_param).map(|p| p.shape),
                    Some(Shape::Integer { .. })
                );
                let token = if integer {
                    json!(next)
                } else {
                    json!(format!("tok-{next}"))
                };
                place(&mut answer, next_token, token);
            }
        }
    }
    Ok(answer)
}

/// Sets the value at a `.`-joined path, creating the objects on the way.
fn place(answer: &mut Value, path: &str, value: Value) {
    let mut node = answer;
    let mut steps = path.split('.').peekable();
    while let Some(step) = steps.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else {
            return;
        };
        if steps.peek().is_none() {
            map.insert(step.to_owned(), value);
            return;
        }
        node = map.entry(step.to_owned()).or_insert_with(|| json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_create_their_objects() {
        let mut answer = json!({"RequestId": "r"});
        place(&mut answer, "Domains.PageData", json!([1]));
        place(&mut answer, "TotalCount", json!(1));
        assert_eq!(
            answer,
            json!({"RequestId": "r", "Domains": {"PageData": [1]}, "TotalCount": 1})
        );
    }
}

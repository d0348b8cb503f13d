//! Recognising a paginated action in the metadata, for `x-acs-pagination`.
//!
//! The metadata has no pagination fact, so this reads names, as aliyun-cli's `--pager`
//! does: a page-number parameter with a page size, or a next-token parameter, plus the
//! answer's total, next token and item list when the answer is documented. The result is a
//! guess written into the spec for a person to read and correct; the generator then
//! checks every name against the parameters and the answer.

use serde_json::{Map, Value as Json};

/// Page-number parameters, best first. `PageIndex` is left out on purpose: some services
/// count it from 0, and a wrong guess would silently skip the first page.
const PAGE_PARAMS: &[&str] = &[
    "PageNumber",
    "PageNum",
    "PageNo",
    "CurrentPage",
    "Page",
    "pageNumber",
    "pageNum",
    "pageNo",
    "currentPage",
    "page",
];

/// Next-token parameters.
const TOKEN_PARAMS: &[&str] = &["NextToken", "nextToken", "NextPageToken", "nextPageToken"];

/// Page-size parameters, best first.
const SIZE_PARAMS: &[&str] = &["PageSize", "MaxResults", "pageSize", "maxResults"];

/// Names of the answer's total item count, best first. `Count` is left out: in some
/// answers it counts the page, not the listing.
const TOTAL_FIELDS: &[&str] = &[
    "TotalCount",
    "TotalNum",
    "Total",
    "TotalRecordCount",
    "TotalNumber",
    "totalCount",
    "totalNum",
    "total",
];

/// How deep into the answer's objects names are looked for.
const MAX_DEPTH: usize = 3;

/// What the importer writes, as `(key, value)` pairs in `x-acs-pagination` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The entries, `style` first.
    pub entries: Vec<(&'static str, String)>,
}

/// Why an action that looks paginated got no `x-acs-pagination` (reported as unmapped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed(pub String);

/// Recognises the convention of one action (`api` is its metadata object).
pub fn detect(api: &Json) -> Result<Option<Detected>, Missed> {
    let params: Vec<(&str, &str)> = api
        .get("parameters")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let ty = p
                .pointer("/schema/type")
                .and_then(Json::as_str)
                .unwrap_or("");
            Some((name, ty))
        })
        .collect();
    let find = |names: &[&str], types: &[&str]| {
        names.iter().find_map(|want| {
            params
                .iter()
                .find(|(name, ty)| name == want && types.contains(ty))
                .map(|(name, _)| (*name).to_owned())
        })
    };
    let page = find(PAGE_PARAMS, &["integer", "string"]);
    // Some services number their "tokens" (`NextPageToken` as an integer).
    let token = find(TOKEN_PARAMS, &["string", "integer"]);
    let size = find(SIZE_PARAMS, &["integer", "string"]);
    let answer = api
        .pointer("/responses/200/schema")
        .filter(|s| s.get("properties").is_some());
    let lists = answer.map(arrays).unwrap_or_default();
    let items = match lists.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    };

    // A next token wins when the answer documents one (ECS takes both conventions and
    // recommends tokens); else the page number.
    if let Some(token) = &token {
        let next = match answer {
            // Undocumented answer: the token comes back under the parameter's name.
            None => Some(token.clone()),
            Some(answer) => find_field(
                answer,
                |name| TOKEN_PARAMS.iter().any(|t| t.eq_ignore_ascii_case(name)),
                "integer",
            ),
        };
        if let Some(next) = next {
            let mut entries = vec![("style", "nextToken".to_owned()), ("token", token.clone())];
            entries.extend(size.clone().map(|s| ("size", s)));
            entries.push(("nextToken", next));
            entries.extend(items.clone().map(|i| ("items", i)));
            return Ok(Some(Detected { entries }));
        }
        if page.is_none() {
            return Err(Missed(format!(
                "parameter `{token}` looks like a next token, but the documented answer has no next token"
            )));
        }
    }
    if let Some(page) = page {
        let Some(size) = size else {
            return Err(Missed(format!(
                "parameter `{page}` looks like a page number, but no page-size parameter goes with it"
            )));
        };
        let total = answer.and_then(|answer| {
            TOTAL_FIELDS
                .iter()
                .find_map(|want| find_field(answer, |name| name == *want, "integer"))
        });
        let mut entries = vec![
            ("style", "pageNumber".to_owned()),
            ("page", page),
            ("size", size),
        ];
        entries.extend(total.map(|t| ("total", t)));
        entries.extend(items.map(|i| ("items", i)));
        return Ok(Some(Detected { entries }));
    }
    match size {
        Some(size) => Err(Missed(format!(
            "parameter `{size}` looks like a page size, but no page number or next token goes with it"
        ))),
        None => Ok(None),
    }
}

fn properties(schema: &Json) -> Option<&Map<String, Json>> {
    schema.get("properties").and_then(Json::as_object)
}

/// The paths of the answer's lists, shallowest first; only the shallowest depth that has
/// any is kept (a list inside an item is not the page's list).
fn arrays(answer: &Json) -> Vec<String> {
    let mut level: Vec<(String, &Json)> = vec![(String::new(), answer)];
    for _ in 0..MAX_DEPTH {
        let mut found = Vec::new();
        let mut next = Vec::new();
        for (path, schema) in &level {
            for (name, child) in properties(schema).into_iter().flatten() {
                let child_path = join(path, name);
                match child.get("type").and_then(Json::as_str) {
                    Some("array") => found.push(child_path),
                    Some("object") => next.push((child_path, child)),
                    _ => {}
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
        level = next;
    }
    Vec::new()
}

/// The shallowest field whose name satisfies `wanted` and whose type is `ty` (or a
/// string, which some answers use for numbers); ties go to file order.
fn find_field(answer: &Json, wanted: impl Fn(&str) -> bool, ty: &str) -> Option<String> {
    let mut level: Vec<(String, &Json)> = vec![(String::new(), answer)];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for (path, schema) in &level {
            for (name, child) in properties(schema).into_iter().flatten() {
                let child_ty = child.get("type").and_then(Json::as_str).unwrap_or("");
                if wanted(name) && (child_ty == ty || child_ty == "string") {
                    return Some(join(path, name));
                }
                if child_ty == "object" {
                    next.push((join(path, name), child));
                }
            }
        }
        level = next;
    }
    None
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entries(api: Json) -> Vec<(&'static str, String)> {
        detect(&api)
            .expect("recognised")
            .expect("paginated")
            .entries
    }

    fn param(name: &str, ty: &str) -> Json {
        json!({"name": name, "in": "query", "schema": {"type": ty}})
    }

    #[test]
    fn page_number_with_total_and_nested_items() {
        let api = json!({
            "parameters": [param("PageNumber", "integer"), param("PageSize", "integer")],
            "responses": {"200": {"schema": {"type": "object", "properties": {
                "RequestId": {"type": "string"},
                "TotalCount": {"type": "integer"},
                "Domains": {"type": "object", "properties": {
                    "PageData": {"type": "array", "items": {"type": "object"}}}}}}}}
        });
        let want = [
            ("style", "pageNumber"),
            ("page", "PageNumber"),
            ("size", "PageSize"),
            ("total", "TotalCount"),
            ("items", "Domains.PageData"),
        ];
        assert_eq!(entries(api), want.map(|(k, v)| (k, v.to_owned())));
    }

    #[test]
    fn next_token_matches_the_answer_case_insensitively() {
        let api = json!({
            "parameters": [param("NextPageToken", "string")],
            "responses": {"200": {"schema": {"type": "object", "properties": {
                "NextpageToken": {"type": "string"},
                "GroupList": {"type": "array", "items": {"type": "object"}}}}}}
        });
        let want = [
            ("style", "nextToken"),
            ("token", "NextPageToken"),
            ("nextToken", "NextpageToken"),
            ("items", "GroupList"),
        ];
        assert_eq!(entries(api), want.map(|(k, v)| (k, v.to_owned())));
    }

    #[test]
    fn an_undocumented_answer_keeps_the_request_names() {
        let api =
            json!({"parameters": [param("PageNum", "integer"), param("PageSize", "integer")]});
        let want = [
            ("style", "pageNumber"),
            ("page", "PageNum"),
            ("size", "PageSize"),
        ];
        assert_eq!(entries(api), want.map(|(k, v)| (k, v.to_owned())));
        let api =
            json!({"parameters": [param("NextToken", "string"), param("MaxResults", "integer")]});
        let got = entries(api);
        assert!(
            got.contains(&("nextToken", "NextToken".to_owned())),
            "{got:?}"
        );
    }

    #[test]
    fn several_lists_at_one_depth_name_no_items() {
        let api = json!({
            "parameters": [param("PageNo", "integer"), param("PageSize", "integer")],
            "responses": {"200": {"schema": {"type": "object", "properties": {
                "A": {"type": "array"}, "B": {"type": "array"}}}}}
        });
        assert!(!entries(api).iter().any(|(k, _)| *k == "items"));
    }

    #[test]
    fn misses_say_why() {
        let size_only = json!({"parameters": [param("PageSize", "integer")]});
        assert!(
            detect(&size_only)
                .expect_err("missed")
                .0
                .contains("`PageSize` looks like a page size")
        );
        let page_only = json!({"parameters": [param("PageNumber", "integer")]});
        assert!(
            detect(&page_only)
                .expect_err("missed")
                .0
                .contains("no page-size parameter")
        );
        let plain = json!({"parameters": [param("TaskId", "string")]});
        assert_eq!(detect(&plain), Ok(None));
    }
}

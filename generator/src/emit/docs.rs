//! Non-Rust files of the generated crate: `Cargo.toml` and `README.md` (askama templates),
//! and `ram-policy.json` (serde_json, so escaping is right by construction).

use askama::Template;

use crate::model::{Api, Operation};
use crate::render::header;

#[derive(Template)]
#[template(path = "Cargo.toml.txt", escape = "none")]
struct CargoToml<'a> {
    api: &'a Api,
    header: String,
}

#[derive(Template)]
#[template(path = "README.md.txt", escape = "none")]
struct Readme<'a> {
    api: &'a Api,
    header: String,
}

impl Readme<'_> {
    fn qps(&self, op: &Operation) -> String {
        match &op.qps {
            Some(q) => format!(
                "{}/{} per {}",
                q.limit,
                if q.per_seconds == 60 { "min" } else { "s" },
                q.scope
            ),
            None => "none published".to_owned(),
        }
    }
}

pub fn cargo_toml(api: &Api) -> Result<String, askama::Error> {
    CargoToml {
        api,
        header: header("#", &api.spec_path),
    }
    .render()
    .map(|s| s + "\n")
}

pub fn readme(api: &Api) -> Result<String, askama::Error> {
    let header = header("<!--", &api.spec_path).trim_end().to_owned() + " -->";
    Readme { api, header }
        .render()
        .map(|s| s.trim_end().to_owned() + "\n")
}

/// A RAM policy granting exactly the spec's actions, keys in the order RAM's documentation
/// uses. JSON has no comments, so this file carries no `@generated` header; it is always
/// part of the output, so `xtask` never mistakes it for a stale file.
pub fn ram_policy(api: &Api) -> String {
    let mut actions: Vec<&str> = api
        .operations
        .iter()
        .map(|op| op.ram.action.as_str())
        .collect();
    actions.sort_unstable();
    actions.dedup();
    let mut resources: Vec<&str> = api
        .operations
        .iter()
        .flat_map(|op| op.ram.resources.iter().map(String::as_str))
        .collect();
    resources.sort_unstable();
    resources.dedup();
    let list = |items: &[&str]| {
        // serde_json escapes each string; serializing a &str cannot fail.
        let items: Vec<String> = items
            .iter()
            .map(|s| format!("        {}", serde_json::to_string(s).unwrap_or_default()))
            .collect();
        items.join(",\n")
    };
    format!(
        "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": [\n{}\n      ]\n    }}\n  ]\n}}\n",
        list(&actions),
        list(&resources)
    )
}

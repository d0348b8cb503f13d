//! The document level: `openapi`, `info`, `x-acs-product`, `x-acs-endpoints`,
//! `components` and `paths`, and the checks that need the whole document.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::spec::{Endpoints, Product, Spec};

use super::decode::{Obj, Problems, string_value};
use super::operation::path_item;
use super::refs::{check_dangling, check_refs};
use super::responses::response_object;
use super::schema::schema;

pub(super) fn document(root: &Value, p: &mut Problems) -> Option<Spec> {
    let doc = Obj::of(root, "", "the document", p)?;
    doc.check_keys(
        "the document",
        &[
            "openapi",
            "info",
            "servers",
            "paths",
            "components",
            "x-acs-product",
            "x-acs-endpoints",
        ],
        &[
            "jsonSchemaDialect",
            "security",
            "tags",
            "externalDocs",
            "webhooks",
        ],
        p,
    );
    match doc.required_string("openapi", "the document", p) {
        Some(v) if v.starts_with("3.1.") => {}
        Some(v) => p.hinted(
            &doc.at("openapi"),
            format!("livegen reads OpenAPI 3.1 documents, this one says {v:?}"),
            "set `openapi: 3.1.0`",
        ),
        None => {}
    }
    let (title, description) = info(&doc, p);
    let product = product(&doc, p);
    let endpoints = endpoints(&doc, p);

    let components_pointer = doc.at("components");
    let components = doc
        .get("components")
        .and_then(|c| Obj::of(c, &components_pointer, "`components`", p));
    let mut schemas = BTreeMap::new();
    let mut response_names = BTreeSet::new();
    if let Some(components) = components {
        components.check_keys(
            "`components`",
            &["schemas", "responses"],
            &[
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
                "pathItems",
            ],
            p,
        );
        if let Some(v) = components.get("schemas") {
            let pointer = components.at("schemas");
            if let Some(obj) = Obj::of(v, &pointer, "`components.schemas`", p) {
                for (name, value) in obj.entries(p) {
                    if let Some(s) = schema(value, &obj.at(name), p) {
                        schemas.insert(name.to_owned(), s);
                    }
                }
            }
        }
        if let Some(v) = components.get("responses") {
            let pointer = components.at("responses");
            if let Some(obj) = Obj::of(v, &pointer, "`components.responses`", p) {
                for (name, value) in obj.entries(p) {
                    response_names.insert(name.to_owned());
                    response_object(value, &obj.at(name), p);
                }
            }
        }
    }
    check_refs(&schemas, p);

    let mut operations = Vec::new();
    match doc.get("paths") {
        None => p.error("", "the document is missing required field `paths`"),
        Some(paths) => {
            if let Some(paths) = Obj::of(paths, "/paths", "`paths`", p) {
                for (key, item) in paths.entries(p) {
                    let pointer = paths.at(key);
                    let roa = product.as_ref().is_some_and(|p| p.roa);
                    operations.extend(path_item(key, item, &pointer, &response_names, roa, p));
                }
            }
        }
    }
    let mut examples = operations.iter().filter(|op| op.example);
    if let (Some(first), Some(second)) = (examples.next(), examples.next()) {
        p.hinted(
            &format!("{}/x-livegen-example", second.pointer),
            format!(
                "`{}` and `{}` both set `x-livegen-example`",
                first.action, second.action
            ),
            "the crate docs show one example call; keep the flag on one operation",
        );
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for op in &operations {
        if let Some(first) = seen.insert(op.action.clone(), op.pointer.clone()) {
            p.hinted(
                &op.pointer,
                format!("action `{}` is defined twice", op.action),
                format!("the first definition is at {first}"),
            );
        }
    }
    check_dangling(&schemas, p);
    for op in &operations {
        super::pagination::check(op, &schemas, p);
    }
    if operations.is_empty() && p.diagnostics.is_empty() {
        p.hinted(
            "/paths",
            "the spec defines no operations",
            "add a path item per RPC action",
        );
    }
    Some(Spec {
        title: title?,
        description,
        product: product?,
        endpoints: endpoints?,
        operations,
        schemas,
    })
}

fn info(doc: &Obj<'_>, p: &mut Problems) -> (Option<String>, Option<String>) {
    let Some(v) = doc.required("info", "the document", p) else {
        return (None, None);
    };
    let Some(info) = Obj::of(v, "/info", "`info`", p) else {
        return (None, None);
    };
    info.check_keys(
        "`info`",
        &["title", "version", "description"],
        &["summary", "termsOfService", "contact", "license"],
        p,
    );
    info.required_string("version", "`info`", p);
    (
        info.required_string("title", "`info`", p),
        info.string("description", p),
    )
}

pub(super) fn product(doc: &Obj<'_>, p: &mut Problems) -> Option<Product> {
    let v = doc.required("x-acs-product", "the document", p)?;
    let obj = Obj::of(v, "/x-acs-product", "`x-acs-product`", p)?;
    obj.check_keys("`x-acs-product`", &["code", "version", "style"], &[], p);
    let style = obj.string("style", p);
    if let Some(style) = style.as_ref().filter(|s| *s != "RPC" && *s != "ROA") {
        p.hinted(
            &obj.at("style"),
            format!("style {style:?} is not supported"),
            "livegen generates RPC-style (`style: RPC`) and RESTful (`style: ROA`) APIs",
        );
    }
    let code = obj.required_string("code", "`x-acs-product`", p);
    if let Some(c) = &code
        && (c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-'))
    {
        p.error(
            &obj.at("code"),
            format!("product code {c:?} must be ASCII letters, digits or `-`"),
        );
    }
    Some(Product {
        code: code?,
        version: obj.required_string("version", "`x-acs-product`", p)?,
        roa: style.as_deref() == Some("ROA"),
    })
}

fn endpoints(doc: &Obj<'_>, p: &mut Problems) -> Option<Endpoints> {
    let v = doc.required("x-acs-endpoints", "the document", p)?;
    let obj = Obj::of(v, "/x-acs-endpoints", "`x-acs-endpoints`", p)?;
    obj.check_keys(
        "`x-acs-endpoints`",
        &["default", "pattern", "regional"],
        &[],
        p,
    );
    let default = obj.required_string("default", "`x-acs-endpoints`", p);
    let pattern = obj.required_string("pattern", "`x-acs-endpoints`", p);
    if let Some(pat) = &pattern
        && !pat.contains("{regionId}")
    {
        p.hinted(
            &obj.at("pattern"),
            format!("pattern {pat:?} does not mention `{{regionId}}`"),
            "e.g. `live.{regionId}.aliyuncs.com`",
        );
    }
    for (key, host) in [("default", &default), ("pattern", &pattern)] {
        if let Some(h) = host {
            check_host(h, &obj.at(key), p);
        }
    }
    let mut regional = BTreeMap::new();
    if let Some(v) = obj.get("regional") {
        let pointer = obj.at("regional");
        if let Some(map) = Obj::of(v, &pointer, "`x-acs-endpoints.regional`", p) {
            for (region, host) in map.entries(p) {
                if let Some(h) = string_value(host, &map.at(region), p) {
                    check_host(&h, &map.at(region), p);
                    regional.insert(region.to_owned(), h);
                }
            }
        }
    }
    Some(Endpoints {
        default: default?,
        pattern: pattern?,
        regional,
    })
}

fn check_host(host: &str, pointer: &str, p: &mut Problems) {
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.{}:".contains(c));
    if !ok {
        p.hinted(
            pointer,
            format!("{host:?} is not a host name"),
            "give a bare host such as `live.aliyuncs.com`, without scheme or path",
        );
    }
}

//! Idempotency tokens from the official Live metadata to generated code: the importer
//! records every `ClientToken` as `x-acs-idempotency-token`, the imported spec validates,
//! and the generated operation names the token in its table while its input takes it as
//! an optional field (the runtime fills it), even where the service requires it.

use std::fs;
use std::path::Path;

use livegen_generator::import::{Selection, import};

fn official(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/official")
        .join(file);
    fs::read_to_string(&path).expect("official metadata fixture")
}

/// The imported spec's text and the actions whose metadata has a `ClientToken`.
fn imported(file: &str) -> (String, Vec<String>) {
    let metadata = official(file);
    let imported = import(&metadata, &Selection::All).expect("imports");
    livegen_generator::check(file, &imported.spec).expect("the imported spec validates");
    let json: serde_json::Value = serde_json::from_str(&metadata).expect("json");
    let mut with_token: Vec<String> = json["apis"]
        .as_object()
        .expect("apis")
        .iter()
        .filter(|(_, api)| {
            api["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "ClientToken")
        })
        .map(|(action, _)| action.clone())
        .collect();
    with_token.sort();
    (imported.spec, with_token)
}

#[test]
fn every_client_token_of_the_2025_12_copy_is_recorded_and_generated() {
    let (spec, with_token) = imported("live-2016-11-01.2025-12.json");
    assert_eq!(
        with_token,
        [
            "AddCasterEpisodeGroup",
            "AddCasterEpisodeGroupContent",
            "CopyCaster",
            "CreateCaster",
            "CreateRTCWhipStreamAddress"
        ]
    );
    assert_eq!(
        spec.matches("x-acs-idempotency-token: ClientToken").count(),
        with_token.len()
    );
    let files = livegen_generator::generate("spec/imported.yaml", &spec).expect("generates");
    let create = files
        .iter()
        .find(|(path, _)| path.ends_with("operations/create_caster.rs"))
        .map(|(_, text)| text.as_str())
        .expect("create_caster.rs");
    assert!(
        create.contains("idempotency_token: Some(\"ClientToken\")"),
        "{create}"
    );
    // Required by the metadata, optional in the input: the runtime fills it.
    assert!(
        create.contains("pub client_token: Option<String>"),
        "{create}"
    );
    assert!(
        create.contains("Idempotency token `ClientToken`: left unset"),
        "{create}"
    );
    let plain = files
        .iter()
        .find(|(path, _)| path.ends_with("operations/stop_live_pull_to_push.rs"))
        .map(|(_, text)| text.as_str())
        .expect("stop_live_pull_to_push.rs");
    assert!(plain.contains("idempotency_token: None"));
}

#[test]
fn the_2024_06_copy_imports_its_tokens_too() {
    let (spec, with_token) = imported("live-2016-11-01.2024-06.json");
    assert!(!with_token.is_empty());
    assert_eq!(
        spec.matches("x-acs-idempotency-token: ClientToken").count(),
        with_token.len()
    );
}

/// A ROA operation whose token is a property of its JSON body (as 103 catalogue
/// operations, e.g. GEMP's): recorded as `body.clientToken` and generated as such, so the
/// runtime fills it inside the body.
const ROA_BODY_TOKEN: &str = r#"{"info": {"style": "ROA", "product": "gemp", "version": "2021-04-13"},
  "endpoints": [{"regionId": "cn-x", "endpoint": "gemp.cn-x.aliyuncs.com"}],
  "apis": {
    "CreateIncident": {"path": "/incident/create", "methods": ["post"],
      "parameters": [
        {"name": "body", "in": "body", "style": "json", "schema": {"type": "object", "required": false,
          "properties": {
            "incidentTitle": {"type": "string", "required": false},
            "clientToken": {"type": "string", "required": false}}}}
      ]}
  }}"#;

#[test]
fn a_client_token_inside_a_roa_json_body_is_recorded_and_generated() {
    let imported = import(ROA_BODY_TOKEN, &Selection::All).expect("imports");
    let spec = imported.spec;
    assert!(
        spec.contains("x-acs-idempotency-token: body.clientToken"),
        "{spec}"
    );
    let files = livegen_generator::generate("spec/gemp.yaml", &spec).expect("generates");
    let create = files
        .iter()
        .find(|(path, _)| path.ends_with("operations/create_incident.rs"))
        .map(|(_, text)| text.as_str())
        .expect("create_incident.rs");
    assert!(
        create.contains("idempotency_token: Some(\"body.clientToken\")"),
        "{create}"
    );
    // A property the body does not have, or one that is not a free-form string, is refused.
    for wrong in ["body.nothing", "body.incidentTitle.x", "other.clientToken"] {
        let broken = spec.replace(
            "x-acs-idempotency-token: body.clientToken",
            &format!("x-acs-idempotency-token: {wrong}"),
        );
        let error = livegen_generator::check("spec/gemp.yaml", &broken)
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("must name a free-form string property of the JSON body"),
            "{wrong}: {error}"
        );
    }
}

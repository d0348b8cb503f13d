//! The default chain and the profile modes against the fakes: the environment decides
//! which source is used (an injected environment, never the process's), STS and the
//! metadata service are reached through the official override variables.

use std::collections::HashMap;
use std::path::PathBuf;

use livegen_runtime::credentials::{
    CredentialsError, DefaultCredentialsChain, EnvLookup, IniCredentials, ProfileCredentials,
    ProvideCredentials,
};
use livegen_tests::credentials_fake::{
    CredentialsFake, CredentialsFakeConfig, OIDC_TOKEN, SOURCE_KEY,
};

/// A home directory removed on drop.
struct Home(PathBuf);

impl Home {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "livegen-chain-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(path.join(".aliyun")).expect("create home");
        std::fs::create_dir_all(path.join(".alibabacloud")).expect("create home");
        Self(path)
    }

    fn text(&self) -> String {
        self.0.display().to_string()
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn env(vars: &[(&str, &str)]) -> EnvLookup {
    EnvLookup::from_map(
        vars.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<HashMap<_, _>>(),
    )
}

fn fake() -> CredentialsFake {
    CredentialsFake::start(CredentialsFakeConfig::default()).expect("fake starts")
}

fn cli_config(token_file: &str) -> String {
    serde_json::json!({
        "current": "role",
        "profiles": [
            {"name": "source", "mode": "AK",
             "access_key_id": SOURCE_KEY.0, "access_key_secret": SOURCE_KEY.1},
            {"name": "role", "mode": "RamRoleArn",
             "access_key_id": SOURCE_KEY.0, "access_key_secret": SOURCE_KEY.1,
             "ram_role_arn": "acs:ram::123:role/first", "ram_session_name": "cli",
             "expired_seconds": 900},
            {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
             "ram_role_arn": "acs:ram::123:role/second"},
            {"name": "loop-a", "mode": "ChainableRamRoleArn", "source_profile": "loop-b",
             "ram_role_arn": "acs:ram::123:role/a"},
            {"name": "loop-b", "mode": "ChainableRamRoleArn", "source_profile": "loop-a",
             "ram_role_arn": "acs:ram::123:role/b"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "test-role"},
            {"name": "oidc", "mode": "OIDC", "ram_role_arn": "acs:ram::123:role/rrsa",
             "oidc_provider_arn": "acs:ram::123:oidc-provider/ack",
             "oidc_token_file": token_file},
            {"name": "external", "mode": "External",
             "process_command": "echo '{\"mode\":\"AK\",\"access_key_id\":\"testid-external\",\"access_key_secret\":\"testsecret-external\"}'"},
            {"name": "sso", "mode": "CloudSSO"}
        ]
    })
    .to_string()
}

/// The chain with `profile` selected; STS and the metadata service are the fake.
fn chain_for(
    home: &Home,
    fake: &CredentialsFake,
    extra: &[(&str, &str)],
) -> DefaultCredentialsChain {
    let home_text = home.text();
    let url = fake.url();
    let mut vars = vec![
        ("HOME", home_text.as_str()),
        ("ALIBABA_CLOUD_STS_ENDPOINT", url.as_str()),
        ("LIVEGEN_ECS_METADATA_ENDPOINT", url.as_str()),
    ];
    vars.extend_from_slice(extra);
    DefaultCredentialsChain::with_env(env(&vars))
}

fn setup() -> (Home, CredentialsFake) {
    let home = Home::new();
    let token = home.write("oidc-token", OIDC_TOKEN);
    home.write(
        ".aliyun/config.json",
        &cli_config(&token.display().to_string()),
    );
    (home, fake())
}

#[tokio::test]
async fn ram_role_arn_profile_assumes_the_role_with_its_keys() {
    let (home, fake) = setup();
    let credentials = chain_for(&home, &fake, &[])
        .provide()
        .await
        .expect("credentials");
    assert_eq!(credentials.access_key_id(), "testid-gen-0");
    let request = &fake.sts_requests()[0];
    assert_eq!(request.signed_by.as_deref(), Some(SOURCE_KEY.0));
    assert_eq!(request.params["RoleArn"], "acs:ram::123:role/first");
    assert_eq!(request.params["RoleSessionName"], "cli");
    assert_eq!(request.params["DurationSeconds"], "900");
}

#[tokio::test]
async fn chainable_profile_signs_its_assume_role_with_the_first_role() {
    let (home, fake) = setup();
    let chain = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "chained")]);
    let credentials = chain.provide().await.expect("credentials");
    assert_eq!(credentials.access_key_id(), "testid-gen-1");
    let requests = fake.sts_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].params["RoleArn"], "acs:ram::123:role/second");
    assert_eq!(requests[1].signed_by.as_deref(), Some("testid-gen-0"));

    let looped = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "loop-a")]);
    let text = looped.provide().await.expect_err("a loop").to_string();
    assert!(text.contains("a loop?"), "{text}");
}

#[tokio::test]
async fn ecs_oidc_and_external_profiles() {
    let (home, fake) = setup();
    let ecs = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "ecs")]);
    assert_eq!(
        ecs.provide().await.expect("ecs").access_key_id(),
        "testid-gen-0"
    );
    assert_eq!(fake.counts().role_lists, 0, "the profile names the role");

    let oidc = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "oidc")]);
    assert_eq!(
        oidc.provide().await.expect("oidc").access_key_id(),
        "testid-gen-1"
    );
    assert_eq!(fake.counts().assume_role_with_oidc, 1);

    let external = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "external")]);
    let credentials = external.provide().await.expect("external");
    assert_eq!(credentials.access_key_id(), "testid-external");
    assert_eq!(credentials.security_token(), None);
}

#[tokio::test]
async fn an_unsupported_mode_stops_the_chain_with_its_name() {
    let (home, fake) = setup();
    let chain = chain_for(&home, &fake, &[("ALIBABA_CLOUD_PROFILE", "sso")]);
    let error = chain.provide().await.expect_err("CloudSSO");
    let text = error.to_string();
    assert!(text.contains("unsupported mode `CloudSSO`"), "{text}");
    assert!(
        text.contains("environment variables"),
        "every source tried is listed: {text}"
    );
    assert!(!text.contains("testsecret"), "{text}");
}

#[tokio::test]
async fn the_official_order_environment_then_oidc_then_profile() {
    let (home, fake) = setup();
    let token = home.0.join("oidc-token").display().to_string();
    let with_env = chain_for(
        &home,
        &fake,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid-env"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret-env"),
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::123:role/rrsa"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::123:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token),
        ],
    );
    assert_eq!(
        with_env.provide().await.expect("env").access_key_id(),
        "testid-env"
    );
    assert_eq!(fake.counts().credential_requests(), 0);

    let rrsa = chain_for(
        &home,
        &fake,
        &[
            ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::123:role/rrsa"),
            (
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
                "acs:ram::123:oidc-provider/ack",
            ),
            ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token),
        ],
    );
    assert_eq!(
        rrsa.provide().await.expect("oidc").access_key_id(),
        "testid-gen-0"
    );
    assert_eq!(fake.counts().assume_role_with_oidc, 1);
    assert_eq!(fake.counts().assume_role, 0, "the profile was not reached");

    // The chain remembers its source: later calls do not go through the list again.
    for _ in 0..5 {
        rrsa.provide().await.expect("cached");
    }
    assert_eq!(fake.counts().credential_requests(), 1);
}

#[tokio::test]
async fn without_profile_the_ini_file_then_the_metadata_service_then_the_uri() {
    let (home, fake) = setup();
    let ini = home.write(
        "creds.ini",
        &format!(
            "[default]\ntype = ram_role_arn\naccess_key_id = {}\naccess_key_secret = {}\nrole_arn = acs:ram::123:role/ini\n",
            SOURCE_KEY.0, SOURCE_KEY.1
        ),
    );
    let ini_text = ini.display().to_string();
    let chain = chain_for(
        &home,
        &fake,
        &[
            ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
            ("ALIBABA_CLOUD_CREDENTIALS_FILE", &ini_text),
        ],
    );
    assert_eq!(
        chain.provide().await.expect("ini").access_key_id(),
        "testid-gen-0"
    );
    assert_eq!(
        fake.sts_requests()[0].params["RoleArn"],
        "acs:ram::123:role/ini"
    );

    let ecs = chain_for(
        &home,
        &fake,
        &[("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")],
    );
    assert_eq!(
        ecs.provide().await.expect("ecs").access_key_id(),
        "testid-gen-1"
    );
    assert_eq!(fake.counts().documents, 1);

    let uri = fake.credentials_uri();
    let last = chain_for(
        &home,
        &fake,
        &[
            ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"),
            ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
            ("ALIBABA_CLOUD_CREDENTIALS_URI", &uri),
        ],
    );
    assert_eq!(
        last.provide().await.expect("uri").access_key_id(),
        "testid-gen-2"
    );
    assert_eq!(fake.counts().uri, 1);
}

#[tokio::test]
async fn ini_types_and_refusals() {
    let home = Home::new();
    let path = home.write(
        "c.ini",
        "[default]\ntype = access_key\naccess_key_id = testid-ini\naccess_key_secret = testsecret-ini\n\
         [rsa]\ntype = rsa_key_pair\n[odd]\ntype = magic\n[half]\ntype = access_key\naccess_key_id = x\n",
    );
    let ok = IniCredentials::new(&path, "default")
        .provide()
        .await
        .expect("ini");
    assert_eq!(ok.access_key_id(), "testid-ini");
    for (section, expected) in [
        ("rsa", "rsa_key_pair"),
        ("odd", "unknown type `magic`"),
        ("half", "access_key_secret"),
    ] {
        let error = IniCredentials::new(&path, section)
            .provide()
            .await
            .expect_err(section);
        assert!(matches!(error, CredentialsError::Invalid { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
    let missing = IniCredentials::new(&path, "nope")
        .provide()
        .await
        .expect_err("no section");
    assert!(missing.is_not_configured(), "{missing}");
}

#[tokio::test]
async fn cli_profile_disabled_is_not_configured() {
    let home = Home::new();
    let text = home.text();
    let profile = ProfileCredentials::with_env(&env(&[
        ("HOME", &text),
        ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE"),
    ]));
    let error = profile.provide().await.expect_err("disabled");
    assert!(error.is_not_configured(), "{error}");
    assert!(
        error
            .to_string()
            .contains("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"),
        "{error}"
    );
}

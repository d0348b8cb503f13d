//! Each credentials source against the fake metadata service, credentials URI and STS on
//! loopback: the happy paths, the wire facts the fakes check (IMDSv2 token, signature,
//! OIDC token, anonymous OIDC call), and the faults (timeouts, 5xx, malformed or partial
//! JSON, expired credentials, clock skew), with no secret in any message.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use livegen_runtime::credentials::{
    Credentials, CredentialsError, EcsOptions, EcsRamRoleCredentials, EnvLookup,
    OidcRoleArnCredentials, ProvideCredentials, RamRoleArnCredentials, StsOptions, UriCredentials,
};
use livegen_tests::credentials_fake::{
    CredentialsFake, CredentialsFakeConfig, CredentialsFault, OIDC_TOKEN, ROLE, SOURCE_KEY,
};

/// A directory removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "livegen-credentials-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fake(config: CredentialsFakeConfig) -> CredentialsFake {
    CredentialsFake::start(config).expect("the credentials fake starts")
}

fn ecs(fake: &CredentialsFake) -> EcsOptions {
    EcsOptions {
        endpoint: fake.url(),
        timeout: Duration::from_millis(500),
        ..EcsOptions::default()
    }
}

fn env(vars: &[(&str, &str)]) -> EnvLookup {
    EnvLookup::from_map(
        vars.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<HashMap<_, _>>(),
    )
}

/// The message of an error, checked for secrets of every kind the fakes hand out.
fn message(error: &CredentialsError) -> String {
    let text = format!("{error} {error:?}");
    for secret in ["testsecret", "testtoken", OIDC_TOKEN] {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
    text
}

fn assert_generation(credentials: &Credentials, n: usize) {
    assert_eq!(credentials.access_key_id(), format!("testid-gen-{n}"));
    assert_eq!(
        credentials.access_key_secret(),
        format!("testsecret-gen-{n}")
    );
    assert_eq!(
        credentials.security_token(),
        Some(format!("testtoken-gen-{n}").as_str())
    );
    assert!(credentials.expiry().is_some_and(|e| e > SystemTime::now()));
    let shown = format!("{credentials:?}");
    assert!(
        !shown.contains("testsecret") && !shown.contains("testtoken"),
        "{shown}"
    );
}

#[tokio::test]
async fn metadata_service_token_then_role_then_document_then_cache() {
    let fake = fake(CredentialsFakeConfig::default());
    let provider = EcsRamRoleCredentials::new(ecs(&fake));
    assert_generation(&provider.provide().await.expect("credentials"), 0);
    let counts = fake.counts();
    assert_eq!(
        (counts.token_puts, counts.role_lists, counts.documents),
        (1, 1, 1)
    );
    assert_eq!(counts.token_refusals, 0, "every request carried the token");
    // An hour-long lifetime: the next calls are answered from the cache.
    for _ in 0..10 {
        assert_generation(&provider.provide().await.expect("cached"), 0);
    }
    assert_eq!(fake.counts().documents, 1);
}

#[tokio::test]
async fn metadata_role_from_the_environment_skips_the_listing() {
    let fake = fake(CredentialsFakeConfig::default());
    let url = fake.url();
    let provider = EcsRamRoleCredentials::with_env(&env(&[
        ("ALIBABA_CLOUD_ECS_METADATA", ROLE),
        ("LIVEGEN_ECS_METADATA_ENDPOINT", &url),
    ]));
    assert_generation(&provider.provide().await.expect("credentials"), 0);
    assert_eq!(fake.counts().role_lists, 0);
}

#[tokio::test]
async fn metadata_falls_back_to_v1_without_a_token_unless_forbidden() {
    let fake = fake(CredentialsFakeConfig {
        imds_v2: false,
        ..CredentialsFakeConfig::default()
    });
    let provider = EcsRamRoleCredentials::new(ecs(&fake));
    assert_generation(&provider.provide().await.expect("IMDSv1"), 0);
    assert_eq!(fake.counts().token_puts, 1);

    let strict = EcsRamRoleCredentials::new(EcsOptions {
        imds_v1_disabled: true,
        ..ecs(&fake)
    });
    let error = strict.provide().await.expect_err("v1 is forbidden");
    let text = message(&error);
    assert!(text.contains("ALIBABA_CLOUD_IMDSV1_DISABLED"), "{text}");
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn an_expired_session_token_falls_back_to_v1_or_fails_when_v1_is_off() {
    // Tokens die at once: every request with one is refused.
    let lenient = fake(CredentialsFakeConfig {
        token_ttl_cap: Duration::ZERO,
        ..CredentialsFakeConfig::default()
    });
    let provider = EcsRamRoleCredentials::new(ecs(&lenient));
    assert_generation(&provider.provide().await.expect("v1 after a refusal"), 0);
    assert!(
        lenient.counts().token_refusals >= 2,
        "{:?}",
        lenient.counts()
    );

    let strict = fake(CredentialsFakeConfig {
        token_ttl_cap: Duration::ZERO,
        require_token: true,
        ..CredentialsFakeConfig::default()
    });
    let error = EcsRamRoleCredentials::new(ecs(&strict))
        .provide()
        .await
        .expect_err("the instance refuses v1 too");
    let text = message(&error);
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(text.contains("RAM roles"), "{text}");
}

#[tokio::test]
async fn no_metadata_service_means_not_configured() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let error = EcsRamRoleCredentials::new(EcsOptions {
        endpoint: format!("http://127.0.0.1:{port}"),
        timeout: Duration::from_millis(300),
        ..EcsOptions::default()
    })
    .provide()
    .await
    .expect_err("nothing listens");
    assert!(error.is_not_configured(), "{error}");
    assert!(message(&error).contains("not on ECS"), "{error}");
}

/// Each fault, through a fresh provider made by `make`: the call fails, names the
/// cause, leaks nothing; then the next answer (no fault) works.
async fn faults_fail_cleanly<P: ProvideCredentials>(fake: &CredentialsFake, make: impl Fn() -> P) {
    // What the message says, one of these (the metadata service and URI are read
    // directly, STS through the client with its own wording).
    let cases: [(CredentialsFault, &[&str]); 6] = [
        (CredentialsFault::Status(503), &["HTTP 503"]),
        (
            CredentialsFault::Hang(Duration::from_secs(3)),
            &["no complete answer within", "timed out"],
        ),
        (
            CredentialsFault::Malformed,
            &["not JSON", "not the expected JSON"],
        ),
        (
            CredentialsFault::Partial,
            &["not JSON", "not the expected JSON"],
        ),
        (CredentialsFault::Expired, &["expired at"]),
        (CredentialsFault::Skew(-7200), &["check the clocks"]),
    ];
    for (fault, expected) in cases {
        // Enough for an STS client's retries too (three attempts).
        fake.inject(fault, 3);
        let error = make()
            .provide()
            .await
            .expect_err("the fault fails the call");
        let text = message(&error);
        assert!(
            expected.iter().any(|e| text.contains(e)),
            "{fault:?}: {text}"
        );
        // What the retries did not use fails a few more calls; then all is well again.
        let mut recovered = false;
        for _ in 0..4 {
            if make().provide().await.is_ok() {
                recovered = true;
                break;
            }
        }
        assert!(recovered, "{fault:?}: the source never recovered");
    }
}

#[tokio::test]
async fn metadata_faults() {
    let fake = fake(CredentialsFakeConfig::default());
    faults_fail_cleanly(&fake, || EcsRamRoleCredentials::new(ecs(&fake))).await;
}

#[tokio::test]
async fn credentials_uri_and_its_faults() {
    let fake = fake(CredentialsFakeConfig::default());
    let uri = fake.credentials_uri();
    let provider = UriCredentials::with_env(&env(&[("ALIBABA_CLOUD_CREDENTIALS_URI", &uri)]))
        .expect("the variable is set");
    assert_generation(&provider.provide().await.expect("credentials"), 0);
    assert_eq!(fake.counts().uri, 1);
    assert!(UriCredentials::with_env(&env(&[])).is_none());
    faults_fail_cleanly(&fake, || {
        UriCredentials::with_timeout(fake.credentials_uri(), Duration::from_millis(500))
    })
    .await;
}

fn sts_options(fake: &CredentialsFake) -> StsOptions {
    StsOptions {
        endpoint: fake.url(),
        role_session_name: Some("test-session".to_owned()),
        external_id: Some("test-external".to_owned()),
        timeout: Duration::from_millis(800),
        ..StsOptions::default()
    }
}

#[tokio::test]
async fn assume_role_is_signed_with_the_source_keys() {
    let fake = fake(CredentialsFakeConfig::default());
    let provider = RamRoleArnCredentials::from_keys(
        Credentials::new(SOURCE_KEY.0, SOURCE_KEY.1),
        "acs:ram::123:role/test",
        sts_options(&fake),
    );
    assert_generation(&provider.provide().await.expect("credentials"), 0);
    let requests = fake.sts_requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.action, "AssumeRole");
    assert_eq!(request.signed_by.as_deref(), Some(SOURCE_KEY.0));
    for (name, value) in [
        ("RoleArn", "acs:ram::123:role/test"),
        ("RoleSessionName", "test-session"),
        ("ExternalId", "test-external"),
        ("DurationSeconds", "3600"),
        ("Version", "2015-04-01"),
    ] {
        assert_eq!(
            request.params.get(name).map(String::as_str),
            Some(value),
            "{name}"
        );
    }

    let wrong = RamRoleArnCredentials::from_keys(
        Credentials::new(SOURCE_KEY.0, "testsecret-wrong"),
        "acs:ram::123:role/test",
        sts_options(&fake),
    );
    let text = message(&wrong.provide().await.expect_err("bad signature"));
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(text.contains("AssumeRole"), "{text}");
    assert_eq!(fake.counts().sts_refusals, 1);
}

#[tokio::test]
async fn assume_role_faults() {
    let fake = fake(CredentialsFakeConfig::default());
    faults_fail_cleanly(&fake, || {
        RamRoleArnCredentials::from_keys(
            Credentials::new(SOURCE_KEY.0, SOURCE_KEY.1),
            "acs:ram::123:role/test",
            sts_options(&fake),
        )
    })
    .await;
}

#[tokio::test]
async fn oidc_sends_the_token_file_unsigned() {
    let fake = fake(CredentialsFakeConfig::default());
    let dir = TempDir::new("oidc");
    let token_file = dir.0.join("token");
    std::fs::write(&token_file, format!("{OIDC_TOKEN}\n")).expect("write token");
    let token_path = token_file.display().to_string();
    let url = fake.url();
    let vars = env(&[
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::123:role/rrsa"),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::123:oidc-provider/ack",
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token_path),
        ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "pod-session"),
        ("ALIBABA_CLOUD_STS_ENDPOINT", &url),
    ]);
    let provider = OidcRoleArnCredentials::with_env(&vars).expect("configured");
    assert_generation(&provider.provide().await.expect("credentials"), 0);
    let request = &fake.sts_requests()[0];
    assert_eq!(request.action, "AssumeRoleWithOIDC");
    assert_eq!(request.signed_by, None);
    assert!(!request.params.contains_key("AccessKeyId"));
    assert_eq!(
        request.params.get("OIDCProviderArn").map(String::as_str),
        Some("acs:ram::123:oidc-provider/ack")
    );
    assert_eq!(
        request.params.get("RoleSessionName").map(String::as_str),
        Some("pod-session")
    );

    // A rotated-out token: read again at the next refresh, refused by STS.
    std::fs::write(&token_file, "testtoken-stale").expect("write token");
    let text = message(
        &OidcRoleArnCredentials::with_env(&vars)
            .expect("configured")
            .provide()
            .await
            .expect_err("bad token"),
    );
    assert!(
        text.contains("AuthenticationFail.OIDCToken.Invalid"),
        "{text}"
    );

    let half = OidcRoleArnCredentials::with_env(&env(&[("ALIBABA_CLOUD_ROLE_ARN", "x")]));
    let text = message(&half.expect_err("half configured"));
    assert!(text.contains("ALIBABA_CLOUD_OIDC_TOKEN_FILE"), "{text}");
    let none = OidcRoleArnCredentials::with_env(&env(&[]));
    assert!(none.is_err_and(|e| e.is_not_configured()));
}

//! Unit tests of configuration building, validation and the environment.

use super::*;
use crate::credentials::{Credentials, StaticCredentials};
use crate::operation::{QpsLimit, QpsScope};

const FAKE_SECRET: &str = "fake-secret-for-tests-only";

fn fake() -> ConfigBuilder {
    Config::builder().credentials(StaticCredentials::new(Credentials::new(
        "LTAI-fake-id",
        FAKE_SECRET,
    )))
}

#[test]
fn defaults() {
    let config = fake().build().expect("defaults are valid");
    assert_eq!(config.region_id(), None);
    assert!(config.endpoint().is_none());
    assert_eq!(config.signature_version(), SignatureVersion::V3);
    assert_eq!(config.retry(), &RetryConfig::default());
    assert_eq!(config.connect_timeout(), Duration::from_secs(5));
    assert_eq!(config.attempt_timeout(), Duration::from_secs(10));
    assert_eq!(config.rate_limit(), RateLimit::FromSpec);
    assert!(config.user_agent().starts_with("livegen-runtime/"));
}

#[test]
fn debug_never_shows_the_secret() {
    let config = fake().region_id("cn-shanghai").build().expect("valid");
    let shown = format!("{config:?} {:?}", config.to_builder());
    assert!(!shown.contains(FAKE_SECRET), "{shown}");
    assert!(shown.contains("cn-shanghai"), "{shown}");
}

#[test]
fn bad_endpoint_url_is_named() {
    let err = fake()
        .endpoint_url("ftp://example.com")
        .build()
        .expect_err("ftp is not allowed");
    assert!(matches!(err, ConfigError::InvalidEndpoint(_)));
    assert!(err.to_string().contains("ftp://example.com"), "{err}");
    assert!(err.to_string().contains("http or https"), "{err}");
}

#[test]
fn http_endpoint_is_allowed() {
    let config = fake()
        .endpoint_url("http://127.0.0.1:8080")
        .build()
        .expect("http is allowed");
    assert_eq!(
        config.endpoint().map(Endpoint::to_string).as_deref(),
        Some("http://127.0.0.1:8080")
    );
}

#[test]
fn bad_settings_are_rejected() {
    let err = fake()
        .region_id("cn/../evil")
        .build()
        .expect_err("bad region");
    assert!(err.to_string().contains("cn/../evil"), "{err}");
    let err = fake()
        .attempt_timeout(Duration::ZERO)
        .build()
        .expect_err("zero timeout");
    assert!(err.to_string().contains("attempt_timeout"), "{err}");
    let err = fake()
        .retry(RetryConfig {
            max_attempts: 0,
            ..RetryConfig::default()
        })
        .build()
        .expect_err("zero attempts");
    assert!(err.to_string().contains("max_attempts"), "{err}");
    let err = fake()
        .rate_limit(RateLimit::Override(QpsLimit {
            limit: 0,
            per: Duration::from_secs(1),
            scope: QpsScope::Api,
        }))
        .build()
        .expect_err("zero limit");
    assert!(matches!(err, ConfigError::InvalidRateLimit(_)));
    let err = fake()
        .user_agent("bad\nagent")
        .build()
        .expect_err("newline in header");
    assert!(matches!(err, ConfigError::InvalidUserAgent(_)));
}

#[test]
fn from_env_reads_the_rate_limit_url() {
    let config = Config::from_lookup(|name| match name {
        RATE_LIMIT_URL_ENV => Ok(" redis://:hunter2@127.0.0.1:6379/2 ".to_owned()),
        _ => Err(VarError::NotPresent),
    })
    .expect("valid URL");
    let LimiterStore::Redis(redis) = config.limiter_store() else {
        panic!("expected Redis, got {:?}", config.limiter_store());
    };
    assert_eq!(redis.url(), "redis://:hunter2@127.0.0.1:6379/2");
    assert_eq!(redis.timeout_duration(), DEFAULT_LIMITER_TIMEOUT);
    assert_eq!(redis.unavailable(), Unavailable::FallBackToProcess);
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");

    let err = Config::from_lookup(|name| match name {
        RATE_LIMIT_URL_ENV => Ok("http://127.0.0.1:6379".to_owned()),
        _ => Err(VarError::NotPresent),
    })
    .expect_err("not redis");
    assert!(err.to_string().contains(RATE_LIMIT_URL_ENV), "{err}");
    let config = Config::from_lookup(|_| Err(VarError::NotPresent)).expect("unset");
    assert_eq!(config.limiter_store(), &LimiterStore::Process);
    assert_eq!(config.limiter_margin(), DEFAULT_LIMITER_MARGIN);
}

#[test]
fn redis_urls_are_checked_and_redacted() {
    let err = fake()
        .rate_limit_url("redis:///0")
        .build()
        .expect_err("no host");
    assert!(matches!(err, ConfigError::InvalidRateLimit(_)), "{err}");
    let err = fake()
        .limiter_store(LimiterStore::Redis(
            RedisLimiter::new("redis://localhost").timeout(Duration::ZERO),
        ))
        .build()
        .expect_err("zero timeout");
    assert!(err.to_string().contains("timeout"), "{err}");
    assert_eq!(
        redact_url("redis://user:pw@host:1/0"),
        "redis://user:***@host:1/0"
    );
    assert_eq!(redact_url("redis://pw@host"), "redis://***@host");
    assert_eq!(redact_url("redis://host:6379/0"), "redis://host:6379/0");
}

#[test]
fn from_env_reads_the_region() {
    let config = Config::from_lookup(|name| {
        if name != REGION_ID_ENV {
            return Err(VarError::NotPresent);
        }
        Ok(" cn-beijing ".to_owned())
    })
    .expect("valid region");
    assert_eq!(config.region_id(), Some("cn-beijing"));

    let config = Config::from_lookup(|_| Ok(String::new())).expect("empty means unset");
    assert_eq!(config.region_id(), None);
    let config = Config::from_lookup(|_| Err(VarError::NotPresent)).expect("unset");
    assert_eq!(config.region_id(), None);
}

#[test]
fn from_env_names_the_bad_variable() {
    let err = Config::from_lookup(|_| Ok("cn beijing".to_owned())).expect_err("space");
    assert!(err.to_string().contains(REGION_ID_ENV), "{err}");
    assert!(err.to_string().contains("cn beijing"), "{err}");
}

#[test]
fn a_network_must_fit_a_host_name_and_is_kept() {
    let config = fake().network("vpc").build().expect("valid");
    assert_eq!(config.network(), Some("vpc"));
    assert_eq!(
        config.to_builder().build().expect("valid").network(),
        Some("vpc")
    );
    let err = fake().network("v p c").build().expect_err("a space");
    assert!(
        matches!(&err, ConfigError::InvalidNetwork { network, .. } if network == "v p c"),
        "{err}"
    );
}

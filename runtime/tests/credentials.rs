//! Credential sources: environment (injected, never the process's), the aliyun CLI
//! config file (temporary files), and the default chain.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use livegen_runtime::credentials::{
    Credentials, CredentialsError, DefaultCredentialsChain, EnvLookup, EnvironmentCredentials,
    ProfileCredentials, ProvideCredentials, StaticCredentials,
};

/// A temporary directory removed on drop; unique per process and call.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "livegen-credentials-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    /// Writes `~/.aliyun/config.json` under this directory (used as HOME).
    fn write_config(&self, text: &str) -> PathBuf {
        let dir = self.0.join(".aliyun");
        std::fs::create_dir_all(&dir).expect("create .aliyun");
        let path = dir.join("config.json");
        std::fs::write(&path, text).expect("write config");
        path
    }

    fn home(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The variables given, plus the metadata service switched off: tests never leave
/// loopback, and 100.100.100.200 is not loopback.
fn env(vars: &[(&str, &str)]) -> EnvLookup {
    EnvLookup::from_map(
        vars.iter()
            .chain(&[("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")])
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<HashMap<_, _>>(),
    )
}

/// `provide()` run to completion, for these synchronous tests.
trait Now {
    fn get(&self) -> Result<Credentials, CredentialsError>;
}

impl<T: ProvideCredentials + ?Sized> Now for T {
    fn get(&self) -> Result<Credentials, CredentialsError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(self.provide())
    }
}

const CONFIG: &str = r#"{
  "current": "work",
  "profiles": [
    {
      "name": "default",
      "mode": "AK",
      "access_key_id": "testid-default",
      "access_key_secret": "testsecret-default",
      "region_id": "cn-hangzhou"
    },
    {
      "name": "work",
      "mode": "StsToken",
      "access_key_id": "testid-work",
      "access_key_secret": "testsecret-work",
      "sts_token": "testtoken-work",
      "region_id": "cn-shanghai"
    },
    {
      "name": "role",
      "mode": "RamRoleArn",
      "access_key_id": "testid-role",
      "access_key_secret": "testsecret-role",
      "ram_role_arn": "acs:ram::123:role/test"
    },
    {
      "name": "sso",
      "mode": "CloudSSO"
    },
    {
      "name": "nomode",
      "access_key_id": "testid-nomode",
      "access_key_secret": "testsecret-nomode"
    },
    {
      "name": "halfsts",
      "mode": "StsToken",
      "access_key_id": "testid-half",
      "access_key_secret": "testsecret-half",
      "sts_token": ""
    }
  ],
  "meta_path": ""
}"#;

fn assert_no_secrets(text: &str) {
    for secret in ["testsecret", "testtoken"] {
        assert!(!text.contains(secret), "leaked a secret: {text}");
    }
}

#[test]
fn debug_redacts_secrets() {
    let credentials = Credentials::new("testid", "testsecret").with_security_token("testtoken");
    let shown = format!("{credentials:?}");
    assert!(shown.contains("testid"));
    assert_no_secrets(&shown);
    assert_no_secrets(&format!(
        "{:?}",
        StaticCredentials::new(credentials.clone())
    ));
    assert_no_secrets(&format!("{:#?}", credentials));
}

#[test]
fn static_credentials_are_returned_and_checked() {
    let credentials = Credentials::new("testid", "testsecret");
    assert_eq!(
        StaticCredentials::new(credentials.clone()).get(),
        Ok(credentials.clone())
    );
    assert_eq!(credentials.get(), Ok(credentials.clone()));
    let shared: std::sync::Arc<dyn ProvideCredentials> =
        std::sync::Arc::new(StaticCredentials::new(credentials.clone()));
    assert_eq!(shared.get(), Ok(credentials));
    let err = StaticCredentials::new(Credentials::new("testid", "")).get();
    assert!(
        matches!(err, Err(CredentialsError::Invalid { .. })),
        "{err:?}"
    );
}

#[test]
fn environment_with_and_without_token() {
    let provider = EnvironmentCredentials::with_env(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
    ]));
    assert_eq!(provider.get(), Ok(Credentials::new("testid", "testsecret")));

    let provider = EnvironmentCredentials::with_env(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "testtoken"),
    ]));
    assert_eq!(
        provider.get(),
        Ok(Credentials::new("testid", "testsecret").with_security_token("testtoken"))
    );
    assert_no_secrets(&format!("{provider:?}"));
}

#[test]
fn environment_unset_half_set_and_empty() {
    let err = EnvironmentCredentials::with_env(env(&[])).get();
    assert!(matches!(&err, Err(e) if e.is_not_configured()), "{err:?}");

    let err = EnvironmentCredentials::with_env(env(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")]))
        .get()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        "{err}"
    );

    let err =
        EnvironmentCredentials::with_env(env(&[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")]))
            .get();
    let message = err
        .as_ref()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("ALIBABA_CLOUD_ACCESS_KEY_ID is not"),
        "{message}"
    );
    assert_no_secrets(&message);

    // Empty counts as unset, as in the official SDKs.
    let err = EnvironmentCredentials::with_env(env(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
    ]))
    .get();
    assert!(matches!(&err, Err(e) if e.is_not_configured()), "{err:?}");
}

#[test]
fn profile_current_named_and_env_selected() {
    let dir = TempDir::new();
    let path = dir.write_config(CONFIG);

    // `current` is `work` (StsToken).
    assert_eq!(
        ProfileCredentials::new(&path, None).get(),
        Ok(Credentials::new("testid-work", "testsecret-work")
            .with_security_token("testtoken-work"))
    );
    assert_eq!(
        ProfileCredentials::new(&path, Some("default".to_owned())).get(),
        Ok(Credentials::new("testid-default", "testsecret-default"))
    );
    // No mode means AK, as in the CLI.
    assert_eq!(
        ProfileCredentials::new(&path, Some("nomode".to_owned())).get(),
        Ok(Credentials::new("testid-nomode", "testsecret-nomode"))
    );

    let from_env = ProfileCredentials::with_env(&env(&[
        ("HOME", &dir.home()),
        ("ALIBABA_CLOUD_PROFILE", "default"),
    ]));
    assert_eq!(from_env.path(), Some(path.as_path()));
    assert_eq!(
        from_env.get(),
        Ok(Credentials::new("testid-default", "testsecret-default"))
    );
    assert_eq!(from_env.region_id(), Ok(Some("cn-hangzhou".to_owned())));

    let current = ProfileCredentials::with_env(&env(&[("HOME", &dir.home())]));
    assert_eq!(current.region_id(), Ok(Some("cn-shanghai".to_owned())));
}

#[test]
fn profile_errors_name_the_problem_without_secrets() {
    let dir = TempDir::new();
    let path = dir.write_config(CONFIG);

    let err = ProfileCredentials::new(&path, Some("sso".to_owned())).get();
    assert!(
        matches!(&err, Err(CredentialsError::UnsupportedMode { mode, profile, .. })
            if mode == "CloudSSO" && profile == "sso"),
        "{err:?}"
    );
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("CloudSSO") && message.contains("not supported"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_no_secrets(&message);

    let message = ProfileCredentials::new(&path, Some("missing".to_owned()))
        .get()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("`missing` not found"), "{message}");
    assert!(
        message.contains("`default`") && message.contains("`work`"),
        "{message}"
    );

    let message = ProfileCredentials::new(&path, Some("halfsts".to_owned()))
        .get()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("sts_token"), "{message}");
    assert_no_secrets(&message);
}

#[test]
fn malformed_config_does_not_echo_its_content() {
    let dir = TempDir::new();
    // A secret where a string belongs to the wrong type: serde would quote it.
    let path = dir.write_config(
        r#"{"current":"x","profiles":[{"name":"x","access_key_id":"testid","access_key_secret":12345678}]}"#,
    );
    let err = ProfileCredentials::new(&path, None).get();
    assert!(
        matches!(err, Err(CredentialsError::Invalid { .. })),
        "{err:?}"
    );
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(!message.contains("12345678"), "{message}");
    assert!(message.contains("line 1"), "{message}");

    let path = dir.write_config("{ not json testsecret");
    let message = ProfileCredentials::new(&path, None)
        .get()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_no_secrets(&message);
}

#[test]
fn missing_file_and_missing_home_are_not_configured() {
    let dir = TempDir::new();
    let err = ProfileCredentials::new(dir.0.join("nope.json"), None).get();
    assert!(matches!(&err, Err(e) if e.is_not_configured()), "{err:?}");

    let err = ProfileCredentials::with_env(&env(&[])).get();
    assert!(matches!(&err, Err(e) if e.is_not_configured()), "{err:?}");
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("HOME"), "{message}");
}

#[test]
fn chain_prefers_environment_then_profile() {
    let dir = TempDir::new();
    dir.write_config(CONFIG);
    let home = dir.home();

    let chain = DefaultCredentialsChain::with_env(env(&[
        ("HOME", &home),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid-env"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret-env"),
    ]));
    assert_eq!(
        chain.get(),
        Ok(Credentials::new("testid-env", "testsecret-env"))
    );

    let chain = DefaultCredentialsChain::with_env(env(&[
        ("HOME", &home),
        ("ALIBABA_CLOUD_PROFILE", "default"),
    ]));
    assert_eq!(
        chain.get(),
        Ok(Credentials::new("testid-default", "testsecret-default"))
    );
}

#[test]
fn chain_error_lists_every_attempt() {
    let dir = TempDir::new();
    let chain = DefaultCredentialsChain::with_env(env(&[("HOME", &dir.home())]));
    let err = chain.get();
    assert!(
        matches!(&err, Err(CredentialsError::Chain(errors)) if errors.len() == 6),
        "{err:?}"
    );
    let message = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("environment variables"), "{message}");
    assert!(message.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{message}");
    assert!(message.contains("config.json"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
}

#[test]
fn chain_stops_at_a_broken_source() {
    let dir = TempDir::new();
    dir.write_config(CONFIG);
    // The environment is half set: falling through to the profile could use the wrong
    // account, so the chain reports the environment's problem instead.
    let chain = DefaultCredentialsChain::with_env(env(&[
        ("HOME", &dir.home()),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid-env"),
    ]));
    let err = chain.get();
    assert!(
        matches!(&err, Err(CredentialsError::Chain(errors)) if errors.len() == 1),
        "{err:?}"
    );
    assert!(!err.as_ref().is_err_and(|e| e.is_not_configured()));

    let chain = DefaultCredentialsChain::with_env(env(&[
        ("HOME", &dir.home()),
        ("ALIBABA_CLOUD_PROFILE", "sso"),
    ]));
    let message = chain.get().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("CloudSSO"), "{message}");
    assert_no_secrets(&message);
}

#[test]
fn chain_from_custom_providers() {
    let chain = DefaultCredentialsChain::from_providers(vec![
        Box::new(EnvironmentCredentials::with_env(env(&[]))),
        Box::new(StaticCredentials::new(Credentials::new(
            "testid",
            "testsecret",
        ))),
    ]);
    assert_eq!(chain.get(), Ok(Credentials::new("testid", "testsecret")));
}

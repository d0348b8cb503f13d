//! STS `AssumeRole` and `AssumeRoleWithOIDC`: two more operation tables sent by the
//! runtime's own [`Client`] (signing, retries, error envelope), and the RAM-role
//! credentials built on `AssumeRole`.
//!
//! The endpoint follows the official providers: `ALIBABA_CLOUD_STS_ENDPOINT` (which ACK
//! injects) as is; else `sts.{region}.aliyuncs.com` for `ALIBABA_CLOUD_STS_REGION`,
//! `sts-vpc.` instead when `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` is `true`; else
//! `sts.aliyuncs.com`. Requests use the RPC signature (HMAC-SHA1), as the official
//! credentials libraries do; `AssumeRoleWithOIDC` goes out unsigned.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    Credentials, CredentialsCache, CredentialsError, ProvideCredentials, ProvideFuture,
    StaticCredentials,
};
use crate::config::{Config, RateLimit};
use crate::env::EnvLookup;
use crate::error::{OperationError, SdkError};
use crate::operation::{HttpMethod, Operation, ParamInfo, RamAuthorization, Service, Shape};
use crate::{Client, SignatureVersion};

/// The STS endpoint, host or URL (ACK sets it for RRSA).
pub const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// The STS region, for `sts.{region}.aliyuncs.com`.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true` picks the VPC endpoint `sts-vpc.{region}.aliyuncs.com`.
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The role to assume (OIDC, and `AssumeRole` when built from the environment).
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// The session name the assumed role gets.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// The STS API.
pub static STS_SERVICE: Service = Service {
    code: "sts",
    version: "2015-04-01",
    default_endpoint: "sts.aliyuncs.com",
    endpoint_pattern: "sts.{regionId}.aliyuncs.com",
    regional_endpoints: &[],
};

const ROLE_PARAMS_DOC: &str = "See the STS API reference.";

/// Both actions only hand out fresh temporary credentials, so resending one whose answer
/// was lost is harmless: they count as reads for the retry rules.
const STS_RAM: RamAuthorization = RamAuthorization {
    access_level: Some("get"),
    ..RamAuthorization::UNDOCUMENTED
};

/// `AssumeRole`: temporary credentials of a RAM role, signed with the caller's keys.
pub static ASSUME_ROLE: Operation = sts_action(
    "AssumeRole",
    "Obtains temporary credentials of a RAM role.",
    &[
        required("RoleArn"),
        required("RoleSessionName"),
        ParamInfo::query("DurationSeconds", Shape::INTEGER).doc(ROLE_PARAMS_DOC),
        ParamInfo::query("Policy", Shape::STRING).doc(ROLE_PARAMS_DOC),
        ParamInfo::query("ExternalId", Shape::STRING).doc(ROLE_PARAMS_DOC),
    ],
);

/// `AssumeRoleWithOIDC`: temporary credentials of a RAM role for an OIDC token
/// (RRSA); anonymous, the token is the proof.
pub static ASSUME_ROLE_WITH_OIDC: Operation = sts_action(
    "AssumeRoleWithOIDC",
    "Obtains temporary credentials of a RAM role for an OIDC token.",
    &[
        required("RoleArn"),
        required("OIDCProviderArn"),
        required("OIDCToken"),
        required("RoleSessionName"),
        ParamInfo::query("DurationSeconds", Shape::INTEGER).doc(ROLE_PARAMS_DOC),
        ParamInfo::query("Policy", Shape::STRING).doc(ROLE_PARAMS_DOC),
    ],
);

/// What the two STS tables share: POST to `/`, no published QPS, no documented errors.
const fn sts_action(
    action: &'static str,
    summary: &'static str,
    params: &'static [ParamInfo],
) -> Operation {
    Operation {
        service: &STS_SERVICE,
        action,
        summary,
        path: "/",
        methods: &[HttpMethod::Post],
        qps: None,
        ram: STS_RAM,
        params,
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: None,
    }
}

/// A required string parameter in the query.
const fn required(name: &'static str) -> ParamInfo {
    ParamInfo::query(name, Shape::STRING)
        .required()
        .doc(ROLE_PARAMS_DOC)
}

crate::operation_error! {
    /// Errors of the STS actions (only the codes every API shares are told apart).
    pub enum StsError {}
}

/// How to reach STS and what to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsOptions {
    /// The endpoint URL, e.g. `https://sts.aliyuncs.com` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// The session name; `None` makes one up (`livegen-<unix seconds>`).
    pub role_session_name: Option<String>,
    /// Lifetime of the credentials asked for (official default 3600 s, at least 900).
    pub duration_seconds: u32,
    /// A policy narrowing the role's permissions.
    pub policy: Option<String>,
    /// The external id the role's trust policy may require (`AssumeRole` only).
    pub external_id: Option<String>,
    /// Per-attempt timeout (official: 10 s read, 5 s connect).
    pub timeout: Duration,
}

impl Default for StsOptions {
    fn default() -> Self {
        Self {
            endpoint: "https://sts.aliyuncs.com".to_owned(),
            role_session_name: None,
            duration_seconds: 3600,
            policy: None,
            external_id: None,
            timeout: Duration::from_secs(10),
        }
    }
}

impl StsOptions {
    /// The endpoint and session name the variables set ([`ENV_STS_ENDPOINT`],
    /// [`ENV_STS_REGION`], [`ENV_VPC_ENDPOINT_ENABLED`], [`ENV_ROLE_SESSION_NAME`]).
    pub fn from_env(env: &EnvLookup) -> Self {
        Self {
            endpoint: endpoint_from(env.get(ENV_STS_ENDPOINT), env, None, None),
            role_session_name: env.get(ENV_ROLE_SESSION_NAME),
            ..Self::default()
        }
    }
}

/// The STS endpoint URL: `explicit` (a host gets `https://`), else the region's
/// (`profile_region` before [`ENV_STS_REGION`]), VPC or not, else the global one.
pub(crate) fn endpoint_from(
    explicit: Option<String>,
    env: &EnvLookup,
    profile_region: Option<String>,
    profile_vpc: Option<bool>,
) -> String {
    if let Some(endpoint) = explicit.filter(|e| !e.trim().is_empty()) {
        let endpoint = endpoint.trim();
        return if endpoint.contains("://") {
            endpoint.to_owned()
        } else {
            format!("https://{endpoint}")
        };
    }
    let vpc = profile_vpc.unwrap_or_else(|| env.flag(ENV_VPC_ENDPOINT_ENABLED));
    let prefix = if vpc { "sts-vpc" } else { "sts" };
    match profile_region
        .filter(|r| !r.is_empty())
        .or_else(|| env.get(ENV_STS_REGION))
    {
        Some(region) => format!("https://{prefix}.{region}.aliyuncs.com"),
        None => "https://sts.aliyuncs.com".to_owned(),
    }
}

/// A client for STS signing with `signer`.
fn sts_client(options: &StsOptions, signer: Arc<dyn ProvideCredentials>) -> Result<Client, String> {
    let config = Config::builder()
        .credentials_provider(signer)
        .endpoint_url(options.endpoint.clone())
        .signature_version(SignatureVersion::V1)
        .attempt_timeout(options.timeout)
        .connect_timeout(Duration::from_secs(5).min(options.timeout))
        .rate_limit(RateLimit::Disabled)
        .build()
        .map_err(|e| format!("bad STS settings: {e}"))?;
    Ok(Client::new(config))
}

fn session_name(options: &StsOptions) -> String {
    options.role_session_name.clone().unwrap_or_else(|| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        format!("livegen-{now}")
    })
}

/// Sends one STS action and reads the credentials from its answer.
async fn call(
    client: &Client,
    op: &'static Operation,
    input: serde_json::Value,
) -> Result<Credentials, String> {
    let answer: Result<serde_json::Value, SdkError<StsError>> = client.call(op, &input).await;
    let answer = answer.map_err(|error| match error {
        SdkError::Service(error) => format!(
            "STS {} answered {} (HTTP {}): {}{}",
            op.action,
            error.code(),
            error.status(),
            error.message(),
            error
                .request_id()
                .map(|id| format!(" (request id {id})"))
                .unwrap_or_default()
        ),
        // The excerpt of an unreadable answer could hold secrets: leave it out.
        SdkError::Response { status, reason, .. } => {
            format!(
                "STS {} gave an unreadable answer (HTTP {status}): {reason}",
                op.action
            )
        }
        other => format!("STS {}: {other}", op.action),
    })?;
    credentials_from(&answer).map_err(|reason| format!("STS {} answer: {reason}", op.action))
}

/// `{"Credentials": {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}}`.
fn credentials_from(answer: &serde_json::Value) -> Result<Credentials, String> {
    let Some(block) = answer.get("Credentials") else {
        return Err("`Credentials` is missing".to_owned());
    };
    let text = |name: &str| -> Result<String, String> {
        match block.get(name) {
            Some(serde_json::Value::String(text)) if !text.is_empty() => Ok(text.clone()),
            Some(_) => Err(format!("`Credentials.{name}` is empty or not a string")),
            None => Err(format!("`Credentials.{name}` is missing")),
        }
    };
    let expiry = super::fetch::parse_expiration(&text("Expiration")?).ok_or_else(|| {
        "`Credentials.Expiration` is not a `YYYY-MM-DDThh:mm:ssZ` time".to_owned()
    })?;
    Ok(
        Credentials::new(text("AccessKeyId")?, text("AccessKeySecret")?)
            .with_security_token(text("SecurityToken")?)
            .with_expiry(expiry),
    )
}

/// Temporary credentials of a RAM role (`AssumeRole`), signed with another source's keys;
/// cached and refreshed before they expire. The aliyun CLI's `RamRoleArn` and
/// `ChainableRamRoleArn` modes.
#[derive(Debug, Clone)]
pub struct RamRoleArnCredentials {
    cache: CredentialsCache,
}

impl RamRoleArnCredentials {
    /// Assumes `role_arn` with the keys `source` provides.
    pub fn new(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
        options: StsOptions,
    ) -> Self {
        let role_arn = role_arn.into();
        let name = format!("STS AssumeRole ({role_arn})");
        Self {
            cache: CredentialsCache::new(
                name.clone(),
                AssumeRole {
                    name,
                    source: Arc::new(source),
                    role_arn,
                    options,
                },
            ),
        }
    }

    /// Assumes `role_arn` with a fixed key pair.
    pub fn from_keys(keys: Credentials, role_arn: impl Into<String>, options: StsOptions) -> Self {
        Self::new(StaticCredentials::new(keys), role_arn, options)
    }
}

impl ProvideCredentials for RamRoleArnCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        self.cache.provide()
    }
}

#[derive(Debug)]
struct AssumeRole {
    name: String,
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    options: StsOptions,
}

impl ProvideCredentials for AssumeRole {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let unavailable = |reason: String| CredentialsError::Unavailable {
                provider: self.name.clone(),
                reason,
            };
            let client =
                sts_client(&self.options, Arc::clone(&self.source)).map_err(unavailable)?;
            let mut input = serde_json::json!({
                "RoleArn": self.role_arn,
                "RoleSessionName": session_name(&self.options),
                "DurationSeconds": self.options.duration_seconds,
            });
            if let Some(policy) = &self.options.policy {
                input["Policy"] = policy.clone().into();
            }
            if let Some(external_id) = &self.options.external_id {
                input["ExternalId"] = external_id.clone().into();
            }
            call(&client, &ASSUME_ROLE, input)
                .await
                .map_err(unavailable)
        })
    }
}

/// One `AssumeRoleWithOIDC` call (used by `oidc.rs`).
pub(crate) async fn assume_role_with_oidc(
    options: &StsOptions,
    role_arn: &str,
    provider_arn: &str,
    token: &str,
) -> Result<Credentials, String> {
    let anonymous: Arc<dyn ProvideCredentials> = Arc::new(Credentials::anonymous());
    let client = sts_client(options, anonymous)?;
    let mut input = serde_json::json!({
        "RoleArn": role_arn,
        "OIDCProviderArn": provider_arn,
        "OIDCToken": token,
        "RoleSessionName": session_name(options),
        "DurationSeconds": options.duration_seconds,
    });
    if let Some(policy) = &options.policy {
        input["Policy"] = policy.clone().into();
    }
    call(&client, &ASSUME_ROLE_WITH_OIDC, input).await
}

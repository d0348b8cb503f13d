//! What a call computes once (encoded parameters, credentials, endpoint) and how each
//! attempt signs it into an HTTP request, within the size caps.

use std::time::SystemTime;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::Client;
use super::prepared::{PrepareError, PreparedRequest};
use crate::credentials::Credentials;
use crate::endpoint::{self, Endpoint};
use crate::operation::{HttpMethod, Operation};
use crate::params;
use crate::signing::{self, SigningInput, SigningParams};

/// Everything a call needs that does not change between attempts.
pub(super) struct Setup {
    pub(super) params: Vec<(String, String)>,
    pub(super) body: Vec<(String, String)>,
    /// The path to send (for ROA, the template filled in and encoded).
    pub(super) path: String,
    /// ROA header parameters, signed with the other headers under V3.
    pub(super) headers: Vec<(String, String)>,
    pub(super) json_body: Option<String>,
    pub(super) credentials: Credentials,
    pub(super) endpoint: Endpoint,
    pub(super) resolution: endpoint::Resolution,
    pub(super) method: HttpMethod,
}

impl Setup {
    /// Fills an unset idempotency token, checks and encodes `input` (keyed by wire
    /// names), resolves credentials and the endpoint.
    pub(super) async fn new(
        client: &Client,
        op: &'static Operation,
        input: &serde_json::Value,
    ) -> Result<Setup, PrepareError> {
        // Filled once per call, before encoding: every attempt repeats the same token
        // and a dry run shows it.
        let filled = crate::idempotency::fill(op, input);
        let encoded = params::encode(op, filled.as_ref().unwrap_or(input))?;
        let method = op
            .methods
            .first()
            .copied()
            .ok_or(PrepareError::NoMethod(op.action))?;
        let config = &client.inner.config;
        let credentials = config
            .credentials_provider()
            .provide()
            .await
            .map_err(PrepareError::Credentials)?;
        let (endpoint, resolution) = endpoint::resolve_on_network(
            op.service,
            config.region_id(),
            client.endpoint(),
            config.network(),
        );
        if let endpoint::Resolution::Pattern { .. } = &resolution {
            tracing::warn!("{resolution}");
        }
        if op.is_roa() && config.signature_version() == signing::SignatureVersion::V1 {
            return Err(PrepareError::RoaNeedsV3(op.action));
        }
        Ok(Setup {
            params: encoded.query,
            body: encoded.body,
            path: encoded.path,
            headers: encoded.headers,
            json_body: encoded.json_body,
            credentials,
            endpoint,
            resolution,
            method,
        })
    }

    /// What a test double records of this call's attempt, signed as `prepared`.
    #[cfg(feature = "test-doubles")]
    pub(super) fn record(
        &self,
        op: &'static Operation,
        prepared: PreparedRequest,
    ) -> crate::mock::RecordedRequest {
        crate::mock::RecordedRequest {
            action: op.action,
            method: self.method,
            host: self.endpoint.authority().to_owned(),
            path: self.path.clone(),
            query: self.params.clone(),
            form: self.body.clone(),
            headers: self.headers.clone(),
            json_body: self
                .json_body
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok()),
            signed: prepared,
        }
    }

    /// Signs the request anew: fresh timestamp and nonce, so no attempt is a replay.
    pub(super) fn sign(&self, client: &Client, op: &'static Operation) -> PreparedRequest {
        let config = &client.inner.config;
        let nonce = signing::new_nonce();
        // The official SDKs sign their user agent under V3; doing the same keeps the
        // request's shape identical to theirs.
        let mut extra_headers = vec![("user-agent".to_owned(), config.user_agent().to_owned())];
        extra_headers.extend(self.headers.iter().cloned());
        let payload = self.json_body.as_ref().map(|json| signing::Payload {
            content_type: params::roa::JSON_CONTENT_TYPE,
            bytes: json.as_bytes(),
        });
        let signed = signing::sign_with_headers(
            config.signature_version(),
            &SigningInput {
                method: self.method,
                host: self.endpoint.authority(),
                path: &self.path,
                action: op.action,
                version: op.service.version,
                params: &self.params,
                body: &self.body,
                payload,
            },
            &SigningParams {
                credentials: &self.credentials,
                timestamp: SystemTime::now(),
                nonce: &nonce,
            },
            &extra_headers,
        );
        PreparedRequest {
            method: signed.method,
            url: self.endpoint.url(&signed.path_and_query),
            headers: signed.headers,
            body: signed.body,
        }
    }
}

/// The longest URL (query string included) a call sends. Gateways commonly refuse URLs
/// past 8–64 KiB and the HTTP stack cannot represent one past 64 KiB at all; refusing
/// early makes an oversized input a construction error instead of a transport failure
/// that would be retried. Larger values belong in a form body.
pub const MAX_URL_BYTES: usize = 32 * 1024;

/// The largest header value a call sends (the same reasoning as [`MAX_URL_BYTES`]).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// The largest form body a call sends.
pub const MAX_REQUEST_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The HTTP request for a signed one, refusing what the client does not send.
pub(super) fn to_http(prepared: &PreparedRequest) -> Result<reqwest::Request, PrepareError> {
    if prepared.url.len() > MAX_URL_BYTES {
        return Err(PrepareError::InvalidRequest(format!(
            "the URL would be {} bytes, more than the {MAX_URL_BYTES} the client sends",
            prepared.url.len()
        )));
    }
    if prepared.body.len() > MAX_REQUEST_BODY_BYTES {
        return Err(PrepareError::InvalidRequest(format!(
            "the body would be {} bytes, more than the {MAX_REQUEST_BODY_BYTES} the client sends",
            prepared.body.len()
        )));
    }
    if let Some((name, _)) = prepared
        .headers
        .iter()
        .find(|(_, value)| value.len() > MAX_HEADER_BYTES)
    {
        return Err(PrepareError::InvalidRequest(format!(
            "header `{name}` would be longer than {MAX_HEADER_BYTES} bytes"
        )));
    }
    // The URL holds the signature; the error must not.
    let url = reqwest::Url::parse(&prepared.url)
        .map_err(|e| PrepareError::InvalidRequest(format!("bad URL: {e}")))?;
    let method = match prepared.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Patch => reqwest::Method::PATCH,
    };
    let mut headers = HeaderMap::with_capacity(prepared.headers.len());
    for (name, value) in &prepared.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| PrepareError::InvalidRequest(format!("bad header name `{name}`")))?;
        // The value may be a credential, so only the name is reported.
        let header_value = HeaderValue::from_str(value)
            .map_err(|_| PrepareError::InvalidRequest(format!("bad value for header `{name}`")))?;
        headers.append(header_name, header_value);
    }
    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = headers;
    let sends_body = matches!(
        prepared.method,
        HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch
    );
    if sends_body || !prepared.body.is_empty() {
        // hyper omits the length of an empty body, and gateways may answer a POST without
        // one with 411 Length Required.
        if !request
            .headers()
            .contains_key(reqwest::header::CONTENT_LENGTH)
        {
            request
                .headers_mut()
                .insert(reqwest::header::CONTENT_LENGTH, prepared.body.len().into());
        }
        *request.body_mut() = Some(reqwest::Body::from(prepared.body.clone()));
    }
    Ok(request)
}

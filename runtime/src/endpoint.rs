//! Which host a call goes to.
//!
//! Precedence, first match wins:
//!
//! 1. an explicit endpoint URL from the [`Config`](crate::Config) (tests, proxies, private
//!    endpoints; `http` is allowed so a loopback mock can stand in for the service),
//! 2. the service's table of regional endpoints, looked up by region id,
//! 3. the service's endpoint pattern with `{regionId}` replaced,
//! 4. with no region id at all, the service's default endpoint.
//!
//! Resolved endpoints use `https` unless an explicit URL says otherwise.

use std::fmt;

use crate::operation::Service;

/// The URL scheme of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP; only ever chosen by an explicit endpoint URL.
    Http,
    /// HTTPS, the default.
    Https,
}

impl Scheme {
    /// The scheme as written in a URL.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Where to send a call: a scheme and an authority (`host` or `host:port`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: Scheme,
    authority: String,
}

impl Endpoint {
    /// An HTTPS endpoint for `host` (a DNS name, optionally with `:port`).
    pub fn https(host: impl Into<String>) -> Self {
        Self {
            scheme: Scheme::Https,
            authority: host.into(),
        }
    }

    /// Parses an explicit endpoint URL such as `https://live.aliyuncs.com` or
    /// `http://127.0.0.1:8080`.
    ///
    /// Only a scheme (`http` or `https`), a host and an optional port are accepted: the
    /// signature covers the path and the query, so a path prefix, query, fragment or
    /// user info would silently break every call and is rejected instead.
    pub fn parse(url: &str) -> Result<Self, InvalidEndpoint> {
        let invalid = |reason: &str| InvalidEndpoint {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
        let scheme = match parsed.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(invalid("the scheme must be http or https")),
        };
        let host = match parsed.host_str() {
            Some(host) if !host.is_empty() => host,
            _ => return Err(invalid("the URL has no host")),
        };
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid("user info is not allowed"));
        }
        if parsed.path() != "/" && !parsed.path().is_empty() {
            return Err(invalid(
                "a path is not allowed (requests are signed for `/`)",
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a query or fragment is not allowed"));
        }
        // `Url::port` is `None` for the scheme's default port, so the authority matches
        // what the HTTP stack writes into the `Host` header, which V3 signs.
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Self { scheme, authority })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, with `:port` when the port is not the scheme's default.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The full URL for a signed `path_and_query` (which starts with `/`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}://{}{}",
            self.scheme.as_str(),
            self.authority,
            path_and_query
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.authority)
    }
}

/// An endpoint URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid endpoint URL `{url}`: {reason}")]
pub struct InvalidEndpoint {
    /// The URL as given.
    pub url: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Picks the endpoint for a call to `service`; see the [module docs](self) for the order.
pub fn resolve(
    service: &Service,
    region_id: Option<&str>,
    explicit: Option<&Endpoint>,
) -> Endpoint {
    if let Some(endpoint) = explicit {
        return endpoint.clone();
    }
    let Some(region) = region_id else {
        return Endpoint::https(service.default_endpoint);
    };
    debug_assert!(
        service
            .regional_endpoints
            .windows(2)
            .all(|pair| pair[0].0 < pair[1].0),
        "regional_endpoints of `{}` must be sorted and unique for binary search",
        service.code
    );
    match service
        .regional_endpoints
        .binary_search_by(|(id, _)| (*id).cmp(region))
    {
        Ok(index) => Endpoint::https(service.regional_endpoints[index].1),
        Err(_) => Endpoint::https(service.endpoint_pattern.replace("{regionId}", region)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: Service = Service {
        code: "live",
        version: "2016-11-01",
        default_endpoint: "live.aliyuncs.com",
        endpoint_pattern: "live.{regionId}.aliyuncs.com",
        regional_endpoints: &[
            ("ap-southeast-1", "live.aliyuncs.com"),
            ("cn-hangzhou", "live-hz.example.com"),
            ("eu-central-1", "live.aliyuncs.com"),
        ],
    };

    #[test]
    fn no_region_uses_the_default_endpoint() {
        assert_eq!(
            resolve(&SERVICE, None, None),
            Endpoint::https("live.aliyuncs.com")
        );
    }

    #[test]
    fn a_listed_region_uses_its_table_entry() {
        let endpoint = resolve(&SERVICE, Some("cn-hangzhou"), None);
        assert_eq!(endpoint.url("/?a=b"), "https://live-hz.example.com/?a=b");
        assert_eq!(
            resolve(&SERVICE, Some("ap-southeast-1"), None).authority(),
            "live.aliyuncs.com"
        );
        assert_eq!(
            resolve(&SERVICE, Some("eu-central-1"), None).authority(),
            "live.aliyuncs.com"
        );
    }

    #[test]
    fn an_unlisted_region_uses_the_pattern() {
        assert_eq!(
            resolve(&SERVICE, Some("cn-nowhere-9"), None),
            Endpoint::https("live.cn-nowhere-9.aliyuncs.com")
        );
    }

    #[test]
    fn an_explicit_endpoint_wins_over_everything() {
        let explicit = Endpoint::parse("http://127.0.0.1:8080").expect("valid");
        let endpoint = resolve(&SERVICE, Some("cn-hangzhou"), Some(&explicit));
        assert_eq!(endpoint.scheme(), Scheme::Http);
        assert_eq!(endpoint.url("/?x=1"), "http://127.0.0.1:8080/?x=1");
    }

    #[test]
    fn parse_keeps_non_default_ports_only() {
        assert_eq!(
            Endpoint::parse("https://live.aliyuncs.com:443/")
                .expect("valid")
                .authority(),
            "live.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::parse("https://example.com:8443")
                .expect("valid")
                .authority(),
            "example.com:8443"
        );
        assert_eq!(
            Endpoint::parse("http://[::1]:9000")
                .expect("valid")
                .authority(),
            "[::1]:9000"
        );
    }

    #[test]
    fn parse_rejects_what_would_break_signing() {
        for (url, reason) in [
            ("ftp://example.com", "scheme"),
            ("example.com", "relative URL"),
            ("http://", "empty host"),
            ("https://example.com/v1", "path"),
            ("https://example.com/?a=b", "query"),
            ("https://example.com/#x", "fragment"),
            ("https://user:pw@example.com", "user info"),
        ] {
            let err = Endpoint::parse(url).expect_err(reason);
            assert_eq!(err.url, url);
            assert!(err.to_string().contains(url), "{err}");
        }
    }
}

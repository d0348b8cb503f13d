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
//! A configured `network` (e.g. `vpc`, [`ConfigBuilder::network`](crate::config::ConfigBuilder::network))
//! turns the hosts of rules 3 and 4 into `live-vpc.<region>.aliyuncs.com` and
//! `live-vpc.aliyuncs.com`, as `alibabacloud-tea-openapi`'s endpoint rules do; rules 1
//! and 2 are kept as they are, as the official SDKs keep their endpoint map's entries.
//!
//! Resolved endpoints use `https` unless an explicit URL says otherwise. A region id the
//! table does not list still gets an endpoint (the pattern's), as in the official SDKs, so
//! regions newer than the spec keep working; [`resolve_explained`] says when that
//! happened, and a client whose connection then fails names the host and how to choose
//! another (see [`Resolution::Pattern`]).

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
        // `127.0.0.1:8080` is a relative URL and `localhost:8080` one with the scheme
        // `localhost`: both mean the scheme was left out.
        let no_scheme = |reason: &str| {
            invalid(&format!(
                "{reason}; write the scheme too, e.g. `http://{url}` (a local fake) or `https://{url}`"
            ))
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| {
            if url.contains("://") {
                invalid(&e.to_string())
            } else {
                no_scheme(&e.to_string())
            }
        })?;
        let scheme = match parsed.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ if !url.contains("://") => {
                return Err(no_scheme("the URL has no http or https scheme"));
            }
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

/// Which rule of the [module docs](self) picked an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The configured endpoint URL.
    Explicit,
    /// The service's table entry for the region id.
    Table,
    /// The service's endpoint pattern: the region id is not in the table. Usually a region
    /// newer than the spec, sometimes a typo; the message says which host that makes and
    /// how to choose another.
    Pattern {
        /// The region id as configured.
        region_id: String,
        /// The host the pattern gave.
        host: String,
    },
    /// No region id: the service's default endpoint.
    Default,
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::Explicit => f.write_str("the configured endpoint URL"),
            Resolution::Table => f.write_str("the service's endpoint for the region id"),
            Resolution::Pattern { region_id, host } => write!(
                f,
                "region id `{region_id}` is not in the service's endpoint table, so the host \
                 {host} comes from the endpoint pattern; check the region id, or choose the \
                 host with an endpoint URL (`--endpoint https://HOST` on the command line)"
            ),
            Resolution::Default => f.write_str("the service's default endpoint (no region id)"),
        }
    }
}

/// Picks the endpoint for a call to `service`; see the [module docs](self) for the order.
pub fn resolve(
    service: &Service,
    region_id: Option<&str>,
    explicit: Option<&Endpoint>,
) -> Endpoint {
    resolve_explained(service, region_id, explicit).0
}

/// [`resolve`], also saying which rule applied.
pub fn resolve_explained(
    service: &Service,
    region_id: Option<&str>,
    explicit: Option<&Endpoint>,
) -> (Endpoint, Resolution) {
    resolve_on_network(service, region_id, explicit, None)
}

/// [`resolve_explained`] for a `network` such as `vpc`, as the official SDKs' endpoint
/// rules (`alibabacloud-tea-openapi`'s `get_endpoint_rules`) apply it: an explicit URL
/// and a table entry for the region win unchanged; a host from the pattern or the
/// default gets `-<network>` after its first label (`live-vpc.cn-shanghai.aliyuncs.com`).
/// No network, an empty one and `public` change nothing.
pub fn resolve_on_network(
    service: &Service,
    region_id: Option<&str>,
    explicit: Option<&Endpoint>,
    network: Option<&str>,
) -> (Endpoint, Resolution) {
    let (endpoint, resolution) = resolve_plain(service, region_id, explicit);
    let network = network.filter(|n| !n.is_empty() && *n != "public");
    match (&resolution, network) {
        (Resolution::Pattern { .. } | Resolution::Default, Some(network)) => {
            let host = match endpoint.authority().split_once('.') {
                Some((first, rest)) => format!("{first}-{network}.{rest}"),
                None => format!("{}-{network}", endpoint.authority()),
            };
            let resolution = match resolution {
                Resolution::Pattern { region_id, .. } => Resolution::Pattern {
                    region_id,
                    host: host.clone(),
                },
                other => other,
            };
            (Endpoint::https(host), resolution)
        }
        _ => (endpoint, resolution),
    }
}

fn resolve_plain(
    service: &Service,
    region_id: Option<&str>,
    explicit: Option<&Endpoint>,
) -> (Endpoint, Resolution) {
    if let Some(endpoint) = explicit {
        return (endpoint.clone(), Resolution::Explicit);
    }
    let Some(region) = region_id else {
        return (
            Endpoint::https(service.default_endpoint),
            Resolution::Default,
        );
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
        Ok(index) => (
            Endpoint::https(service.regional_endpoints[index].1),
            Resolution::Table,
        ),
        Err(_) => {
            let host = service.endpoint_pattern.replace("{regionId}", region);
            let resolution = Resolution::Pattern {
                region_id: region.to_owned(),
                host: host.clone(),
            };
            (Endpoint::https(host), resolution)
        }
    }
}

/// Region ids end up in host names, so only what a DNS label allows gets through.
pub(crate) fn check_region_id(region: &str) -> Result<(), &'static str> {
    if region.is_empty() {
        return Err("it is empty");
    }
    if region.len() > 63 {
        return Err("it is longer than 63 characters");
    }
    if !region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err("only ASCII letters, digits and `-` are allowed");
    }
    if region.starts_with('-') || region.ends_with('-') {
        return Err("it must not start or end with `-`");
    }
    Ok(())
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
    fn a_network_changes_rule_hosts_only_as_the_official_sdks_do() {
        let on = |region, network| {
            resolve_on_network(&SERVICE, region, None, network)
                .0
                .authority()
                .to_owned()
        };
        // The pattern and the default get `-vpc` after the product.
        assert_eq!(
            on(Some("cn-nowhere-9"), Some("vpc")),
            "live-vpc.cn-nowhere-9.aliyuncs.com"
        );
        assert_eq!(on(None, Some("vpc")), "live-vpc.aliyuncs.com");
        // A table entry wins unchanged (the SDK's endpoint map comes before its rules).
        assert_eq!(on(Some("cn-hangzhou"), Some("vpc")), "live-hz.example.com");
        // `public` and empty mean no network.
        assert_eq!(
            on(Some("cn-nowhere-9"), Some("public")),
            "live.cn-nowhere-9.aliyuncs.com"
        );
        assert_eq!(on(None, Some("")), "live.aliyuncs.com");
        // An explicit URL always wins.
        let explicit = Endpoint::parse("http://127.0.0.1:9").expect("a URL");
        let (endpoint, _) =
            resolve_on_network(&SERVICE, Some("cn-nowhere-9"), Some(&explicit), Some("vpc"));
        assert_eq!(endpoint, explicit);
    }

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
    fn an_unlisted_region_is_explained_with_its_host_and_the_override() {
        let (endpoint, how) = resolve_explained(&SERVICE, Some("xx-nowhere-9"), None);
        assert_eq!(endpoint.authority(), "live.xx-nowhere-9.aliyuncs.com");
        let text = how.to_string();
        assert!(text.contains("`xx-nowhere-9` is not in"), "{text}");
        assert!(text.contains("live.xx-nowhere-9.aliyuncs.com"), "{text}");
        assert!(text.contains("--endpoint"), "{text}");
        assert_eq!(
            resolve_explained(&SERVICE, Some("cn-hangzhou"), None).1,
            Resolution::Table
        );
    }

    #[test]
    fn a_url_without_scheme_gets_a_hint() {
        for url in ["127.0.0.1:8080", "localhost:8080", "example.com"] {
            let err = Endpoint::parse(url).expect_err(url).to_string();
            assert!(err.contains(&format!("`http://{url}`")), "{err}");
        }
        let err = Endpoint::parse("ftp://example.com")
            .expect_err("ftp")
            .to_string();
        assert!(!err.contains("write the scheme"), "{err}");
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

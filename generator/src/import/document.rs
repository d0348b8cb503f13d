//! The spec's document fields: `info`, `x-acs-product`, `x-acs-endpoints` and `paths`.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use serde_yaml::{Mapping, Value as Yaml};

use super::{Cx, s};

impl Cx {
    pub(super) fn document(
        &mut self,
        doc: &Json,
        product: &str,
        version: &str,
        paths: Mapping,
    ) -> Yaml {
        let mut m = Mapping::new();
        m.insert(s("openapi"), s("3.1.0"));
        let mut info = Mapping::new();
        info.insert(s("title"), s(product));
        info.insert(s("version"), s(version));
        info.insert(
            s("description"),
            s(&format!(
                "Imported from Alibaba Cloud OpenAPI metadata: product `{product}`, version {version}."
            )),
        );
        m.insert(s("info"), Yaml::Mapping(info));
        let mut p = Mapping::new();
        p.insert(s("code"), s(product));
        p.insert(s("version"), s(version));
        p.insert(s("style"), s(if self.roa { "ROA" } else { "RPC" }));
        m.insert(s("x-acs-product"), Yaml::Mapping(p));
        let mut e = Mapping::new();
        e.insert(s("default"), s(&format!("{product}.aliyuncs.com")));
        e.insert(
            s("pattern"),
            s(&format!("{product}.{{regionId}}.aliyuncs.com")),
        );
        let mut regional = BTreeMap::new();
        for (i, entry) in doc
            .get("endpoints")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            match (
                entry.get("regionId").and_then(Json::as_str),
                entry.get("endpoint").and_then(Json::as_str),
            ) {
                (Some(r), Some(h)) => {
                    // Hosts arrive with stray tabs or spaces around them; a host name
                    // never holds whitespace, so trimming loses nothing.
                    if h.trim() != h {
                        self.unmapped(
                            &format!("/endpoints/{i}/endpoint"),
                            format!("whitespace around the host {h:?}; trimmed"),
                        );
                    }
                    regional.insert(r.trim().to_owned(), h.trim().to_owned());
                }
                _ => self.unmapped(
                    &format!("/endpoints/{i}"),
                    "an endpoint without regionId or endpoint",
                ),
            }
        }
        let mut r = Mapping::new();
        for (region, host) in regional {
            r.insert(s(&region), s(&host));
        }
        e.insert(s("regional"), Yaml::Mapping(r));
        m.insert(s("x-acs-endpoints"), Yaml::Mapping(e));
        m.insert(s("paths"), Yaml::Mapping(paths));
        Yaml::Mapping(m)
    }
}

//! What the fake saw of one AccessKey in a fleet test: outcomes, rate and the densest
//! one-second window of admitted requests.

use std::collections::BTreeMap;

use livegen_tests::fake::RequestRecord;

use super::{LIMIT, PER_US};

/// What the fake saw of one AccessKey.
#[derive(Debug)]
pub struct Seen {
    pub requests: usize,
    pub ok: usize,
    pub throttled: usize,
    pub other: BTreeMap<String, usize>,
    /// Calls per second from the first arrival to the last: (n − 1) / span.
    pub rate: f64,
    /// The most admitted requests in any closed interval of one second.
    pub max_per_second: usize,
    /// The shortest time spanned by `LIMIT + 1` consecutive admitted arrivals.
    pub min_span_us: Option<u64>,
}

pub fn seen(records: &[RequestRecord], id: &str) -> Seen {
    let mine: Vec<&RequestRecord> = records
        .iter()
        .filter(|r| r.access_key_id.as_deref() == Some(id))
        .collect();
    let mut other = BTreeMap::new();
    let (mut ok, mut throttled) = (0, 0);
    for record in &mine {
        match (record.status, record.code.as_deref()) {
            (Some(200), _) => ok += 1,
            (_, Some("Throttling.User")) => throttled += 1,
            (_, code) => *other.entry(code.unwrap_or("none").to_owned()).or_default() += 1,
        }
    }
    let mut admitted: Vec<u64> = mine
        .iter()
        .filter(|r| r.code.as_deref() != Some("Throttling.User"))
        .map(|r| r.received_us)
        .collect();
    admitted.sort_unstable();
    let max_per_second = (0..admitted.len())
        .map(|i| {
            admitted[i..]
                .iter()
                .take_while(|t| **t - admitted[i] <= PER_US)
                .count()
        })
        .max()
        .unwrap_or(0);
    let min_span_us = admitted.windows(LIMIT + 1).map(|w| w[LIMIT] - w[0]).min();
    let mut all: Vec<u64> = mine.iter().map(|r| r.received_us).collect();
    all.sort_unstable();
    let rate = match (all.first(), all.last()) {
        (Some(first), Some(last)) if last > first => {
            (all.len() - 1) as f64 / ((last - first) as f64 / 1e6)
        }
        _ => f64::NAN,
    };
    Seen {
        requests: mine.len(),
        ok,
        throttled,
        other,
        rate,
        max_per_second,
        min_span_us,
    }
}

//! Where the time between a rate-limit grant and the fake's arrival goes, for the
//! requests this process sent (the in-process rows): slot → hand-over to the HTTP stack
//! (waking up, waiting for a permit when earlier answers were late, signing) and
//! hand-over → arrival (client HTTP stack, loopback, the fake's
//! accept and parse), matched by signature nonce.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use livegen_runtime::limiter::handover::Handover;
use livegen_tests::fake::RequestRecord;

/// Percentiles of the two delays and their sum, in microseconds.
pub struct Jitter {
    pub matched: usize,
    pub pre: Stats,
    pub post: Stats,
    pub total: Stats,
}

#[derive(Default)]
pub struct Stats {
    pub p50: u64,
    pub p99: u64,
    pub max: u64,
}

impl Stats {
    fn of(mut values: Vec<u64>) -> Stats {
        if values.is_empty() {
            return Stats::default();
        }
        values.sort_unstable();
        let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        Stats {
            p50: at(0.5),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

pub fn measure(records: &[RequestRecord], fake_started: Instant, sent: &[Handover]) -> Jitter {
    let arrivals: HashMap<&str, Instant> = records
        .iter()
        .filter_map(|r| {
            let nonce = r.nonce.as_deref()?;
            Some((nonce, fake_started + Duration::from_micros(r.received_us)))
        })
        .collect();
    let (mut pre, mut post, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for h in sent {
        let Some(arrived) = arrivals.get(h.nonce.as_str()) else {
            continue;
        };
        let us = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        pre.push(us(h.handed_over.saturating_duration_since(h.slot)));
        post.push(us(arrived.saturating_duration_since(h.handed_over)));
        total.push(us(arrived.saturating_duration_since(h.slot)));
    }
    Jitter {
        matched: total.len(),
        pre: Stats::of(pre),
        post: Stats::of(post),
        total: Stats::of(total),
    }
}

impl fmt::Display for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |us: u64| us as f64 / 1e3;
        writeln!(
            f,
            "grant → arrival of {} in-process requests (ms, p50 / p99 / max):",
            self.matched
        )?;
        for (name, s) in [
            ("slot → hand-over (wake, permit, sign)", &self.pre),
            ("hand-over → fake arrival", &self.post),
            ("slot → fake arrival", &self.total),
        ] {
            writeln!(
                f,
                "  {name}: {:.1} / {:.1} / {:.1}",
                ms(s.p50),
                ms(s.p99),
                ms(s.max)
            )?;
        }
        Ok(())
    }
}

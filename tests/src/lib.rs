//! Integration tests and the local fake Live service.
//!
//! - [`credentials_fake`]: the metadata service, a credentials URI and STS, faked on one
//!   port, for the credentials tests;
//! - [`fake`]: the fake service (crate `livegen-fake`, `tests/fake/`) serving Live and the
//!   ACK sample, used in-process by the tests and as the `live-fake` binary for trying the
//!   client and CLI by hand;
//! - [`conformance`]: the official SDK's wire output against ours, for the official
//!   metadata (`tests/tests/official_conformance.rs`);
//! - [`wire_tables`]: what the checked-in crate sends, prepared from its operation tables;
//! - [`harness`]: what the end-to-end tests share (clients pointed at a fake, raw HTTP);
//! - `livegen_fake::loopback`: the server thread both fakes run on;
//! - [`redis`]: a throwaway `redis-server` for the fleet limiter's tests.
//!
//! The tests themselves live in `tests/tests/`; scratch crates they build outside the
//! repository go through `tests/support/scratch.rs`; `tests/README.md` describes the fake.

pub mod conformance;
pub mod credentials_fake;
pub mod fake;
pub mod harness;
pub mod redis;
pub mod wire_tables;

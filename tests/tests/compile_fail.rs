//! The generated API's compile-time promises: required parameters cannot be forgotten, and
//! outputs and errors can grow without breaking callers. Each case must fail to compile with
//! the message in its `.stderr` file (`TRYBUILD=overwrite` rewrites them).

#[test]
fn api_promises_hold_at_compile_time() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("compile-fail/*.rs");
}

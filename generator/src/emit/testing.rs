//! `src/testing.rs` (crate feature `test-doubles`): the runtime's mock service for users'
//! unit tests, with a doctest that unit-tests a function calling the crate docs' example
//! operation (`example_call`), so it follows whatever operation the spec picks there.

use proc_macro2::TokenStream;
use quote::quote;

use super::crate_root::example_call;
use super::tokens::inner_doc;
use crate::model::Api;

/// The module: docs, the doctest, and the runtime's test doubles re-exported.
pub fn testing_rs(api: &Api) -> TokenStream {
    let intro = inner_doc(&format!(
        "Test doubles: unit-test code that uses [`Client`](crate::Client) with no network, no port and no credentials (crate feature `test-doubles`; turn it on under `[dev-dependencies]`).\n\n\
         A [`MockService`] answers in place of the service. Calls on [`Client::mock`](crate::Client::mock) run the production path up to the socket: the input is checked against the operation's table and encoded (a missing or out-of-range parameter still fails the call before anything is recorded), the idempotency token is filled, the request is signed, and a canned service error is mapped to the operation's error enum and retried as a real one would be. Each request is recorded ([`RecordedRequest`]) instead of sent. Answers are given per action: a typed answer (output types implement `Serialize` with this feature) or a service error; several for one action are used in order, the last one repeating.{}",
        example(api).unwrap_or_default()
    ));
    quote! {
        #intro

        pub use livegen_runtime::mock::{block_on, MockService, RecordedRequest};
    }
}

/// The doctest: a user function calling the example operation, tested with a typed
/// answer and a documented error. Values reach the code only through `{:?}`, which
/// writes valid, escaped Rust literals.
fn example(api: &Api) -> Option<String> {
    let (op, args) = example_call(api)?;
    let krate = &api.crate_name;
    let (input, output, error, method) = (&op.input, &op.output, &op.error, &op.fn_name);
    let action = format!("{:?}", op.action);
    let (fail, matched) = match op.errors.first() {
        Some(e) => (
            format!(
                "{}, {}, {:?}, {:?}",
                action, e.http_status, e.code, e.message
            ),
            format!("{error}::{}(_)", e.variant),
        ),
        None => (
            format!("{action}, 403, \"Forbidden.RAM\", \"not allowed\""),
            format!("{error}::Common(_)"),
        ),
    };
    // A typed answer needs a value to build; `Default` is there unless a required
    // field has no default.
    let defaultable = op.output_value.is_none()
        && op
            .output_fields
            .as_deref()
            .is_none_or(super::types::defaultable);
    let (answer, check) = if defaultable {
        (
            format!("mock.answer({action}, &{output}::default())\n    .fail({fail});"),
            format!("assert_eq!(call(&client).await.ok(), Some({output}::default()));\n"),
        )
    } else {
        (format!("mock.fail({fail});"), String::new())
    };
    Some(format!(
        "\n\n# Example\n\n\
         ```\n\
         use {krate}::testing::MockService;\n\
         use {krate}::{{Client, SdkError, {error}, {input}, {output}}};\n\n\
         /// The code under test.\n\
         async fn call(client: &Client) -> Result<{output}, SdkError<{error}>> {{\n    \
         client.{method}({input}::new({args})).await\n\
         }}\n\n\
         # {krate}::testing::block_on(async {{\n\
         let mock = MockService::new();\n\
         {answer}\n\
         let client = Client::mock(&mock);\n\n\
         {check}\
         let failed = call(&client).await;\n\
         assert!(matches!(failed, Err(SdkError::Service({matched}))), \"{{failed:?}}\");\n\
         assert!(mock.requests().iter().all(|r| r.action == {action}));\n\
         # }});\n\
         ```"
    ))
}

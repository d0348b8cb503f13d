//! The README's quick example, compiled. The test below fails if the two drift apart.

// README example start
use aliyun_live::{Client, Region, SdkError, StopLivePullToPushError, StopLivePullToPushInput};

async fn stop(task_id: &str) -> Result<(), Box<dyn std::error::Error>> {
    // Credentials: the official default chain (see "Credentials" below).
    let client = Client::from_env()?;
    let input = StopLivePullToPushInput::new(Region::CnShanghai, task_id);
    match client.stop_live_pull_to_push(input).await {
        Ok(output) => println!("stopped, request id {:?}", output.request_id),
        Err(SdkError::Service(StopLivePullToPushError::CodeTaskHasStopped(e))) => {
            println!("already stopped (request id {:?})", e.request_id)
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
// README example end

#[test]
fn readme_shows_this_exact_example() {
    let readme = include_str!("../../README.md");
    let start = readme.find("```rust\n").expect("README has a rust block") + "```rust\n".len();
    let snippet = &readme[start..start + readme[start..].find("```").expect("block ends")];
    let this = include_str!("readme_example.rs");
    let begin =
        this.find("// README example start\n").expect("marker") + "// README example start\n".len();
    let end = this.find("// README example end").expect("marker");
    assert_eq!(
        snippet,
        &this[begin..end],
        "README.md and tests/tests/readme_example.rs differ"
    );
    // Referencing the function keeps it compiled and free of dead-code warnings.
    let _ = stop;
}

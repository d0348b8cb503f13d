//! The README's quick example and its ROA (ACK) call, compiled. The tests below fail if
//! the README and this file drift apart.

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

/// The README's ROA call (section "A RESTful (ROA) call: ACK"), against the ACK sample.
/// Compiled, never called (it needs credentials and a service).
#[allow(dead_code)]
mod roa {
    // README ROA example start
    use aliyun_cs::{
        Client, DescribeClusterDetailError, DescribeClusterDetailInput, DescribeClustersV1Input,
        SdkError,
    };

    async fn clusters() -> Result<(), Box<dyn std::error::Error>> {
        let client = Client::from_env()?;
        let mut input = DescribeClustersV1Input::new();
        input.cluster_type = Some("ManagedKubernetes".to_owned());
        let listed = client.describe_clusters_v1(input).await?;
        for cluster in listed.clusters.unwrap_or_default() {
            println!("{:?} is {:?}", cluster.cluster_id, cluster.state);
        }
        let detail = DescribeClusterDetailInput::new("c-gone");
        match client.describe_cluster_detail(detail).await {
            Ok(cluster) => println!("found {:?}", cluster.name),
            Err(SdkError::Service(DescribeClusterDetailError::ErrorClusterNotFound(e))) => {
                println!("no such cluster: HTTP {}, {:?}", e.status, e.request_id)
            }
            Err(other) => return Err(other.into()),
        }
        Ok(())
    }
    // README ROA example end
}

#[test]
fn readme_shows_this_exact_roa_example() {
    let readme = include_str!("../../README.md");
    let section = readme
        .find("## A RESTful (ROA) call")
        .expect("README has the ROA section");
    let start = section
        + readme[section..]
            .find("```rust\n")
            .expect("the section has a rust block")
        + "```rust\n".len();
    let snippet = &readme[start..start + readme[start..].find("```").expect("block ends")];
    let this = include_str!("readme_example.rs");
    let begin = this
        .find("    // README ROA example start\n")
        .expect("marker")
        + "    // README ROA example start\n".len();
    let end = this.find("    // README ROA example end").expect("marker");
    // The copy here sits in `mod roa`, indented by four spaces.
    let unindented: String = this[begin..end]
        .lines()
        .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
        .collect();
    assert_eq!(
        snippet, unindented,
        "README.md's ROA example and tests/tests/readme_example.rs differ"
    );
}

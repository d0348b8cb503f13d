//! ROA (RESTful) end to end: the ACK sample's generated client and command line
//! (`generated-ack/`, crate `aliyun-cs`) against the fake, which serves the same
//! operation tables: paths with escaped segments, JSON bodies checked against the table,
//! V3 signatures over the ROA canonical request, and errors in the ROA shape mapped to
//! their typed variants.

use std::process::{Command, Output};

use aliyun_cs::operations::scale_cluster_node_pool::ScaleClusterNodePoolBody;
use aliyun_cs::{
    Client, DeleteClusterInput, DescribeClusterDetailError, DescribeClusterDetailInput,
    DescribeClustersV1Input, ScaleClusterNodePoolInput, SdkError,
};
use livegen_tests::fake::{DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, Fake, FakeConfig};
use livegen_tests::harness::{config, config_with_key};

/// A cluster id with every character the path encoding must keep inside its segment.
const NASTY: &str = "c-1/2 x+y%z直播";

fn fake(clusters: &[&str]) -> Fake {
    let mut config = FakeConfig {
        log: false,
        ..FakeConfig::default()
    };
    for id in clusters {
        config = config.cluster(*id);
    }
    Fake::start(config).expect("the fake starts")
}

fn client(fake: &Fake) -> Client {
    Client::new(config(fake).build().expect("config"))
}

#[tokio::test]
async fn list_detail_and_delete_go_through_the_fake() {
    let fake = fake(&["c-demo", NASTY]);
    let client = client(&fake);
    let listed = client
        .describe_clusters_v1(DescribeClustersV1Input::new())
        .await
        .expect("DescribeClustersV1");
    let ids: Vec<&str> = listed
        .clusters
        .iter()
        .flatten()
        .filter_map(|c| c.cluster_id.as_deref())
        .collect();
    assert_eq!(ids, ["c-1/2 x+y%z直播", "c-demo"]);

    // The `/` in the id stays inside its segment: the fake finds the cluster.
    let detail = client
        .describe_cluster_detail(DescribeClusterDetailInput::new(NASTY))
        .await
        .expect("DescribeClusterDetail");
    assert_eq!(detail.cluster_id.as_deref(), Some(NASTY));
    let sent = fake.requests();
    let last = sent.last().expect("recorded");
    assert_eq!(last.method, "GET");
    assert_eq!(last.path, "/clusters/c-1%2F2%20x%2By%25z%E7%9B%B4%E6%92%AD");
    assert_eq!(last.signature, Some("V3"));

    client
        .delete_cluster(DeleteClusterInput::new("c-demo"))
        .await
        .expect("DeleteCluster");
    assert!(!fake.has_cluster("c-demo"));
    assert_eq!(fake.requests().last().expect("recorded").method, "DELETE");
}

#[tokio::test]
async fn an_unknown_cluster_is_the_typed_roa_error() {
    let fake = fake(&[]);
    let client = client(&fake);
    let error = client
        .describe_cluster_detail(DescribeClusterDetailInput::new("c-gone"))
        .await
        .expect_err("no such cluster");
    let SdkError::Service(DescribeClusterDetailError::ErrorClusterNotFound(e)) = &error else {
        panic!("expected ErrorClusterNotFound, got {error:?}");
    };
    assert_eq!(e.status, 404);
    assert_eq!(e.message, "The specified cluster does not exist.");
    assert!(e.request_id.as_deref().is_some_and(|id| id.len() == 36));
    let record = fake.requests().pop().expect("recorded");
    assert_eq!(record.status, Some(404));
    assert_eq!(record.code.as_deref(), Some("ErrorClusterNotFound"));
}

#[tokio::test]
async fn a_json_body_is_checked_and_a_wrong_secret_is_refused_in_the_roa_shape() {
    let fake = fake(&["c-1"]);
    let mut input = ScaleClusterNodePoolInput::new("c-1", "np 1");
    let mut body = ScaleClusterNodePoolBody::new();
    body.count = Some(2);
    input.body = Some(body);
    let answer = client(&fake)
        .scale_cluster_node_pool(input.clone())
        .await
        .expect("ScaleClusterNodePool");
    assert!(
        answer.task_id.is_none(),
        "the fake answers no task: {answer:?}"
    );

    let wrong = Client::new(
        config_with_key(&fake, DEFAULT_KEY_ID, "not-the-secret")
            .build()
            .expect("config"),
    );
    let error = wrong
        .scale_cluster_node_pool(input)
        .await
        .expect_err("bad signature");
    let SdkError::Service(service) = &error else {
        panic!("expected a service error, got {error:?}");
    };
    let shown = format!("{service:?}");
    assert!(shown.contains("SignatureDoesNotMatch"), "{shown}");
    assert_eq!(fake.requests().last().and_then(|r| r.status), Some(400));
}

/// The `aliyun-cs` command line, credentials from a clean environment.
fn aliyun_cs(fake: &Fake, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aliyun-cs-cli"));
    for name in [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_REGION_ID",
    ] {
        command.env_remove(name);
    }
    command
        .args(args)
        .args(["--endpoint", &fake.url()])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_KEY_SECRET)
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("the CLI binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_cli_takes_path_query_flags_and_a_body_as_json_or_file() {
    let fake = fake(&["c-demo", NASTY]);
    let listed = aliyun_cs(
        &fake,
        &["DescribeClustersV1", "--cluster_type", "ManagedKubernetes"],
    );
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON answer");
    assert_eq!(answer["page_info"]["total_count"], 2);
    let record = fake.requests().pop().expect("recorded");
    assert_eq!(record.path, "/api/v1/clusters");
    assert!(
        record
            .params
            .contains(&("cluster_type".to_owned(), "ManagedKubernetes".to_owned())),
        "{:?}",
        record.params
    );

    let detail = aliyun_cs(&fake, &["DescribeClusterDetail", "--ClusterId", NASTY]);
    assert_eq!(detail.status.code(), Some(0), "{}", text(&detail.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&detail.stdout).expect("JSON answer");
    assert_eq!(answer["cluster_id"], NASTY);

    let scaled = aliyun_cs(
        &fake,
        &[
            "ScaleClusterNodePool",
            "--ClusterId",
            "c-demo",
            "--NodepoolId",
            "np-1",
            "--body",
            r#"{"count": 3}"#,
        ],
    );
    assert_eq!(scaled.status.code(), Some(0), "{}", text(&scaled.stderr));

    let file = std::env::temp_dir().join(format!("livegen-addons-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"[{"name": "直播", "version": "v1"}, {"name": "b", "version": "v2"}]"#,
    )
    .expect("write");
    let at_file = format!("@{}", file.display());
    let installed = aliyun_cs(
        &fake,
        &[
            "InstallClusterAddons",
            "--ClusterId",
            "c-demo",
            "--body",
            &at_file,
        ],
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        installed.status.code(),
        Some(0),
        "{}",
        text(&installed.stderr)
    );

    // A body that does not fit the table is refused before anything is sent.
    let before = fake.request_count();
    let bad = aliyun_cs(
        &fake,
        &[
            "ScaleClusterNodePool",
            "--ClusterId",
            "c-demo",
            "--NodepoolId",
            "np-1",
            "--body",
            r#"{"count": "three"}"#,
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert_eq!(fake.request_count(), before);

    let missing = aliyun_cs(&fake, &["DescribeClusterDetail", "--ClusterId", "c-gone"]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = text(&missing.stderr);
    assert!(stderr.contains("ErrorClusterNotFound"), "{stderr}");
    assert!(stderr.contains("404"), "{stderr}");
}

/// The README's ROA section runs `live-fake --cluster …` and one `aliyun-cs` command line
/// and quotes what it prints: the same flags against a fake with the same clusters must
/// print exactly that.
#[test]
fn the_readme_roa_cli_example_prints_what_it_quotes() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme
        .find("## A RESTful (ROA) call")
        .expect("README has the ROA section")..];
    let line_after = |prefix: &str| -> Vec<&str> {
        let start = section.find(prefix).expect(prefix) + prefix.len();
        let line = section[start..].lines().next().unwrap_or_default();
        line.split_whitespace().collect()
    };
    let fake_flags = line_after("cargo run -p livegen-tests --bin live-fake -- ");
    let clusters: Vec<&str> = fake_flags
        .windows(2)
        .filter(|pair| pair[0] == "--cluster")
        .map(|pair| pair[1])
        .collect();
    assert!(
        !clusters.is_empty(),
        "the README starts the fake with clusters"
    );
    let mut cli_flags = line_after("cargo run -p aliyun-cs --features cli -- ");
    // The README's fake listens on a fixed port; this one on a free port.
    let endpoint = cli_flags
        .iter()
        .position(|flag| *flag == "--endpoint")
        .expect("the README passes --endpoint");
    cli_flags.drain(endpoint..endpoint + 2);
    let quoted_start = section.find("```json\n").expect("a quoted answer") + "```json\n".len();
    let quoted = &section
        [quoted_start..quoted_start + section[quoted_start..].find("```").expect("block ends")];

    let fake = fake(&clusters);
    let output = aliyun_cs(&fake, &cli_flags);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), quoted);
}

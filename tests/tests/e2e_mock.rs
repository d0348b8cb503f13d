//! A user's unit test with the generated crate's test doubles (`aliyun_live::testing`):
//! a function that stops a relay task and treats "already stopped" as done, tested
//! with no network and no port, including what it sent.

use aliyun_live::testing::MockService;
use aliyun_live::{
    Client, Region, SdkError, StopLivePullToPushError, StopLivePullToPushInput,
    StopLivePullToPushOutput,
};

/// The code under test: stops `task_id`; `Ok(false)` when it was already stopped.
async fn stop(client: &Client, task_id: &str) -> Result<bool, SdkError<StopLivePullToPushError>> {
    let input = StopLivePullToPushInput::new(Region::CnShanghai, task_id);
    match client.stop_live_pull_to_push(input).await {
        Ok(_) => Ok(true),
        Err(SdkError::Service(StopLivePullToPushError::CodeTaskHasStopped(_))) => Ok(false),
        Err(other) => Err(other),
    }
}

#[tokio::test]
async fn stop_reports_a_stop_then_an_already_stopped_task() {
    let mock = MockService::new();
    let mut answer = StopLivePullToPushOutput::default();
    answer.task_id = Some("task-1".to_owned());
    mock.answer("StopLivePullToPush", &answer).fail(
        "StopLivePullToPush",
        400,
        "CodeTaskHasStopped",
        "The task has been stopped.",
    );
    let client = Client::mock(&mock);

    assert!(matches!(stop(&client, "task-1").await, Ok(true)));
    assert!(matches!(stop(&client, "task-1").await, Ok(false)));

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.action, "StopLivePullToPush");
        assert_eq!(request.param("Region"), Some("cn-shanghai"));
        assert_eq!(request.param("TaskId"), Some("task-1"));
        assert_eq!(request.signed.method.as_str(), "GET");
    }
}

#[tokio::test]
async fn another_documented_error_reaches_the_caller() {
    let mock = MockService::new();
    mock.fail(
        "StopLivePullToPush",
        400,
        "CodeTaskNotExist",
        "Task does not exist.",
    );
    let result = stop(&Client::mock(&mock), "gone").await;
    assert!(
        matches!(
            result,
            Err(SdkError::Service(
                StopLivePullToPushError::CodeTaskNotExist(_)
            ))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_empty_task_id_is_refused_before_the_mock() {
    let mock = MockService::new();
    mock.answer("StopLivePullToPush", &StopLivePullToPushOutput::default());
    let result = stop(&Client::mock(&mock), "").await;
    assert!(
        matches!(result, Err(SdkError::Construction(_))),
        "{result:?}"
    );
    assert!(mock.requests().is_empty());
}

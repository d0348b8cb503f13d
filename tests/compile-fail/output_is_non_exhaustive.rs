// Outputs are `#[non_exhaustive]`: a field the service adds later is not a breaking change
// for code that builds outputs (fakes, tests), because literals are not allowed.
use aliyun_live::StopLivePullToPushOutput;

fn main() {
    let _output = StopLivePullToPushOutput {
        request_id: None,
        task_id: None,
    };
}

// …nor out of the constructor.
use aliyun_live::StopLivePullToPushInput;

fn main() {
    let _input = StopLivePullToPushInput::new("cn-shanghai");
}

// A required parameter cannot be left out of a struct literal…
use aliyun_live::{Region, StopLivePullToPushInput};

fn main() {
    let _input = StopLivePullToPushInput {
        region: Region::CnShanghai,
    };
}

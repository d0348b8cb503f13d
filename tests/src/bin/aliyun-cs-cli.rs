//! The generated `aliyun-cs` command line (the ACK sample in `generated-ack/`), unchanged:
//! a copy of its `main` for the CLI tests, as `aliyun-live-cli` is for Live.

fn main() -> std::process::ExitCode {
    livegen_runtime::cli::main(&aliyun_cs::cli::CLI)
}

//! The generated `aliyun-live` command line, unchanged.
//!
//! Cargo builds a package's own binaries before its integration tests run (and tells them
//! where, in `CARGO_BIN_EXE_<name>`), but never a dependency's. This copy of the generated
//! `main` lets the CLI tests run the real command line as a process under plain
//! `cargo test -p livegen-tests`.

fn main() -> std::process::ExitCode {
    livegen_runtime::cli::main(&aliyun_live::cli::CLI)
}

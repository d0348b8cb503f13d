//! Stage 4: IR → files. Rust goes through `quote` and `render::rust`; everything else
//! through `docs`.

mod crate_root;
mod docs;
mod operation;
mod testing;
mod tokens;
mod types;

use proc_macro2::TokenStream;

pub use types::MAX_NEW_ARGS;

use crate::model::Api;
use crate::{Error, Files, render};

/// Every file of the generated crate. Nothing is returned unless everything rendered.
pub fn emit(api: &Api) -> Result<Files, Error> {
    let mut files = Files::new();
    let mut rust = |path: String, tokens: TokenStream| -> Result<(), Error> {
        let text = render::rust(&path, &api.spec_path, tokens)?;
        files.insert(path.into(), text);
        Ok(())
    };
    rust("src/lib.rs".into(), crate_root::lib_rs(api))?;
    rust("src/exports.rs".into(), crate_root::exports_rs(api))?;
    rust("src/service.rs".into(), crate_root::service_rs(api))?;
    rust("src/operations.rs".into(), crate_root::operations_rs(api))?;
    rust("src/client.rs".into(), crate_root::client_rs(api))?;
    rust("src/types.rs".into(), types::types_rs(api))?;
    rust("src/cli.rs".into(), crate_root::cli_rs(api))?;
    rust("src/testing.rs".into(), testing::testing_rs(api))?;
    rust(
        format!("src/bin/{}.rs", api.package),
        crate_root::bin_rs(api),
    )?;
    for (path, text) in operations(api)? {
        files.insert(path, text);
    }
    let template = |path: &str, e: askama::Error| Error::Render {
        path: path.to_owned(),
        message: e.to_string(),
    };
    files.insert(
        "Cargo.toml".into(),
        docs::cargo_toml(api).map_err(|e| template("Cargo.toml", e))?,
    );
    files.insert(
        "README.md".into(),
        docs::readme(api).map_err(|e| template("README.md", e))?,
    );
    files.insert("ram-policy.json".into(), docs::ram_policy(api));
    Ok(files)
}

/// The per-operation files, rendered on all cores: they are independent, and at hundreds
/// of operations rendering dominates. Tokens never cross threads (they are not `Send`);
/// each thread builds and prints its own, and the sorted map makes the order irrelevant.
fn operations(api: &Api) -> Result<Vec<(std::path::PathBuf, String)>, Error> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = api.operations.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<_>, Error>> = std::thread::scope(|scope| {
        let workers: Vec<_> = api
            .operations
            .chunks(chunk)
            .map(|ops| {
                scope.spawn(move || {
                    ops.iter()
                        .map(|op| {
                            let path = format!("src/operations/{}.rs", op.fn_name);
                            let text = render::rust(
                                &path,
                                &api.spec_path,
                                operation::operation_rs(op, &api.types),
                            )?;
                            Ok((path.into(), text))
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(Error::Render {
                        path: "src/operations".to_owned(),
                        message: "a rendering thread panicked".to_owned(),
                    })
                })
            })
            .collect()
    });
    let mut out = Vec::with_capacity(api.operations.len());
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

//! What the vector tests share (`signing_vectors.rs`, `roa_vectors.rs`,
//! `encoding_vectors.rs`): the case folders under `testdata/`, and the operation table a
//! case describes, built at run time and leaked (each test binary builds a handful).

use std::path::{Path, PathBuf};

use livegen_runtime::operation::{
    HttpMethod, Operation, ParamInfo, ParamStyle, RamAuthorization, Service,
};

/// The case folders under `runtime/<relative>`, sorted by name.
///
/// # Panics
///
/// When the folder cannot be listed.
pub fn case_dirs(relative: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `text` for the life of the test binary.
pub fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// The table livegen would generate for a case: one method, these parameters, nothing
/// else documented.
pub fn operation(
    service: &'static Service,
    action: &str,
    path: &str,
    method: HttpMethod,
    params: Vec<ParamInfo>,
) -> Operation {
    Operation {
        service,
        action: leak(action),
        summary: "",
        path: leak(path),
        methods: Box::leak(vec![method].into_boxed_slice()),
        qps: None,
        ram: RamAuthorization::UNDOCUMENTED,
        params: Box::leak(params.into_boxed_slice()),
        errors: &[],
        pagination: None,
        deprecated: false,
        idempotency_token: None,
    }
}

/// A style as the vector scripts name it (the metadata's names).
///
/// # Panics
///
/// On a name that is not a style.
pub fn style(name: &str) -> ParamStyle {
    match name {
        "simple" => ParamStyle::Simple,
        "repeatList" => ParamStyle::RepeatList,
        "flat" => ParamStyle::Flat,
        "json" => ParamStyle::Json,
        other => panic!("unknown style {other}"),
    }
}

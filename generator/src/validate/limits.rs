//! Limits on sizes and names.

use super::decode::Problems;

/// Most values one `enum` may list.
pub const MAX_ENUM_VALUES: usize = 4096;

/// Most parameters one operation may take (the official Live API's largest has 26). Each
/// becomes a field and a table row; far past this, rustc itself runs out of stack.
pub const MAX_PARAMS: usize = 512;

/// Longest action, parameter or property name accepted. The longest in the official Live
/// API has 40 characters; a name becomes a file name and identifiers, which the file
/// system limits (255 bytes) before rustc does.
pub const MAX_NAME_LEN: usize = 128;

/// Refuses a wire name longer than [`MAX_NAME_LEN`]; true when it is within the limit.
pub(super) fn name_length(what: &str, name: &str, pointer: &str, p: &mut Problems) -> bool {
    if name.chars().count() <= MAX_NAME_LEN {
        return true;
    }
    p.hinted(
        pointer,
        format!(
            "{what} is {} characters long; livegen accepts at most {MAX_NAME_LEN}",
            name.chars().count()
        ),
        "names become file names and Rust identifiers; shorten it",
    );
    false
}

/// Most properties one object schema may declare.
pub const MAX_PROPERTIES: usize = 1024;

/// Deepest nesting of objects, arrays and `$ref` hops a component schema may reach.
pub const MAX_SCHEMA_DEPTH: usize = 32;

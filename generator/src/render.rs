//! Stage 5: TokenStreams and text → file contents with an `@generated` header.
//!
//! `prettyplease` turns tokens into readable Rust; it prints items back to back, so
//! `space_items` adds the blank lines a person would, which keeps diffs readable.
//! (`xtask` then runs rustfmt once over the output so `cargo fmt --check` agrees with it.)

use proc_macro2::TokenStream;

use crate::{Error, GENERATED_MARKER, REGENERATE_COMMAND};

/// The header line every generated file starts with, in the file's comment syntax.
pub fn header(comment: &str, spec_path: &str) -> String {
    format!(
        "{comment} {GENERATED_MARKER} by livegen from {spec_path}. Do not edit: change the spec and run `{REGENERATE_COMMAND}`.\n"
    )
}

/// Pretty-prints Rust tokens as a file.
pub fn rust(path: &str, spec_path: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Render {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "{}\n{}",
        header("//", spec_path),
        space_items(&wrap_macros(&prettyplease::unparse(&file)))
    ))
}

/// The attribute that marks an item to be printed as the body of a runtime macro.
pub const MACRO_MARKER: &str = "livegen_macro";

/// Turns each item marked `#[livegen_macro(name)]` into `livegen_runtime::name! { item }`.
///
/// The runtime's table macros (`operation_error!`, `string_enum!`, `int_enum!`) take an
/// enum whose discriminants are wire codes; syn parses that as an ordinary enum, so
/// prettyplease lays it out like one (docs as `///`, one variant per line) and the item
/// is only wrapped here. Inside a macro call prettyplease would print a flat token soup.
fn wrap_macros(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(name) = trimmed
            .strip_prefix("#[livegen_macro(")
            .and_then(|rest| rest.strip_suffix(")]"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        out.push_str(&format!("{indent}livegen_runtime::{name}! {{\n"));
        // The item ends at its closing brace at its own indentation, or on its header line
        // when it has no variants (`pub enum E {}`).
        for inner in lines.by_ref() {
            if inner.is_empty() {
                out.push('\n');
            } else {
                out.push_str("    ");
                out.push_str(inner);
                out.push('\n');
            }
            let at_item = inner.starts_with(indent) && !inner[indent.len()..].starts_with(' ');
            let header_closes =
                at_item && !inner.trim_start().starts_with("//") && inner.ends_with("{}");
            if inner == format!("{indent}}}") || header_closes {
                break;
            }
        }
        out.push_str(&format!("{indent}}}\n"));
    }
    out
}

/// Inserts a blank line after each item or block that closes at its own indentation, and
/// after the module's doc comment and `use` block.
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else { break };
        if next.trim().is_empty() || line.trim().is_empty() {
            continue;
        }
        let indent = |l: &str| l.len() - l.trim_start().len();
        let same_level = indent(line) == indent(next);
        let t = line.trim();
        let n = next.trim();
        // A match arm that prettyplease wrapped as `pat => {`, one expression, `}` is put
        // back on one line by rustfmt, which keeps a blank line added here inside the match.
        let wrapped_arm = i >= 2
            && lines[i - 2].trim_end().ends_with("=> {")
            && indent(lines[i - 2]) == indent(line);
        let closes_block = (t == "}" || t == "};")
            && !wrapped_arm
            && !n.starts_with(['}', ')', ']', ','])
            && !n.starts_with("else");
        let ends_doc = t.starts_with("//!") && !n.starts_with("//!");
        let ends_uses = t.ends_with(';') && first_word(t) != first_word(n) && indent(line) == 0;
        // An associated `const` inside an impl, followed by the next documented item.
        let ends_const =
            !t.starts_with("//") && t.ends_with(';') && n.starts_with("///") && indent(line) > 0;
        if same_level && (closes_block || ends_uses || ends_const) || ends_doc {
            out.push('\n');
        }
    }
    out
}

fn first_word(line: &str) -> &str {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    line.split_whitespace().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn items_get_one_blank_line_between_them() {
        let text = "//! Doc.\nuse a::b;\nuse c::d;\npub struct A {\n    x: u8,\n}\nimpl A {\n    const C: &[u8] = &[\n        1,\n    ];\n    /// Doc;\n    /// more.\n    fn f() {}\n    fn g() {\n        if x {\n        } else {\n        }\n    }\n    fn h() {}\n}\n";
        let want = "//! Doc.\n\nuse a::b;\nuse c::d;\n\npub struct A {\n    x: u8,\n}\n\nimpl A {\n    const C: &[u8] = &[\n        1,\n    ];\n\n    /// Doc;\n    /// more.\n    fn f() {}\n    fn g() {\n        if x {\n        } else {\n        }\n    }\n\n    fn h() {}\n}\n";
        assert_eq!(space_items(text), want);
    }

    #[test]
    fn marked_items_become_macro_calls() {
        let text = "#[livegen_macro(operation_error)]\n/// Doc.\npub enum E {\n    /// A.\n    A = (400, \"A\", \"m\"),\n}\nfn f() {}\n";
        let want = "livegen_runtime::operation_error! {\n    /// Doc.\n    pub enum E {\n        /// A.\n        A = (400, \"A\", \"m\"),\n    }\n}\nfn f() {}\n";
        assert_eq!(super::wrap_macros(text), want);
    }

    #[test]
    fn an_empty_marked_enum_ends_on_its_header_line() {
        let text = "#[livegen_macro(operation_error)]\n/// Doc.\npub enum E {}\n/// Next.\npub struct S;\n";
        let want = "livegen_runtime::operation_error! {\n    /// Doc.\n    pub enum E {}\n}\n/// Next.\npub struct S;\n";
        assert_eq!(super::wrap_macros(text), want);
    }

    #[test]
    fn a_wrapped_match_arm_gets_no_blank_line() {
        let text = "match x {\n    \"long\" => {\n        Self::Long(error)\n    }\n    \"b\" => Self::B(error),\n}\n";
        assert_eq!(space_items(text), text);
    }
}

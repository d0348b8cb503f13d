//! Untrusted spec text → text that is safe in each output format.
//!
//! Every value from a spec or metadata reaches an output file through exactly one of these
//! (Rust string literals go through `proc_macro2::Literal::string` inside `quote`, JSON
//! through `serde_json`): nothing a spec says can become code, a doctest, a manifest key
//! or live HTML.

/// Spec prose made safe for rustdoc and Markdown.
///
/// - Code fences become ```` ```text ```` blocks, and indentation that Markdown would read
///   as an indented code block is reduced, so no description ever runs as a doctest.
/// - `<` becomes `&lt;` and `[`/`]` are escaped outside code spans, so HTML in a
///   description is shown, never rendered, and `[x]` is not a broken link; an unbalanced
///   backtick is escaped, so a code span cannot swallow the rest of the text.
/// - Bare URLs get angle brackets (rustdoc's `bare_urls`); tabs become spaces; list items
///   and block quotes get their continuation lines indented or marked, as clippy's
///   `doc_lazy_continuation` wants; control characters are dropped.
pub fn prose(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    let mut context = Block::None;
    for raw in text.lines() {
        let line: String = raw
            .replace('\t', "    ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let line = line.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push_str(if in_fence { "```" } else { "```text" });
            out.push('\n');
            in_fence = !in_fence;
            context = Block::None;
            continue;
        }
        if in_fence {
            // Inside a fence nothing is interpreted; a stray closing marker was handled above.
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if trimmed.is_empty() {
            out.push('\n');
            context = Block::None;
            continue;
        }
        let indent = (line.len() - trimmed.len()).min(3);
        let body = inline(trimmed);
        if let Some(width) = list_marker(trimmed) {
            out.push_str(&" ".repeat(indent.min(2)));
            context = Block::List(width + indent.min(2));
        } else if trimmed.starts_with('>') {
            context = Block::Quote;
        } else {
            match context {
                Block::List(width) => out.push_str(&" ".repeat(width)),
                Block::Quote => out.push_str("> "),
                Block::None => {}
            }
        }
        out.push_str(&body);
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    let out = out.trim_end().to_owned();
    (!out.is_empty()).then_some(out)
}

#[derive(Clone, Copy)]
enum Block {
    None,
    /// Inside a list item whose text starts this many columns in.
    List(usize),
    Quote,
}

/// The width of a list marker (`- `, `* `, `+ `, `1. `) that starts `line`.
fn list_marker(line: &str) -> Option<usize> {
    // CommonMark: the content starts after the marker and the 1–4 spaces that follow it
    // (with 5 or more, after one), so `-  item` continues at column 3.
    let gap = |rest: &str| match rest.chars().take_while(|c| *c == ' ').count() {
        0 => None,
        n @ 1..=4 => Some(n),
        _ => Some(1),
    };
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return gap(rest).map(|n| 1 + n);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    if digits == 0 || digits >= 10 {
        return None;
    }
    let rest = rest.strip_prefix(['.', ')'])?;
    gap(rest).map(|n| digits + 1 + n)
}

/// One line outside code fences: code spans are kept, everything else escaped.
fn inline(line: &str) -> String {
    let ticks = line.matches('`').count();
    let mut out = String::with_capacity(line.len() + 8);
    if ticks % 2 == 1 {
        // An unbalanced backtick would open a span that swallows what follows.
        plain(line, &mut out, true);
        return out;
    }
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            plain(part, &mut out, false);
        }
    }
    out
}

fn plain(part: &str, out: &mut String, escape_ticks: bool) {
    let mut rest = part;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || "<>[]()\"'`".contains(c) || !c.is_ascii())
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' if !out.is_empty() && !out.ends_with(['>', ' ']) => out.push_str("&gt;"),
            '&' if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '#') => {
                out.push_str("&amp;")
            }
            '`' if escape_ticks => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// A Markdown table cell: prose on one line, `|` escaped.
pub fn table_cell(text: &str) -> String {
    let one_line = prose(Some(text))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join(" ");
    one_line.replace('|', "\\|")
}

/// Text inside a Markdown code span: backticks cannot close it early.
pub fn code_span(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.contains('`') {
        format!("`` {} ``", clean.replace('`', "'"))
    } else {
        format!("`{clean}`")
    }
}

/// Text for inside an existing code span, on one line: backticks become `'` and control
/// characters (tabs and newlines included) spaces.
pub fn code_span_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A one-line TOML string, quotes included, written by the `toml` crate's encoder
/// (control characters, newlines included, become spaces first: manifest fields such as
/// `description` are one line).
pub fn toml_string(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    toml::Value::String(line).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> String {
        prose(Some(text)).unwrap_or_default()
    }

    #[test]
    fn fences_become_text_blocks() {
        assert_eq!(
            p("Run:\n```rust\nstd::process::exit(1);\n```"),
            "Run:\n```text\nstd::process::exit(1);\n```"
        );
        assert_eq!(p("open\n```\nno close"), "open\n```text\nno close\n```");
    }

    #[test]
    fn indented_code_blocks_cannot_form() {
        // Whatever the layout, no line keeps the four spaces that start a code block.
        let out = p("a\n\n        fn main() {}");
        assert!(out.contains("fn main() {}"), "{out:?}");
        assert!(out.lines().all(|l| !l.starts_with("    ")), "{out:?}");
    }

    #[test]
    fn html_and_links_are_inert() {
        assert_eq!(
            p("x `a` <script>alert(1)</script> [y](z)"),
            "x `a` &lt;script&gt;alert(1)&lt;/script&gt; \\[y\\](z)"
        );
        assert_eq!(p("odd ` tick <b>"), "odd \\` tick &lt;b&gt;");
        assert_eq!(p("see https://x.y/z."), "see <https://x.y/z>.");
        assert_eq!(p("a &amp; b"), "a &amp;amp; b");
    }

    #[test]
    fn lists_and_quotes_continue_properly() {
        assert_eq!(p("- one\ntwo\n\nthree"), "- one\n  two\n\nthree");
        assert_eq!(p("10. ten\nmore"), "10. ten\n    more");
        // The content column counts every space after the marker (ECS's
        // `DeleteNetworkInterface` writes `-  item`).
        assert_eq!(p("-  wide\nmore"), "-  wide\n   more");
        assert_eq!(p("1)   wide\nmore"), "1)   wide\n     more");
        assert_eq!(p("-      code\nmore"), "-      code\n  more");
        assert_eq!(p(">notice\nmore"), ">notice\n> more");
        assert_eq!(p("a\tb"), "a    b");
    }

    #[test]
    fn toml_strings_cannot_break_out() {
        // The value parses back whole, on one line, with no `build` key beside it.
        let text = "x\"\nbuild = \"evil.rs";
        let encoded = toml_string(text);
        assert!(!encoded.contains('\n'), "{encoded}");
        let doc: toml::Table = toml::from_str(&format!("description = {encoded}")).expect("parses");
        assert_eq!(doc.len(), 1, "{doc:?}");
        assert_eq!(doc["description"].as_str(), Some("x\" build = \"evil.rs"));
    }

    #[test]
    fn table_cells_stay_in_their_cell() {
        assert_eq!(table_cell("a | b\nc"), "a \\| b c");
        assert_eq!(code_span("a`b"), "`` a'b ``");
        assert_eq!(code_span_text("a`\tb\nc"), "a' b c");
    }
}

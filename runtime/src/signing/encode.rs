//! The one percent-encoder and form encoder: queries, canonical forms and form bodies of
//! both signature versions, and query parsing.
//!
//! Both SDKs end up with the same rule: RFC 3986 unreserved characters
//! (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes `%XX` with uppercase hex.
//! So a space is `%20` (never `+`), `*` is `%2A` and `~` stays `~`. Form bodies differ in
//! one byte: a space is `+` ([`quote_plus`], Python's `urlencode`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but the RFC 3986 unreserved characters.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `value` the way both signatures canonicalise it.
pub fn percent_encode(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Percent-encodes like Python's `quote_plus`: as [`percent_encode`], except that a space
/// becomes `+`.
pub fn quote_plus(value: &str) -> String {
    value
        .split(' ')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("+")
}

/// Joins `name=value` pairs with `&`, both sides percent-encoded, in the given order.
pub fn encode_pairs<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    join_pairs(pairs, percent_encode)
}

/// An `application/x-www-form-urlencoded` body: `name=value` pairs in the given order,
/// both sides encoded with [`quote_plus`], joined with `&` (Python's `urlencode`).
pub fn form_body(pairs: &[(String, String)]) -> String {
    join_pairs(
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        quote_plus,
    )
}

fn join_pairs<'p>(
    pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    encode: fn(&str) -> String,
) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// Sorts pairs by name (then value), the order both canonical forms use.
///
/// Byte order of UTF-8 equals code point order, which is what the SDKs' `sorted` uses.
pub fn sorted_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted
}

/// Decodes a raw query string (without `?`) or a form body into pairs, in order.
///
/// `+` means a space, as in HTML forms: the V3 SDK sends spaces that way (Python's
/// `urlencode`), while a literal `+` always arrives as `%2B`. A segment without `=` is a
/// name with an empty value; empty segments are skipped. Malformed escapes are kept
/// literally, as Python's `unquote` does.
///
/// # Errors
///
/// When a name or value does not decode to UTF-8.
pub fn decode_query(raw: &str) -> Result<Vec<(String, String)>, std::str::Utf8Error> {
    raw.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

fn decode_component(raw: &str) -> Result<String, std::str::Utf8Error> {
    let spaced = raw.replace('+', " ");
    Ok(percent_decode_str(&spaced).decode_utf8()?.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_unreserved() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(percent_encode("a b*c+d/e=f&g"), "a%20b%2Ac%2Bd%2Fe%3Df%26g");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode("🎥"), "%F0%9F%8E%A5");
        assert_eq!(percent_encode("%"), "%25");
    }

    #[test]
    fn form_bodies_write_a_space_as_plus() -> Result<(), std::str::Utf8Error> {
        assert_eq!(quote_plus("a b*c+d/~中"), "a+b%2Ac%2Bd%2F~%E4%B8%AD");
        assert_eq!(quote_plus(" "), "+");
        // Python: `urllib.parse.quote_plus("a b+c*~/中=&")`.
        assert_eq!(quote_plus("a b+c*~/中=&"), "a+b%2Bc%2A~%2F%E4%B8%AD%3D%26");
        let pairs = [("A b".to_owned(), "x y&z".to_owned())];
        assert_eq!(form_body(&pairs), "A+b=x+y%26z");
        assert_eq!(decode_query(&form_body(&pairs))?, pairs);
        Ok(())
    }

    #[test]
    fn decodes_form_style_and_rfc3986() -> Result<(), std::str::Utf8Error> {
        assert_eq!(
            decode_query("a=x+y&b=x%20y&c=%2B&d&&e=")?,
            vec![
                ("a".to_owned(), "x y".to_owned()),
                ("b".to_owned(), "x y".to_owned()),
                ("c".to_owned(), "+".to_owned()),
                ("d".to_owned(), String::new()),
                ("e".to_owned(), String::new()),
            ]
        );
        assert_eq!(
            decode_query("a=%zz")?,
            vec![("a".to_owned(), "%zz".to_owned())]
        );
        assert!(decode_query("a=%FF").is_err());
        Ok(())
    }

    #[test]
    fn round_trips() -> Result<(), std::str::Utf8Error> {
        let value = "a b+c*~/中🎥%&=";
        let encoded = encode_pairs([("k", value)]);
        assert_eq!(
            decode_query(&encoded)?,
            vec![("k".to_owned(), value.to_owned())]
        );
        Ok(())
    }
}

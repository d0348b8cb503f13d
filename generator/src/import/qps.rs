//! The per-account QPS limit stated in an operation's description prose.

/// The QPS limit stated in a description, e.g. `本接口的单用户QPS限制为30次/秒`.
pub fn qps_from_prose(text: &str) -> Option<(u32, &'static str)> {
    const MARK: &str = "单用户QPS限制为";
    let at = text.find(MARK)? + MARK.len();
    let rest = &text[at..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let limit: u32 = digits.parse().ok().filter(|n| *n > 0)?;
    let unit = rest[digits.len()..].strip_prefix("次/")?;
    let per = if unit.starts_with("秒") {
        "second"
    } else if unit.starts_with("分钟") {
        "minute"
    } else {
        return None;
    };
    Some((limit, per))
}

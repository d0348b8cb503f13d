//! Text forms of values exactly as the official Python Tea SDK writes them: numbers as
//! Python's `str`, JSON as `json.dumps(ensure_ascii=False, separators=(",", ":"))`. (Form
//! bodies, `urllib.parse.urlencode`, are in `signing::encode` with the other encoders.)

use serde_json::{Number, Value};

/// A number as Python's `str` prints it: integers in decimal, floats as the shortest text
/// that reads back to the same value, in exponent form (`1e+16`, `1.5e-05`) only below
/// `1e-4` or from `1e16`, otherwise with at least one decimal (`1.0`).
pub fn python_number(number: &Number) -> String {
    if number.is_f64() {
        number
            .as_f64()
            .map_or_else(|| number.to_string(), python_float)
    } else {
        number.to_string()
    }
}

/// A float as Python's `repr`/`str` prints it.
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Python's repr.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    if !(-4..16).contains(&exponent) {
        let magnitude = exponent.unsigned_abs();
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}e{exp_sign}{magnitude:02}");
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let point = exponent + 1; // digits before the decimal point
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if digits.len() > point {
            format!("{}.{}", &digits[..point], &digits[point..])
        } else {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        }
    };
    format!("{sign}{body}")
}

/// `value` as the SDK's `DaraCore.to_json_string` writes it: compact separators, non-ASCII
/// kept, object keys in their given order, floats as Python prints them; a string value is
/// returned as is, not quoted.
pub fn sdk_json(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => {
            let mut out = String::new();
            write_json(other, &mut out);
            out
        }
    }
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(&python_number(number)),
        Value::String(text) => write_json_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, item)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// Python's `json` escapes with `ensure_ascii=False`: `"`, `\`, and C0 controls only.
fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        for (value, text) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (-2.25, "-2.25"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (100.0, "100.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e300, "1e+300"),
            (123.456, "123.456"),
            (0.30000000000000004, "0.30000000000000004"),
        ] {
            assert_eq!(python_float(value), text, "{value:?}");
        }
    }

    #[test]
    fn json_matches_python_dumps() {
        let value = serde_json::json!({"b": [true, null, 1.0, 2, "中\u{1}\"\\\n"], "a": {}});
        assert_eq!(
            sdk_json(&value),
            "{\"b\":[true,null,1.0,2,\"中\\u0001\\\"\\\\\\n\"],\"a\":{}}"
        );
        assert_eq!(sdk_json(&Value::String("raw".to_owned())), "raw");
    }
}

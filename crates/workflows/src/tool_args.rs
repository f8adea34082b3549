//! Tool arguments checked against the tool's own `inputSchema`, the one `tools/list` shows:
//! the schema and its enforcement cannot disagree.
//!
//! The subset of JSON Schema our tools use: `type` (`object`, `string`, `integer`, `array`),
//! `properties`, `required`, `additionalProperties: false`, `minimum`/`maximum`,
//! `minLength`/`maxLength`, `minItems`/`maxItems` and `items`. A schema keyword outside the
//! subset is a programming error caught by this module's tests over every tool.

use serde_json::Value;

/// Keywords this validator understands (anything else in a tool schema fails the tests).
#[cfg(test)]
pub(crate) const KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "items",
    "description",
];

/// Check `value` against `schema`; the error names the offending argument.
pub(crate) fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let name = if at.is_empty() { "the arguments" } else { at };
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let type_ok = match ty {
        "object" => value.is_object(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        _ => true,
    };
    if !type_ok {
        let article = if ty == "integer" || ty == "array" || ty == "object" {
            "an"
        } else {
            "a"
        };
        let name = if at.is_empty() {
            "the arguments".to_owned()
        } else {
            format!("`{at}`")
        };
        return Err(format!("{name} must be {article} {ty}"));
    }
    let bound = |k: &str| schema.get(k).and_then(Value::as_i64);
    if let Some(n) = value.as_i64() {
        if let Some(min) = bound("minimum").filter(|m| n < *m) {
            return Err(format!("`{name}` must be at least {min}"));
        }
        if let Some(max) = bound("maximum").filter(|m| n > *m) {
            return Err(format!("`{name}` must be at most {max}"));
        }
    } else if value.is_u64() {
        if let Some(max) = bound("maximum") {
            return Err(format!("`{name}` must be at most {max}"));
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as i64;
        if let Some(min) = bound("minLength").filter(|m| len < *m) {
            return Err(format!("`{name}` must be at least {min} characters long"));
        }
        if let Some(max) = bound("maxLength").filter(|m| len > *m) {
            return Err(format!("`{name}` must be at most {max} characters long"));
        }
    }
    if let Some(items) = value.as_array() {
        let len = items.len() as i64;
        if let Some(min) = bound("minItems").filter(|m| len < *m) {
            return Err(format!("`{name}` must have at least {min} items"));
        }
        if let Some(max) = bound("maxItems").filter(|m| len > *m) {
            return Err(format!("`{name}` must have at most {max} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{name}[{i}]"))?;
            }
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(required) {
                return Err(format!("`{required}` is required"));
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, v) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(s) => check(s, v, key)?,
                None if closed => return Err(format!("unknown argument `{key}`")),
                None => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_bounds_and_unknown_properties_are_refused() {
        let schema = json!({"type": "object", "properties": {
            "limit": {"type": "integer", "minimum": 1, "maximum": 10},
            "tables": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2},
            "sql": {"type": "string", "minLength": 1}
        }, "required": ["sql"], "additionalProperties": false});
        assert!(check(&schema, &json!({"sql": "x", "limit": 3}), "").is_ok());
        for (bad, why) in [
            (
                json!({"sql": "x", "limit": 0}),
                "`limit` must be at least 1",
            ),
            (
                json!({"sql": "x", "limit": 11}),
                "`limit` must be at most 10",
            ),
            (
                json!({"sql": "x", "limit": "3"}),
                "`limit` must be an integer",
            ),
            (
                json!({"sql": "x", "limit": 1.5}),
                "`limit` must be an integer",
            ),
            (
                json!({"sql": "x", "limit": u64::MAX}),
                "`limit` must be at most 10",
            ),
            (
                json!({"sql": "x", "tables": "t"}),
                "`tables` must be an array",
            ),
            (
                json!({"sql": "x", "tables": []}),
                "`tables` must have at least 1 items",
            ),
            (
                json!({"sql": "x", "tables": [1]}),
                "`tables[0]` must be a string",
            ),
            (json!({"sql": "x", "other": 1}), "unknown argument `other`"),
            (
                json!({"sql": ""}),
                "`sql` must be at least 1 characters long",
            ),
            (json!({}), "`sql` is required"),
            (json!([]), "the arguments must be an object"),
        ] {
            assert_eq!(check(&schema, &bad, "").unwrap_err(), why, "{bad}");
        }
    }
}

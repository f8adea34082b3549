//! A small structural JSON Schema check (the subset `docs/schema.json` uses: `type`,
//! `required`, `properties`, `additionalProperties: false`, `items`, `enum`, `oneOf`, `$ref`
//! to `#/$defs/...`, `minimum`). A heavy validator crate is not worth its build time here.

use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(include_str!("../../../../docs/schema.json"))
        .expect("docs/schema.json parses")
}

/// Panic with every violation of `docs/schema.json` in `doc`.
pub fn validate(doc: &Value) {
    let root = schema();
    let mut errs = Vec::new();
    check(&root, &root, doc, "$", &mut errs);
    assert!(
        errs.is_empty(),
        "JSON does not match docs/schema.json:\n{}",
        errs.join("\n")
    );
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

fn check(root: &Value, s: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return check(root, &root["$defs"][name], v, at, errs);
    }
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let matching = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                check(root, o, v, at, &mut e);
                e.is_empty()
            })
            .count();
        if matching != 1 {
            errs.push(format!("{at}: matches {matching} of oneOf"));
        }
        return;
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_ok(t, v) => {
            errs.push(format!("{at}: expected {t}, got {v}"))
        }
        Some(Value::Array(ts)) if !ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)) => {
            errs.push(format!("{at}: expected one of {ts:?}, got {v}"))
        }
        _ => {}
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            errs.push(format!("{at}: {n} < {min}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = r.as_str() {
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: missing `{k}`"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(root, ps, val, &format!("{at}.{k}"), errs),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errs.push(format!("{at}: unexpected `{k}`"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            check(root, items, item, &format!("{at}[{i}]"), errs);
        }
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let good = serde_json::json!({"version": 2, "engine": "sqlite", "server_version": null, "tables": [], "extra": {}});
    validate(&good);
    for bad in [
        serde_json::json!({"engine": "sqlite", "server_version": null, "tables": [], "extra": {}}),
        serde_json::json!({"engine": "redis", "server_version": null, "tables": [], "extra": {}}),
        serde_json::json!({"engine": "sqlite", "tables": [], "extra": {}}),
        serde_json::json!({"engine": "sqlite", "server_version": null, "tables": [{"name": 1}], "extra": {}}),
        serde_json::json!({"engine": "sqlite", "server_version": null, "tables": [], "extra": {}, "more": 1}),
    ] {
        let r = std::panic::catch_unwind(|| validate(&bad));
        assert!(r.is_err(), "accepted {bad}");
    }
}

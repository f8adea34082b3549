//! ClickHouse's read-only query, read as it streams: the HTTP answer is decoded piece by
//! piece ([`Body`]) and its `JSONCompact` text line by line ([`Answer`]), so reading stops at
//! the row or byte limit without ever holding more than one line beyond the result.
//!
//! ClickHouse writes `JSONCompact` with the column list first and one row per line:
//!
//! ```text
//! {
//!     "meta": [ { "name": "n", "type": "UInt64" } ],
//!     "data":
//!     [
//!         ["1"],
//!         ["2"]
//!     ],
//!     "rows": 2, …
//! }
//! ```
//!
//! Values are typed by the column's declared type: 64-bit and wider integers and decimals
//! (which ClickHouse quotes) become JSON numbers when exact and stay text otherwise, also
//! inside arrays and tuples; strings are cut at the value limit; arrays and tuples stay JSON
//! unless their text is over the value limit. NaN and infinities come as `null` (ClickHouse's
//! own JSON output). A line longer than the byte budget ends the result (truncated by bytes):
//! ClickHouse cannot cut a value on the server without rewriting the query.

use crate::read_query::{decimal, Collector, NOT_A_QUERY};
use crate::{ReadLimits, ReadResult, Truncation};
use serde_json::Value as Json;

/// The declared type of a column, as far as reading it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChType {
    /// A 64-bit or wider integer, or a decimal: quoted by ClickHouse.
    Wide,
    /// `Array(T)`.
    Array(Box<ChType>),
    /// `Tuple(T1, T2, …)` (named or not), written as a JSON array.
    Tuple(Vec<ChType>),
    /// Anything else, read as ClickHouse wrote it.
    Other,
}

impl ChType {
    /// Parse a ClickHouse type name (`Nullable(Array(UInt64))`, `Tuple(a Int64, b String)`).
    pub(super) fn parse(t: &str) -> ChType {
        let t = t.trim();
        let (name, args) = match t.find('(') {
            Some(i) if t.ends_with(')') => (&t[..i], Some(&t[i + 1..t.len() - 1])),
            _ => (t, None),
        };
        match (name, args) {
            ("Nullable" | "LowCardinality", Some(inner)) => ChType::parse(inner),
            ("Array", Some(inner)) => ChType::Array(Box::new(ChType::parse(inner))),
            ("Tuple", Some(inner)) => ChType::Tuple(
                split_top_level(inner)
                    .into_iter()
                    .map(|e| ChType::parse(strip_element_name(e)))
                    .collect(),
            ),
            (
                "Int64" | "UInt64" | "Int128" | "UInt128" | "Int256" | "UInt256" | "Decimal"
                | "Decimal32" | "Decimal64" | "Decimal128" | "Decimal256",
                _,
            ) => ChType::Wide,
            _ => ChType::Other,
        }
    }
}

/// `a, Tuple(b, c), 'x,y'` → `["a", "Tuple(b, c)", "'x,y'"]`: commas outside parentheses and
/// quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, false, 0usize);
    let mut chars = s.char_indices();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '\\' if quote => {
                chars.next();
            }
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth = depth.saturating_sub(1),
            ',' if !quote && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `name Type` (a named tuple element) → `Type`; a bare type is returned as it is.
fn strip_element_name(e: &str) -> &str {
    let e = e.trim();
    match e.split_once(' ') {
        Some((first, rest)) if !first.contains('(') => rest,
        _ => e,
    }
}

/// A value as its column type says it should read.
fn typed(c: &mut Collector, t: &ChType, v: Json) -> Json {
    match (t, v) {
        (ChType::Wide, Json::String(s)) => decimal(&s),
        (_, Json::String(s)) => c.text(&s),
        (ChType::Array(inner), Json::Array(items)) => {
            let items = items.into_iter().map(|v| nested(inner, v)).collect();
            c.compound(Json::Array(items))
        }
        (ChType::Tuple(types), Json::Array(items)) => {
            let items = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| nested(types.get(i).unwrap_or(&ChType::Other), v))
                .collect();
            c.compound(Json::Array(items))
        }
        (_, v @ (Json::Array(_) | Json::Object(_))) => c.compound(v),
        (_, v) => v,
    }
}

/// A value inside an array or tuple (the whole is cut, not its parts).
fn nested(t: &ChType, v: Json) -> Json {
    match (t, v) {
        (ChType::Wide, Json::String(s)) => decimal(&s),
        (ChType::Array(inner), Json::Array(items)) => {
            Json::Array(items.into_iter().map(|v| nested(inner, v)).collect())
        }
        (ChType::Tuple(types), Json::Array(items)) => Json::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| nested(types.get(i).unwrap_or(&ChType::Other), v))
                .collect(),
        ),
        (_, v) => v,
    }
}

#[derive(Debug)]
enum Part {
    /// Before `"data":`: the header text collected so far.
    Meta(String),
    /// Reading rows.
    Data {
        collector: Collector,
        types: Vec<ChType>,
    },
    /// After the rows (statistics), or stopped at a limit.
    Done(Collector),
}

/// A `JSONCompact` answer read line by line into a bounded result.
#[derive(Debug)]
pub(super) struct Answer {
    part: Part,
    limits: ReadLimits,
}

/// The first ClickHouse exception text in `line` (`Code: 60, e.displayText() = …`).
fn exception(line: &str) -> Option<String> {
    line.find("Code: ").map(|i| line[i..].trim().to_owned())
}

impl Answer {
    pub(super) fn new(limits: &ReadLimits) -> Answer {
        Answer {
            part: Part::Meta(String::new()),
            limits: *limits,
        }
    }

    /// The longest line worth reading: one row within the byte budget, plus JSON framing.
    pub(super) fn max_line(&self) -> usize {
        self.limits.max_bytes.saturating_add(64 << 10)
    }

    /// Take one line (without its newline). `Ok(false)`: the result is full; stop reading
    /// (the statement may still be running). `Err`: the server's exception or an unreadable answer.
    pub(super) fn line(&mut self, line: &str) -> Result<bool, String> {
        let trimmed = line.trim();
        match &mut self.part {
            Part::Meta(header) => {
                if trimmed == "\"data\":" {
                    #[derive(serde::Deserialize)]
                    struct Column {
                        name: String,
                        #[serde(rename = "type")]
                        ty: String,
                    }
                    #[derive(serde::Deserialize)]
                    struct Header {
                        meta: Vec<Column>,
                    }
                    let h: Header = serde_json::from_str(&format!("{header}\"data\": []}}"))
                        .map_err(|e| format!("unreadable JSONCompact header: {e}"))?;
                    let types = h.meta.iter().map(|c| ChType::parse(&c.ty)).collect();
                    let names = h.meta.into_iter().map(|c| c.name).collect();
                    self.part = Part::Data {
                        collector: Collector::new(names, &self.limits),
                        types,
                    };
                } else if let Some(e) = exception(trimmed) {
                    return Err(e);
                } else {
                    header.push_str(line);
                    header.push('\n');
                    if header.len() > self.limits.max_bytes {
                        return Err("the column list of the answer is over the byte limit".into());
                    }
                }
                Ok(true)
            }
            Part::Data { collector, types } => {
                if trimmed == "[" || trimmed.is_empty() {
                    return Ok(true);
                }
                if trimmed.starts_with(']') {
                    self.finish_data();
                    return Ok(true);
                }
                let row: Vec<Json> =
                    serde_json::from_str(trimmed.trim_end_matches(',')).map_err(|e| {
                        exception(trimmed)
                            .unwrap_or_else(|| format!("unreadable JSONCompact row: {e}"))
                    })?;
                let values = row
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| typed(collector, types.get(i).unwrap_or(&ChType::Other), v))
                    .collect();
                if collector.push(values) {
                    Ok(true)
                } else {
                    self.finish_data();
                    Ok(false)
                }
            }
            Part::Done(_) => Ok(true),
        }
    }

    /// A line was longer than [`Answer::max_line`]: the result ends here.
    pub(super) fn too_long(&mut self) {
        if let Part::Data { collector, .. } = &mut self.part {
            collector.stop(Truncation::Bytes);
        }
        self.finish_data();
    }

    fn finish_data(&mut self) {
        let part = std::mem::replace(&mut self.part, Part::Meta(String::new()));
        self.part = match part {
            Part::Data { collector, .. } => Part::Done(collector),
            other => other,
        };
    }

    /// The result once the body has ended (or reading stopped).
    pub(super) fn finish(self) -> Result<ReadResult, String> {
        match self.part {
            Part::Done(c) => Ok(c.finish()),
            Part::Data { collector, .. } => Ok(collector.finish()),
            Part::Meta(h) if h.trim().is_empty() => Err(NOT_A_QUERY.into()),
            Part::Meta(h) => Err(exception(&h)
                .unwrap_or_else(|| "unreadable JSONCompact answer (no `data` section)".to_owned())),
        }
    }
}

/// An HTTP/1.1 response decoded as its bytes arrive: the status once the head is in, then
/// the body, plain or chunked, handed out in pieces.
#[derive(Debug, Default)]
pub(super) struct Body {
    raw: Vec<u8>,
    head: Option<Head>,
    /// Bytes left in the current chunk (chunked) or in the body (sized).
    left: usize,
    /// Chunked: the `\r\n` after a chunk's data is still to skip.
    after_chunk: bool,
    /// The last (zero) chunk or the sized body's end was reached.
    pub(super) ended: bool,
}

#[derive(Debug, Clone, Copy)]
struct Head {
    status: u16,
    chunked: bool,
    sized: bool,
}

impl Body {
    /// Whether everything the server sent is in: the last chunk of a chunked body arrived
    /// (a plain body ends when the connection does).
    pub(super) fn complete(&self) -> bool {
        self.ended || self.head.is_some_and(|h| !h.chunked)
    }

    /// The status, once the head is in.
    pub(super) fn status(&self) -> Option<u16> {
        self.head.map(|h| h.status)
    }

    /// Take `bytes` from the wire; append the body bytes they complete to `out`.
    pub(super) fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.raw.extend_from_slice(bytes);
        if self.head.is_none() {
            let Some(split) = self.raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                if self.raw.len() > 64 << 10 {
                    return Err("malformed HTTP response (no header end)".into());
                }
                return Ok(());
            };
            let head = String::from_utf8_lossy(&self.raw[..split]).to_ascii_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse::<u16>().ok())
                .ok_or("malformed HTTP status line")?;
            let chunked = head
                .lines()
                .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            self.head = Some(Head {
                status,
                chunked,
                sized: !chunked && length.is_some(),
            });
            self.left = if chunked {
                0
            } else {
                length.unwrap_or(usize::MAX)
            };
            self.raw.drain(..split + 4);
        }
        let Some(head) = self.head else {
            return Ok(());
        };
        if !head.chunked {
            let n = self.raw.len().min(self.left);
            out.extend_from_slice(&self.raw[..n]);
            self.raw.clear();
            if head.sized {
                self.left -= n;
                self.ended = self.left == 0;
            }
            return Ok(());
        }
        let mut pos = 0;
        while !self.ended {
            if self.left > 0 {
                let n = (self.raw.len() - pos).min(self.left);
                out.extend_from_slice(&self.raw[pos..pos + n]);
                pos += n;
                self.left -= n;
                if self.left > 0 {
                    break;
                }
                self.after_chunk = true;
            }
            if self.after_chunk {
                if self.raw.len() - pos < 2 {
                    break;
                }
                pos += 2;
                self.after_chunk = false;
            }
            let Some(end) = self.raw[pos..].windows(2).position(|w| w == b"\r\n") else {
                break;
            };
            let size_text = String::from_utf8_lossy(&self.raw[pos..pos + end]);
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| "malformed chunk size")?;
            pos += end + 2;
            if size == 0 {
                self.ended = true;
            }
            self.left = size;
        }
        self.raw.drain(..pos);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn limits(rows: usize) -> ReadLimits {
        ReadLimits {
            max_rows: rows,
            max_bytes: 1 << 20,
            max_value_bytes: 12,
            timeout: Duration::from_secs(1),
        }
    }

    const ANSWER: &str = "{\n\t\"meta\":\n\t[\n\t\t{\n\t\t\t\"name\": \"n\",\n\t\t\t\"type\": \"Nullable(UInt64)\"\n\t\t},\n\t\t{\n\t\t\t\"name\": \"a\",\n\t\t\t\"type\": \"Array(Tuple(Int64, String))\"\n\t\t},\n\t\t{\n\t\t\t\"name\": \"s\",\n\t\t\t\"type\": \"String\"\n\t\t}\n\t],\n\n\t\"data\":\n\t[\n\t\t[\"18446744073709551615\", [[\"-1\", \"9\"]], \"0123456789abc\"],\n\t\t[null, [], \"x\"]\n\t],\n\n\t\"rows\": 2\n}\n";

    fn read(text: &str, rows: usize) -> Result<ReadResult, String> {
        let mut a = Answer::new(&limits(rows));
        for line in text.lines() {
            if !a.line(line)? {
                break;
            }
        }
        a.finish()
    }

    #[test]
    fn rows_are_typed_by_the_declared_column_types() {
        let r = read(ANSWER, 10).unwrap();
        assert_eq!(r.columns, ["n", "a", "s"]);
        assert_eq!(
            r.rows[0],
            [
                json!(18446744073709551615u64),
                json!([[-1, "9"]]),
                json!("0123456789ab…[truncated]")
            ]
        );
        assert_eq!(r.rows[1], [Json::Null, json!([]), json!("x")]);
        assert_eq!(r.truncated, None);
        let r = read(ANSWER, 1).unwrap();
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.truncated, Some(Truncation::Rows));
    }

    #[test]
    fn exceptions_and_empty_answers_are_errors() {
        let e = read(
            "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist\n",
            5,
        );
        assert!(e.unwrap_err().starts_with("Code: 60"));
        let cut = ANSWER.replace(
            "[null, [], \"x\"]",
            "Code: 395, e.displayText() = DB::Exception: boom",
        );
        assert!(read(&cut, 5).unwrap_err().starts_with("Code: 395"));
        assert_eq!(read("\n", 5).unwrap_err(), NOT_A_QUERY);
    }

    #[test]
    fn types_parse_through_wrappers_and_names() {
        assert_eq!(
            ChType::parse("LowCardinality(Nullable(Int128))"),
            ChType::Wide
        );
        assert_eq!(ChType::parse("Decimal(38, 2)"), ChType::Wide);
        assert_eq!(
            ChType::parse("Tuple(a Int64, b Enum8('x,y' = 1), c Array(UInt8))"),
            ChType::Tuple(vec![
                ChType::Wide,
                ChType::Other,
                ChType::Array(Box::new(ChType::Other))
            ])
        );
        assert_eq!(ChType::parse("DateTime('UTC')"), ChType::Other);
    }

    #[test]
    fn bodies_decode_in_any_pieces() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n";
        for step in [1, 2, 3, 7, raw.len()] {
            let (mut b, mut out) = (Body::default(), Vec::new());
            for piece in raw.chunks(step) {
                b.feed(piece, &mut out).unwrap();
            }
            assert_eq!(out, b"Wikipedia ", "pieces of {step}");
            assert!(b.ended);
            assert_eq!(b.status(), Some(200));
        }
        let (mut b, mut out) = (Body::default(), Vec::new());
        b.feed(
            b"HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nab",
            &mut out,
        )
        .unwrap();
        b.feed(b"cdef", &mut out).unwrap();
        assert_eq!((out.as_slice(), b.ended), (&b"abc"[..], true));
        let mut b = Body::default();
        assert!(b
            .feed(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
                &mut Vec::new()
            )
            .is_err());
    }
}

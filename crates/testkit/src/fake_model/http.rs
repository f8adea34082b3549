//! Just enough HTTP/1.1 to read one request and write one streamed response.
//!
//! Hand-written instead of pulling hyper/axum into every test build: the fake model serves a
//! single client (reqwest inside Codex) that sends `POST` with a `content-length` body, and
//! every response is sent with `connection: close`, so no keep-alive, pipelining or chunked
//! responses are needed. Chunked request bodies are still decoded for robustness.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The largest request head accepted (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body accepted (Codex sends ~30 KB; long histories stay far below this).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads one request; `Ok(None)` when the peer closed before sending anything.
pub(crate) async fn read_request<R: AsyncBufRead + Unpin>(
    r: &mut R,
) -> io::Result<Option<Request>> {
    let mut head_len = 0;
    let mut line = String::new();
    // Skip blank lines before the request line (RFC 9112 §2.2 robustness).
    let request_line = loop {
        line.clear();
        let n = r.read_line(&mut line).await?;
        if n == 0 {
            return Ok(None);
        }
        head_len += n;
        if head_len > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        if !line.trim().is_empty() {
            break line.trim().to_string();
        }
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(invalid(format!("bad request line `{request_line}`")));
    };
    let (method, path) = (method.to_string(), path.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        let n = r.read_line(&mut line).await?;
        if n == 0 {
            return Err(invalid("eof inside request head"));
        }
        head_len += n;
        if head_len > MAX_HEAD {
            return Err(invalid("request head too large"));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(r).await?
    } else {
        let len: usize = match header("content-length") {
            Some(v) => v
                .parse()
                .map_err(|_| invalid(format!("bad content-length `{v}`")))?,
            None => 0,
        };
        if len > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).await?;
        body
    };
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

async fn read_chunked<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).await?;
        let size_text = line.trim().split(';').next().unwrap_or("").to_string();
        let size = usize::from_str_radix(&size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size `{size_text}`")))?;
        if size == 0 {
            // Trailers until the blank line.
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(invalid("request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..]).await?;
        line.clear();
        r.read_line(&mut line).await?; // the CRLF after the chunk
    }
}

/// The head of a response whose body runs until the connection closes.
pub(crate) fn response_head(
    status: u16,
    content_type: &str,
    content_length: Option<usize>,
) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncache-control: no-cache\r\nconnection: close\r\n"
    );
    if let Some(len) = content_length {
        head.push_str(&format!("content-length: {len}\r\n"));
    }
    head.push_str("\r\n");
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(raw: &[u8]) -> io::Result<Option<Request>> {
        let mut r = tokio::io::BufReader::new(raw);
        read_request(&mut r).await
    }

    #[tokio::test]
    async fn content_length_body() {
        let req = parse(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/v1/responses");
        assert_eq!(req.headers[0], ("host".into(), "x".into()));
        assert_eq!(req.body, b"body");
    }

    #[tokio::test]
    async fn chunked_body() {
        let req = parse(b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(req.body, b"abcde");
    }

    #[tokio::test]
    async fn bad_input_is_an_error_not_a_panic() {
        assert!(parse(b"").await.unwrap().is_none());
        assert!(parse(b"GARBAGE\r\n\r\n").await.is_err());
        assert!(parse(b"POST / HTTP/1.1\r\ncontent-length: x\r\n\r\n")
            .await
            .is_err());
        assert!(parse(b"POST / HTTP/1.1\r\ncontent-length: 10\r\n\r\nshort")
            .await
            .is_err());
        assert!(
            parse(b"POST / HTTP/1.1\r\ncontent-length: 99999999999\r\n\r\n")
                .await
                .is_err()
        );
        assert!(
            parse(b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n")
                .await
                .is_err()
        );
        let huge = format!("POST / HTTP/1.1\r\nx: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(parse(huge.as_bytes()).await.is_err());
    }
}

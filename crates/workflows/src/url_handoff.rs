//! Handing a database URL (which may hold a password) to the MCP server Codex starts, without
//! the URL ever reaching Codex, a command line or a file.
//!
//! The process that knows the URL opens a [`UrlHandoff`]: a Unix socket in a fresh private
//! folder (mode 0700) and a random one-session token. Codex is told only where the socket is and
//! the token ([`UrlHandoff::env`], for the server's `env` in Codex's configuration). The MCP
//! server, started by Codex, calls [`receive_url`]: it connects, sends the token and reads the
//! URL. The socket answers only while the handoff lives; dropping it (normal end, error or
//! interrupt) stops serving and removes the folder, so nothing is left on disk, and the socket
//! file never holds the secret anyway.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let handoff = xldb_workflows::UrlHandoff::start("postgres://app:s3cret@db/shop")?;
//! // register the MCP server with `handoff.env()` as its environment, run Codex, then:
//! drop(handoff);
//! # Ok(())
//! # }
//! ```

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable naming the handoff socket.
pub const HANDOFF_SOCKET_ENV: &str = "XLDB_CODEX_DB_HANDOFF";
/// The environment variable carrying the handoff token.
pub const HANDOFF_TOKEN_ENV: &str = "XLDB_CODEX_DB_TOKEN";

/// A database URL offered to the MCP server on a private Unix socket (see the module docs).
#[derive(Debug)]
pub struct UrlHandoff {
    dir: PathBuf,
    socket: PathBuf,
    token: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl UrlHandoff {
    /// Start offering `url`. Errors never contain the URL.
    pub fn start(url: &str) -> std::io::Result<UrlHandoff> {
        let token = random_hex(16)?;
        let dir = std::env::temp_dir().join(format!(
            "xldb-codex-{}-{}",
            std::process::id(),
            random_hex(6)?
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        // A folder that already existed with other rights is refused by `create`; make sure of
        // the mode whatever the umask did.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        let socket = dir.join("db.sock");
        let listener = match UnixListener::bind(&socket) {
            Ok(l) => l,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            let token = token.clone();
            let url = url.to_owned();
            std::thread::Builder::new()
                .name("xldb-url-handoff".into())
                .spawn(move || serve(&listener, &token, &url, &stop))?
        };
        Ok(UrlHandoff {
            dir,
            socket,
            token,
            stop,
            thread: Some(thread),
        })
    }

    /// The environment the MCP server needs to receive the URL ([`receive_url`]): the socket's
    /// path and the token. Neither is the secret.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                HANDOFF_SOCKET_ENV.to_owned(),
                self.socket.display().to_string(),
            ),
            (HANDOFF_TOKEN_ENV.to_owned(), self.token.clone()),
        ]
    }

    /// The socket's path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }
}

impl Drop for UrlHandoff {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve(listener: &UnixListener, token: &str, url: &str, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Err(e) = answer(stream, token, url) {
                    tracing::debug!("url handoff: a connection failed: {e}");
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                tracing::debug!("url handoff: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn answer(stream: UnixStream, token: &str, url: &str) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let mut line = String::new();
    BufReader::new((&stream).take(256)).read_line(&mut line)?;
    let offered = line.trim_end_matches(['\r', '\n']);
    if !same(offered.as_bytes(), token.as_bytes()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "wrong token",
        ));
    }
    (&stream).write_all(url.as_bytes())?;
    (&stream).flush()
}

/// Compare without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Why [`receive_url`] failed. The message never holds the URL.
#[derive(Debug, thiserror::Error)]
#[error("cannot receive the database URL from the process that started Codex ({0}); is it still running?")]
pub struct HandoffError(String);

/// In the MCP server: the URL offered by a [`UrlHandoff`], when this process's environment names
/// one (`None` when it does not).
pub fn receive_url() -> Option<Result<String, HandoffError>> {
    let socket = std::env::var_os(HANDOFF_SOCKET_ENV)?;
    let token = std::env::var(HANDOFF_TOKEN_ENV).unwrap_or_default();
    Some(receive_from(Path::new(&socket), &token))
}

fn receive_from(socket: &Path, token: &str) -> Result<String, HandoffError> {
    let fail = |e: std::io::Error| HandoffError(e.to_string());
    let mut stream = UnixStream::connect(socket).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(fail)?;
    stream
        .write_all(format!("{token}\n").as_bytes())
        .map_err(fail)?;
    let mut url = String::new();
    stream
        .take(64 << 10)
        .read_to_string(&mut url)
        .map_err(fail)?;
    if url.is_empty() {
        return Err(HandoffError("the token was refused".into()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_goes_to_the_holder_of_the_token_only_and_nothing_is_left_behind() {
        let url = "postgres://app:s3cret@db/shop";
        let h = UrlHandoff::start(url).unwrap();
        let env = h.env();
        assert!(env.iter().all(|(_, v)| !v.contains("s3cret")));
        let socket = h.socket().to_owned();
        let mode = std::fs::metadata(socket.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        // Twice: Codex may start the server more than once in a session.
        assert_eq!(receive_from(&socket, &h.token).unwrap(), url);
        assert_eq!(receive_from(&socket, &h.token).unwrap(), url);
        let wrong = receive_from(&socket, "not-the-token").unwrap_err();
        assert!(!wrong.to_string().contains("s3cret"));
        drop(h);
        assert!(
            !socket.parent().unwrap().exists(),
            "the private folder is removed"
        );
        let gone = receive_from(&socket, "x").unwrap_err();
        assert!(gone.to_string().contains("still running"), "{gone}");
    }
}

//! A throwaway `redis-server` on a free loopback port, for the fleet limiter's tests and
//! `cargo xtask bench` (which includes this file by path: xtask does not depend on
//! `livegen-tests`).
//!
//! It runs without persistence (`--save '' --appendonly no`), so it writes nothing, and is
//! killed when the handle drops. `redis-server` comes from the Debian package of that
//! name (`.ci/run` installs it); [`RedisServer::start_or_skip`] tells a test to skip when
//! it is missing, except under CI, where a missing server is a failure.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`; dropping it kills the process.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

/// The `redis-server` to run: `LIVEGEN_REDIS_SERVER`, else the first on `PATH`.
pub fn redis_server_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LIVEGEN_REDIS_SERVER") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("redis-server"))
        .find(|path| path.is_file())
}

impl RedisServer {
    /// Starts a server, or returns `None` (after saying why on stderr) when `redis-server`
    /// is not installed and `CI` is unset.
    ///
    /// # Panics
    ///
    /// When `redis-server` is missing under CI, or installed but does not start.
    pub fn start_or_skip(test: &str) -> Option<RedisServer> {
        let Some(binary) = redis_server_binary() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: redis-server is not installed (apt-get install redis-server)"
            );
            eprintln!("{test}: skipped, redis-server is not installed");
            return None;
        };
        Some(RedisServer::start(&binary).expect("redis-server starts on loopback"))
    }

    /// Starts `binary` on a free loopback port and waits until it answers `PING`.
    ///
    /// # Errors
    ///
    /// When no port is free or the server does not come up within 10 s.
    pub fn start(binary: &std::path::Path) -> std::io::Result<RedisServer> {
        let mut last_error = None;
        // A port found free can be taken before the server binds it; try a few.
        for _ in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
                .local_addr()?
                .port();
            let child = Command::new(binary)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .args(["--logfile", "", "--loglevel", "warning"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()?;
            let mut server = RedisServer {
                child: Some(child),
                port,
            };
            match server.wait_ready(Duration::from_secs(10)) {
                Ok(()) => return Ok(server),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| std::io::Error::other("redis-server did not start")))
    }

    fn wait_ready(&mut self, limit: Duration) -> std::io::Result<()> {
        let started = Instant::now();
        loop {
            if let Some(child) = &mut self.child
                && let Some(status) = child.try_wait()?
            {
                return Err(std::io::Error::other(format!(
                    "redis-server exited early ({status})"
                )));
            }
            if self.ping() {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(std::io::Error::other("redis-server did not answer PING"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server answers `PING` right now.
    pub fn ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT/0`, for `LIVEGEN_RATE_LIMIT_URL`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Kills the server now (SIGKILL: no goodbye to connected clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

//! A server on a loopback port, on a thread with a tokio runtime of its own, stopped when
//! dropped: what the API fake and the credentials fake (in `livegen-tests`) share. A thread of its own lets a
//! fake run the same under any test (sync or async, any tokio flavour) and never wait on
//! the caller.

use std::future::Future;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A running server thread. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct ServerThread {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Binds `127.0.0.1:port` (0: any free port) and runs `serve` on a thread named
    /// `name-PORT`; `serve` gets the listener and a receiver that fires at shutdown.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or the thread or its runtime cannot start.
    pub fn start<F, Fut>(port: u16, name: &str, serve: F) -> std::io::Result<Self>
    where
        F: FnOnce(TcpListener, oneshot::Receiver<()>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let (shutdown, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("{name}-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(serve(listener, stopped));
                // Dropping the runtime here cancels open connections and slow answers.
            })?;
        Ok(Self {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks until the server stops, which for a server nobody drops means until the
    /// process is killed.
    pub fn wait(mut self) {
        // Keeping the sender alive keeps the server running.
        let _shutdown = self.shutdown.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until `stopped` fires (or its sender is dropped), spawning
/// `connection` for each.
pub async fn accept_until<C, Fut>(
    listener: TcpListener,
    mut stopped: oneshot::Receiver<()>,
    mut connection: C,
) where
    C: FnMut(TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
}

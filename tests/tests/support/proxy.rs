//! A TCP proxy on 127.0.0.1 that adds latency to what the client sends: each chunk
//! read from a client waits its delay before it goes on to the server, in order. The
//! delays come from a schedule shared by every connection (the n-th chunk the proxy
//! reads waits `delays[n % len]`), so a test chooses the latencies instead of hoping
//! for them. Answers go back at once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The proxy; it stops when dropped.
pub struct DelayingProxy {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for DelayingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DelayingProxy {
    /// A proxy to `upstream` (`http://host:port`) with the schedule `delays`.
    pub async fn start(upstream: &str, delays: Vec<Duration>) -> Self {
        assert!(!delays.is_empty());
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let schedule = Arc::new((delays, AtomicUsize::new(0)));
        let task = tokio::spawn(async move {
            let mut connections = Vec::new();
            while let Ok((client, _)) = listener.accept().await {
                let schedule = Arc::clone(&schedule);
                connections.push(tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = (client.set_nodelay(true), server.set_nodelay(true));
                    let (mut from_client, mut to_client) = client.into_split();
                    let (mut from_server, mut to_server) = server.into_split();
                    let upward = async move {
                        let mut buffer = vec![0; 64 * 1024];
                        while let Ok(read @ 1..) = from_client.read(&mut buffer).await {
                            let (delays, next) = &*schedule;
                            let delay = delays[next.fetch_add(1, Ordering::SeqCst) % delays.len()];
                            tokio::time::sleep(delay).await;
                            if to_server.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                        let _ = to_server.shutdown().await;
                    };
                    let downward = async move {
                        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
                        let _ = to_client.shutdown().await;
                    };
                    tokio::join!(upward, downward);
                }));
            }
        });
        DelayingProxy { addr, task }
    }

    /// The proxy's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

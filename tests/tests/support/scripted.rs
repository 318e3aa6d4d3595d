//! A scripted HTTP/1.1 server on 127.0.0.1 for fault tests: it answers each request
//! with the next step of its script, including the faults httpmock cannot make
//! (resets before or in the middle of a response, silence, a dripping body).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answers with this status, headers and body (with `Content-Length`).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reads the request, then resets the connection without answering.
    ResetBeforeResponse,
    /// Sends the head (with the full `Content-Length`) and `sent` bytes of the body,
    /// then resets the connection.
    ResetMidBody {
        status: u16,
        body: Vec<u8>,
        sent: usize,
    },
    /// Reads the request and never answers.
    NeverAnswer,
    /// Sends the body `chunk` bytes at a time, waiting `delay` between chunks.
    Drip {
        status: u16,
        body: Vec<u8>,
        chunk: usize,
        delay: Duration,
    },
    /// Answers 200 `text/event-stream`, sending each part after its delay as one
    /// chunk; then ends the body and closes, or (`hold`) stays open, silent.
    Events {
        parts: Vec<(Duration, String)>,
        hold: bool,
    },
    /// Sends the body with chunked transfer encoding (no `Content-Length`).
    Chunked {
        status: u16,
        body: Vec<u8>,
        chunk: usize,
    },
}

impl Step {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Step::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An answer with extra headers.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Step::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The raw request target: encoded path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Step>>,
    fallback: Mutex<Option<Step>>,
    requests: Mutex<Vec<Recorded>>,
    connections: AtomicUsize,
}

/// The server; it stops when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    /// Starts a server that plays `script` in order, then answers 500.
    pub async fn start(script: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        *shared.script.lock().unwrap() = script.into();
        let accept = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            let mut connections = Vec::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let _ = stream.set_nodelay(true);
                accept.connections.fetch_add(1, Ordering::SeqCst);
                connections.push(tokio::spawn(serve(stream, Arc::clone(&accept))));
            }
        });
        ScriptedServer { addr, shared, task }
    }

    /// Starts a server that answers every request with `step`.
    pub async fn always(step: Step) -> Self {
        let server = Self::start(Vec::new()).await;
        *server.shared.fallback.lock().unwrap() = Some(step);
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.shared.requests.lock().unwrap().len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request; `None` when the client closed the connection.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        if let Ok(httparse::Status::Complete(head_len)) = request.parse(buffer) {
            let headers: Vec<(String, String)> = request
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_owned(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let method = request.method.unwrap_or_default().to_owned();
            let target = request.path.unwrap_or_default().to_owned();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buffer.len() < head_len + length {
                let mut chunk = [0u8; 8192];
                let read = stream.read(&mut chunk).await.ok()?;
                if read == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            let body = buffer[head_len..head_len + length].to_vec();
            buffer.drain(..head_len + length);
            return Some(Recorded {
                method,
                target,
                headers,
                body,
            });
        }
        let mut chunk = [0u8; 8192];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn head(status: u16, headers: &[(String, String)], length: Option<usize>) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} Scripted\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    match length {
        Some(length) => {
            let _ = write!(head, "content-length: {length}\r\n");
        }
        None => head.push_str("transfer-encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A `text/event-stream` answer: each part after its delay, as one chunk.
async fn send_events(
    stream: &mut TcpStream,
    parts: Vec<(Duration, String)>,
    hold: bool,
) -> std::io::Result<()> {
    let headers = [("content-type".to_owned(), "text/event-stream".to_owned())];
    stream.write_all(&head(200, &headers, None)).await?;
    stream.flush().await?;
    for (delay, part) in parts {
        tokio::time::sleep(delay).await;
        stream
            .write_all(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes())
            .await?;
        stream.flush().await?;
    }
    if hold {
        std::future::pending::<()>().await;
    }
    stream.write_all(b"0\r\n\r\n").await
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        shared.requests.lock().unwrap().push(request);
        let step = {
            let next = shared.script.lock().unwrap().pop_front();
            next.or_else(|| shared.fallback.lock().unwrap().clone())
                .unwrap_or_else(|| {
                    Step::json(500, r#"{"type":"Script","message":"script exhausted"}"#)
                })
        };
        let result: std::io::Result<bool> = async {
            match step {
                Step::Respond {
                    status,
                    headers,
                    body,
                } => {
                    // One write: head and body in one segment.
                    let mut answer = head(status, &headers, Some(body.len()));
                    answer.extend_from_slice(&body);
                    stream.write_all(&answer).await?;
                    Ok(true)
                }
                Step::ResetBeforeResponse => {
                    stream.set_zero_linger()?;
                    Ok(false)
                }
                Step::ResetMidBody { status, body, sent } => {
                    stream
                        .write_all(&head(status, &[], Some(body.len())))
                        .await?;
                    stream.write_all(&body[..sent]).await?;
                    stream.flush().await?;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    stream.set_zero_linger()?;
                    Ok(false)
                }
                Step::NeverAnswer => {
                    std::future::pending::<()>().await;
                    Ok(false)
                }
                Step::Drip {
                    status,
                    body,
                    chunk,
                    delay,
                } => {
                    stream
                        .write_all(&head(status, &[], Some(body.len())))
                        .await?;
                    for piece in body.chunks(chunk.max(1)) {
                        stream.write_all(piece).await?;
                        stream.flush().await?;
                        tokio::time::sleep(delay).await;
                    }
                    Ok(true)
                }
                Step::Events { parts, hold } => {
                    send_events(&mut stream, parts, hold).await?;
                    Ok(false)
                }
                Step::Chunked {
                    status,
                    body,
                    chunk,
                } => {
                    stream.write_all(&head(status, &[], None)).await?;
                    for piece in body.chunks(chunk.max(1)) {
                        stream
                            .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                            .await?;
                        stream.write_all(piece).await?;
                        stream.write_all(b"\r\n").await?;
                    }
                    stream.write_all(b"0\r\n\r\n").await?;
                    Ok(true)
                }
            }
        }
        .await;
        if !matches!(result, Ok(true)) {
            return;
        }
    }
}

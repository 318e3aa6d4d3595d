//! The memory an upload of a file takes: a 5 MB file streamed from disk grows the
//! process's peak heap by a small fraction of its size, whatever the size (measured
//! with a counting global allocator, so this target is alone in its process).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use losant::prelude::*;
use losant::{ApplicationId, Client, FileId, FilePart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters
// are only read.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = IN_USE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A server that reads one request's body into a fixed buffer, discarding it, and
/// answers how many bytes it read.
async fn discarding_server() -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 16 * 1024];
        let mut head = Vec::with_capacity(4096);
        let body_start = loop {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the client closed before its head");
            head.extend_from_slice(&buffer[..read]);
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let text = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
        let length: usize = text
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .expect("a Content-Length")
            .trim()
            .parse()
            .unwrap();
        let mut received = head.len() - body_start;
        drop(head);
        while received < length {
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the body ended early");
            received += read;
        }
        let answer =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        stream.write_all(answer.as_bytes()).await.unwrap();
        received
    });
    (url, task)
}

#[tokio::test(flavor = "current_thread")]
async fn a_streamed_file_is_never_held_whole() {
    const SIZE: usize = 5 * 1024 * 1024;
    let path =
        std::env::temp_dir().join(format!("losant-upload-memory-{}.bin", std::process::id()));
    std::fs::write(&path, vec![0x5a_u8; SIZE]).unwrap();

    let (url, server) = discarding_server().await;
    let client = Client::builder()
        .token("memory-test-token")
        .base_url(url)
        .build()
        .unwrap();
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let file: FileId = "575ec7417ae143cd83dc4a96".parse().unwrap();

    let baseline = IN_USE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let part = FilePart::path(&path).unwrap();
    client.upload_file(&app, &file, part).await.unwrap();
    let growth = PEAK.load(Ordering::SeqCst) - baseline;

    let received = server.await.unwrap();
    assert!(received > SIZE, "the whole file was sent: {received} bytes");

    // The instrument: the same file read into memory first counts whole.
    let (url, server) = discarding_server().await;
    let client = Client::builder()
        .token("memory-test-token")
        .base_url(url)
        .build()
        .unwrap();
    let baseline = IN_USE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let part = FilePart::bytes(std::fs::read(&path).unwrap());
    client.upload_file(&app, &file, part).await.unwrap();
    let in_memory = PEAK.load(Ordering::SeqCst) - baseline;
    server.await.unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        in_memory >= SIZE,
        "read first, the file counts whole: {in_memory}"
    );
    println!(
        "peak heap growth while uploading {SIZE} bytes from a file: {growth} bytes ({} per mille of the file)",
        growth * 1000 / SIZE
    );
    assert!(
        growth < SIZE / 8,
        "the upload grew the heap by {growth} bytes, for a file of {SIZE}"
    );
}

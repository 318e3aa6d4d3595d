//! What each cargo feature changes on the wire, checked against a loopback server
//! that records the request: run under each feature combination CI builds
//! (`default`, `native-tls` without `rustls`, none, all).

use std::time::Duration;

use losant_core::{Client, Result, api};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[api]
trait PingApi {
    #[endpoint(method = "GET", path = "/ping", scope = "ping.get")]
    async fn ping(&self) -> Result<serde_json::Value>;
}

/// Serves one request with `{"pong":true}` and returns the request's head.
async fn serve_once() -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending its headers");
            head.extend_from_slice(&buf[..n]);
        }
        let body = br#"{"pong":true}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
        socket.write_all(body).await.unwrap();
        String::from_utf8(head).unwrap().to_ascii_lowercase()
    });
    (url, task)
}

#[tokio::test]
async fn the_client_asks_for_the_encodings_its_features_decode() {
    let (url, request) = serve_once().await;
    let client = Client::builder()
        .token("features-token")
        .base_url(url)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let pong = client.ping().await.unwrap();
    assert_eq!(pong["pong"], true);
    let head = request.await.unwrap();
    let accept_encoding = head
        .lines()
        .find_map(|line| line.strip_prefix("accept-encoding: "))
        .unwrap_or("");
    assert_eq!(
        accept_encoding.contains("gzip"),
        cfg!(feature = "gzip"),
        "{head}"
    );
    assert_eq!(
        accept_encoding.contains("br"),
        cfg!(feature = "brotli"),
        "{head}"
    );
    assert_eq!(
        accept_encoding.contains("zstd"),
        cfg!(feature = "zstd"),
        "{head}"
    );
    assert!(
        head.contains("authorization: bearer features-token"),
        "{head}"
    );
}

#[cfg(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls"))]
#[test]
fn a_client_for_https_builds_with_the_tls_feature_chosen() {
    let client = Client::builder()
        .token("features-token")
        .base_url("https://api.losant.com")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://api.losant.com");
}

#[cfg(not(feature = "__tls"))]
#[test]
fn without_tls_an_https_url_is_refused_at_build_naming_the_feature() {
    let error = Client::builder()
        .token("features-token")
        .base_url("https://api.losant.com")
        .build()
        .unwrap_err();
    assert!(matches!(error, losant_core::Error::Config(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("needs TLS"), "{message}");
    assert!(message.contains("`rustls`"), "{message}");
    // Loopback over http needs none.
    assert!(
        Client::builder()
            .token("features-token")
            .base_url("http://127.0.0.1:8080")
            .build()
            .is_ok()
    );
}

//! The default TLS (rustls with the ring provider, which the client installs when the
//! application installed none) against a local TLS server: a certificate under a root
//! added with `add_root_certificate` is accepted, and the same server without that root
//! is refused as a certificate failure, with nothing of the call retried in vain.

use std::sync::Arc;

use losant_core::{Client, Result, RetryPolicy, api};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

#[api]
pub trait PingApi {
    #[endpoint(method = "GET", path = "/ping", scope = "ping.get")]
    async fn ping(&self) -> Result<serde_json::Value>;
}

/// A CA, and a certificate for `localhost` it signed: (the CA's DER, the server's
/// chain, the server's key).
fn certificates() -> (
    Vec<u8>,
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let server = server_params.signed_by(&server_key, &issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    (ca.der().to_vec(), vec![server.der().clone()], key)
}

/// Serves `{"pong":true}` over TLS to each connection that completes a handshake.
async fn tls_server(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: not an error here.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let body = br#"{"pong":true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn the_default_tls_accepts_a_server_under_an_added_root_and_refuses_it_otherwise() {
    let (ca, chain, key) = certificates();
    let port = tls_server(chain, key).await;
    let url = format!("https://localhost:{port}");

    let trusting = Client::builder()
        .token("tls-test-token")
        .base_url(&url)
        .add_root_certificate(reqwest::Certificate::from_der(&ca).unwrap())
        .build()
        .unwrap();
    let pong = trusting.ping().await.unwrap();
    assert_eq!(pong["pong"], true);

    let stranger = Client::builder()
        .token("tls-test-token")
        .base_url(&url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = stranger.ping().await.unwrap_err();
    assert!(
        error.is_rejected_before_sending() || error.status().is_none(),
        "{error}"
    );
    let chain: Vec<String> =
        std::iter::successors(Some(&error as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .map(ToString::to_string)
        .collect();
    assert!(
        chain
            .iter()
            .any(|e| e.to_lowercase().contains("certificate")),
        "{chain:?}"
    );
}

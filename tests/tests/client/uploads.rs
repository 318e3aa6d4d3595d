//! Multipart uploads: the five upload actions put on the wire what the official
//! JavaScript client puts there (parts, names, filenames, content types, query), a
//! user's own `#[part]` binding, retries that resend only what can be sent again,
//! progress, and a file that cannot be read refused before anything is sent.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use losant::application::{
    ImportIntoApplicationOptions, ImportNewApplicationOptions, Include, OwnerType,
};
use losant::prelude::*;
use losant::{ApplicationId, Client, FileId, FilePart, NotebookId, PrivateFileId, RetryPolicy};
use losant_core::{Request, Response, Result, Transport, api, async_trait};
use serde_json::Value;

use crate::support::{Recorded, ScriptedServer, Step};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/uploads")
        .join(name)
}

fn client(url: &str) -> Client {
    Client::builder()
        .token("upload-test-token")
        .base_url(url)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// One part of a multipart body, as a server reads it.
#[derive(Debug, PartialEq)]
struct ReadPart {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// The parts of a `multipart/form-data` body (RFC 7578), read by hand so that the
/// test sees every byte the client put there.
fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<ReadPart> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not a form: {content_type}"));
    let delimiter = format!("--{boundary}");
    let text = body;
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        pieces.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    assert_eq!(rest, b"--\r\n", "the body ends with the closing delimiter");
    assert!(pieces[0].is_empty(), "nothing before the first part");
    pieces[1..]
        .iter()
        .map(|piece| {
            let piece = piece
                .strip_prefix(b"\r\n")
                .and_then(|p| p.strip_suffix(b"\r\n"))
                .expect("a part between CRLFs");
            let split = find(piece, b"\r\n\r\n").expect("a part's head");
            let head = std::str::from_utf8(&piece[..split]).unwrap();
            let mut part = ReadPart {
                name: String::new(),
                filename: None,
                content_type: None,
                body: piece[split + 4..].to_vec(),
            };
            for line in head.split("\r\n") {
                let (key, value) = line.split_once(": ").unwrap();
                match key.to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        let quoted = |key: &str| {
                            value.split("; ").find_map(|item| {
                                item.strip_prefix(&format!("{key}=\""))
                                    .and_then(|v| v.strip_suffix('"'))
                                    .map(str::to_owned)
                            })
                        };
                        assert!(value.starts_with("form-data; "), "{value}");
                        part.name = quoted("name").unwrap();
                        part.filename = quoted("filename");
                    }
                    "content-type" => part.content_type = Some(value.to_owned()),
                    other => panic!("an unexpected part header `{other}`"),
                }
            }
            part
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts the official client sent, from the captured fixture.
fn official_parts(request: &Value) -> Vec<ReadPart> {
    request["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| ReadPart {
            name: part["name"].as_str().unwrap().to_owned(),
            filename: part["filename"].as_str().map(str::to_owned),
            content_type: part["content_type"].as_str().map(str::to_owned),
            body: match (part["text"].as_str(), part["base64"].as_str()) {
                (Some(text), _) => text.as_bytes().to_vec(),
                (None, Some(encoded)) => base64_decode(encoded),
                (None, None) => Vec::new(),
            },
        })
        .collect()
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|a| *a == byte).unwrap();
        bits = (bits << 6) | u32::try_from(value).unwrap();
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).unwrap());
        }
    }
    out
}

/// Checks one recorded request against the official client's for the same call.
fn assert_same_as_official(recorded: &Recorded, official: &Value) {
    let action = official["action"].as_str().unwrap();
    assert_eq!(
        recorded.method,
        official["method"].as_str().unwrap(),
        "{action}"
    );
    let (path, query) = recorded
        .target
        .split_once('?')
        .unwrap_or((&recorded.target, ""));
    assert_eq!(path, official["path"].as_str().unwrap(), "{action}: path");
    assert_eq!(
        query,
        official["query"].as_str().unwrap(),
        "{action}: query"
    );
    let content_type = recorded.header("content-type").unwrap();
    let parts = parse_multipart(content_type, &recorded.body);
    assert_eq!(parts, official_parts(official), "{action}: parts");
    // Both announce the length (the boundaries differ, so the lengths do too).
    assert_eq!(
        recorded.header("content-length"),
        Some(recorded.body.len().to_string().as_str()),
        "{action}: Content-Length"
    );
    assert_eq!(recorded.header("accept"), Some("application/json"));
    assert_eq!(
        recorded.header("authorization"),
        Some("Bearer upload-test-token")
    );
}

#[tokio::test]
async fn the_five_uploads_send_what_the_official_client_sends() {
    let official: Value =
        serde_json::from_str(include_str!("../fixtures/uploads/official_requests.json")).unwrap();
    let official = official["requests"].as_array().unwrap();
    let server = ScriptedServer::always(Step::json(201, "{}")).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let bundle = || FilePart::path(fixture("bundle.zip")).unwrap();

    let options = ImportIntoApplicationOptions {
        dry_run: Some(true),
        include: Some(vec![Include::Device, Include::Flow]),
        ..Default::default()
    };
    client
        .import_application(&app)
        .import_bundle(bundle())
        .email("ops@example.com")
        .options(&options)
        .await
        .unwrap();

    let options = ImportNewApplicationOptions {
        force_job: Some(true),
        ..Default::default()
    };
    client
        .import_applications()
        .import_bundle(bundle())
        .owner_id("575ed6e87ae143cd83dc4aa8")
        .owner_type(OwnerType::Organization)
        .include_devices(true)
        .email("ops@example.com")
        .options(&options)
        .await
        .unwrap();

    let file: FileId = "575ec7417ae143cd83dc4a96".parse().unwrap();
    client
        .upload_file(
            &app,
            &file,
            FilePart::path(fixture("readings.csv")).unwrap(),
        )
        .await
        .unwrap();

    let notebook: NotebookId = "575ed78e7ae143cd83dc4aab".parse().unwrap();
    client
        .upload_notebook(
            &app,
            &notebook,
            FilePart::path(fixture("analysis.ipynb")).unwrap(),
        )
        .await
        .unwrap();

    let private: PrivateFileId = "575ec7417ae143cd83dc4a96".parse().unwrap();
    client
        .upload_private_file(
            &app,
            &private,
            FilePart::path(fixture("secret.txt")).unwrap(),
        )
        .url_ttl(60)
        .await
        .unwrap();

    let recorded = server.requests();
    assert_eq!(recorded.len(), official.len());
    for (recorded, official) in recorded.iter().zip(official) {
        assert_same_as_official(recorded, official);
    }
}

/// A part as a test compares it: name, filename, content type, bytes.
type Summary<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A user's own upload binding, with every kind of part.
#[api]
pub trait ReportApi {
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/reports",
        scope = "report.post"
    )]
    async fn post_report(
        &self,
        app: &ApplicationId,
        #[part(file)] report: FilePart,
        #[part] title: &str,
        #[part = "pageCount"] pages: u32,
        #[part] ratio: f64,
        #[part] draft: Option<bool>,
        #[part(json)] meta: Option<&Value>,
        #[part(json, validate, name = "import")] options: Option<&ImportIntoApplicationOptions>,
    ) -> Result<Value>;
}

#[tokio::test]
async fn a_custom_binding_sends_its_parts_in_order() {
    let server = ScriptedServer::always(Step::json(200, r#"{"ok":true}"#)).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let answer = client
        .post_report(
            &app,
            FilePart::bytes("a,b\n1,2\n").file_name("q3.csv"),
            "Q3",
            12,
            600_000.0,
        )
        .meta(&serde_json::json!({"by": "ops"}))
        .await
        .unwrap();
    assert_eq!(answer["ok"], true);
    let recorded = &server.requests()[0];
    let parts = parse_multipart(recorded.header("content-type").unwrap(), &recorded.body);
    let summary: Vec<Summary<'_>> = parts
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.filename.as_deref(),
                p.content_type.as_deref(),
                &p.body[..],
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "report",
                Some("q3.csv"),
                Some("text/csv"),
                &b"a,b\n1,2\n"[..]
            ),
            ("title", None, None, b"Q3"),
            ("pageCount", None, None, b"12"),
            // A whole number as JavaScript writes it; `None` parts are left out.
            ("ratio", None, None, b"600000"),
            ("meta", None, None, br#"{"by":"ops"}"#),
        ]
    );

    // Bytes without a filename carry the part's name, as the official client names a
    // file given as a string.
    client
        .post_report(&app, FilePart::bytes(vec![0u8, 1, 2]), "raw", 1, 0.5)
        .draft(false)
        .await
        .unwrap();
    let recorded = &server.requests()[1];
    let parts = parse_multipart(recorded.header("content-type").unwrap(), &recorded.body);
    assert_eq!(parts[0].filename.as_deref(), Some("report"));
    assert_eq!(
        parts[0].content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(parts.last().unwrap().name, "draft");
    assert_eq!(parts.last().unwrap().body, b"false");
}

#[tokio::test]
async fn a_part_over_its_schema_is_refused_before_sending() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let options = ImportIntoApplicationOptions {
        credential_name: Some("x".repeat(256)),
        ..Default::default()
    };
    let error = client
        .post_report(&app, FilePart::bytes("x"), "t", 1, 1.0)
        .options(&options)
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(
        error.to_string().contains("options.credentialName"),
        "{error}"
    );

    let error = client
        .post_report(&app, FilePart::bytes("x"), "t", 1, f64::NAN)
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(error.to_string().contains("`ratio`"), "{error}");

    let error = client
        .post_report(
            &app,
            FilePart::bytes("x").content_type("not a type"),
            "t",
            1,
            1.0,
        )
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(
        error
            .to_string()
            .contains("`not a type` is not a media type"),
        "{error}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_refused_before_sending() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let dir = std::env::temp_dir().join(format!("losant-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gone.csv");
    std::fs::write(&path, "a,b\n").unwrap();
    let part = FilePart::path(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let error = client
        .post_report(&app, part, "t", 1, 1.0)
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(
        error
            .to_string()
            .contains("the part `report` could not be read"),
        "{error}"
    );
    assert_eq!(server.request_count(), 0);
    assert!(FilePart::path(dir.join("missing.csv")).is_err());
}

/// A 429 that says when to come back is retried for any method.
fn throttled_then_ok() -> Vec<Step> {
    vec![
        Step::with_headers(
            429,
            &[("content-type", "application/json"), ("retry-after", "0")],
            r#"{"type":"RateLimit","message":"slow down"}"#,
        ),
        Step::json(200, "{}"),
    ]
}

#[tokio::test]
async fn a_file_is_sent_again_on_a_retry() {
    let server = ScriptedServer::start(throttled_then_ok()).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let part = FilePart::path(fixture("readings.csv")).unwrap();
    client.post_report(&app, part, "t", 1, 1.0).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let expected = std::fs::read(fixture("readings.csv")).unwrap();
    for request in &requests {
        let parts = parse_multipart(request.header("content-type").unwrap(), &request.body);
        assert_eq!(parts[0].body, expected);
    }
}

#[tokio::test]
async fn a_stream_is_sent_once() {
    let server = ScriptedServer::start(throttled_then_ok()).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let chunks = futures_stream(vec![
        Bytes::from_static(b"a,b\n"),
        Bytes::from_static(b"1,2\n"),
    ]);
    let part = FilePart::stream(chunks).file_name("live.csv");
    let error = client
        .post_report(&app, part, "t", 1, 1.0)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    assert_eq!(server.request_count(), 1);
    // Without a length, the body is sent chunked.
    let request = &server.requests()[0];
    assert_eq!(request.header("content-length"), None);
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
}

fn futures_stream(
    chunks: Vec<Bytes>,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test]
async fn progress_is_reported_as_the_file_is_sent() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let client = client(&server.url());
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let data = vec![b'x'; 300 * 1024];
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let part = FilePart::bytes(data.clone()).on_progress(move |progress| {
        log.lock()
            .unwrap()
            .push((progress.sent(), progress.total()));
    });
    client.post_report(&app, part, "t", 1, 1.0).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    let total = Some(data.len() as u64);
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(data.len() as u64, total)));
    assert!(seen.len() > 3, "reported along the way: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
}

#[tokio::test]
async fn a_slow_upload_is_not_cut_by_the_attempt_timeout() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let client = Client::builder()
        .token("upload-test-token")
        .base_url(server.url())
        .attempt_timeout(Duration::from_millis(100))
        .overall_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    // Three chunks, 150 ms apart: the body takes longer to send than an attempt may.
    let slow = futures_util::stream::unfold(0u8, |n| async move {
        if n == 3 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        Some((Ok(Bytes::from(vec![b'a' + n; 10])), n + 1))
    });
    let part = FilePart::stream(slow).with_len(30);
    client.post_report(&app, part, "t", 1, 1.0).await.unwrap();
    let request = &server.requests()[0];
    let parts = parse_multipart(request.header("content-type").unwrap(), &request.body);
    assert_eq!(parts[0].body, b"aaaaaaaaaabbbbbbbbbbcccccccccc");
}

/// A test double sees the form a call would send.
struct Recording(Mutex<Vec<(String, Option<String>)>>);

#[async_trait]
impl Transport for Recording {
    async fn send(&self, request: Request) -> Result<Response> {
        let form = request.form().expect("an upload has a form");
        let file = form.file("file").expect("the file part");
        let bytes = file.read_to_bytes().await.unwrap();
        self.0.lock().unwrap().push((
            String::from_utf8(bytes.to_vec()).unwrap(),
            file.name().map(str::to_owned),
        ));
        assert!(request.body().is_none());
        Ok(Response::new(200, r#"{"name":"readings.csv"}"#))
    }
}

#[tokio::test]
async fn a_transport_double_reads_the_form() {
    let double = Recording(Mutex::new(Vec::new()));
    let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse().unwrap();
    let file: FileId = "575ec7417ae143cd83dc4a96".parse().unwrap();
    let part = FilePart::path(Path::new(&fixture("readings.csv"))).unwrap();
    let answer = double.upload_file(&app, &file, part).await.unwrap();
    assert_eq!(answer.name.as_deref(), Some("readings.csv"));
    let seen = double.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        [(
            std::fs::read_to_string(fixture("readings.csv")).unwrap(),
            Some("readings.csv".to_owned())
        )]
    );
}

//! Compressed answers (feature `gzip`): decoded transparently, and the response size
//! limit counts the decompressed body, so a small body that inflates past it is
//! refused while reading.

use crate::support;

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use httpmock::prelude::*;
use losant_core::Error;
use losant_events::EventApi;
use support::{EVENT_JSON, EVENT_PATH, app, client_builder, event};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn a_gzip_answer_is_decoded_and_gzip_is_asked_for() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header_includes("accept-encoding", "gzip");
            then.status(200)
                .header("content-encoding", "gzip")
                .header("content-type", "application/json")
                .body(gzip(EVENT_JSON.as_bytes()));
        })
        .await;
    let client = client_builder(server.base_url()).build().unwrap();
    let event = client.get_event(&app(), &event()).await.unwrap();
    assert!(event.subject.is_some());
    mock.assert_async().await;
}

#[tokio::test]
async fn a_small_body_that_inflates_past_the_limit_is_refused() {
    let limit = 64 * 1024;
    // 4 MiB of spaces before the event: a few kilobytes compressed.
    let mut inflated = vec![b' '; 4 * 1024 * 1024];
    inflated.extend_from_slice(EVENT_JSON.as_bytes());
    let compressed = gzip(&inflated);
    assert!(
        compressed.len() < limit,
        "{} bytes compressed",
        compressed.len()
    );

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(200)
                .header("content-encoding", "gzip")
                .body(compressed.clone());
        })
        .await;
    let client = client_builder(server.base_url())
        .max_response_bytes(limit)
        .build()
        .unwrap();
    let error = client.get_event(&app(), &event()).await.unwrap_err();
    let Error::BodyTooLarge(too_large) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(too_large.limit(), limit);
}

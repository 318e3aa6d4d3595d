//! Changing requests on their way: a `Transport` wrapper, per-handle headers and
//! timeouts, a tower layer, and an HTTP client of one's own.

use crate::support;

use std::time::Duration;

use httpmock::prelude::*;
use losant_core::{
    Client, Error, Request, Response, Result, RetryPolicy, ServiceTransport, TimeoutKind,
    Transport, async_trait,
};
use losant_events::EventApi;
use support::{APP, EVENT, EVENT_JSON, EVENT_PATH, TOKEN, USER_AGENT, app, client_builder, event};

/// A middleware: adds a tenant header and a trace query pair to every request, then
/// hands it to the client.
struct Tenant {
    client: Client,
}

#[async_trait]
impl Transport for Tenant {
    async fn send(&self, mut request: Request) -> Result<Response> {
        // The endpoint's metadata is there to decide by.
        if request.endpoint().is_read() {
            request.set_header("X-Tenant", "greenhouse")?;
            request.append_query("trace", "t 1");
        }
        self.client.send(request).await
    }
}

#[tokio::test]
async fn a_transport_wrapper_adds_a_header_and_a_query_pair() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .query_param("trace", "t 1")
                .header("x-tenant", "greenhouse")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let tenant = Tenant {
        client: client_builder(server.base_url()).build().unwrap(),
    };
    tenant.get_event(&app(), &event()).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_middleware_cannot_replace_the_clients_own_headers() {
    struct Impostor(Client);

    #[async_trait]
    impl Transport for Impostor {
        async fn send(&self, mut request: Request) -> Result<Response> {
            request.set_header("Authorization", "Bearer someone-else")?;
            self.0.send(request).await
        }
    }

    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let impostor = Impostor(client_builder(server.base_url()).build().unwrap());
    let error = impostor.get_event(&app(), &event()).await.unwrap_err();
    let Error::InvalidArgument(invalid) = &error else {
        panic!("{error:?}")
    };
    assert!(
        invalid.reason().contains("set by the client itself"),
        "{error}"
    );
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn with_header_tags_one_handle_and_shares_the_rest() {
    let server = MockServer::start_async().await;
    let tagged_mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header("x-request-source", "nightly");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let plain_mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header_missing("x-request-source");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = client_builder(server.base_url()).build().unwrap();
    let tagged = client.with_header("X-Request-Source", "nightly").unwrap();
    tagged.get_event(&app(), &event()).await.unwrap();
    client.get_event(&app(), &event()).await.unwrap();
    tagged_mock.assert_async().await;
    plain_mock.assert_async().await;

    for reserved in ["Authorization", "accept-version", "Content-Type"] {
        let Err(Error::Config(error)) = client.with_header(reserved, "x") else {
            panic!("{reserved} was accepted");
        };
        assert!(
            error.to_string().contains("set by the client itself"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn with_timeout_bounds_one_handles_calls() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(EVENT_PATH);
            then.status(200)
                .body(EVENT_JSON)
                .delay(Duration::from_millis(400));
        })
        .await;
    let client = client_builder(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let quick = client.with_timeout(Duration::from_millis(100));
    let error = quick.get_event(&app(), &event()).await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Overall);
    // The client it came from keeps its own (90 s) timeout.
    client.get_event(&app(), &event()).await.unwrap();
}

#[tokio::test]
async fn a_tower_layer_wraps_the_client() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(EVENT_PATH)
                .header("x-tenant", "greenhouse");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let client = client_builder(server.base_url()).build().unwrap();
    let service = tower::ServiceBuilder::new()
        .map_request(|mut request: Request| {
            request
                .set_header("x-tenant", "greenhouse")
                .expect("a valid header");
            request
        })
        .service(client);
    let transport = ServiceTransport::new(service);
    let event = transport.get_event(&app(), &event()).await.unwrap();
    assert!(event.subject.is_some());
    mock.assert_async().await;
}

#[tokio::test]
async fn an_http_client_of_ones_own_still_gets_the_clients_headers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/events/{EVENT}"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json")
                .header("accept-version", "^1.30.0")
                .header("user-agent", USER_AGENT)
                .header("x-from-my-client", "yes");
            then.status(200).body(EVENT_JSON);
        })
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-my-client", "yes".parse().unwrap());
    losant_core::install_crypto_provider();
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = client_builder(server.base_url())
        .http_client(http)
        .build()
        .unwrap();
    client.get_event(&app(), &event()).await.unwrap();
    mock.assert_async().await;
}

//! Losant's global parameters (`_actions`, `_links`, `_embedded` in the query,
//! `losantdomain` as a header) go out as the official clients send them, and the
//! builder and each call change them.

use crate::support;

use std::time::Duration;

use losant::device::{DeviceQuery, DeviceQueryField, DevicesTagFilter, GetDevicesSortField};
use losant::prelude::*;
use losant::{Client, GlobalParams};
use support::{ScriptedServer, Step};

const DEVICES: &str = r#"{"items":[],"count":0,"totalCount":0,"perPage":25,"page":1}"#;

/// A client as users build one: the builder's defaults for the global parameters.
fn client(url: &str) -> Client {
    Client::builder()
        .token(support::TOKEN)
        .base_url(url)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_query_string_is_the_official_clients() {
    let server = ScriptedServer::always(Step::json(200, DEVICES)).await;
    let tags = [DevicesTagFilter {
        key: Some("floor".into()),
        value: Some("2".into()),
    }];
    let query = DeviceQuery::field(DeviceQueryField::Name).eq("pump").into();
    client(&server.url())
        .get_devices(&support::app())
        .tag_filter(&tags)
        .query(&query)
        .per_page(25)
        .page(1)
        .sort_field(GetDevicesSortField::Name)
        .await
        .unwrap();
    // What `lib/api/index.js` writes for
    // `devices.get({ applicationId, sortField: 'name', page: 1, perPage: 25,
    //   tagFilter: [{ key: 'floor', value: '2' }], query: { name: { $eq: 'pump' } } })`:
    // the global parameters first, then the action's in the description's order, by
    // `qs.stringify` (brackets and JSON percent-encoded, RFC 3986).
    let expected = "/applications/575ec8687ae143cd83dc4a97/devices?\
        _actions=false&_links=true&_embedded=true\
        &sortField=name&page=1&perPage=25\
        &tagFilter%5B0%5D%5Bkey%5D=floor&tagFilter%5B0%5D%5Bvalue%5D=2\
        &query=%7B%22name%22%3A%7B%22%24eq%22%3A%22pump%22%7D%7D";
    assert_eq!(server.requests()[0].target, expected);
}

#[tokio::test]
async fn a_call_without_parameters_still_sends_the_global_ones() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    client(&server.url())
        .get_device(
            &support::app(),
            &"575ecf887ae143cd83dc4aa2".parse().unwrap(),
        )
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.target,
        "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2?_actions=false&_links=true&_embedded=true"
    );
    assert_eq!(request.header("losantdomain"), None);
}

#[tokio::test]
async fn the_builder_and_the_call_override_them() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let device = "575ecf887ae143cd83dc4aa2".parse().unwrap();
    let quiet = Client::builder()
        .token(support::TOKEN)
        .base_url(server.url())
        .global_params(GlobalParams {
            embedded: Some(false),
            ..GlobalParams::NONE
        })
        .losant_domain("example.onlosant.com")
        .build()
        .unwrap();
    quiet.get_device(&support::app(), &device).await.unwrap();
    quiet
        .get_device(&support::app(), &device)
        .actions(true)
        .embedded(true)
        .losant_domain("other.onlosant.com")
        .exclude_connection_info(true)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    let requests = server.requests();
    let path = "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2";
    assert_eq!(requests[0].target, format!("{path}?_embedded=false"));
    assert_eq!(
        requests[0].header("losantdomain"),
        Some("example.onlosant.com")
    );
    assert_eq!(
        requests[1].target,
        format!("{path}?_actions=true&_embedded=true&excludeConnectionInfo=true")
    );
    // The call's header replaces the client's: one value on the wire.
    let domains: Vec<&str> = requests[1]
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("losantdomain"))
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(domains, ["other.onlosant.com"]);
}

#[tokio::test]
async fn a_header_the_client_sets_itself_is_refused_with_nothing_sent() {
    let server = ScriptedServer::always(Step::json(200, "{}")).await;
    let error = client(&server.url())
        .get_device(
            &support::app(),
            &"575ecf887ae143cd83dc4aa2".parse().unwrap(),
        )
        .header("Authorization", "Bearer other")
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error}");
    assert!(
        error.to_string().contains("set by the client itself"),
        "{error}"
    );
    assert_eq!(server.request_count(), 0);
}

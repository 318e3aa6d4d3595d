//! A binding of another Losant resource, written the way a user would from the
//! README: query, header and body arguments, a 201 answer and an empty 204 answer.

use crate::support;

use httpmock::prelude::*;
use losant_core::{ApplicationId, DeviceId, Error, Result, api};
use serde::{Deserialize, Serialize};
use support::{APP, TOKEN, client};

/// A new device.
#[derive(Serialize)]
pub struct NewDevice {
    name: String,
    #[serde(rename = "deviceClass")]
    device_class: String,
}

/// A device as the API returns it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    id: DeviceId,
    name: String,
}

/// A page of devices.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Devices {
    items: Vec<Device>,
    total_count: u64,
}

impl losant_core::Page for Devices {
    type Item = Device;

    fn into_items(self) -> Vec<Device> {
        self.items
    }

    fn total_count(&self) -> Option<u64> {
        Some(self.total_count)
    }
}

/// Filters flattened into the query string.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceFilter {
    filter_field: &'static str,
    filter: &'static str,
    tag_filter: Option<serde_json::Value>,
}

/// A command for a device.
#[derive(Serialize)]
pub struct Command {
    name: String,
    payload: serde_json::Value,
}

/// Actions on devices.
#[api]
pub trait DeviceApi {
    /// Creates a device.
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/devices",
        scope = "devices.post"
    )]
    async fn create_device(
        &self,
        app: &ApplicationId,
        #[body] device: &NewDevice,
        #[header = "X-Request-Id"] request_id: &str,
    ) -> Result<Device>;

    /// Lists devices.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/devices",
        scope = "devices.get"
    )]
    async fn list_devices(
        &self,
        app: &ApplicationId,
        #[query] sort_field: Option<&str>,
        #[query] page: Option<u32>,
        #[query = "perPage"] size: u32,
        #[query] filter: &DeviceFilter,
        #[header = "X-Trace"] trace: Option<String>,
    ) -> Result<Devices>;

    /// The same list, declared paginated: the call's `stream()` walks every page
    /// from the page given.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/devices",
        scope = "devices.get",
        paginate = "page"
    )]
    async fn tagged_devices(
        &self,
        app: &ApplicationId,
        #[query] tag: &str,
        #[query] page: u32,
        #[query] per_page: u32,
    ) -> Result<Devices>;

    /// Sends a command to a device; the answer has no body.
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/devices/<device>/command",
        scope = "device.sendCommand",
        idempotent = true
    )]
    async fn send_command(
        &self,
        app: &ApplicationId,
        device: &DeviceId,
        #[body] command: &Command,
    ) -> Result<()>;

    /// A path argument that is plain text, not an ID.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/files/<name>/versions/<version>",
        scope = "file.get"
    )]
    async fn get_file(
        &self,
        app: &ApplicationId,
        name: &str,
        version: u32,
    ) -> Result<serde_json::Value>;

    /// Counts devices: a provided method built on the endpoints.
    async fn count_devices(&self, app: &ApplicationId) -> Result<u64> {
        let filter = DeviceFilter {
            filter_field: "name",
            filter: "*",
            tag_filter: None,
        };
        Ok(self.list_devices(app, 1, &filter).await?.total_count)
    }
}

const DEVICE_ID: &str = "575ecf887ae143cd83dc4aa2";

fn app() -> ApplicationId {
    APP.parse().unwrap()
}

#[tokio::test]
async fn a_post_with_body_and_header_decodes_a_201() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/applications/{APP}/devices"))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("content-type", "application/json")
                .header("x-request-id", "req-42")
                .body(r#"{"name":"Pump 7","deviceClass":"standalone"}"#);
            then.status(201).body(format!(
                r#"{{"id":"{DEVICE_ID}","name":"Pump 7","extra":1}}"#
            ));
        })
        .await;
    let device = NewDevice {
        name: "Pump 7".into(),
        device_class: "standalone".into(),
    };
    let created = client(&server.base_url())
        .create_device(&app(), &device, "req-42")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(created.id.as_str(), DEVICE_ID);
    assert_eq!(created.name, "Pump 7");
}

#[tokio::test]
async fn query_arguments_are_encoded_and_none_is_left_out() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/devices"))
                .query_param("sortField", "name")
                .query_param("perPage", "25")
                .query_param("filterField", "name")
                .query_param("filter", "pump & valve*")
                // Arrays and objects inside a struct are sent as `qs` sends them.
                .query_param("tagFilter[0][key]", "floor")
                .query_param("tagFilter[0][value]", "2")
                .query_param_missing("page")
                .header_missing("x-trace");
            then.status(200).body(format!(
                r#"{{"items":[{{"id":"{DEVICE_ID}","name":"Pump 7"}}],"totalCount":1}}"#
            ));
        })
        .await;
    let filter = DeviceFilter {
        filter_field: "name",
        filter: "pump & valve*",
        tag_filter: Some(serde_json::json!([{"key": "floor", "value": "2"}])),
    };
    let devices = client(&server.base_url())
        .list_devices(&app(), 25, &filter)
        .sort_field("name")
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(devices.total_count, 1);
    assert_eq!(devices.items[0].name, "Pump 7");
}

#[tokio::test]
async fn an_optional_header_is_sent_when_present_and_provided_methods_work() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/devices"))
                .query_param("perPage", "1")
                .query_param_missing("sortField");
            then.status(200).body(r#"{"items":[],"totalCount":17}"#);
        })
        .await;
    let client = client(&server.base_url());
    assert_eq!(client.count_devices(&app()).await.unwrap(), 17);
    mock.assert_async().await;

    let traced = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/devices"))
                .header("x-trace", "abc");
            then.status(200).body(r#"{"items":[],"totalCount":0}"#);
        })
        .await;
    let filter = DeviceFilter {
        filter_field: "name",
        filter: "*",
        tag_filter: None,
    };
    client
        .list_devices(&app(), 10, &filter)
        .page(2)
        .trace("abc".into())
        .await
        .unwrap();
    traced.assert_async().await;
}

#[tokio::test]
async fn an_empty_204_is_a_unit_result() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/applications/{APP}/devices/{DEVICE_ID}/command"))
                .json_body(serde_json::json!({"name": "reboot", "payload": {"delay": 5}}));
            then.status(204);
        })
        .await;
    let command = Command {
        name: "reboot".into(),
        payload: serde_json::json!({"delay": 5}),
    };
    client(&server.base_url())
        .send_command(&app(), &DEVICE_ID.parse().unwrap(), &command)
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(DeviceApiEndpoints::SEND_COMMAND.is_idempotent());
    assert!(!DeviceApiEndpoints::CREATE_DEVICE.is_idempotent());
    assert_eq!(
        DeviceApiEndpoints::SEND_COMMAND.accepted_scopes(),
        [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "device.*",
            "device.sendCommand"
        ]
    );
}

#[tokio::test]
async fn plain_path_values_are_one_encoded_segment() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(format!(
                "/applications/{APP}/files/reports%2F2026%20Q1.csv/versions/3"
            ));
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server.base_url());
    client
        .get_file(&app(), "reports/2026 Q1.csv", 3)
        .await
        .unwrap();
    mock.assert_async().await;

    for bad in ["", ".", ".."] {
        let error = client.get_file(&app(), bad, 3).await.unwrap_err();
        let Error::InvalidArgument(invalid) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(invalid.argument(), "name");
    }
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn header_values_that_would_split_the_request_are_refused() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201)
                .body(format!(r#"{{"id":"{DEVICE_ID}","name":"x"}}"#));
        })
        .await;
    let device = NewDevice {
        name: "x".into(),
        device_class: "standalone".into(),
    };
    let error = client(&server.base_url())
        .create_device(&app(), &device, "id\r\nX-Evil: 1")
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error:?}");
    assert!(error.to_string().contains("`request_id`"), "{error}");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_paginated_binding_streams_every_page_without_a_loop() {
    use losant_core::stream::TryStreamExt;

    let server = MockServer::start_async().await;
    let device = |n: u32| format!(r#"{{"id":"575ecf887ae143cd83dc4a{n:02x}","name":"Pump {n}"}}"#);
    let mut mocks = Vec::new();
    for page in 0..3u32 {
        let items: Vec<String> = (page * 2..(page * 2 + 2).min(5)).map(device).collect();
        let body = format!(r#"{{"items":[{}],"totalCount":5}}"#, items.join(","));
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path(format!("/applications/{APP}/devices"))
                        .query_param("tag", "pumps")
                        .query_param("page", page.to_string())
                        .query_param("perPage", "2");
                    then.status(200).body(body);
                })
                .await,
        );
    }
    let devices: Vec<Device> = client(&server.base_url())
        .tagged_devices(&app(), "pumps", 0, 2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Pump 0", "Pump 1", "Pump 2", "Pump 3", "Pump 4"]);
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
}

//! The generated bindings on the wire, called as a user calls them, against a
//! local mock server: paths, query strings, bodies, headers and answers.

#![cfg(all(feature = "device", feature = "data", feature = "auth"))]

use std::collections::BTreeMap;

use httpmock::prelude::*;
use losant::device::{DeviceQuery, DeviceQueryField, DevicesRemoveDataPost};
use losant::models::DeviceCredentials;
use losant::models::{
    DeviceClass, DevicePatch, DeviceState, DeviceStateOrStates, DeviceTag, DevicesPatch,
    DevicesTagFilter, TimeSeriesQuery,
};
use losant::prelude::*;
use losant::validate::Validate;
use losant::{
    Aggregation, AggregationFunction, ApplicationId, Client, DeviceId, Error, MaybeJob, OneOrMany,
};
use serde_json::json;

const TOKEN: &str = "wire-test-token-4d1f";
const APP: ApplicationId = ApplicationId::from_static("575ec8687ae143cd83dc4a97");
const DEVICE: DeviceId = DeviceId::from_static("575ecf887ae143cd83dc4aa2");

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .build()
        .unwrap()
}

fn device_json(name: &str) -> serde_json::Value {
    json!({
        "id": DEVICE.as_str(),
        "deviceId": DEVICE.as_str(),
        "applicationId": APP.as_str(),
        "name": name,
        "deviceClass": "standalone",
        "creationDate": "2016-06-13T04:00:00.000Z",
        "tags": [{"key": "floor", "value": "2"}],
        "connectionInfo": {"connected": 1, "time": "2016-06-13T04:00:00.000Z"},
        "someFieldFromAFutureVersion": true
    })
}

#[tokio::test]
async fn get_device_decodes_the_typed_document() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2")
                .query_param("excludeConnectionInfo", "true")
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept-version", "^1.30.0");
            then.status(200).json_body(device_json("Pump"));
        })
        .await;
    let device = client(&server)
        .get_device(&APP, &DEVICE)
        .exclude_connection_info(true)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(device.id, Some(DEVICE));
    assert_eq!(device.name.as_deref(), Some("Pump"));
    assert_eq!(device.device_class, Some(DeviceClass::Standalone));
    assert_eq!(device.tags.as_ref().unwrap()[0].key, "floor");
    assert_eq!(
        device.creation_date.unwrap().to_string(),
        "2016-06-13T04:00:00.000Z"
    );
}

#[tokio::test]
async fn patch_device_sends_only_the_fields_set_and_null_to_clear() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2")
                .header("content-type", "application/json")
                .json_body(json!({
                    "name": "Pump 2",
                    "parentId": null,
                    "tags": [{"key": "floor", "value": "3"}]
                }));
            then.status(200).json_body(device_json("Pump 2"));
        })
        .await;
    let patch = DevicePatch {
        name: Some("Pump 2".into()),
        parent_id: Some(None),
        tags: Some(vec![DeviceTag::new("floor", "3")]),
        ..Default::default()
    };
    let device = client(&server)
        .patch_device(&APP, &DEVICE, &patch)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(device.name.as_deref(), Some("Pump 2"));
}

#[tokio::test]
async fn a_body_over_its_schema_limits_is_refused_with_nothing_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(device_json("x"));
        })
        .await;
    let client = client(&server);

    let too_long = DevicePatch {
        name: Some("n".repeat(256)),
        ..Default::default()
    };
    let Err(Error::InvalidArgument(error)) = client.patch_device(&APP, &DEVICE, &too_long).await
    else {
        panic!("a 256-character name was sent");
    };
    assert_eq!(error.argument(), "device.name");
    assert_eq!(error.reason(), "must be 1 to 255 characters, got 256");

    let bad_key = DevicePatch {
        tags: Some(vec![DeviceTag::new("not a key", "v")]),
        ..Default::default()
    };
    assert!(bad_key.validate().is_err());
    let Err(Error::InvalidArgument(error)) = client.patch_device(&APP, &DEVICE, &bad_key).await
    else {
        panic!("a tag key with spaces was sent");
    };
    assert_eq!(error.argument(), "device.tags[0].key");
    assert!(
        error.reason().starts_with("must match"),
        "{}",
        error.reason()
    );

    let too_many = DevicesPatch {
        device_ids: Some(vec![DEVICE; 1001]),
        ..Default::default()
    };
    assert!(client.patch_devices(&APP, &too_many).await.is_err());
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn send_state_takes_one_state_or_many() {
    let server = MockServer::start_async().await;
    let one = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(
                    "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2/state",
                )
                .json_body(json!({"data": {"temperature": 21.5}}));
            then.status(200).json_body(json!({"success": true}));
        })
        .await;
    let many = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(
                    "/applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2/state",
                )
                .json_body(json!([{"data": {"temperature": 21.5}}, {"data": {"temperature": 22}}]));
            then.status(200).json_body(json!({"success": true}));
        })
        .await;
    let client = client(&server);
    let state = |value: serde_json::Value| {
        DeviceState::new(BTreeMap::from([("temperature".to_owned(), value)]))
    };

    let single = DeviceStateOrStates(OneOrMany::One(state(json!(21.5))));
    let answer = client
        .send_state_device(&APP, &DEVICE, &single)
        .await
        .unwrap();
    assert_eq!(answer.success, Some(true));
    let both = DeviceStateOrStates(vec![state(json!(21.5)), state(json!(22))].into());
    client
        .send_state_device(&APP, &DEVICE, &both)
        .await
        .unwrap();
    one.assert_async().await;
    many.assert_async().await;
}

#[tokio::test]
async fn get_devices_sends_the_tag_filter_in_brackets_and_the_query_as_json() {
    let server = MockServer::start_async().await;
    let query = DeviceQuery::and([
        DeviceQuery::field(DeviceQueryField::Name)
            .starts_with("pump")
            .case_insensitive(true)
            .into(),
        DeviceQuery::tag("floor", "2"),
    ]);
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/applications/575ec8687ae143cd83dc4a97/devices")
                .query_param("perPage", "25")
                .query_param("tagFilter[0][key]", "floor")
                .query_param("tagFilter[0][value]", "2")
                .query_param("tagFilter[1][key]", "zone")
                .query_param(
                    "query",
                    r#"{"$and":[{"name":{"$ci":true,"$startsWith":"pump"}},{"tags":{"floor":"2"}}]}"#,
                )
                .query_param("page", "0");
            then.status(200).json_body(json!({
                "items": [device_json("Pump")],
                "count": 1, "totalCount": 1, "perPage": 25, "page": 0
            }));
        })
        .await;
    let tags = [
        DevicesTagFilter {
            key: Some("floor".into()),
            value: Some("2".into()),
        },
        DevicesTagFilter {
            key: Some("zone".into()),
            value: None,
        },
    ];
    let page = client(&server)
        .get_devices(&APP)
        .per_page(25)
        .tag_filter(&tags)
        .query(&query)
        .page(0)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.unwrap().len(), 1);
}

#[tokio::test]
async fn an_advanced_query_that_breaks_its_schema_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"items": []}));
        })
        .await;
    // `$like` is no operator of Losant's queries, and `gatewayId` takes an ID.
    for (query, reason) in [
        (
            json!({"name": {"$like": "pump*"}}),
            "unknown operator `$like` at `name`",
        ),
        (
            json!({"$or": [{"gatewayId": "pump"}]}),
            "`$or[0].gatewayId` must be an ID",
        ),
    ] {
        let query: DeviceQuery = DeviceQuery::raw(query.as_object().unwrap().clone());
        let error = client(&server)
            .get_devices(&APP)
            .query(&query)
            .await
            .unwrap_err();
        let Error::InvalidArgument(invalid) = &error else {
            panic!("not refused before sending: {error:?}");
        };
        assert!(invalid.reason().contains(reason), "{error}");
    }
    // A body's query is reported at its field.
    let body = DevicesRemoveDataPost::new(DeviceQuery::raw(
        json!({"id": {"$in": ["x"]}}).as_object().unwrap().clone(),
    ));
    let error = client(&server)
        .remove_data_devices(&APP, &body)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("query"), "{error}");
    assert!(
        error.to_string().contains("`id.$in` may hold only IDs"),
        "{error}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn get_devices_stream_walks_three_pages() {
    let server = MockServer::start_async().await;
    let pages: Vec<_> = futures_pages(&server).await;
    let client = client(&server);
    let mut stream = client.get_devices(&APP).per_page(2).stream();
    let mut names = Vec::new();
    while let Some(device) = stream.next().await {
        names.push(device.unwrap().name.unwrap());
    }
    assert_eq!(names, ["d0", "d1", "d2", "d3", "d4"]);
    for page in pages {
        page.assert_async().await;
    }
}

async fn futures_pages(server: &MockServer) -> Vec<httpmock::Mock<'_>> {
    let mut mocks = Vec::new();
    for (page, names) in [
        (0, vec!["d0", "d1"]),
        (1, vec!["d2", "d3"]),
        (2, vec!["d4"]),
    ] {
        let items: Vec<_> = names.iter().map(|n| device_json(n)).collect();
        mocks.push(
            server
                .mock_async(move |when, then| {
                    when.method(GET)
                        .path("/applications/575ec8687ae143cd83dc4a97/devices")
                        .query_param("perPage", "2")
                        .query_param("page", page.to_string());
                    then.status(200).json_body(json!({
                        "items": items, "count": items.len(), "totalCount": 5, "perPage": 2, "page": page
                    }));
                })
                .await,
        );
    }
    mocks
}

#[tokio::test]
async fn time_series_query_posts_the_query_and_decodes_the_series() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/applications/575ec8687ae143cd83dc4a97/data/time-series-query")
                // Whole numbers of `number` fields as JavaScript writes them:
                // `3600000`, not `3600000.0`.
                // An aggregation function by its name; the device query as built.
                .body(
                    r#"{"aggregation":"MEAN","attributes":["temperature"],"deviceIds":["575ecf887ae143cd83dc4aa2"],"deviceQuery":{"tags":{"floor":"2"}},"duration":3600000,"resolution":60000}"#,
                );
            then.status(200).json_body(json!({
                "start": "2016-06-13T04:00:00.000Z",
                "end": "2016-06-13T05:00:00.000Z",
                "resolution": 60000,
                "aggregation": {"type": "TIMEATVALUE", "options": {"value": "on"}},
                "order": "asc",
                "devices": {
                    (DEVICE.as_str()): {
                        "name": "Pump",
                        "tags": {"floor": ["2"]},
                        "points": [{"time": "2016-06-13T04:00:00.000Z", "data": {"temperature": 21.5}}]
                    }
                }
            }));
        })
        .await;
    let query = TimeSeriesQuery {
        aggregation: Some(AggregationFunction::Mean.into()),
        attributes: Some(vec!["temperature".into()]),
        device_ids: Some(vec![DEVICE]),
        device_query: Some(DeviceQuery::tag("floor", "2")),
        duration: Some(3_600_000.0),
        resolution: Some(60_000.0),
        ..Default::default()
    };
    let series = client(&server)
        .time_series_query_data(&APP, &query)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(series.aggregation, Aggregation::time_at_value("on"));
    let devices = series.devices;
    let pump = &devices[DEVICE.as_str()];
    assert_eq!(pump.name, "Pump");
    assert_eq!(pump.points.len(), 1);
}

#[tokio::test]
async fn authenticate_device_sends_no_authorization_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/device")
                .header_missing("authorization")
                .json_body(json!({"deviceId": DEVICE.as_str(), "key": "k", "secret": "s"}));
            then.status(200).json_body(json!({
                "applicationId": APP.as_str(),
                "deviceId": DEVICE.as_str(),
                "deviceClass": "standalone",
                "token": "device-token"
            }));
        })
        .await;
    let credentials = DeviceCredentials::new(DEVICE, "k", "s");
    // A client with a token sends none to this action, and so does one without.
    let with_token = client(&server);
    let authed = with_token
        .authenticate_device_auth(&credentials)
        .await
        .unwrap();
    assert_eq!(authed.token.expose(), "device-token");
    assert!(!format!("{authed:?}").contains("device-token"));
    let anonymous = Client::builder()
        .without_token()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .build()
        .unwrap();
    anonymous
        .authenticate_device_auth(&credentials)
        .await
        .unwrap();
    assert_eq!(mock.calls_async().await, 2);

    // Without a token, an action that needs one fails before sending.
    let Err(Error::Config(error)) = anonymous.get_device(&APP, &DEVICE).await else {
        panic!("a call needing a token was sent without one");
    };
    assert!(
        error.to_string().contains("get_device needs an API token"),
        "{error}"
    );
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn a_device_signs_in_and_carries_on_with_its_token() {
    const DEVICE_TOKEN: &str = "device-token-7c3e9a";
    let server = MockServer::start_async().await;
    let sign_in = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/auth/device")
                .header_missing("authorization");
            then.status(200).json_body(json!({
                "applicationId": APP.as_str(),
                "deviceId": DEVICE.as_str(),
                "deviceClass": "standalone",
                "token": DEVICE_TOKEN
            }));
        })
        .await;
    let as_device = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/devices/{DEVICE}"))
                .header("authorization", format!("Bearer {DEVICE_TOKEN}"));
            then.status(200).json_body(json!({
                "id": DEVICE.as_str(),
                "name": "Pump",
                "deviceClass": "standalone"
            }));
        })
        .await;
    let anonymous = Client::builder()
        .without_token()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let credentials = DeviceCredentials::new(DEVICE, "access-key", "access-secret");
    assert!(!format!("{credentials:?}").contains("access-secret"));
    let session = anonymous.authenticate_device(&credentials).await.unwrap();
    sign_in.assert_async().await;
    assert_eq!((session.application_id, session.device_id), (APP, DEVICE));
    assert!(
        !format!("{session:?}").contains(DEVICE_TOKEN),
        "{session:?}"
    );
    let device = session
        .client
        .get_device(&session.application_id, &session.device_id)
        .await
        .unwrap();
    as_device.assert_async().await;
    assert_eq!(device.name.as_deref(), Some("Pump"));
}

#[tokio::test]
async fn a_state_stream_yields_typed_device_states() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/applications/{APP}/devices/{DEVICE}/stateStream"))
                .query_param("keepAliveInterval", "10")
                // No global parameters on a stream, as the official clients open one
                // (this client sends them on every other call).
                .query_param_missing("_actions")
                .query_param_missing("_links")
                .query_param_missing("_embedded")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200)
                .header("content-type", "text/event-stream")
                .body(concat!(
                    ": keep-alive\n\n",
                    "event: deviceState\n",
                    "data: {\"data\":{\"temp\":21.5},\"time\":\"2016-06-13T04:00:00.000Z\"}\n\n",
                    "event: somethingNew\ndata: {}\n\n",
                    "event: deviceState\ndata: {\"data\":{\"temp\":22}}\n\n",
                ));
        })
        .await;
    let client = client(&server);
    let mut states = client
        .state_stream_device(&APP, &DEVICE)
        .keep_alive_interval(10)
        .reconnect(false)
        .await
        .unwrap();
    let first = states.try_next().await.unwrap().unwrap();
    assert_eq!(first.data["temp"], json!(21.5));
    assert!(first.time.is_some());
    // A message of another name is skipped; the next state follows.
    let second = states.try_next().await.unwrap().unwrap();
    assert_eq!(second.data["temp"], json!(22));
    // The server closed the body, and reconnection is off: an error, nothing retried.
    assert!(matches!(states.try_next().await, Err(Error::Transport(_))));
    mock.assert_async().await;
}

#[tokio::test]
async fn a_202_answer_is_the_queued_job() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/applications/575ec8687ae143cd83dc4a97/devices")
                .json_body(json!({"deviceIds": [DEVICE.as_str()], "updateFields": {"deviceClass": "gateway"}}));
            then.status(202)
                .json_body(json!({"jobQueued": true, "jobId": "a1b2c3", "success": true}));
        })
        .await;
    let patch = DevicesPatch {
        device_ids: Some(vec![DEVICE]),
        update_fields: Some(DevicePatch {
            device_class: Some(DeviceClass::Gateway),
            ..Default::default()
        }),
        ..Default::default()
    };
    let answer = client(&server).patch_devices(&APP, &patch).await.unwrap();
    mock.assert_async().await;
    let MaybeJob::Queued(job) = answer else {
        panic!("a 202 decoded as done: {answer:?}");
    };
    assert_eq!(job.job_id.as_deref(), Some("a1b2c3"));
}

#[test]
fn every_type_of_a_family_s_signatures_is_reachable_from_its_module() {
    // `get_devices` takes a filter field and a sort direction shared with other
    // families (neutral names: the lists most families share), and answers with a
    // shared model: all of them are in `losant::device`.
    use losant::device::{FilterField, GetDevicesSortField, SortDirection, Success};
    let sort = (GetDevicesSortField::Name, SortDirection::Asc);
    assert_eq!((sort.0.as_str(), sort.1.as_str()), ("name", "asc"));
    assert_eq!(FilterField::Name.as_str(), "name");
    assert_eq!(Success::default().success, None);
}

#[cfg(feature = "data_table_row")]
#[tokio::test]
async fn a_data_table_query_is_sent_as_the_body_and_checked_first() {
    use losant::data_table_row::DataTableQuery;
    use losant::{DataTableId, TableColumn};
    const TABLE: DataTableId = DataTableId::from_static("575ed78e7ae143cd83dc4aab");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/applications/575ec8687ae143cd83dc4a97/data-tables/575ed78e7ae143cd83dc4aab/rows/query")
                .query_param("limit", "10")
                .body(r#"{"$or":[{"temp":{"$gt":30}},{"site":"north"}]}"#);
            then.status(200)
                .json_body(json!({"items": [], "count": 0, "limit": 10, "offset": 0, "totalCount": 0}));
        })
        .await;
    let query = DataTableQuery::or([
        DataTableQuery::from(DataTableQuery::field(TableColumn::new("temp")).gt(30)),
        DataTableQuery::raw(json!({"site": "north"}).as_object().unwrap().clone()),
    ]);
    let client = client(&server);
    client
        .query_data_table_rows(&APP, &TABLE)
        .limit(10)
        .query(&query)
        .await
        .unwrap();
    mock.assert_async().await;
    // A column name the API refuses is refused here, before sending.
    let odd = DataTableQuery::from(DataTableQuery::field(TableColumn::new("a b")).eq(1));
    let error = client
        .query_data_table_rows(&APP, &TABLE)
        .query(&odd)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
    assert!(
        error.to_string().contains("is not a column name"),
        "{error}"
    );
    mock.assert_calls_async(1).await;
}

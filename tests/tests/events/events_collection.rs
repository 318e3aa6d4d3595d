//! The events collection: what each action sends (exact query strings and bodies),
//! how its answers decode (201, 200 or 202 shapes, 429), and the whole flow against
//! the sandbox: 250 events streamed back in order, advanced queries, bulk updates,
//! deletion by query and the creation limit.

use crate::support;

use std::collections::HashSet;

use losant_core::stream::{StreamExt, TryStreamExt};
use losant_core::{Client, Error, MaybeJob, RetryPolicy};
use losant_events::{
    Event, EventField, EventLevel, EventPatch, EventPost, EventQuery, EventState, EventsApi,
    EventsApiEndpoints, EventsExport, EventsFilter, EventsQuery, SortDirection, SortField,
};
use losant_sandbox::{Sandbox, Seed};
use support::{APP, app};
use support::{ScriptedServer, Step};

const EVENTS_PAGE: &str = r#"{"items":[{"id":"575ed0de7ae143cd83dc4aa5","level":"critical","subject":"Power levels critical"}],"count":1,"totalCount":1,"perPage":100,"page":0}"#;

fn client(url: &str) -> Client {
    support::client_builder(url).build().unwrap()
}

fn critical() -> EventQuery {
    EventQuery::field(EventField::Level)
        .eq(EventLevel::Critical)
        .into()
}

#[tokio::test]
async fn get_events_sends_every_option_and_the_query_json_encoded() {
    let server = ScriptedServer::always(Step::json(200, EVENTS_PAGE)).await;
    let client = client(&server.url());
    let options = EventsQuery::new()
        .sort(SortField::CreationDate, SortDirection::Asc)
        .per_page(100)
        .subject("Power*")
        .state(EventState::New);
    let page = client
        .get_events(&app())
        .options(&options)
        .query(&critical())
        .page(2)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.items.unwrap()[0].level, Some(EventLevel::Critical));
    client.get_events(&app()).await.unwrap();

    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            format!(
                "/applications/{APP}/events?filter=Power%2A&filterField=subject&perPage=100&sortDirection=asc\
                 &sortField=creationDate&state=new&query=%7B%22level%22%3A%7B%22%24eq%22%3A%22critical%22%7D%7D&page=2"
            ),
            format!("/applications/{APP}/events"),
        ]
    );
}

#[tokio::test]
async fn most_recent_by_severity_sends_filter_and_query() {
    let server = ScriptedServer::always(Step::json(
        200,
        r#"{"event":{"id":"575ed0de7ae143cd83dc4aa5","level":"critical"},"newCount":2}"#,
    ))
    .await;
    let answer = client(&server.url())
        .most_recent_by_severity(&app())
        .filter("Power*")
        .query(&critical())
        .await
        .unwrap();
    assert_eq!(answer.new_count, Some(2));
    assert_eq!(answer.event.unwrap().level, Some(EventLevel::Critical));
    assert_eq!(
        server.requests()[0].target,
        format!(
            "/applications/{APP}/events/mostRecentBySeverity?filter=Power%2A&query=%7B%22level%22%3A%7B%22%24eq%22%3A%22critical%22%7D%7D"
        )
    );
}

#[tokio::test]
async fn post_event_sends_the_body_and_decodes_the_201() {
    let server = ScriptedServer::always(Step::json(
        201,
        r#"{"id":"575ed0de7ae143cd83dc4aa5","level":"warning","subject":"Humidity high","state":"new"}"#,
    ))
    .await;
    let event = EventPost::new(EventLevel::Warning, "Humidity high");
    let created = client(&server.url())
        .post_event(&app(), &event)
        .await
        .unwrap();
    assert_eq!(created.state, Some(EventState::New));
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, format!("/applications/{APP}/events"));
    assert_eq!(
        request.body,
        br#"{"level":"warning","subject":"Humidity high"}"#
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn a_429_on_create_is_a_typed_rate_limit_error_and_not_retried() {
    let server = ScriptedServer::always(Step::json(
        429,
        r#"{"type":"RateLimit","message":"Over rate limit, request throttled"}"#,
    ))
    .await;
    let error = client(&server.url())
        .post_event(&app(), &EventPost::new(EventLevel::Info, "x"))
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("Over rate limit, request throttled")
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn bulk_patch_answers_either_success_or_a_job() {
    let server = ScriptedServer::start(vec![
        Step::json(200, r#"{"success":true}"#),
        Step::json(
            202,
            r#"{"jobQueued":true,"jobId":"clnHvJbyVkOWAZwYAwLP4","success":true}"#,
        ),
    ])
    .await;
    let client = client(&server.url());
    let filter = EventsFilter::new().state(EventState::New);
    let patch = EventPatch::new().state(EventState::Acknowledged);
    let done = client
        .patch_events(&app(), &patch)
        .filter(&filter)
        .query(&critical())
        .await
        .unwrap();
    assert!(
        matches!(&done, MaybeJob::Done(success) if success.is_success()),
        "{done:?}"
    );
    let queued = client
        .patch_events(&app(), &patch)
        .filter(&filter)
        .email("ops@example.com")
        .callback_url("https://example.com/cb")
        .await
        .unwrap();
    let MaybeJob::Queued(job) = queued else {
        panic!("{queued:?}")
    };
    assert_eq!(job.job_id.as_deref(), Some("clnHvJbyVkOWAZwYAwLP4"));

    let requests = server.requests();
    assert_eq!(
        requests[0].target,
        format!(
            "/applications/{APP}/events?state=new&query=%7B%22level%22%3A%7B%22%24eq%22%3A%22critical%22%7D%7D"
        )
    );
    assert_eq!(
        requests[1].target,
        format!(
            "/applications/{APP}/events?state=new&email=ops%40example.com&callbackUrl=https%3A%2F%2Fexample.com%2Fcb"
        )
    );
    assert!(
        requests
            .iter()
            .all(|r| r.method == "PATCH" && r.body == br#"{"state":"acknowledged"}"#)
    );
}

#[tokio::test]
async fn delete_by_query_answers_either_a_count_or_a_job() {
    let server = ScriptedServer::start(vec![
        Step::json(200, r#"{"removed":3}"#),
        Step::json(202, r#"{"jobQueued":true,"jobId":"abc","success":true}"#),
    ])
    .await;
    let client = client(&server.url());
    let removed = client
        .delete_events(&app())
        .query(&critical())
        .await
        .unwrap();
    assert_eq!(removed.done().unwrap().removed, Some(3));
    let queued = client
        .delete_events(&app())
        .email("ops@example.com")
        .await
        .unwrap();
    assert_eq!(queued.job().and_then(|j| j.job_id.as_deref()), Some("abc"));

    let requests = server.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].target,
        format!("/applications/{APP}/events/delete")
    );
    assert_eq!(requests[0].body, br#"{"level":{"$eq":"critical"}}"#);
    // No query: no body at all.
    assert_eq!(
        requests[1].target,
        format!("/applications/{APP}/events/delete?email=ops%40example.com")
    );
    assert!(requests[1].body.is_empty());
    assert_eq!(requests[1].header("content-type"), None);
}

#[tokio::test]
async fn export_answers_a_job() {
    let server = ScriptedServer::always(Step::json(
        202,
        r#"{"jobQueued":true,"jobId":"exp1","success":true}"#,
    ))
    .await;
    let export = EventsExport::new()
        .email("ops@example.com")
        .query(critical());
    let job = client(&server.url())
        .export_events(&app(), &export)
        .await
        .unwrap();
    assert_eq!(job.job_id.as_deref(), Some("exp1"));
    assert_eq!(
        server.requests()[0].body,
        br#"{"email":"ops@example.com","query":{"level":{"$eq":"critical"}}}"#
    );
}

#[test]
fn accepted_scopes_equal_the_reference() {
    let read = |action: &str| {
        vec![
            "all.Application".to_owned(),
            "all.Application.bounded".to_owned(),
            "all.Application.read".to_owned(),
            "all.Organization".to_owned(),
            "all.Organization.bounded".to_owned(),
            "all.Organization.read".to_owned(),
            "all.User".to_owned(),
            "all.User.bounded".to_owned(),
            "all.User.read".to_owned(),
            "events.*".to_owned(),
            format!("events.{action}"),
        ]
    };
    let write = |action: &str| {
        vec![
            "all.Application".to_owned(),
            "all.Application.bounded".to_owned(),
            "all.Organization".to_owned(),
            "all.Organization.bounded".to_owned(),
            "all.User".to_owned(),
            "all.User.bounded".to_owned(),
            "events.*".to_owned(),
            format!("events.{action}"),
        ]
    };
    let cases = [
        (&EventsApiEndpoints::GET_EVENTS, read("get")),
        (&EventsApiEndpoints::POST_EVENT, write("post")),
        (&EventsApiEndpoints::PATCH_EVENTS, write("patch")),
        (
            &EventsApiEndpoints::MOST_RECENT_BY_SEVERITY,
            read("mostRecentBySeverity"),
        ),
        (&EventsApiEndpoints::DELETE_EVENTS, read("delete")),
        (&EventsApiEndpoints::EXPORT_EVENTS, read("export")),
    ];
    for (endpoint, expected) in cases {
        assert_eq!(
            endpoint.accepted_scopes(),
            expected.as_slice(),
            "{}",
            endpoint.name()
        );
    }
    assert!(EventsApiEndpoints::DELETE_EVENTS.is_idempotent());
    assert!(!EventsApiEndpoints::POST_EVENT.is_idempotent());
}

/// A sandbox with one application and no creation limit.
async fn sandbox() -> (Sandbox, Client, losant_core::ApplicationId) {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Fleet");
    let token = sandbox.add_token("CI", ["all.Application"]);
    let client = support::client_builder(sandbox.base_url())
        .token(token)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (sandbox, client, app)
}

fn level(i: usize) -> EventLevel {
    [
        EventLevel::Info,
        EventLevel::Warning,
        EventLevel::Error,
        EventLevel::Critical,
    ][i % 4]
        .clone()
}

/// Creates 250 events through the API (levels cycling info, warning, error,
/// critical) and returns their IDs in creation order.
async fn create_250(
    sandbox: &Sandbox,
    client: &Client,
    app: &losant_core::ApplicationId,
) -> Vec<losant_core::EventId> {
    sandbox.set_creation_limit(None);
    let mut created = Vec::new();
    for i in 0..250 {
        let event = EventPost::new(level(i), format!("Sensor {i:03} out of range"))
            .tag("index", i.to_string());
        created.push(client.post_event(app, &event).await.unwrap().id.unwrap());
    }
    created
}

fn oldest_first() -> EventsQuery {
    EventsQuery::new()
        .sort(SortField::CreationDate, SortDirection::Asc)
        .per_page(100)
}

#[tokio::test]
async fn two_hundred_fifty_events_stream_back_in_order() {
    let (sandbox, client, app) = sandbox().await;
    let created = create_250(&sandbox, &client, &app).await;

    // Every event, in creation order, three pages of 100 fetched as the stream is read.
    let before = sandbox.requests_seen();
    let options = oldest_first();
    let streamed: Vec<Event> = client
        .get_events(&app)
        .options(&options)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        streamed.iter().map(|e| e.id.unwrap()).collect::<Vec<_>>(),
        created
    );
    assert_eq!(sandbox.requests_seen() - before, 3);

    // Lazy: taking five events fetches one page.
    let before = sandbox.requests_seen();
    let first: Vec<_> = client
        .get_events(&app)
        .options(&options)
        .stream()
        .take(5)
        .collect()
        .await;
    assert_eq!(first.len(), 5);
    assert_eq!(sandbox.requests_seen() - before, 1);

    // An advanced query: critical events whose subject starts with "Sensor 1".
    let query = EventQuery::and([
        critical(),
        EventQuery::field(EventField::Subject)
            .starts_with("Sensor 1")
            .into(),
    ]);
    let matching: Vec<Event> = client
        .get_events(&app)
        .options(&options)
        .query(&query)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<_> = (100..200)
        .filter(|i| i % 4 == 3)
        .map(|i| created[i])
        .collect();
    assert_eq!(
        matching.iter().map(|e| e.id.unwrap()).collect::<Vec<_>>(),
        expected
    );
}

#[tokio::test]
async fn bulk_acknowledge_then_delete_by_query() {
    let (sandbox, client, app) = sandbox().await;
    create_250(&sandbox, &client, &app).await;

    let patch = EventPatch::new()
        .state(EventState::Acknowledged)
        .comment("on it");
    let done = client
        .patch_events(&app, &patch)
        .filter(&EventsFilter::new().state(EventState::New))
        .query(&critical())
        .await
        .unwrap();
    assert!(matches!(done, MaybeJob::Done(_)));
    let acknowledged: Vec<Event> = client
        .get_events(&app)
        .options(&EventsQuery::new().state(EventState::Acknowledged))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(acknowledged.len(), 62);
    assert!(
        acknowledged
            .iter()
            .all(|e| e.level == Some(EventLevel::Critical))
    );
    let most_recent = client.most_recent_by_severity(&app).await.unwrap();
    assert_eq!(most_recent.new_count, Some(250 - 62));
    assert_eq!(most_recent.event.unwrap().level, Some(EventLevel::Critical));

    let info: EventQuery = EventQuery::field(EventField::Level)
        .eq(EventLevel::Info)
        .into();
    let removed = client.delete_events(&app).query(&info).await.unwrap();
    assert_eq!(removed.done().unwrap().removed, Some(63));
    let left = client
        .get_events(&app)
        .options(&EventsQuery::new().per_page(1))
        .await
        .unwrap();
    assert_eq!(left.total_count, Some(250 - 63));
    let levels: HashSet<_> = client
        .get_events(&app)
        .options(&oldest_first())
        .stream()
        .map_ok(|e| e.level.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert!(!levels.contains(&EventLevel::Info));
}

#[tokio::test]
async fn the_sixteenth_create_within_fifteen_seconds_is_refused() {
    let (sandbox, client, app) = sandbox().await;
    for i in 0..15 {
        client
            .post_event(&app, &EventPost::new(EventLevel::Info, format!("e{i}")))
            .await
            .unwrap();
    }
    let error = client
        .post_event(&app, &EventPost::new(EventLevel::Info, "e15"))
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(
        error.as_api().unwrap().message(),
        Some("Over rate limit, request throttled")
    );
    let page = client.get_events(&app).await.unwrap();
    assert_eq!(page.total_count, Some(15));
    drop(sandbox);
}

#[tokio::test]
async fn invalid_posts_are_refused_on_both_sides() {
    let (sandbox, client, app) = sandbox().await;
    let seen = sandbox.requests_seen();
    let error = client
        .post_event(&app, &EventPost::new(EventLevel::Info, "x".repeat(256)))
        .await
        .unwrap_err();
    assert!(error.is_rejected_before_sending(), "{error:?}");
    assert_eq!(sandbox.requests_seen(), seen);

    let raw = support::raw_http()
        .post(format!("{}/applications/{app}/events", sandbox.base_url()))
        .bearer_auth(sandbox.add_token("raw", ["all.Application"]))
        .body(r#"{"subject":"no level"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert!(
        raw.text()
            .await
            .unwrap()
            .contains("required property 'level'")
    );
}

#[tokio::test]
async fn a_stream_yields_the_error_once_and_ends() {
    let sandbox = Sandbox::start_with(Seed::demo()).await.unwrap();
    let reader = sandbox.add_token("devices only", ["device.get"]);
    let client = support::client_builder(sandbox.base_url())
        .token(reader)
        .build()
        .unwrap();
    let app = losant_sandbox::DEMO_APPLICATION.parse().unwrap();
    let results: Vec<_> = client.get_events(&app).stream().collect().await;
    assert_eq!(results.len(), 1);
    let Err(error) = &results[0] else {
        panic!("{results:?}")
    };
    assert!(error.is_forbidden(), "{error:?}");
    assert!(matches!(error, Error::Api(_)));
}

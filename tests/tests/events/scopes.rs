//! The endpoint metadata of the Event operations equals the API reference (1.30.0).

use losant_core::{Endpoint, Method};
use losant_events::EventApiEndpoints;

#[test]
fn accepted_scopes_equal_the_reference_lists() {
    assert_eq!(
        EventApiEndpoints::GET_EVENT.accepted_scopes(),
        [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "event.*",
            "event.get",
        ]
    );
    assert_eq!(
        EventApiEndpoints::PATCH_EVENT.accepted_scopes(),
        [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "event.*",
            "event.patch"
        ]
    );
    assert_eq!(
        EventApiEndpoints::DELETE_EVENT.accepted_scopes(),
        [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "event.*",
            "event.delete"
        ]
    );
}

#[test]
fn metadata_describes_each_operation() {
    let expected: [(&Endpoint, &str, Method, &str, bool, bool); 3] = [
        (
            &EventApiEndpoints::GET_EVENT,
            "get_event",
            Method::Get,
            "event.get",
            true,
            true,
        ),
        (
            &EventApiEndpoints::PATCH_EVENT,
            "patch_event",
            Method::Patch,
            "event.patch",
            false,
            false,
        ),
        (
            &EventApiEndpoints::DELETE_EVENT,
            "delete_event",
            Method::Delete,
            "event.delete",
            false,
            true,
        ),
    ];
    for (endpoint, name, method, scope, read, idempotent) in expected {
        assert_eq!(endpoint.name(), name);
        assert_eq!(endpoint.method(), method);
        assert_eq!(endpoint.path(), "/applications/<app>/events/<event>");
        assert_eq!(endpoint.scope(), scope);
        assert_eq!(endpoint.is_read(), read, "{name}");
        assert_eq!(endpoint.is_idempotent(), idempotent, "{name}");
    }
    let names: Vec<&str> = EventApiEndpoints::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["get_event", "patch_event", "delete_event"]);
}

#[test]
fn read_only_tokens_may_get_but_not_change() {
    let read_only = ["all.Application.read"];
    assert!(EventApiEndpoints::GET_EVENT.accepts_any(&read_only));
    assert!(!EventApiEndpoints::PATCH_EVENT.accepts_any(&read_only));
    assert!(!EventApiEndpoints::DELETE_EVENT.accepts_any(&read_only));
    assert!(EventApiEndpoints::DELETE_EVENT.accepts_any(&["event.*"]));
    assert!(!EventApiEndpoints::DELETE_EVENT.accepts_any(&["events.*"]));
}

//! Every action of the vendored API description against `losant::endpoints()`,
//! read from the description directly (not through the generator): method, path
//! template, own scope, accepted scopes, authentication and the naming rule.

#![cfg(feature = "events")]

use std::collections::HashMap;
use std::path::PathBuf;

use losant::{Auth, Endpoint, Method};
use serde_json::Value;

fn spec(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/losant-1.30.0")
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// `/applications/{applicationId}/devices` and `/applications/<app>/devices` both
/// become `/applications/{}/devices`.
fn template(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' | '<' => {
                inside = true;
                out.push_str("{}");
            }
            '}' | '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// `mostRecentBySeverity` → `most_recent_by_severity`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The names the hand-written event bindings had before the rule.
const HAND_NAMES: &[(&str, &str)] = &[
    ("events.post", "post_event"),
    ("events.mostRecentBySeverity", "most_recent_by_severity"),
];

#[test]
fn every_action_is_bound_as_the_description_says() {
    let info = spec("apiInfo.json");
    let extras = spec("all-endpoints.json");
    let bound: HashMap<(Method, String), &'static Endpoint> = losant::endpoints()
        .iter()
        .map(|e| ((e.method(), template(e.path())), *e))
        .collect();
    assert_eq!(
        bound.len(),
        losant::endpoints().len(),
        "two endpoints share a method and path"
    );

    let mut checked = 0;
    let mut left_out = Vec::new();
    for extra in extras["endpoints"].as_array().unwrap() {
        let resource = extra["resource"].as_str().unwrap();
        let action = extra["action"].as_str().unwrap();
        let official = format!("{resource}.{action}");
        let spec_action = &info[resource]["actions"][action];
        let path = format!(
            "{}{}",
            info[resource]["path"].as_str().unwrap(),
            spec_action["path"]
                .as_str()
                .filter(|p| *p != "/")
                .unwrap_or("")
        );
        let method = match spec_action["method"].as_str().unwrap() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PATCH" => Method::Patch,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            other => panic!("{official}: method {other}"),
        };
        let Some(endpoint) = bound.get(&(method, template(&path))) else {
            left_out.push(official);
            continue;
        };
        checked += 1;

        let expected_name = HAND_NAMES
            .iter()
            .find(|(name, _)| *name == official)
            .map_or_else(
                || format!("{}_{}", snake(action), snake(resource)),
                |(_, n)| (*n).to_owned(),
            );
        assert_eq!(endpoint.name(), expected_name, "{official}");

        let own = spec_action["auth"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str);
        let accepted: Vec<&str> = extra["accepted_scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        if accepted.is_empty() {
            assert_ne!(endpoint.auth(), Auth::Token, "{official} takes no token");
            assert!(endpoint.accepted_scopes().is_empty(), "{official}");
            assert_eq!(endpoint.scope(), "", "{official}");
        } else {
            assert_eq!(endpoint.auth(), Auth::Token, "{official}");
            assert_eq!(Some(endpoint.scope()), own, "{official}: own scope");
            assert_eq!(
                endpoint.accepted_scopes(),
                accepted,
                "{official}: accepted scopes"
            );
        }
    }

    let flagged = |flag: &str| -> Vec<String> {
        extras["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e[flag] == Value::Bool(true))
            .map(|e| {
                format!(
                    "{}.{}",
                    e["resource"].as_str().unwrap(),
                    e["action"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert!(left_out.is_empty(), "not bound: {left_out:?}");
    assert_eq!(flagged("multipart").len(), 5, "the five uploads are bound");
    assert_eq!(
        flagged("sse_stream").len(),
        3,
        "the three streams are bound"
    );
    assert_eq!(checked, 375);
    assert_eq!(losant::endpoints().len(), 375);
}

#[test]
fn method_names_are_unique_across_the_api() {
    let mut names: Vec<&str> = losant::endpoints().iter().map(|e| e.name()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
}

#[test]
fn the_optional_token_is_for_dashboards_only() {
    let optional: Vec<&str> = losant::endpoints()
        .iter()
        .filter(|e| e.auth() == Auth::Optional)
        .map(|e| e.name())
        .collect();
    assert_eq!(optional, ["get_dashboard", "validate_context_dashboard"]);
}

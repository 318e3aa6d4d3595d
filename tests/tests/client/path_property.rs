//! Property: any string given as a path value is either refused before sending, or
//! arrives at the server as exactly one path segment that decodes back to itself.

use crate::support;

use std::future::IntoFuture;
use std::sync::LazyLock;

use losant_core::{Client, Error, Result, RetryPolicy, api};
use proptest::prelude::*;
use support::{ScriptedServer, Step};

/// A binding whose path value is free text.
#[api]
trait FilesApi {
    /// Gets a file by name.
    #[endpoint(method = "GET", path = "/files/<name>/meta", scope = "file.get")]
    async fn file_meta(&self, name: &str) -> Result<serde_json::Value>;
}

struct World {
    runtime: tokio::runtime::Runtime,
    server: ScriptedServer,
    client: Client,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(ScriptedServer::always(Step::json(200, "{}")));
    let client = support::client_builder(server.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    World {
        runtime,
        server,
        client,
    }
});

/// The cases of all tests share one server: they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn check(value: &str) -> std::result::Result<(), TestCaseError> {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let world = &*WORLD;
    let before = world.server.request_count();
    let result = world
        .runtime
        .block_on(world.client.file_meta(value).into_future());
    let requests = world.server.requests();
    match result {
        Err(Error::InvalidArgument(invalid)) => {
            prop_assert!(
                matches!(value, "" | "." | ".."),
                "refused {value:?}: {invalid}"
            );
            prop_assert_eq!(requests.len(), before, "a refused value was sent");
        }
        Err(other) => prop_assert!(false, "{value:?}: unexpected {other:?}"),
        Ok(_) => {
            prop_assert!(!matches!(value, "" | "." | ".."), "{value:?} was sent");
            prop_assert_eq!(requests.len(), before + 1);
            let target = &requests[before].target;
            let segment = target
                .strip_prefix("/files/")
                .and_then(|rest| rest.strip_suffix("/meta"))
                .unwrap_or_else(|| panic!("{value:?} changed the path: {target}"));
            prop_assert!(!segment.contains(['/', '?', '#']), "{value:?} -> {target}");
            let decoded = percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .unwrap();
            prop_assert_eq!(decoded.as_ref(), value, "target {}", target);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_unicode_string(value in any::<String>()) {
        check(&value)?;
    }

    #[test]
    fn strings_of_structural_characters(value in "[./?#%&=+ ;:@a2eE\\\\]{0,8}") {
        check(&value)?;
    }
}

#[test]
fn the_three_refused_values() {
    for value in ["", ".", ".."] {
        check(value).unwrap();
    }
}

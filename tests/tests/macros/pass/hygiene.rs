//! A binding declared where the prelude's names mean something else.
#![deny(warnings)]
#![allow(dead_code)]

mod shadowed {
    pub struct Result;
    pub struct Ok;
    pub struct Err;
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct String;
    pub struct Vec;
    pub struct Send;
    pub struct Sync;
    pub struct Sized;
    pub struct Default;
    pub struct From;
    pub struct Into;
    pub struct Clone;
}

mod bindings {
    #[allow(unused_imports)]
    use super::shadowed::*;
    use losant_core::{api, ApplicationId, EventId};

    /// Event actions, declared among shadowed names.
    #[api]
    pub trait EventApi {
        /// Gets an event.
        #[endpoint(method = "GET", path = "/applications/<app>/events/<event>", scope = "event.get")]
        async fn get_event(&self, app: &ApplicationId, event: &EventId) -> losant_core::Result<serde_json::Value>;

        /// Patches an event.
        #[endpoint(method = "PATCH", path = "/applications/<app>/events/<event>", scope = "event.patch")]
        async fn patch_event(
            &self,
            app: &ApplicationId,
            event: &EventId,
            #[body] patch: &serde_json::Value,
            #[query] dry_run: ::core::option::Option<bool>,
            #[header = "X-Request-Id"] request_id: &str,
        ) -> losant_core::Result<serde_json::Value>;

        /// Deletes an event.
        #[endpoint(method = "DELETE", path = "/applications/<app>/events/<event>", scope = "event.delete")]
        async fn delete_event(&self, app: &ApplicationId, event: &EventId) -> losant_core::Result<()>;
    }
}

fn main() {
    use bindings::{EventApi, EventApiEndpoints};
    let _: &dyn EventApi;
    assert_eq!(EventApiEndpoints::ALL.len(), 3);
    fn is_api<T: EventApi>() {}
    is_api::<losant_core::Client>();
}

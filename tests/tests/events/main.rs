//! The Event bindings over HTTP: what each operation sends and how every answer
//! decodes, their metadata against the API reference, data at the depth bound, and a
//! test double of the trait.
//!
//! One test target per concern: each file is a module here.

// The modules declare bindings and models the way a user's crate would, `pub`.
#![allow(unreachable_pub)]

#[path = "../support/mod.rs"]
mod support;

mod data_depth;
mod event_http;
mod events_collection;
mod scopes;
mod test_double;

//! The client core over HTTP: configuration, faults of the network and the API, hostile
//! servers, compression, global parameters, middleware, client-side rate limits and
//! path encoding.
//!
//! One test target per concern: each file is a module here.

// The modules declare bindings and models the way a user's crate would, `pub`.
#![allow(unreachable_pub)]

#[path = "../support/mod.rs"]
mod support;

mod client_config;
mod compression;
mod faults;
mod from_env;
mod global_params;
mod hostile_server;
mod middleware;
mod path_property;
mod sse;
mod throttle;
mod tls;
mod tokens;
mod uploads;

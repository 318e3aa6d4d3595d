//! The macros as a user meets them: `#[api]` misuse caught at compile time (trybuild,
//! `ui/` and `pass/`), a binding of another resource written from the README, and
//! `#[derive(Validate)]` on a user's own model.
//!
//! One test target per concern: each file is a module here.

// The modules declare bindings and models the way a user's crate would, `pub`.
#![allow(unreachable_pub)]

#[path = "../support/mod.rs"]
mod support;

mod compile;
mod custom_binding;
mod validate_derive;

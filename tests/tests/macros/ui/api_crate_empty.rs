use losant_core::api;

// `crate` without its path.
#[api(crate = )]
pub trait Empty {}

// `crate` with something that is not a path.
#[api(crate = 3)]
pub trait NotAPath {}

fn main() {}

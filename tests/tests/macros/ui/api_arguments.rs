use losant_core::api;

// An unknown option, on an item that is not a trait: both errors are reported.
#[api(retries = 3)]
pub struct NotATrait;

// `crate` given twice.
#[api(crate = losant_core, crate = losant_core)]
pub trait Twice {}

fn main() {}

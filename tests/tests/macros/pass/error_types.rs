//! Every type reachable from the public error is nameable from the crate root.

use losant_core::{
    ApiError, BodyTooLarge, Call, ConfigError, DecodeError, Error, IdError, InvalidArgument,
    RateLimitError, RedirectError, ScopeError, TimeoutError, TimeoutKind, TransportError,
};

/// One line per case, each through its named type.
fn describe(error: &Error) -> String {
    let call: Option<&Call> = error.call();
    let attempts = call.map_or(0, Call::attempts);
    match error {
        Error::Api(e) => { let e: &ApiError = e; format!("api {} {attempts}", e.status()) }
        Error::Decode(e) => { let e: &DecodeError = e; format!("decode {}", e.path()) }
        Error::InvalidArgument(e) => { let e: &InvalidArgument = e; format!("argument {}", e.argument()) }
        Error::InvalidId(e) => { let e: &IdError = e; format!("id {}", e.kind()) }
        Error::InsufficientScope(e) => { let e: &ScopeError = e; format!("scope {}", e.granted().len()) }
        Error::Timeout(e) => {
            let e: &TimeoutError = e;
            let kind: TimeoutKind = e.kind();
            format!("timeout {kind}")
        }
        Error::RateLimited(e) => { let e: &RateLimitError = e; format!("rate {:?}", e.retry_after()) }
        Error::Redirect(e) => { let e: &RedirectError = e; format!("redirect {:?}", e.location()) }
        Error::BodyTooLarge(e) => { let e: &BodyTooLarge = e; format!("large {}", e.limit()) }
        Error::Transport(e) => { let e: &TransportError = e; format!("transport {}", e.message()) }
        Error::Config(e) => { let e: &ConfigError = e; format!("config {e}") }
        _ => "a case this version does not know".to_owned(),
    }
}

fn main() {
    let error = Error::from(TransportError::new("reset"));
    assert_eq!(describe(&error), "transport reset");
}

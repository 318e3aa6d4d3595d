//! Every attribute name and key the macros understand, in one place.

/// `#[endpoint(...)]` on a method.
pub(crate) const ENDPOINT: &str = "endpoint";

/// Keys of `#[endpoint(...)]`.
pub(crate) const METHOD: &str = "method";
pub(crate) const PATH: &str = "path";
pub(crate) const SCOPE: &str = "scope";
pub(crate) const READ: &str = "read";
pub(crate) const IDEMPOTENT: &str = "idempotent";
pub(crate) const PAGINATE: &str = "paginate";
pub(crate) const ENDPOINT_KEYS: &[&str] = &[METHOD, PATH, SCOPE, READ, IDEMPOTENT, PAGINATE];

/// Argument roles.
pub(crate) const BODY: &str = "body";
pub(crate) const QUERY: &str = "query";
pub(crate) const HEADER: &str = "header";
pub(crate) const ARG_ROLES: &[&str] = &[BODY, QUERY, HEADER];

/// HTTP methods an endpoint can use.
pub(crate) const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

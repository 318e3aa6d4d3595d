//! [`EventsExport`]: the body of `export_events` (schema `eventsExport`).

use losant_core::validate::Checker;
use losant_core::{StringEnum, Validate};
use serde::{Deserialize, Serialize};

use crate::query::EventQuery;
use crate::validate::limit_error;

/// Longest email address and callback URL of an export, in characters.
pub const MAX_EXPORT_ADDRESS_CHARS: usize = 1024;

/// The file format of an export.
#[derive(Clone, PartialEq, Eq, Hash, Debug, StringEnum)]
pub enum ExportFormat {
    /// Comma-separated values (the server's default).
    #[value = "csv"]
    Csv,
    /// JSON.
    #[value = "json"]
    Json,
    /// A value this version of the crate does not know, kept as sent.
    Other(String),
}

/// What to export and where to send it (schema `eventsExport`); checked against the
/// schema before sending, loads from configuration with serde.
///
/// ```
/// use losant_core::Validate;
/// use losant_events::{EventsExport, ExportFormat};
///
/// let export = EventsExport::new().email("ops@example.com").format(ExportFormat::Json);
/// assert_eq!(
///     serde_json::to_string(&export)?,
///     r#"{"email":"ops@example.com","format":"json"}"#
/// );
/// assert!(EventsExport::new().email("not an address").validate().is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
#[must_use]
pub struct EventsExport {
    /// Where to email the export (an address of up to 1024 characters).
    #[serde(default)]
    #[validate(chars(min = 3, max = MAX_EXPORT_ADDRESS_CHARS), with = email_address)]
    pub email: Option<String>,
    /// A URL to call when the export is ready (up to 1024 characters).
    #[serde(default)]
    #[validate(chars(min = 1, max = MAX_EXPORT_ADDRESS_CHARS), with = absolute_url)]
    pub callback_url: Option<String>,
    /// Which events to export (every event without one).
    #[serde(default)]
    #[validate(nested)]
    pub query: Option<EventQuery>,
    /// The file format (the server's default is CSV).
    #[serde(default)]
    #[validate(listed)]
    pub format: Option<ExportFormat>,
    /// Whether to leave the events' update history out.
    #[serde(default)]
    pub exclude_updates: Option<bool>,
}

impl EventsExport {
    /// An export of every event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Emails the export to `email`.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Calls `url` when the export is ready.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Exports only the events matching `query`.
    pub fn query(mut self, query: EventQuery) -> Self {
        self.query = Some(query);
        self
    }

    /// The file format.
    pub fn format(mut self, format: ExportFormat) -> Self {
        self.format = Some(format);
        self
    }

    /// Leaves the events' update history out of the export.
    pub fn exclude_updates(mut self, exclude: bool) -> Self {
        self.exclude_updates = Some(exclude);
        self
    }
}

/// An email address: text on both sides of an `@`, no spaces.
fn email_address(email: &str, at: &mut Checker) {
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !email.chars().any(char::is_whitespace)
    });
    if !valid {
        at.fail("is not an email address");
    }
}

/// An absolute URL: a scheme, then the rest.
fn absolute_url(url: &str, at: &mut Checker) {
    if !has_scheme(url) {
        at.fail("is not an absolute URL (such as `https://example.com/done`)");
    }
}

/// `scheme:` at the start, as RFC 3986 writes it.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !url.chars().any(char::is_whitespace)
}

/// The body: only what was set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<&'a EventQuery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a ExportFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exclude_updates: Option<bool>,
}

impl Serialize for EventsExport {
    /// Serializes what was set, or fails with the first broken rule.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Validate::validate(self).map_err(|invalid| limit_error(&invalid))?;
        Wire {
            email: self.email.as_deref(),
            callback_url: self.callback_url.as_deref(),
            query: self.query.as_ref(),
            format: self.format.as_ref(),
            exclude_updates: self.exclude_updates,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_formats_are_checked() {
        assert!(
            EventsExport::new()
                .email("a@b")
                .callback_url("https://x.example/y")
                .validate()
                .is_ok()
        );
        for bad in ["", "nobody", "@example.com", "a b@example.com"] {
            assert!(
                EventsExport::new().email(bad).validate().is_err(),
                "{bad:?}"
            );
        }
        for bad in ["", "example.com/done", "https:", "1http://x", "http://a b"] {
            assert!(
                EventsExport::new().callback_url(bad).validate().is_err(),
                "{bad:?}"
            );
        }
        let long = format!("https://x.example/{}", "p".repeat(1024));
        assert_eq!(
            EventsExport::new()
                .callback_url(long)
                .validate()
                .unwrap_err()
                .argument(),
            "callbackUrl"
        );
        let xml = EventsExport::new().format(ExportFormat::Other("xml".into()));
        assert_eq!(xml.validate().unwrap_err().argument(), "format");
    }

    #[test]
    fn an_export_loads_from_configuration() {
        let export: EventsExport = serde_json::from_str(
            r#"{"email":"ops@example.com","format":"json","excludeUpdates":true}"#,
        )
        .unwrap();
        assert_eq!(
            export,
            EventsExport::new()
                .email("ops@example.com")
                .format(ExportFormat::Json)
                .exclude_updates(true)
        );
    }
}

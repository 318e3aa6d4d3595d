//! [`Secret`]: a token, a key's secret or a password held in a model.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret held in a model: an API or device token, an access key's secret, a
/// password. It goes on the wire as the plain string it is (serialized and read as
/// one), and nowhere else: `Debug` shows `Secret([REDACTED])`, and the value is read
/// only through [`expose`](Self::expose), so a secret is never printed by accident
/// with the model that holds it. The memory is zeroed when it is dropped.
///
/// ```
/// use losant_core::Secret;
///
/// let secret = Secret::from("s3cr3t-device-key");
/// assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
/// assert_eq!(secret.expose(), "s3cr3t-device-key");
/// assert_eq!(serde_json::to_string(&secret)?, r#""s3cr3t-device-key""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    /// The secret `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The secret as text, to send it or to hand it to a client
    /// ([`Client::with_token`](crate::Client::with_token)).
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// Two secrets are equal when their texts are (models compare field by field).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_reads_back_and_compares_by_its_text() {
        let secret: Secret = serde_json::from_str(r#""tok-123""#).unwrap();
        assert_eq!(secret, Secret::from("tok-123"));
        assert_ne!(secret, Secret::from("tok-124"));
        assert!(!secret.is_empty() && Secret::default().is_empty());
    }

    #[test]
    fn a_model_holding_a_secret_does_not_print_it() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Credentials {
            key: String,
            secret: Secret,
        }
        let shown = format!(
            "{:?}",
            Credentials {
                key: "k".to_owned(),
                secret: Secret::from("hunter2-hunter2"),
            }
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

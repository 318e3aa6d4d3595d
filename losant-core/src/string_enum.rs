//! Enums of string values that keep values they do not know.

/// Deserializes a string (borrowed or owned) through `make`; what the enums of
/// `#[derive(StringEnum)]` decode with.
#[doc(hidden)]
pub fn deserialize_str_with<'de, D, T>(deserializer: D, make: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }

    deserializer.deserialize_str(Visitor(make))
}

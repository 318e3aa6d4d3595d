//! Enums of string values that keep values they do not know.

/// Deserializes a string (borrowed or owned) through `make`; what the enums of
/// [`string_enum!`] decode with.
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

/// Declares an enum of known string values plus `Other(String)` for any value this
/// version does not know, so a new value on the server never breaks decoding.
///
/// The enum gets `as_str`, `VALUES` (the known values), `is_known`, `Display`,
/// `FromStr` (infallible), `From<&str>` and serde implementations that use the string
/// values. Decoding keeps unknown values; request builders use `is_known` to refuse a
/// value the API does not list before sending it.
///
/// ```
/// losant_core::string_enum! {
///     /// Connection state of a device.
///     pub enum ConnectionState {
///         /// Connected.
///         Connected = "connected",
///         /// Disconnected.
///         Disconnected = "disconnected",
///     }
/// }
///
/// let state: ConnectionState = serde_json::from_str(r#""connected""#)?;
/// assert_eq!(state, ConnectionState::Connected);
/// let unknown: ConnectionState = serde_json::from_str(r#""sleeping""#)?;
/// assert_eq!(unknown, ConnectionState::Other("sleeping".into()));
/// assert_eq!(serde_json::to_string(&unknown)?, r#""sleeping""#);
/// assert!(!unknown.is_known());
/// assert_eq!(ConnectionState::VALUES, ["connected", "disconnected"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the crate does not know, kept as sent.
            Other(::std::string::String),
        }

        impl $name {
            /// Every value this version knows, in declaration order.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// Whether the value is one this version knows (an `Other` holding a
            /// known value counts as known).
            #[must_use]
            pub fn is_known(&self) -> bool {
                match self {
                    $name::Other(value) => Self::VALUES.contains(&value.as_str()),
                    _ => true,
                }
            }

            /// The value as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::Other(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<$name as ::core::convert::From<&str>>::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_str_with(deserializer, |value: &str| <$name as ::core::convert::From<&str>>::from(value))
            }
        }
    };
}

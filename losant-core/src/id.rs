//! Typed 24-hexadecimal IDs.

use std::fmt;

use crate::error::IdError;

/// The storage of every ID type: 24 lower-case ASCII hexadecimal digits.
#[doc(hidden)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RawId([u8; 24]);

impl fmt::Debug for RawId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Each byte's lower-case hexadecimal digit, or 0 for a byte that is not one: parsing
/// an ID is one lookup per byte.
const LOWER_HEX: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        // `byte` < 256: the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let b = byte as u8;
        if b.is_ascii_hexdigit() {
            table[byte] = b.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

impl RawId {
    /// Parses 24 hexadecimal digits (either case), storing them lower-case.
    pub fn parse(kind: &'static str, input: &str) -> Result<Self, IdError> {
        let Ok(bytes) = <&[u8; 24]>::try_from(input.as_bytes()) else {
            return Err(IdError::new(kind, input));
        };
        let mut raw = [0u8; 24];
        let mut invalid = false;
        for (slot, &byte) in raw.iter_mut().zip(bytes) {
            let digit = LOWER_HEX[usize::from(byte)];
            invalid |= digit == 0;
            *slot = digit;
        }
        if invalid {
            return Err(IdError::new(kind, input));
        }
        Ok(RawId(raw))
    }

    /// 24 hexadecimal digits known when compiling.
    ///
    /// # Panics
    ///
    /// When `input` is not 24 hexadecimal digits (in a constant: the build stops).
    #[must_use]
    pub const fn from_static(input: &'static str) -> Self {
        let bytes = input.as_bytes();
        assert!(bytes.len() == 24, "an ID is 24 hexadecimal characters");
        let mut raw = [0u8; 24];
        let mut i = 0;
        while i < 24 {
            assert!(
                bytes[i].is_ascii_hexdigit(),
                "an ID is 24 hexadecimal characters"
            );
            raw[i] = bytes[i].to_ascii_lowercase();
            i += 1;
        }
        RawId(raw)
    }

    /// The ID of 12 raw bytes (an `ObjectId`), as hexadecimal.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 12]) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut raw = [0u8; 24];
        let mut i = 0;
        while i < 12 {
            raw[2 * i] = DIGITS[(bytes[i] >> 4) as usize];
            raw[2 * i + 1] = DIGITS[(bytes[i] & 0xf) as usize];
            i += 1;
        }
        RawId(raw)
    }

    /// The ID as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII hexadecimal digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Deserializes from a string, refusing anything that is not an ID.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        kind: &'static str,
    ) -> Result<Self, D::Error> {
        struct Visitor(&'static str);

        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {} (24 hexadecimal characters)", self.0)
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RawId, E> {
                RawId::parse(self.0, value).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor(kind))
    }
}

/// Declares a typed Losant ID: a `Copy` newtype over 24 hexadecimal characters that
/// only parses from valid input, with `FromStr`, `Display`, `Debug`, `AsRef<str>`,
/// validating serde, [`PathValue`](crate::PathValue) and a conversion into
/// [`ResourceId`].
///
/// IDs of different resources are different types, so an `EventId` cannot be passed
/// where an `ApplicationId` is expected. Upper-case input is accepted and stored
/// lower-case, so two spellings of one ID compare equal.
///
/// ```
/// losant_core::id_type! {
///     /// ID of a gadget.
///     pub struct GadgetId;
/// }
///
/// let id: GadgetId = "575ECE7E7AE143CD83DC4A9E".parse()?;
/// assert_eq!(id.to_string(), "575ece7e7ae143cd83dc4a9e");
/// assert!("not-an-id".parse::<GadgetId>().is_err());
///
/// const KNOWN: GadgetId = GadgetId::from_static("575ece7e7ae143cd83dc4a9e");
/// assert_eq!(KNOWN, id);
/// assert_eq!(GadgetId::from_bytes([0x57, 0x5e, 0xce, 0x7e, 0x7a, 0xe1, 0x43, 0xcd, 0x83, 0xdc, 0x4a, 0x9e]), id);
/// let any: losant_core::ResourceId = id.into();
/// assert_eq!(any.as_str(), id.as_str());
/// # Ok::<(), losant_core::IdError>(())
/// ```
#[macro_export]
macro_rules! id_type {
    ($(#[$meta:meta])* $vis:vis struct $name:ident;) => {
        $crate::id_type!(@base $(#[$meta])* $vis struct $name;);

        impl ::core::convert::From<$name> for $crate::ResourceId {
            fn from(id: $name) -> Self {
                $crate::ResourceId::from_raw(id.0)
            }
        }
    };
    (@base $(#[$meta:meta])* $vis:vis struct $name:ident;) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis struct $name($crate::__private::RawId);

        impl $name {
            /// Parses an ID from 24 hexadecimal characters.
            pub fn parse(input: &str) -> ::core::result::Result<Self, $crate::IdError> {
                $crate::__private::RawId::parse(::core::stringify!($name), input).map($name)
            }

            /// An ID written in the source: checked when compiling when used in a
            /// constant (`const APP: ApplicationId = ApplicationId::from_static("...")`).
            ///
            /// # Panics
            ///
            /// When `input` is not 24 hexadecimal characters (at compile time in a
            /// constant).
            #[must_use]
            pub const fn from_static(input: &'static str) -> Self {
                $name($crate::__private::RawId::from_static(input))
            }

            /// The ID of 12 raw bytes (the binary form of a Losant `ObjectId`).
            #[must_use]
            pub const fn from_bytes(bytes: [u8; 12]) -> Self {
                $name($crate::__private::RawId::from_bytes(bytes))
            }

            /// The ID as 24 lower-case hexadecimal characters.
            #[must_use]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::IdError;

            fn from_str(input: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::parse(input)
            }
        }

        impl ::core::convert::TryFrom<&str> for $name {
            type Error = $crate::IdError;

            fn try_from(input: &str) -> ::core::result::Result<Self, Self::Error> {
                Self::parse(input)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(::core::stringify!($name)).field(&self.as_str()).finish()
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl $crate::PathValue for $name {
            fn to_path_segment(&self) -> $crate::__private::Cow<'_, str> {
                $crate::__private::Cow::Borrowed(self.as_str())
            }

            fn to_segment(&self) -> $crate::Segment<'_> {
                $crate::Segment::id(&self.0)
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
                $crate::__private::RawId::deserialize(deserializer, ::core::stringify!($name)).map($name)
            }
        }
    };
}

id_type! {
    @base
    /// ID of a resource whose kind the API leaves open (a job's `resourceId`, a
    /// document's `createdById`, ...). Every typed ID converts into it.
    pub struct ResourceId;
}

impl ResourceId {
    /// The ID of any kind with the same digits.
    #[doc(hidden)]
    #[must_use]
    pub const fn from_raw(raw: RawId) -> Self {
        ResourceId(raw)
    }
}

id_type! {
    /// ID of a Losant application.
    pub struct ApplicationId;
}
id_type! {
    /// ID of an event.
    pub struct EventId;
}
id_type! {
    /// ID of a device.
    pub struct DeviceId;
}
id_type! {
    /// ID of a device recipe.
    pub struct DeviceRecipeId;
}
id_type! {
    /// ID of a user.
    pub struct UserId;
}
id_type! {
    /// ID of an organization.
    pub struct OrganizationId;
}
id_type! {
    /// ID of a workflow.
    pub struct FlowId;
}
id_type! {
    /// ID of an API token.
    pub struct ApiTokenId;
}
id_type! {
    /// ID of an experience user.
    pub struct ExperienceUserId;
}
id_type! {
    /// ID of a dashboard.
    pub struct DashboardId;
}
id_type! {
    /// ID of a data table.
    pub struct DataTableId;
}
id_type! {
    /// ID of a webhook.
    pub struct WebhookId;
}
id_type! {
    /// ID of an application certificate authority.
    pub struct ApplicationCertificateAuthorityId;
}
id_type! {
    /// ID of an application certificate.
    pub struct ApplicationCertificateId;
}
id_type! {
    /// ID of an application access key.
    pub struct ApplicationKeyId;
}
id_type! {
    /// ID of an application template.
    pub struct ApplicationTemplateId;
}
id_type! {
    /// ID of an audit log entry.
    pub struct AuditLogId;
}
id_type! {
    /// ID of a credential.
    pub struct CredentialId;
}
id_type! {
    /// ID of a data table row.
    pub struct DataTableRowId;
}
id_type! {
    /// ID of an edge deployment.
    pub struct EdgeDeploymentId;
}
id_type! {
    /// ID of an embedded deployment.
    pub struct EmbeddedDeploymentId;
}
id_type! {
    /// ID of an experience domain.
    pub struct ExperienceDomainId;
}
id_type! {
    /// ID of an experience endpoint.
    pub struct ExperienceEndpointId;
}
id_type! {
    /// ID of an experience group.
    pub struct ExperienceGroupId;
}
id_type! {
    /// ID of an experience slug.
    pub struct ExperienceSlugId;
}
id_type! {
    /// ID of an experience view.
    pub struct ExperienceViewId;
}
id_type! {
    /// ID of a file.
    pub struct FileId;
}
id_type! {
    /// ID of an instance audit log entry.
    pub struct InstanceAuditLogId;
}
id_type! {
    /// ID of an instance custom node.
    pub struct InstanceCustomNodeId;
}
id_type! {
    /// ID of an instance.
    pub struct InstanceId;
}
id_type! {
    /// ID of an instance sandbox.
    pub struct InstanceSandboxId;
}
id_type! {
    /// ID of an integration.
    pub struct IntegrationId;
}
id_type! {
    /// ID of an organization invite.
    pub struct InviteId;
}
id_type! {
    /// ID of an application job execution.
    pub struct JobId;
}
id_type! {
    /// ID of a notebook.
    pub struct NotebookId;
}
id_type! {
    /// ID of an instance notification rule.
    pub struct NotificationRuleId;
}
id_type! {
    /// ID of a user OAuth token.
    pub struct OauthTokenId;
}
id_type! {
    /// ID of a private file.
    pub struct PrivateFileId;
}
id_type! {
    /// ID of a resource job.
    pub struct ResourceJobId;
}

//! How argument values become path segments and header values.

use std::borrow::Cow;

use crate::id::RawId;

/// A value that can fill a path placeholder.
///
/// The value is percent-encoded as exactly one path segment by the runtime (a `/`
/// inside it is sent as `%2F`); the empty string, `.` and `..` are refused before
/// anything is sent. Implemented for the typed IDs, strings and integers; implement
/// it for your own identifier types to use them as path arguments.
///
/// ```
/// use std::borrow::Cow;
/// use losant_core::PathValue;
///
/// struct DeviceName(String);
///
/// impl PathValue for DeviceName {
///     fn to_path_segment(&self) -> Cow<'_, str> {
///         Cow::Borrowed(&self.0)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot fill a path placeholder",
    label = "not a path value",
    note = "path arguments take a typed ID (`&EventId`, ...), `&str`, `String` or an integer; implement `losant_core::PathValue` for your own types"
)]
pub trait PathValue {
    /// The unencoded text of the segment.
    fn to_path_segment(&self) -> Cow<'_, str>;

    /// The segment as the request builder takes it. The default checks and encodes
    /// [`to_path_segment`](Self::to_path_segment); the typed IDs, whose characters
    /// never need encoding, skip the check.
    fn to_segment(&self) -> Segment<'_> {
        Segment(SegmentText::Unchecked(self.to_path_segment()))
    }
}

/// One path segment, ready for the request builder: text to check and encode, or an
/// ID's 24 hexadecimal digits, which need neither.
#[derive(Debug, Clone)]
pub struct Segment<'a>(pub(crate) SegmentText<'a>);

#[derive(Debug, Clone)]
pub(crate) enum SegmentText<'a> {
    Unchecked(Cow<'a, str>),
    Id(&'a RawId),
}

impl<'a> Segment<'a> {
    /// The segment of an ID.
    #[doc(hidden)]
    #[must_use]
    pub fn id(raw: &'a RawId) -> Self {
        Segment(SegmentText::Id(raw))
    }

    /// The unencoded text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            SegmentText::Unchecked(text) => text,
            SegmentText::Id(raw) => raw.as_str(),
        }
    }
}

impl<'a> From<Cow<'a, str>> for Segment<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Segment(SegmentText::Unchecked(text))
    }
}

impl PathValue for str {
    fn to_path_segment(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl PathValue for String {
    fn to_path_segment(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl PathValue for Cow<'_, str> {
    fn to_path_segment(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: PathValue + ?Sized> PathValue for &T {
    fn to_path_segment(&self) -> Cow<'_, str> {
        (**self).to_path_segment()
    }

    fn to_segment(&self) -> Segment<'_> {
        (**self).to_segment()
    }
}

impl<T: PathValue + ?Sized> PathValue for Box<T> {
    fn to_path_segment(&self) -> Cow<'_, str> {
        (**self).to_path_segment()
    }

    fn to_segment(&self) -> Segment<'_> {
        (**self).to_segment()
    }
}

macro_rules! path_value_display {
    ($($ty:ty),*) => {$(
        impl PathValue for $ty {
            fn to_path_segment(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}

path_value_display!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, bool
);

/// A value that can be sent as a header: anything that is a [`PathValue`], or an
/// `Option` of one (`None` sends no header).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a header",
    label = "not a header value",
    note = "header arguments take `&str`, `String`, an integer, a typed ID or an `Option` of one"
)]
pub trait HeaderArg {
    /// The header's value, or `None` to leave the header out.
    fn to_header_value(&self) -> Option<Cow<'_, str>>;
}

impl<T: PathValue + ?Sized> HeaderArg for T {
    fn to_header_value(&self) -> Option<Cow<'_, str>> {
        Some(self.to_path_segment())
    }
}

impl<T: PathValue> HeaderArg for Option<T> {
    fn to_header_value(&self) -> Option<Cow<'_, str>> {
        self.as_ref().map(PathValue::to_path_segment)
    }
}

//! Checks of request bodies against their JSON Schema limits, before sending.
//!
//! A model declares its limits on its fields with `#[derive(Validate)]`, which writes
//! the [`Validate`](trait@Validate) impl that walks them with a [`Checker`]; a body
//! argument declared `#[body(validate)]` is checked before the request is built, so a
//! breach fails the call with [`Error::InvalidArgument`](crate::Error::InvalidArgument)
//! naming the field (`device.tags[3].key`) and nothing is sent. The generated models
//! and the events builders declare theirs the same way.
//!
//! ```
//! use losant_core::validate::Validate;
//!
//! #[derive(serde::Serialize, Validate)]
//! #[serde(rename_all = "camelCase")]
//! struct Tag {
//!     #[validate(pattern = Key)]
//!     tag_key: String,
//!     #[validate(chars(min = 1, max = 255))]
//!     value: Option<String>,
//! }
//!
//! let tag = Tag { tag_key: "floor".into(), value: Some(String::new()) };
//! let error = tag.validate().unwrap_err();
//! assert_eq!(error.argument(), "value");
//! assert_eq!(error.reason(), "must be 1 to 255 characters, got 0");
//! ```
//!
//! The checks: `chars(min = .., max = ..)` (characters, as JSON Schema counts them),
//! `pattern = Name` (a [`Pattern`]), `range(min = .., max = ..)` (written in the
//! field's type: `1` for an integer, `0.5` for a float), `listed` (a
//! `#[derive(StringEnum)]` value this version knows), `nested` or `#[validate]` alone
//! (a model with limits of its own), `depth = N` (JSON nesting), `with = path` (a
//! `fn(&T, &mut Checker)` of your own), and for lists and maps
//! `items(min = .., max = ..)`, `unique`, `entries(min = .., max = .., keys = Name)`
//! with `each(...)` for every item or value. A field that is an `Option` is checked
//! when present; the path uses the JSON names of serde's `rename` and `rename_all`,
//! and a `#[serde(flatten)]` field adds no step. A rule no attribute expresses is an
//! impl written by hand against [`Checker`].

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::error::InvalidArgument;
use crate::secret::Secret;

/// Derives [`Validate`](trait@Validate) from `#[validate(...)]` on the fields (see the
/// derive's documentation in `losant-macros`).
pub use losant_macros::Validate;

/// A value with limits to check before it is sent.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be checked before sending",
    label = "`#[body(validate)]` needs `losant_core::Validate`",
    note = "implement `losant_core::validate::Validate` for it, or declare the argument `#[body]`"
)]
pub trait Validate {
    /// Reports every limit of `self` to `at`, which keeps the first breach.
    fn check(&self, at: &mut Checker);

    /// Checks `self`, returning the first breach with the path of the field.
    fn validate(&self) -> Result<(), InvalidArgument> {
        let mut checker = Checker::default();
        self.check(&mut checker);
        checker.finish()
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn check(&self, at: &mut Checker) {
        (**self).check(at);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn check(&self, at: &mut Checker) {
        if let Some(value) = self {
            value.check(at);
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn check(&self, at: &mut Checker) {
        at.items(self, 0, usize::MAX, |at, item| item.check(at));
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn check(&self, at: &mut Checker) {
        self.as_slice().check(at);
    }
}

/// One step of the path to a field.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A field of a struct, by its JSON name.
    Field(&'static str),
    /// An item of a list.
    Index(usize),
    /// An entry of a map.
    Key(String),
}

/// The path of `steps` as errors name it: `attributes[0].attributeTags["k"]`.
pub(crate) fn path_of<'a>(steps: impl IntoIterator<Item = &'a Step>) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Field(name) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
            }
            Step::Index(index) => {
                let _ = write!(path, "[{index}]");
            }
            Step::Key(key) => {
                let _ = write!(path, "[{key:?}]");
            }
        }
    }
    path
}

/// Walks a value's fields, keeping the path to the one being checked and the first
/// breach found; once one is found the remaining checks do nothing.
#[derive(Debug, Default)]
pub struct Checker {
    path: Vec<Step>,
    failure: Option<InvalidArgument>,
}

impl Checker {
    /// Whether a breach was found.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.failure.is_some()
    }

    /// The first breach, if any.
    pub fn finish(self) -> Result<(), InvalidArgument> {
        self.failure.map_or(Ok(()), Err)
    }

    /// Records a breach at the current path (only the first is kept).
    pub fn fail(&mut self, reason: impl Into<String>) {
        if self.failure.is_none() {
            self.failure = Some(InvalidArgument::new(self.path_string(), reason));
        }
    }

    fn path_string(&self) -> String {
        path_of(&self.path)
    }

    fn within<T>(&mut self, step: Step, value: T, check: impl FnOnce(&mut Self, T)) {
        if self.failed() {
            return;
        }
        self.path.push(step);
        check(self, value);
        self.path.pop();
    }

    /// Checks the field `name` when it is present.
    pub fn field<T>(
        &mut self,
        name: &'static str,
        value: Option<T>,
        check: impl FnOnce(&mut Self, T),
    ) {
        if let Some(value) = value {
            self.within(Step::Field(name), value, check);
        }
    }

    /// Checks a nested model in the field `name` when it is present.
    pub fn nested<T: Validate + ?Sized>(&mut self, name: &'static str, value: Option<&T>) {
        self.field(name, value, |at, value| value.check(at));
    }

    /// Checks that `items` holds `min` to `max` items, then each item.
    pub fn items<T>(
        &mut self,
        items: &[T],
        min: usize,
        max: usize,
        mut check: impl FnMut(&mut Self, &T),
    ) {
        if self.failed() {
            return;
        }
        if items.len() < min || items.len() > max {
            return self.fail(between(min, max, items.len(), "items"));
        }
        for (index, item) in items.iter().enumerate() {
            self.within(Step::Index(index), item, &mut check);
            if self.failed() {
                return;
            }
        }
    }

    /// Checks that every item of `items` is different from the others.
    pub fn unique<T: PartialEq>(&mut self, items: &[T]) {
        for (index, item) in items.iter().enumerate() {
            if items[..index].contains(item) {
                return self.within(Step::Index(index), (), |at, ()| {
                    at.fail("repeats an earlier item");
                });
            }
        }
    }

    /// Checks that `map` holds `min` to `max` entries, that each key matches
    /// `pattern`, then each value.
    pub fn entries<V>(
        &mut self,
        map: &BTreeMap<String, V>,
        min: usize,
        max: usize,
        pattern: Pattern,
        mut check: impl FnMut(&mut Self, &V),
    ) {
        if self.failed() {
            return;
        }
        if map.len() < min || map.len() > max {
            return self.fail(between(min, max, map.len(), "entries"));
        }
        for (key, value) in map {
            if !pattern.matches(key) {
                return self.fail(format!("key {key:?} must match {}", pattern.as_str()));
            }
            self.within(Step::Key(key.clone()), value, &mut check);
            if self.failed() {
                return;
            }
        }
    }

    /// Checks that `text` has `min` to `max` characters (as JSON Schema counts them:
    /// Unicode scalar values).
    pub fn chars<T: Text + ?Sized>(&mut self, text: &T, min: usize, max: usize) {
        if self.failed() {
            return;
        }
        let text = text.text();
        // A character takes 1 to 4 bytes, so the byte length bounds the count from
        // both sides: most strings are decided without counting.
        if text.len() <= max && text.len().div_ceil(4) >= min {
            return;
        }
        let len = text.chars().count();
        if len < min || len > max {
            self.fail(between(min, max, len, "characters"));
        }
    }

    /// Checks that `text` matches `pattern`.
    pub fn pattern<T: Text + ?Sized>(&mut self, text: &T, pattern: Pattern) {
        if !self.failed() && !pattern.matches(text.text()) {
            self.fail(format!("must match {}", pattern.as_str()));
        }
    }

    /// Checks that `value` lies within `min..=max` (either bound may be absent); a
    /// float must also be finite.
    pub fn range<T: Bounded>(&mut self, value: T, min: Option<T>, max: Option<T>) {
        if !value.is_finite() {
            return self.fail(format!("must be a finite number, got {value}"));
        }
        self.bounded(value, min, max);
    }

    fn bounded<T: PartialOrd + fmt::Display + Copy>(
        &mut self,
        value: T,
        min: Option<T>,
        max: Option<T>,
    ) {
        if self.failed() {
            return;
        }
        if let Some(min) = min
            && value < min
        {
            return self.fail(format!("must be at least {min}, got {value}"));
        }
        if let Some(max) = max
            && value > max
        {
            self.fail(format!("must be at most {max}, got {value}"));
        }
    }

    /// Checks that a value of an enum the schema lists is one of them: a value this
    /// version does not know (`Other`) is refused rather than sent.
    pub fn listed(&mut self, value: &str, known: bool, values: &[&str]) {
        if !self.failed() && !known {
            self.fail(format!("`{value}` is not one of {}", values.join(", ")));
        }
    }

    /// [`listed`](Self::listed) for a value of a [`Listed`] enum.
    pub fn known<T: Listed + ?Sized>(&mut self, value: &T) {
        self.listed(value.as_str(), value.is_known(), T::VALUES);
    }

    /// Checks that `value` nests arrays and objects at most `max` levels deep (a
    /// scalar is 0 deep, `[]` 1). The walk stops at the limit, so its cost is bounded
    /// whatever the input.
    pub fn depth(&mut self, value: &serde_json::Value, max: usize) {
        if !self.failed() && nests_deeper(value, max) {
            self.fail(format!(
                "nests arrays and objects more than {max} levels deep: the API would store it but its answers could not be decoded"
            ));
        }
    }
}

/// Whether `value` nests arrays and objects deeper than `levels` (a scalar is 0
/// deep, `[]` 1). Stops descending at the limit, so the recursion is bounded whatever
/// the input.
#[must_use]
pub fn nests_deeper(value: &serde_json::Value, levels: usize) -> bool {
    use serde_json::Value;
    let below = |levels: usize| levels.checked_sub(1);
    match value {
        Value::Array(items) => {
            below(levels).is_none_or(|below| items.iter().any(|child| nests_deeper(child, below)))
        }
        Value::Object(fields) => below(levels)
            .is_none_or(|below| fields.values().any(|child| nests_deeper(child, below))),
        _ => false,
    }
}

/// Text the `chars` and `pattern` checks read: strings, and a [`Secret`], checked
/// without being shown (no message quotes the value it checks).
#[diagnostic::on_unimplemented(
    message = "`chars` and `pattern` check text: `{Self}` is not text",
    label = "this field is not a string",
    note = "text is `String`, `str`, `Cow<str>`, `Box<str>` or `losant_core::Secret`"
)]
pub trait Text {
    /// The text to check.
    fn text(&self) -> &str;
}

impl Text for str {
    fn text(&self) -> &str {
        self
    }
}

impl Text for String {
    fn text(&self) -> &str {
        self
    }
}

impl Text for Box<str> {
    fn text(&self) -> &str {
        self
    }
}

impl Text for std::borrow::Cow<'_, str> {
    fn text(&self) -> &str {
        self
    }
}

impl Text for Secret {
    fn text(&self) -> &str {
        self.expose()
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn text(&self) -> &str {
        (**self).text()
    }
}

/// A number [`Checker::range`] bounds.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number: `range(..)` bounds integers and floats",
    label = "`range` needs a number here"
)]
pub trait Bounded: PartialOrd + fmt::Display + Copy {
    /// Whether the value is finite (always, for an integer).
    fn is_finite(self) -> bool {
        true
    }
}

impl Bounded for f64 {
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

impl Bounded for f32 {
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

macro_rules! bounded_integers {
    ($($ty:ty),*) => {
        $(impl Bounded for $ty {})*
    };
}

bounded_integers!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

/// An enum of listed string values, as `#[derive(StringEnum)]` writes it: what
/// [`Checker::known`] needs to refuse a value this version does not know.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an enum of listed values",
    label = "`listed` needs a `#[derive(StringEnum)]` enum here"
)]
pub trait Listed {
    /// Every value this version knows.
    const VALUES: &'static [&'static str];
    /// The value as sent.
    fn as_str(&self) -> &str;
    /// Whether the value is one of [`VALUES`](Self::VALUES).
    fn is_known(&self) -> bool;
}

/// The reason of a count out of bounds: a text "must be" so many characters long, a
/// list or map "must have" so many items or entries.
fn between(min: usize, max: usize, got: usize, unit: &str) -> String {
    let verb = if unit == "characters" { "be" } else { "have" };
    match (min, max) {
        (0, max) => format!("must {verb} at most {max} {unit}, got {got}"),
        (min, usize::MAX) => format!("must {verb} at least {min} {unit}, got {got}"),
        (min, max) if min == max => format!("must {verb} exactly {min} {unit}, got {got}"),
        (min, max) => format!("must {verb} {min} to {max} {unit}, got {got}"),
    }
}

/// The string patterns of the Losant API's schemas, each checked by plain code (two
/// of them use look-arounds, which Rust's regular expression crates leave out).
///
/// Patterns follow the API's JavaScript semantics, as Losant's server checks them
/// (`RegExp` without the `u` flag): `.` matches one UTF-16 code unit but a line
/// terminator (`\n`, `\r`, U+2028, U+2029), so a character outside the Basic
/// Multilingual Plane (`😀`) counts twice against `{1,255}`; and `\d` is `[0-9]`.
/// (Lengths of `minLength`/`maxLength`, [`Checker::chars`], count characters.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pattern {
    /// `^[A-Fa-f\d]{24}$`: an ID (24 hexadecimal digits), as a map's keys.
    Id,
    /// `^[0-9a-zA-Z_-]{1,255}$`: a key (tags, attributes, names).
    Key,
    /// `^[0-9a-zA-Z_-]{1,255}`: starts with a key character (map keys).
    KeyPrefix,
    /// `^[A-Za-z0-9_-]+$`: one or more key characters, no length limit.
    Word,
    /// `^(?!\.{1,2}$)[0-9a-zA-Z_.-]{1,255}$`: a file name, not `.` or `..`.
    FileName,
    /// `^[0-9a-z-]*$`: lower-case letters, digits and dashes (slugs).
    Slug,
    /// `^(0|([1-9]\d*))\.(0|([1-9]\d*))\.(0|([1-9]\d*))$`: a `major.minor.patch`
    /// version without leading zeros.
    Version,
    /// `^data:image/(jpg|jpeg|png|svg\+xml);base64,[0-9a-zA-Z+/=]*$`: an image as a
    /// data URL.
    ImageDataUrl,
    /// `.*{{.+}}.*`: contains a `{{template}}` on one line.
    Template,
    /// `^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$`: a password of
    /// at least 12 characters with an upper-case letter, a lower-case letter, a digit
    /// and a symbol.
    StrongPassword,
    /// `^.{1,255}$`: 1 to 255 characters on one line.
    Line255,
    /// `^.*$`: one line.
    Line,
    /// `.*`: anything.
    Any,
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// The length of `text` in UTF-16 code units, what a JavaScript `.` counts.
fn utf16_len(text: &str) -> usize {
    // Only characters of four bytes in UTF-8 take two units.
    text.chars().map(char::len_utf16).sum()
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_number_without_leading_zero(part: &str) -> bool {
    match part.as_bytes() {
        [b'0'] => true,
        [] | [b'0', ..] => false,
        digits => digits.iter().all(u8::is_ascii_digit),
    }
}

impl Pattern {
    /// The pattern as the schema writes it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Pattern::Id => r"^[A-Fa-f\d]{24}$",
            Pattern::Key => "^[0-9a-zA-Z_-]{1,255}$",
            Pattern::KeyPrefix => "^[0-9a-zA-Z_-]{1,255}",
            Pattern::Word => "^[A-Za-z0-9_-]+$",
            Pattern::FileName => r"^(?!\.{1,2}$)[0-9a-zA-Z_.-]{1,255}$",
            Pattern::Slug => "^[0-9a-z-]*$",
            Pattern::Version => r"^(0|([1-9]\d*))\.(0|([1-9]\d*))\.(0|([1-9]\d*))$",
            Pattern::ImageDataUrl => r"^data:image/(jpg|jpeg|png|svg\+xml);base64,[0-9a-zA-Z+/=]*$",
            Pattern::Template => ".*{{.+}}.*",
            Pattern::StrongPassword => {
                "^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$"
            }
            Pattern::Line255 => "^.{1,255}$",
            Pattern::Line => "^.*$",
            Pattern::Any => ".*",
        }
    }

    /// The pattern written `source` in a schema, if it is one of these.
    #[must_use]
    pub fn from_source(source: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|pattern| pattern.as_str() == source)
    }

    /// Every pattern.
    pub const ALL: [Pattern; 13] = [
        Pattern::Id,
        Pattern::Key,
        Pattern::KeyPrefix,
        Pattern::Word,
        Pattern::FileName,
        Pattern::Slug,
        Pattern::Version,
        Pattern::ImageDataUrl,
        Pattern::Template,
        Pattern::StrongPassword,
        Pattern::Line255,
        Pattern::Line,
        Pattern::Any,
    ];

    /// Whether `text` matches.
    #[must_use]
    pub fn matches(self, text: &str) -> bool {
        let bytes = text.as_bytes();
        match self {
            Pattern::Id => bytes.len() == 24 && bytes.iter().all(u8::is_ascii_hexdigit),
            Pattern::Key => {
                (1..=255).contains(&bytes.len()) && bytes.iter().all(|&b| is_key_byte(b))
            }
            Pattern::KeyPrefix => bytes.first().is_some_and(|&b| is_key_byte(b)),
            Pattern::Word => !bytes.is_empty() && bytes.iter().all(|&b| is_key_byte(b)),
            Pattern::FileName => {
                (1..=255).contains(&bytes.len())
                    && text != "."
                    && text != ".."
                    && bytes.iter().all(|&b| is_key_byte(b) || b == b'.')
            }
            Pattern::Slug => bytes
                .iter()
                .all(|&b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'-'),
            Pattern::Version => {
                let mut parts = text.split('.');
                let three = (parts.next(), parts.next(), parts.next(), parts.next());
                matches!(three, (Some(a), Some(b), Some(c), None)
                    if is_number_without_leading_zero(a)
                        && is_number_without_leading_zero(b)
                        && is_number_without_leading_zero(c))
            }
            Pattern::ImageDataUrl => ["jpg", "jpeg", "png", "svg+xml"].iter().any(|kind| {
                text.strip_prefix("data:image/")
                    .and_then(|rest| rest.strip_prefix(kind))
                    .and_then(|rest| rest.strip_prefix(";base64,"))
                    .is_some_and(|data| {
                        data.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                    })
            }),
            Pattern::Template => text.split(is_line_terminator).any(|line| {
                line.find("{{").is_some_and(|open| {
                    // `.+` takes at least one character before the last `}}`.
                    line[open + 2..].rfind("}}").is_some_and(|close| close > 0)
                })
            }),
            Pattern::StrongPassword => {
                !text.contains(is_line_terminator)
                    && utf16_len(text) >= 12
                    && text.chars().any(|c| c.is_ascii_uppercase())
                    && text.chars().any(|c| c.is_ascii_lowercase())
                    && text.chars().any(|c| c.is_ascii_digit())
                    && text.chars().any(|c| !c.is_ascii_alphanumeric())
            }
            Pattern::Line255 => {
                !text.contains(is_line_terminator) && (1..=255).contains(&utf16_len(text))
            }
            Pattern::Line => !text.contains(is_line_terminator),
            Pattern::Any => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_found_by_its_source() {
        for pattern in Pattern::ALL {
            assert_eq!(Pattern::from_source(pattern.as_str()), Some(pattern));
        }
        assert_eq!(Pattern::from_source("^[a-z]$"), None);
    }

    #[test]
    fn patterns_accept_and_refuse_at_their_edges() {
        let cases: &[(Pattern, &[&str], &[&str])] = &[
            (
                Pattern::Id,
                &["575ECF887ae143cd83dc4aa2"],
                &["575ecf887ae143cd83dc4aa", "575ecf887ae143cd83dc4aag"],
            ),
            (
                Pattern::Key,
                &["a", "A-z_9", &"k".repeat(255)],
                &["", "a b", "é", &"k".repeat(256)],
            ),
            (Pattern::KeyPrefix, &["a", "a b c"], &["", " a", "é"]),
            (Pattern::Word, &["a", &"k".repeat(300)], &["", "a.b"]),
            (
                Pattern::FileName,
                &["a.txt", "...", ".a"],
                &["", ".", "..", "a/b", &"f".repeat(256)],
            ),
            (Pattern::Slug, &["", "my-app-2"], &["My", "a_b"]),
            (
                Pattern::Version,
                &["0.0.0", "1.20.3"],
                &["01.0.0", "1.0", "1.0.0.0", "1.a.0", "1..0"],
            ),
            (
                Pattern::ImageDataUrl,
                &[
                    "data:image/png;base64,iVBOR+/=",
                    "data:image/svg+xml;base64,",
                ],
                &["data:image/gif;base64,AA", "data:image/png;base64,A A"],
            ),
            (
                Pattern::Template,
                &["{{a}}", "x {{ name }} y", "a\n{{b}}"],
                &["{{}}", "{{a", "{{\n}}", "plain"],
            ),
            (
                Pattern::StrongPassword,
                &["Abcdefghij1!", "ÄbcdefghijK1"],
                &["abcdefghij1!", "Abcdefghij11", "Ab1!", "Abcdefghij1!\n"],
            ),
            (
                Pattern::Line255,
                &["a", &"é".repeat(255)],
                &["", "a\nb", &"a".repeat(256)],
            ),
            (Pattern::Line, &["", "a b"], &["a\rb"]),
            (Pattern::Any, &["", "\n"], &[]),
        ];
        for (pattern, good, bad) in cases {
            for text in *good {
                assert!(pattern.matches(text), "{pattern:?} refuses {text:?}");
            }
            for text in *bad {
                assert!(!pattern.matches(text), "{pattern:?} accepts {text:?}");
            }
        }
    }

    struct Attribute {
        name: String,
        tags: BTreeMap<String, String>,
    }

    impl Validate for Attribute {
        fn check(&self, at: &mut Checker) {
            at.field("name", Some(&self.name), |at, name| {
                at.pattern(name, Pattern::Key);
            });
            at.field("attributeTags", Some(&self.tags), |at, tags| {
                at.entries(tags, 0, usize::MAX, Pattern::Key, |at, value| {
                    at.chars(value, 1, 255);
                });
            });
        }
    }

    struct Device {
        attributes: Option<Vec<Attribute>>,
        interval: Option<i64>,
    }

    impl Validate for Device {
        fn check(&self, at: &mut Checker) {
            at.field("attributes", self.attributes.as_deref(), |at, items| {
                at.items(items, 0, 2, |at, item| item.check(at));
            });
            at.field("systemInterval", self.interval, |at, value| {
                at.range(value, Some(5), Some(3600));
            });
        }
    }

    fn attribute(name: &str, tag: (&str, &str)) -> Attribute {
        Attribute {
            name: name.into(),
            tags: BTreeMap::from([(tag.0.into(), tag.1.into())]),
        }
    }

    #[test]
    fn a_breach_names_the_path_to_its_field() {
        let ok = Device {
            attributes: Some(vec![attribute("a", ("k", "v"))]),
            interval: Some(5),
        };
        assert!(ok.validate().is_ok());

        let cases = [
            (
                Device {
                    attributes: Some(vec![
                        attribute("a", ("k", "v")),
                        attribute("b c", ("k", "v")),
                    ]),
                    interval: None,
                },
                "attributes[1].name",
                "must match ^[0-9a-zA-Z_-]{1,255}$",
            ),
            (
                Device {
                    attributes: Some(vec![attribute("a", ("k", ""))]),
                    interval: None,
                },
                "attributes[0].attributeTags[\"k\"]",
                "must be 1 to 255 characters, got 0",
            ),
            (
                Device {
                    attributes: Some(vec![attribute("a", ("k k", "v"))]),
                    interval: None,
                },
                "attributes[0].attributeTags",
                "key \"k k\" must match ^[0-9a-zA-Z_-]{1,255}$",
            ),
            (
                Device {
                    attributes: Some((0..3).map(|_| attribute("a", ("k", "v"))).collect()),
                    interval: None,
                },
                "attributes",
                "must have at most 2 items, got 3",
            ),
            (
                Device {
                    attributes: None,
                    interval: Some(4),
                },
                "systemInterval",
                "must be at least 5, got 4",
            ),
            (
                Device {
                    attributes: None,
                    interval: Some(3601),
                },
                "systemInterval",
                "must be at most 3600, got 3601",
            ),
        ];
        for (device, path, reason) in cases {
            let error = device.validate().unwrap_err();
            assert_eq!((error.argument(), error.reason()), (path, reason));
        }
    }

    #[test]
    fn only_the_first_breach_is_kept() {
        let device = Device {
            attributes: Some(vec![attribute("x y", ("k", "")), attribute("", ("k", "v"))]),
            interval: Some(0),
        };
        let error = device.validate().unwrap_err();
        assert_eq!(error.argument(), "attributes[0].name");
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        let mut at = Checker::default();
        at.chars(&"é".repeat(255), 1, 255);
        assert!(!at.failed());
        at.chars(&"é".repeat(256), 1, 255);
        assert_eq!(
            at.finish().unwrap_err().reason(),
            "must be 1 to 255 characters, got 256"
        );
    }

    #[test]
    fn a_minimum_counts_characters_whatever_their_bytes() {
        for (text, min, max, ok) in [
            ("éééé", 8, usize::MAX, false),
            ("😀😀", 8, usize::MAX, false),
            ("éé", 3, 255, false),
            ("éé", 2, 255, true),
            ("😀😀", 2, 2, true),
            ("abcdefgh", 8, 8, true),
            ("😀😀😀", 1, 2, false),
        ] {
            let mut at = Checker::default();
            at.chars(text, min, max);
            assert_eq!(!at.failed(), ok, "{text:?} in {min}..={max}");
        }
    }

    #[test]
    fn a_dot_counts_utf16_units_as_javascript_does() {
        assert!(Pattern::Line255.matches(&"😀".repeat(127)));
        assert!(!Pattern::Line255.matches(&"😀".repeat(128)));
        assert!(Pattern::StrongPassword.matches("Aa1!😀😀😀😀"));
        assert!(!Pattern::StrongPassword.matches("Aa1!😀😀😀"));
    }

    #[test]
    fn repeated_items_and_unknown_values_are_refused() {
        let mut at = Checker::default();
        at.unique(&[1, 2, 1]);
        assert_eq!(at.finish().unwrap_err().argument(), "[2]");
        let mut at = Checker::default();
        at.listed("sleeping", false, &["connected", "disconnected"]);
        assert_eq!(
            at.finish().unwrap_err().reason(),
            "`sleeping` is not one of connected, disconnected"
        );
    }
}

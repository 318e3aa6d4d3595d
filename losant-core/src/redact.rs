//! Scrubbing a secret out of what a server sends back.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use memchr::memmem::Finder;

/// What replaces the secret.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// The shortest start of the secret that is scrubbed on its own: echoes that cut
/// text short (an ID error keeps 32 characters) still show most of the secret.
const MIN_FRAGMENT_CHARS: usize = 16;

/// Scrubs one secret (the API token) out of bodies and of the text errors keep.
///
/// A server may send the token back as it is, or disguised: with JSON escapes
/// (`\u0053ECRET`, as any JSON encoder may write it), percent-escaped (in a
/// `Location`), or cut short by an echo that truncates. [`redact_bytes`] handles the
/// raw body cheaply; [`redact`] handles every form, and runs on the (small) strings an
/// error keeps: Losant's `type` and `message`, a body excerpt, a location, the text of
/// a decode error.
///
/// Cheap to clone: the [`Client`](crate::Client) attaches its redactor to every
/// [`Response`](crate::Response), so errors built from the response anywhere in the
/// pipeline are scrubbed; a custom [`Transport`](crate::Transport) that holds its own
/// secret can do the same with [`Response::with_redactor`](crate::Response::with_redactor).
///
/// ```
/// use losant_core::Redactor;
///
/// let redactor = Redactor::new("SECRET-TOKEN-1234");
/// assert_eq!(redactor.redact("bad token SECRET-TOKEN-1234"), "bad token [REDACTED]");
/// assert_eq!(redactor.redact(r"bad token \u0053ECRET-TOKEN-1234"), "bad token [REDACTED]");
/// assert_eq!(redactor.redact("?token=%53ECRET-TOKEN-1234"), "?token=[REDACTED]");
/// ```
///
/// [`redact_bytes`]: Redactor::redact_bytes
/// [`redact`]: Redactor::redact
#[derive(Clone)]
pub struct Redactor {
    inner: Arc<Inner>,
}

struct Inner {
    secret: Box<[char]>,
    finder: Finder<'static>,
}

impl Redactor {
    /// A redactor of `secret`. An empty secret redacts nothing.
    #[must_use]
    pub fn new(secret: &str) -> Self {
        Redactor {
            inner: Arc::new(Inner {
                secret: secret.chars().collect(),
                finder: Finder::new(secret.as_bytes()).into_owned(),
            }),
        }
    }

    /// Replaces every verbatim copy of the secret in a raw body. A body without one
    /// is returned as it is, without a copy.
    #[must_use]
    pub fn redact_bytes(&self, body: Bytes) -> Bytes {
        let finder = &self.inner.finder;
        let len = finder.needle().len();
        if len == 0 || finder.find(&body).is_none() {
            return body;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(REDACTED.as_bytes());
            rest = &rest[at + len..];
        }
        out.extend_from_slice(rest);
        out.into()
    }

    /// Replaces the secret in `text` in every form: verbatim, with any of its
    /// characters JSON-escaped or percent-escaped, or cut short (its first 16
    /// characters or more).
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secret = &self.inner.secret;
        if secret.is_empty() {
            return Cow::Borrowed(text);
        }
        let enough = secret.len().min(MIN_FRAGMENT_CHARS);
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut at = 0;
        while at < text.len() {
            let matched = match_secret(&text[at..], secret);
            if matched.chars >= enough {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..at]);
                out.push_str(REDACTED);
                at += matched.bytes;
                copied = at;
            } else {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
        match out {
            None => Cow::Borrowed(text),
            Some(mut out) => {
                out.push_str(&text[copied..]);
                Cow::Owned(out)
            }
        }
    }

    /// The most bytes one form of the secret can take (every character JSON-escaped
    /// as a surrogate pair, 12 bytes).
    pub(crate) fn longest_encoding(&self) -> usize {
        self.inner.secret.len() * 12
    }

    /// [`redact`](Self::redact) into an owned string, without a copy when there was
    /// nothing to scrub.
    #[must_use]
    pub fn redact_string(&self, text: String) -> String {
        match self.redact(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(redacted) => redacted,
        }
    }
}

/// [`Redactor::redact_string`] when there is a redactor, else the text as it is.
pub(crate) fn scrub(redactor: Option<&Redactor>, text: String) -> String {
    match redactor {
        Some(redactor) => redactor.redact_string(text),
        None => text,
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor([REDACTED])")
    }
}

/// How much of the secret starts `text`: characters matched and bytes used.
struct Matched {
    chars: usize,
    bytes: usize,
}

fn match_secret(text: &str, secret: &[char]) -> Matched {
    let mut bytes = 0;
    let mut chars = 0;
    for &c in secret {
        match match_char(&text[bytes..], c) {
            Some(used) => {
                bytes += used;
                chars += 1;
            }
            None => break,
        }
    }
    Matched { chars, bytes }
}

/// The length of `c` at the start of `text`, written as itself, as a JSON escape
/// (`\u0053`, a surrogate pair, or a short escape such as `\/`) or percent-escaped.
fn match_char(text: &str, c: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut utf8 = [0; 4];
    let plain = c.encode_utf8(&mut utf8).as_bytes();
    if bytes.starts_with(plain) {
        return Some(plain.len());
    }
    match bytes.first()? {
        b'\\' => match_json_escape(bytes, c),
        b'%' => match_percent_escape(bytes, plain),
        _ => None,
    }
}

fn match_json_escape(bytes: &[u8], c: char) -> Option<usize> {
    let short = match c {
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '/' => Some(b'/'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        _ => None,
    };
    if short.is_some() && bytes.get(1).copied() == short {
        return Some(2);
    }
    let mut units = [0; 2];
    let mut used = 0;
    for &unit in c.encode_utf16(&mut units).iter() {
        let escape = bytes.get(used..used + 6)?;
        if escape[..2] != *b"\\u" || hex(&escape[2..])? != u32::from(unit) {
            return None;
        }
        used += 6;
    }
    Some(used)
}

fn match_percent_escape(bytes: &[u8], plain: &[u8]) -> Option<usize> {
    for (i, &byte) in plain.iter().enumerate() {
        let escape = bytes.get(i * 3..i * 3 + 3)?;
        if escape[0] != b'%' || hex(&escape[1..])? != u32::from(byte) {
            return None;
        }
    }
    Some(plain.len() * 3)
}

fn hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |value, &digit| {
        let digit = char::from(digit).to_digit(16)?;
        Some(value * 16 + digit)
    })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    const TOKEN: &str = "SECRET-0123456789abcdef/x";

    fn redact(text: &str) -> String {
        Redactor::new(TOKEN).redact(text).into_owned()
    }

    #[test]
    fn verbatim_copies_are_replaced_in_bytes_and_text() {
        let redactor = Redactor::new("tok-123");
        let body = redactor.redact_bytes(Bytes::from_static(b"a tok-123 b tok-123"));
        assert_eq!(&body[..], b"a [REDACTED] b [REDACTED]");
        let untouched = Bytes::from_static(b"nothing here");
        assert_eq!(redactor.redact_bytes(untouched.clone()), untouched);
        assert_eq!(redact(&format!("<{TOKEN}>")), "<[REDACTED]>");
        assert!(matches!(
            Redactor::new(TOKEN).redact("nothing here"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_escapes_of_any_character_are_seen_through() {
        assert_eq!(redact(r"\u0053ECRET-0123456789abcdef/x"), "[REDACTED]");
        assert_eq!(
            redact(r"\u0053\u0045CRET-0123456789abcdef\/x"),
            "[REDACTED]"
        );
        let all = TOKEN.chars().fold(String::new(), |mut all, c| {
            let _ = write!(all, "\\u{:04X}", u32::from(c));
            all
        });
        assert_eq!(redact(&format!("a {all} b")), "a [REDACTED] b");
        assert_eq!(redact(r"SECRET-0123456789abcdef\u002fx"), "[REDACTED]");
    }

    #[test]
    fn percent_escapes_are_seen_through() {
        assert_eq!(
            redact("?t=%53ECRET-0123456789abcdef%2Fx&y"),
            "?t=[REDACTED]&y"
        );
    }

    #[test]
    fn a_start_of_sixteen_characters_or_more_is_scrubbed() {
        assert_eq!(redact("id `SECRET-0123456789…`"), "id `[REDACTED]…`");
        assert_eq!(redact("SECRET-012345678"), "[REDACTED]");
        // Fifteen characters are not enough to call it the token.
        assert_eq!(redact("SECRET-01234567"), "SECRET-01234567");
    }

    #[test]
    fn non_ascii_secrets_and_text_are_handled() {
        let redactor = Redactor::new("clé-😀");
        assert_eq!(redactor.redact("é clé-😀 é"), "é [REDACTED] é");
        assert_eq!(redactor.redact(r"cl\u00e9-\ud83d\ude00"), "[REDACTED]");
        assert_eq!(redactor.redact("cl%C3%A9-%F0%9F%98%80"), "[REDACTED]");
        assert_eq!(Redactor::new("").redact("anything"), "anything");
    }
}

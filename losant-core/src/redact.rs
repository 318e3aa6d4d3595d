//! Scrubbing a secret out of what a server sends back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use memchr::memmem::Finder;

/// What replaces the secret.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// The shortest run of the secret that is scrubbed on its own, wherever it starts:
/// echoes that cut text short (an ID error keeps 32 characters) or keep only its end
/// still show most of the secret.
const MIN_FRAGMENT_CHARS: usize = 16;

/// Scrubs one secret (the API token) out of bodies and of the text errors keep.
///
/// A server may send the token back as it is, or disguised: with JSON escapes
/// (`\u0053ECRET`, as any JSON encoder may write it), percent-escaped (in a
/// `Location`), as HTML character references (`&#83;ECRET`, `&#x53;`, `&sol;`), with
/// invisible characters inside (a zero-width space, a soft hyphen), or cut short by
/// an echo that truncates, at its start or its end. [`redact_bytes`] handles the raw
/// body cheaply; [`redact`] handles every form, and runs on the (small) strings an
/// error keeps: Losant's `type` and `message`, a body excerpt, a location, the text of
/// a decode error. No run of 16 characters of the secret (or the whole of a shorter
/// one), wherever it starts and in any mix of those forms, survives [`redact`].
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
/// assert_eq!(redactor.redact("&#83;ECRET-TOKEN-1234"), "[REDACTED]");
/// assert_eq!(redactor.redact("SECRET-\u{200b}TOKEN-1234"), "[REDACTED]");
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
    /// Where each character of the secret occurs in it.
    positions: HashMap<char, Vec<usize>>,
    finder: Finder<'static>,
    /// For an ASCII secret, the pairs of adjacent characters it holds (a bit for each
    /// of the 128 × 128 pairs): the quick look of [`Inner::surely_clear`].
    pairs: Option<Box<[u64; 256]>>,
}

impl Inner {
    /// Whether `text` surely holds no run of the secret that [`Redactor::redact`]
    /// scrubs, by a look at each byte once: plain ASCII (no escape of any kind, nothing
    /// invisible) with no `enough` characters in a row whose every adjacent pair is a
    /// pair of the secret. A run of the secret there would be such a row, so `true` is
    /// never wrong; `false` leaves it to the full reading.
    fn surely_clear(&self, text: &str, enough: usize) -> bool {
        let Some(pairs) = &self.pairs else {
            return false;
        };
        let needed = enough.saturating_sub(1);
        if needed == 0 {
            return false;
        }
        let plain = |b: u8| b.is_ascii() && !matches!(b, b'\\' | b'%' | b'&');
        let bytes = text.as_bytes();
        if !bytes.first().is_none_or(|&b| plain(b)) {
            return false;
        }
        let mut row = 0;
        for pair in bytes.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if !plain(b) {
                return false;
            }
            let bit = usize::from(a) * 128 + usize::from(b);
            if pairs[bit / 64] & (1 << (bit % 64)) == 0 {
                row = 0;
            } else {
                row += 1;
                if row >= needed {
                    return false;
                }
            }
        }
        true
    }

    /// [`Redactor::redact`] without the quick look: every unit of `text` decoded.
    fn redact_fully<'a>(&self, text: &'a str, enough: usize) -> Cow<'a, str> {
        let units = decode_units(text);
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut at = 0;
        while at < units.len() {
            match self.longest_run(&units[at..]) {
                Some((chars, used)) if chars >= enough => {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied..units[at].start]);
                    out.push_str(REDACTED);
                    copied = units[at + used - 1].end;
                    at += used;
                }
                _ => at += 1,
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
}

/// The pairs of adjacent characters of an ASCII secret, as bits.
fn ascii_pairs(secret: &[char]) -> Option<Box<[u64; 256]>> {
    if !secret.iter().all(char::is_ascii) {
        return None;
    }
    let mut pairs = Box::new([0u64; 256]);
    for pair in secret.windows(2) {
        // ASCII: each fits in 7 bits.
        let bit = (pair[0] as usize) * 128 + pair[1] as usize;
        pairs[bit / 64] |= 1 << (bit % 64);
    }
    Some(pairs)
}

impl Redactor {
    /// A redactor of `secret`. An empty secret redacts nothing.
    #[must_use]
    pub fn new(secret: &str) -> Self {
        let chars: Box<[char]> = secret.chars().collect();
        let mut positions: HashMap<char, Vec<usize>> = HashMap::new();
        for (at, &c) in chars.iter().enumerate() {
            positions.entry(c).or_default().push(at);
        }
        Redactor {
            inner: Arc::new(Inner {
                positions,
                finder: Finder::new(secret.as_bytes()).into_owned(),
                pairs: ascii_pairs(&chars),
                secret: chars,
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

    /// Replaces the secret in `text` in every form: any run of 16 of its characters
    /// (or all of a shorter secret), each character as itself, JSON-escaped,
    /// percent-escaped or as an HTML character reference, with invisible characters
    /// anywhere among them.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let inner = &*self.inner;
        if inner.secret.is_empty() {
            return Cow::Borrowed(text);
        }
        let enough = inner.secret.len().min(MIN_FRAGMENT_CHARS);
        // Most texts (every message of a stream goes through here) are plain and
        // hold nothing like the secret: one look at their bytes, no decoding.
        if inner.surely_clear(text, enough) {
            return Cow::Borrowed(text);
        }
        inner.redact_fully(text, enough)
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

impl Inner {
    /// The longest run of the secret that `units` starts with: the characters of
    /// the secret matched and the units they take (invisible ones among them
    /// included).
    fn longest_run(&self, units: &[Unit]) -> Option<(usize, usize)> {
        let first = units.first()?;
        if first.ignorable {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for &from in self.positions.get(&first.decoded)? {
            let (mut chars, mut used, mut taken) = (0, 0, 0);
            for &c in &self.secret[from..] {
                while units.get(used).is_some_and(|unit| unit.ignorable) {
                    used += 1;
                }
                if units.get(used).is_none_or(|unit| unit.decoded != c) {
                    break;
                }
                used += 1;
                chars += 1;
                taken = used;
            }
            if best.is_none_or(|(most, _)| chars > most) {
                best = Some((chars, taken));
            }
        }
        best
    }
}

/// One character of a text, as written there (its byte range) and as it reads.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    decoded: char,
    /// Invisible: a zero-width space, a soft hyphen, a direction mark.
    ignorable: bool,
}

/// The characters of `text`, each escape read as the character it stands for.
fn decode_units(text: &str) -> Vec<Unit> {
    let bytes = text.as_bytes();
    let mut units = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let escaped = match bytes[at] {
            b'\\' => json_escape(&bytes[at..]),
            b'%' => percent_escape(&bytes[at..]),
            b'&' => html_reference(&bytes[at..]),
            _ => None,
        };
        let (decoded, len) = escaped.unwrap_or_else(|| {
            let c = text[at..].chars().next().unwrap_or('\u{FFFD}');
            (c, c.len_utf8())
        });
        units.push(Unit {
            start: at,
            end: at + len,
            decoded,
            ignorable: is_ignorable(decoded),
        });
        at += len;
    }
    units
}

/// Unicode's default-ignorable code points: drawn as nothing, so an echo with one
/// inside still shows the secret.
fn is_ignorable(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// A JSON escape at the start of `bytes`: `\n`, `\/`, `\u0053`, or a surrogate pair.
fn json_escape(bytes: &[u8]) -> Option<(char, usize)> {
    let short = match *bytes.get(1)? {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    if let Some(c) = short {
        return Some((c, 2));
    }
    let unit = |at: usize| -> Option<u32> {
        let escape = bytes.get(at..at + 6)?;
        if escape[..2] != *b"\\u" {
            return None;
        }
        hex(&escape[2..])
    };
    let high = unit(0)?;
    if (0xD800..0xDC00).contains(&high) {
        let low = unit(6).filter(|low| (0xDC00..0xE000).contains(low))?;
        let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
        return Some((c, 12));
    }
    Some((char::from_u32(high)?, 6))
}

/// A percent-escaped UTF-8 character at the start of `bytes` (`%53`, `%C3%A9`).
fn percent_escape(bytes: &[u8]) -> Option<(char, usize)> {
    let byte = |i: usize| -> Option<u8> {
        let escape = bytes.get(i * 3..i * 3 + 3)?;
        if escape[0] != b'%' {
            return None;
        }
        u8::try_from(hex(&escape[1..])?).ok()
    };
    let len = match byte(0)? {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let mut utf8 = [0; 4];
    for (i, slot) in utf8.iter_mut().enumerate().take(len) {
        *slot = byte(i)?;
    }
    let c = std::str::from_utf8(&utf8[..len]).ok()?.chars().next()?;
    Some((c, len * 3))
}

/// The named HTML character references of the characters tokens and URLs hold.
const NAMED_REFERENCES: &[(&str, char)] = &[
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&apos;", '\''),
    ("&sol;", '/'),
    ("&equals;", '='),
    ("&plus;", '+'),
    ("&period;", '.'),
    ("&lowbar;", '_'),
    ("&colon;", ':'),
    ("&num;", '#'),
    ("&percnt;", '%'),
    ("&quest;", '?'),
    ("&tilde;", '~'),
];

/// An HTML character reference at the start of `bytes`: `&#83;`, `&#x53;` (the `;`
/// may be left out, as browsers allow), or a named one.
fn html_reference(bytes: &[u8]) -> Option<(char, usize)> {
    if bytes.get(1) != Some(&b'#') {
        return NAMED_REFERENCES
            .iter()
            .find(|(name, _)| bytes.starts_with(name.as_bytes()))
            .map(|&(name, c)| (c, name.len()));
    }
    let (radix, from) = match bytes.get(2) {
        Some(b'x' | b'X') => (16, 3),
        _ => (10, 2),
    };
    let digits = bytes[from..]
        .iter()
        .take_while(|b| char::from(**b).is_digit(radix))
        .count();
    if digits == 0 || digits > 8 {
        return None;
    }
    let number = std::str::from_utf8(&bytes[from..from + digits]).ok()?;
    let c = char::from_u32(u32::from_str_radix(number, radix).ok()?)?;
    let end = from + digits;
    Some((c, end + usize::from(bytes.get(end) == Some(&b';'))))
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
    fn the_quick_look_never_clears_what_the_full_reading_scrubs() {
        // Texts around runs of the secret of every length and place, with the noise a
        // message carries (JSON, escapes, other text), and texts of its characters
        // in another order: the answer is the full reading's in every case.
        let secrets = [
            TOKEN,
            "tok-123",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXZpY2UifQ.c2lnbmF0dXJl",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % bound as u64).unwrap()
        };
        let noise = [
            "{\"data\":",
            "temperature",
            " ",
            "\\u0041",
            "%41",
            "&amp;",
            "é",
            "\u{200b}",
            "-",
            "0123",
        ];
        for secret in secrets {
            let redactor = Redactor::new(secret);
            let chars: Vec<char> = secret.chars().collect();
            for _ in 0..3000 {
                let mut text = String::new();
                for _ in 0..next(6) {
                    match next(3) {
                        0 => text.push_str(noise[next(noise.len())]),
                        1 => {
                            let from = next(chars.len());
                            let to = from + next(chars.len() - from + 1);
                            text.extend(&chars[from..to]);
                        }
                        _ => text.push(chars[next(chars.len())]),
                    }
                }
                let enough = chars.len().min(MIN_FRAGMENT_CHARS);
                assert_eq!(
                    redactor.redact(&text),
                    redactor.inner.redact_fully(&text, enough),
                    "{secret}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn plain_text_without_the_secret_is_cleared_at_a_look() {
        let redactor = Redactor::new("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXZpY2UifQ");
        let message =
            r#"{"time":"2026-12-05T10:00:00.000Z","data":{"temperature":21.5,"running":true}}"#;
        assert!(redactor.inner.surely_clear(message, 16));
        assert!(!redactor.inner.surely_clear("eyJhbGciOiJIUzI1NiJ9", 16));
        assert!(
            !redactor.inner.surely_clear(r#"{"a":"\u0041"}"#, 16),
            "an escape"
        );
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
    fn a_run_of_sixteen_characters_anywhere_in_the_secret_is_scrubbed() {
        // The last 16 characters, and a run from the middle.
        assert_eq!(redact("tail 23456789abcdef/x end"), "tail [REDACTED] end");
        assert_eq!(redact("mid -0123456789abcde."), "mid [REDACTED].");
        assert_eq!(redact("ET-0123456789abc"), "[REDACTED]");
        assert_eq!(redact("T-0123456789abc"), "T-0123456789abc");
        // Two fragments in one text.
        assert_eq!(
            redact("a SECRET-0123456789 b 23456789abcdef/x"),
            "a [REDACTED] b [REDACTED]"
        );
    }

    #[test]
    fn invisible_characters_inside_do_not_hide_the_secret() {
        for c in ['\u{200b}', '\u{ad}', '\u{feff}', '\u{2060}', '\u{200e}'] {
            let spread = TOKEN
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(&c.to_string());
            assert_eq!(redact(&format!("<{spread}>")), "<[REDACTED]>", "{c:?}");
            let escaped = format!("SECRET-01234\\u{:04x}56789abcdef/x", u32::from(c));
            assert_eq!(redact(&escaped), "[REDACTED]", "{escaped}");
        }
    }

    #[test]
    fn html_character_references_are_seen_through() {
        assert_eq!(redact("&#83;ECRET-0123456789abcdef&sol;x"), "[REDACTED]");
        let all = TOKEN.chars().fold(String::new(), |mut all, c| {
            let _ = write!(all, "&#x{:X};", u32::from(c));
            all
        });
        assert_eq!(redact(&format!("a {all} b")), "a [REDACTED] b");
        let decimal = TOKEN.chars().fold(String::new(), |mut all, c| {
            let _ = write!(all, "&#{}", u32::from(c));
            all
        });
        assert_eq!(redact(&decimal), "[REDACTED]");
        // A mix of every form.
        assert_eq!(
            redact("S\\u0045%43&#82;E\u{200b}T-0123456789abcdef/x"),
            "[REDACTED]"
        );
    }

    #[test]
    fn non_ascii_secrets_and_text_are_handled() {
        let redactor = Redactor::new("clé-😀");
        assert_eq!(redactor.redact("é clé-😀 é"), "é [REDACTED] é");
        assert_eq!(redactor.redact(r"cl\u00e9-\ud83d\ude00"), "[REDACTED]");
        assert_eq!(redactor.redact("cl%C3%A9-%F0%9F%98%80"), "[REDACTED]");
        assert_eq!(redactor.redact("cl&#233;-&#x1F600;"), "[REDACTED]");
        assert_eq!(Redactor::new("").redact("anything"), "anything");
    }
}

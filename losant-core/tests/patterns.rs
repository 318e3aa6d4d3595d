//! Differential test of the schema patterns: each [`Pattern`]'s plain-code check
//! against the schema's own pattern string run as Losant's server runs it, a
//! JavaScript `RegExp` without the `u` flag over UTF-16 code units (`regress`, an
//! ECMAScript regular expression engine).

use losant_core::validate::Pattern;

/// Pieces the test strings are made of: every character class the patterns tell
/// apart (letters of both cases, digits, key symbols, template braces, line
/// terminators), characters of two and three UTF-8 bytes, one outside the Basic
/// Multilingual Plane (two UTF-16 units), and the fixed parts of the longer
/// patterns.
const PIECES: &[&str] = &[
    "a",
    "z",
    "A",
    "Z",
    "0",
    "7",
    "9",
    "_",
    "-",
    ".",
    "/",
    "+",
    "=",
    " ",
    "!",
    "{",
    "}",
    "{{",
    "}}",
    "\n",
    "\r",
    "\u{2028}",
    "\u{2029}",
    "é",
    "Ä",
    "€",
    "😀",
    "\u{200b}",
    "data:image/",
    "png",
    "svg+xml",
    "jpeg",
    ";base64,",
    "1.0.0",
    "01",
    "abcdef0123456789",
];

/// A small deterministic generator (xorshift), so every run tests the same strings.
struct Strings(u64);

impl Strings {
    fn next(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % bound as u64).unwrap()
    }

    /// A string of `pieces` random pieces.
    fn string(&mut self, pieces: usize) -> String {
        (0..pieces)
            .map(|_| PIECES[self.next(PIECES.len())])
            .collect()
    }
}

/// The strings compared: random short ones, and runs of one piece around the
/// lengths the patterns count to (12, 24, 255), in characters and in UTF-16 units.
fn corpus() -> Vec<String> {
    let mut strings = Strings(0x9e37_79b9_7f4a_7c15);
    let mut corpus: Vec<String> = (0..40_000).map(|i| strings.string(i % 14)).collect();
    for piece in ["a", "é", "😀", "Aa1!", "k-", "😀a"] {
        for count in (0..=30).chain(120..=132).chain(250..=260) {
            corpus.push(piece.repeat(count));
        }
    }
    for prefix in ["Aa1!", "Aa1!😀", "aZ9.", "{{", "data:image/png;base64,"] {
        for tail in 0..400 {
            let tail = strings.string(1 + tail % 12);
            corpus.push(format!("{prefix}{tail}"));
        }
    }
    corpus
}

#[test]
fn every_pattern_agrees_with_javascript() {
    let corpus = corpus();
    let mut compared = 0usize;
    for pattern in Pattern::ALL {
        let regex = regress::Regex::with_flags(pattern.as_str(), "")
            .unwrap_or_else(|e| panic!("{}: {e}", pattern.as_str()));
        let mut disagreements = Vec::new();
        for text in &corpus {
            let units: Vec<u16> = text.encode_utf16().collect();
            let javascript = regex.find_from_ucs2(&units, 0).next().is_some();
            if pattern.matches(text) != javascript {
                disagreements.push((text.clone(), javascript));
            }
            compared += 1;
        }
        assert!(
            disagreements.is_empty(),
            "{pattern:?} (`{}`) disagrees with JavaScript on {} strings, first (text, what JavaScript says): {:?}",
            pattern.as_str(),
            disagreements.len(),
            &disagreements[..disagreements.len().min(5)]
        );
    }
    assert!(compared > 500_000, "{compared}");
}

#[test]
fn the_u_flag_would_count_characters_instead() {
    // What the server does not do, and so neither does the client: with `u`, `.`
    // takes a whole character, and 128 emoji are 128, not 256.
    let text = "😀".repeat(128);
    let units: Vec<u16> = text.encode_utf16().collect();
    let with_u = regress::Regex::with_flags(Pattern::Line255.as_str(), "u").unwrap();
    assert!(with_u.find_from_utf16(&units, 0).next().is_some());
    assert!(!Pattern::Line255.matches(&text));
}

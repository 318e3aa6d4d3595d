//! The path template of an endpoint: `/applications/<app>/events/<event>`.

use std::ops::Range;

use proc_macro2::Span;
use syn::LitStr;

use crate::ctxt::Ctxt;

/// One piece of a parsed template, in order.
pub(crate) enum Part {
    /// Literal text, already joined across segments (`/applications/`).
    Literal(String),
    /// A `<name>` placeholder filling one whole segment.
    Param(Placeholder),
}

/// A `<name>` placeholder.
pub(crate) struct Placeholder {
    pub(crate) name: String,
    /// The placeholder inside the literal where the compiler can point there,
    /// else the whole literal.
    pub(crate) span: Span,
}

/// A checked path template.
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

impl Template {
    pub(crate) fn placeholders(&self) -> impl Iterator<Item = &Placeholder> {
        self.parts.iter().filter_map(|part| match part {
            Part::Param(placeholder) => Some(placeholder),
            Part::Literal(_) => None,
        })
    }
}

/// The span of `range` (bytes of the literal's value) inside the literal, when the
/// compiler supports sub-spans and the literal has no escapes; else the literal's span.
fn sub_span(lit: &LitStr, range: Range<usize>) -> Span {
    let token = lit.token();
    let source = token.to_string();
    let value = lit.value();
    if source.len() == value.len() + 2 && source.starts_with('"') && source[1..].starts_with(&value)
    {
        if let Some(span) = token.subspan(range.start + 1..range.end + 1) {
            return span;
        }
    }
    lit.span()
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

/// Characters a literal path segment may hold: RFC 3986 `pchar` without `%`
/// (literals are written decoded; values are encoded by the runtime).
fn is_literal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}

/// Parses and checks a template, recording every mistake in it.
pub(crate) fn parse(cx: &mut Ctxt, lit: &LitStr) -> Option<Template> {
    let value = lit.value();
    let mut errors = 0usize;
    let mut error = |cx: &mut Ctxt, span: Span, message: String| {
        errors += 1;
        cx.error(span, message);
    };

    if !value.starts_with('/') {
        error(
            cx,
            lit.span(),
            format!("endpoint path must start with `/`; did you mean `/{value}`?"),
        );
        return None;
    }

    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut seen: Vec<String> = Vec::new();
    let mut offset = 1;
    let segments: Vec<&str> = value[1..].split('/').collect();
    let only_root = value == "/";

    for segment in segments {
        let range = offset..offset + segment.len();
        offset = range.end + 1;
        let span = || sub_span(lit, range.clone());
        literal.push('/');
        if segment.is_empty() {
            if !only_root {
                error(
                    cx,
                    span(),
                    "endpoint path has an empty segment (`//` or a trailing `/`)".to_owned(),
                );
            }
            continue;
        }
        let opens = segment.matches('<').count();
        let closes = segment.matches('>').count();
        if opens == 0 && closes == 0 {
            if let Some(bad) = segment.chars().find(|&c| !is_literal_char(c)) {
                let hint = match bad {
                    '?' | '#' => "; declare query parameters as `#[query]` arguments",
                    '{' | '}' => "; placeholders are written `<name>`",
                    _ => "",
                };
                error(
                    cx,
                    span(),
                    format!("character `{bad}` is not allowed in an endpoint path{hint}"),
                );
            }
            literal.push_str(segment);
            continue;
        }
        let unbalanced = if opens > closes {
            Some('<')
        } else if closes > opens || segment.find('>') < segment.find('<') {
            Some('>')
        } else {
            None
        };
        if let Some(which) = unbalanced {
            error(
                cx,
                span(),
                format!("unbalanced `{which}` in endpoint path: a placeholder is written `<name>`"),
            );
            continue;
        }
        if opens > 1 || !segment.starts_with('<') || !segment.ends_with('>') {
            error(
                cx,
                span(),
                format!("`{segment}`: a placeholder must be a whole path segment, like `/<name>/`"),
            );
            continue;
        }
        let name = &segment[1..segment.len() - 1];
        if name.is_empty() {
            error(cx, span(), "empty placeholder `<>` in endpoint path: name the argument it stands for, like `<event>`".to_owned());
            continue;
        }
        if !is_ident(name) {
            error(
                cx,
                span(),
                format!("placeholder `<{name}>` is not an argument name"),
            );
            continue;
        }
        if seen.iter().any(|s| s == name) {
            error(
                cx,
                span(),
                format!(
                    "duplicate placeholder `<{name}>` in endpoint path: each argument fills one segment"
                ),
            );
            continue;
        }
        seen.push(name.to_owned());
        if !literal.is_empty() {
            parts.push(Part::Literal(std::mem::take(&mut literal)));
        }
        parts.push(Part::Param(Placeholder {
            name: name.to_owned(),
            span: span(),
        }));
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    (errors == 0).then_some(Template { parts })
}

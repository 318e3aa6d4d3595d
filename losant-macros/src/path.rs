//! Parsing the path template of an endpoint: `/applications/<app>/events/<event>`.

use std::ops::Range;

use proc_macro2::Span;
use syn::LitStr;

use crate::ast::{Part, Placeholder, Template};
use crate::ctxt::Ctxt;

/// The span of `range` (bytes of the literal's value) inside the literal, when the
/// compiler supports sub-spans and the literal has no escapes; else the literal's span.
fn sub_span(lit: &LitStr, range: Range<usize>) -> Span {
    let token = lit.token();
    let source = token.to_string();
    let value = lit.value();
    let plain = source.len() == value.len() + 2
        && source.starts_with('"')
        && source[1..].starts_with(&value);
    plain
        .then(|| token.subspan((range.start + 1)..=range.end))
        .flatten()
        .unwrap_or_else(|| lit.span())
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

/// What one segment of a template is, or why it is wrong.
enum Segment<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

fn classify(segment: &str) -> Result<Segment<'_>, String> {
    if segment.is_empty() {
        return Err("endpoint path has an empty segment (`//` or a trailing `/`)".to_owned());
    }
    let opens = segment.matches('<').count();
    let closes = segment.matches('>').count();
    if opens == 0 && closes == 0 {
        return match segment.chars().find(|&c| !is_literal_char(c)) {
            None => Ok(Segment::Literal(segment)),
            Some(bad) => {
                let hint = match bad {
                    '?' | '#' => "; declare query parameters as `#[query]` arguments",
                    '{' | '}' => "; placeholders are written `<name>`",
                    _ => "",
                };
                Err(format!(
                    "character `{bad}` is not allowed in an endpoint path{hint}"
                ))
            }
        };
    }
    if opens > closes {
        return Err(
            "unbalanced `<` in endpoint path: a placeholder is written `<name>`".to_owned(),
        );
    }
    if closes > opens || segment.find('>') < segment.find('<') {
        return Err(
            "unbalanced `>` in endpoint path: a placeholder is written `<name>`".to_owned(),
        );
    }
    if opens > 1 || !segment.starts_with('<') || !segment.ends_with('>') {
        return Err(format!(
            "`{segment}`: a placeholder must be a whole path segment, like `/<name>/`"
        ));
    }
    let name = &segment[1..segment.len() - 1];
    if name.is_empty() {
        return Err(
            "empty placeholder `<>` in endpoint path: name the argument it stands for, like `<event>`"
                .to_owned(),
        );
    }
    if !is_ident(name) {
        return Err(format!("placeholder `<{name}>` is not an argument name"));
    }
    Ok(Segment::Placeholder(name))
}

/// Parses and checks a template, recording every mistake in it.
pub(crate) fn parse(cx: &mut Ctxt, lit: &LitStr) -> Option<Template> {
    let value = lit.value();
    if !value.starts_with('/') {
        cx.error(
            lit.span(),
            format!("endpoint path must start with `/`; did you mean `/{value}`?"),
        );
        return None;
    }
    let before = cx.count();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut offset = 1;
    for segment in value[1..].split('/') {
        let range = offset..offset + segment.len();
        offset = range.end + 1;
        literal.push('/');
        if value == "/" {
            break;
        }
        match classify(segment) {
            Ok(Segment::Literal(text)) => literal.push_str(text),
            Ok(Segment::Placeholder(name)) => {
                let span = sub_span(lit, range);
                let duplicate = parts
                    .iter()
                    .any(|part| matches!(part, Part::Param(p) if p.name == name));
                if duplicate {
                    cx.error(
                        span,
                        format!("duplicate placeholder `<{name}>` in endpoint path: each argument fills one segment"),
                    );
                    continue;
                }
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(Part::Param(Placeholder {
                    name: name.to_owned(),
                    span,
                }));
            }
            Err(message) => cx.error(sub_span(lit, range), message),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    (cx.count() == before).then_some(Template { parts })
}

#[cfg(test)]
mod tests {
    use super::{Part, parse};
    use crate::ctxt::Ctxt;

    fn parts(path: &str) -> Result<Vec<String>, usize> {
        let mut cx = Ctxt::new();
        let lit = syn::LitStr::new(path, proc_macro2::Span::call_site());
        let parsed = parse(&mut cx, &lit);
        let errors = cx.count();
        let _ = cx.check();
        match parsed {
            Some(template) => Ok(template
                .parts
                .iter()
                .map(|part| match part {
                    Part::Literal(text) => text.clone(),
                    Part::Param(p) => format!("<{}>", p.name),
                })
                .collect()),
            None => Err(errors),
        }
    }

    #[test]
    fn literals_are_joined_between_placeholders() {
        assert_eq!(
            parts("/applications/<app>/events/<event>").unwrap(),
            ["/applications/", "<app>", "/events/", "<event>"]
        );
        assert_eq!(
            parts("/applications/<app>/events/delete").unwrap(),
            ["/applications/", "<app>", "/events/delete"]
        );
        assert_eq!(parts("/me").unwrap(), ["/me"]);
        assert_eq!(parts("/").unwrap(), ["/"]);
    }

    #[test]
    fn every_broken_segment_is_reported() {
        assert_eq!(parts("me"), Err(1));
        assert_eq!(parts("/a//b/"), Err(2));
        assert_eq!(parts("/<a>/<a>"), Err(1));
        // `<a`, `b>`, `<>`, `x<c>`, `<d e>`, `{f}`, `?q`
        assert_eq!(parts("/<a/b>/<>/x<c>/<d e>/{f}/?q"), Err(7));
    }
}

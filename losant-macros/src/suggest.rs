//! "Did you mean" suggestions for near-miss names.

/// Returns the candidate closest to `name`, if one is close enough to be a typo.
pub(crate) fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `"; did you mean `x`?"` when a close candidate exists, else an empty string.
pub(crate) fn did_you_mean<'a, I>(name: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(name, candidates) {
        Some(candidate) => format!("; did you mean `{candidate}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_ignores_unrelated_names() {
        assert_eq!(closest("evnt", ["app", "event"]), Some("event"));
        assert_eq!(
            closest("methd", ["method", "path", "scope"]),
            Some("method")
        );
        assert_eq!(closest("PATCHH", ["GET", "PATCH", "PUT"]), Some("PATCH"));
        assert_eq!(closest("zzz", ["app", "event"]), None);
    }
}

//! What every collection listing reads from its query: the sort field and direction,
//! the page and its size; and the sorting and paging of the matching documents.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::ApiError;
use crate::query::compare;

/// Most documents a page may hold.
const MAX_PER_PAGE: u64 = 1000;

/// A listing's sort and page.
#[derive(Debug)]
pub(crate) struct Listing {
    pub(crate) sort_field: String,
    pub(crate) ascending: bool,
    pub(crate) page: u64,
    pub(crate) per_page: u64,
}

/// A non-negative whole number of the query (`default` when absent).
pub(crate) fn number(
    params: &HashMap<String, String>,
    key: &str,
    default: u64,
) -> Result<u64, ApiError> {
    params.get(key).map_or(Ok(default), |value| {
        value
            .parse()
            .map_err(|_| ApiError::validation(format!("{key} must be a non-negative integer")))
    })
}

impl Listing {
    /// The listing a query asks for: `sortField` (one of `fields`, `default_field`
    /// when absent), `sortDirection` (`ascending` when absent), `page` and `perPage`
    /// (100, at most 1000).
    pub(crate) fn of(
        params: &HashMap<String, String>,
        fields: &[&str],
        default_field: &str,
        ascending: bool,
    ) -> Result<Self, ApiError> {
        let sort_field = params
            .get("sortField")
            .map_or(default_field, String::as_str)
            .to_owned();
        if !fields.contains(&sort_field.as_str()) {
            return Err(ApiError::validation(format!(
                "sortField must be equal to one of the allowed values: {}",
                fields.join(", ")
            )));
        }
        let ascending = match params.get("sortDirection").map(String::as_str) {
            None => ascending,
            Some("asc") => true,
            Some("desc") => false,
            Some(_) => {
                return Err(ApiError::validation(
                    "sortDirection must be equal to one of the allowed values: asc, desc",
                ));
            }
        };
        Ok(Listing {
            sort_field,
            ascending,
            page: number(params, "page", 0)?,
            per_page: number(params, "perPage", 100)?.clamp(1, MAX_PER_PAGE),
        })
    }

    /// `asc` or `desc`, as the answer says it.
    pub(crate) fn direction(&self) -> &'static str {
        if self.ascending { "asc" } else { "desc" }
    }

    /// The page of `matching` (each with its sort key), sorted (stably: equal keys
    /// keep their order), and how many matched in all. A page past the end (or past
    /// any count) is empty.
    pub(crate) fn page_of<T>(&self, mut matching: Vec<(Value, T)>) -> (Vec<T>, usize) {
        matching.sort_by(|(a, _), (b, _)| {
            let order = compare(a, b).unwrap_or(std::cmp::Ordering::Equal);
            if self.ascending {
                order
            } else {
                order.reverse()
            }
        });
        let total = matching.len();
        let skip = self
            .page
            .checked_mul(self.per_page)
            .and_then(|skip| usize::try_from(skip).ok())
            .unwrap_or(usize::MAX);
        let take = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        let items = matching
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|(_, item)| item)
            .collect();
        (items, total)
    }
}

//! How names are turned into other names: raw identifiers, query keys, constants.

use syn::Ident;
use syn::ext::IdentExt;

/// The identifier without a raw prefix: `r#type` → `type`. Every name the user wrote
/// is compared and printed through this.
pub(crate) fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// `sort_field` → `sortField`: Losant's query parameters are lower camel case.
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `get_event` → `GET_EVENT`, spanned on the method's name: the metadata constant.
pub(crate) fn const_ident(method: &Ident) -> Ident {
    Ident::new(&unraw(method).to_ascii_uppercase(), method.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_are_lower_camel_case() {
        assert_eq!(camel_case("per_page"), "perPage");
        assert_eq!(camel_case("sort_field"), "sortField");
        assert_eq!(camel_case("filter"), "filter");
        assert_eq!(camel_case("_private_name"), "privateName");
    }

    #[test]
    fn raw_identifiers_lose_their_prefix() {
        let raw: Ident = syn::parse_str("r#type").unwrap();
        assert_eq!(unraw(&raw), "type");
        assert_eq!(const_ident(&raw).to_string(), "TYPE");
    }
}

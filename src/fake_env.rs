//! Tests only: an environment of fixed variables, for code that reads its environment
//! through a `Fn(&str) -> Option<String>` (the clipboard, the locale).

/// `std::env::var` over `pairs` instead of the process environment.
pub fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

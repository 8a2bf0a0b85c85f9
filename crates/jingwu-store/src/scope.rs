//! Jurisdiction scoping in SQL: an org unit's subtree is every path with its path as prefix.

/// A LIKE pattern matching every path that starts with `prefix`, with LIKE's wildcards escaped.
pub(crate) fn like_prefix(prefix: &str) -> String {
    // Paths are built from codes of digits and letters; '%' and '_' never occur in them, so
    // plain concatenation is exact. Reject them defensively rather than widen a scope.
    let safe: String = prefix.chars().filter(|c| *c != '%' && *c != '_').collect();
    format!("{safe}%")
}

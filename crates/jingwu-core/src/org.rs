crate::text_enum! {
    /// The three command tiers of the jurisdiction tree. Labels as the pages show them
    /// (`web/static/i18n`, key `org_kind`).
    pub enum OrgKind: "org kind", parse -> Option {
        /// City bureau (市局), root of the tree.
        City = "city" ("市局", "City bureau"),
        /// District bureau or county bureau (分局 / 县局).
        District = "district" ("分局", "District bureau"),
        /// Police station (派出所).
        Station = "station" ("派出所", "Police station"),
    }
}

/// Whether `inner` lies in the subtree rooted at `outer`. Paths are materialized as
/// `/code/code/.../` so a subtree is a prefix; the trailing slash stops `/33` matching `/330`.
pub fn path_contains(outer: &str, inner: &str) -> bool {
    outer.ends_with('/') && inner.starts_with(outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_is_a_slash_terminated_prefix() {
        assert!(path_contains("/3302/", "/3302/330203/"));
        assert!(path_contains("/3302/330203/", "/3302/330203/"));
        assert!(!path_contains("/3302/33020/", "/3302/330203/"));
        assert!(!path_contains("/3302/330203/", "/3302/"));
        assert!(!path_contains("/3302", "/33021/"));
    }
}

use serde::{Deserialize, Serialize};

/// The three command tiers of the jurisdiction tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// City bureau (市局), root of the tree.
    City,
    /// District bureau or county bureau (分局 / 县局).
    District,
    /// Police station (派出所).
    Station,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::City => "city",
            OrgKind::District => "district",
            OrgKind::Station => "station",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "city" => Some(OrgKind::City),
            "district" => Some(OrgKind::District),
            "station" => Some(OrgKind::Station),
            _ => None,
        }
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

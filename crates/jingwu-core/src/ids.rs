//! Identifiers: UUID v7 text, one newtype per kind of record so that a unit id cannot be
//! passed where an incident id is expected.

/// A new time-ordered identifier (UUID v7, lowercase hyphenated text).
///
/// Text on both backends keeps the schemas identical; v7 keeps B-tree inserts local.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Defines a string identifier newtype: serde-transparent text, `Display`, `as_str`,
/// `into_string`, `From<String>`/`From<&str>`, `AsRef<str>`, `Borrow<str>` (so a
/// `HashSet<UnitId>` can be probed with a `&str`), and `new()` for a fresh [`new_id`].
///
/// The text is not validated: ids come from the database or from a URL path, and an unknown
/// id is answered by the lookup (404), not by parsing.
///
/// ```
/// jingwu_core::id_newtype! {
///     /// A parking lot.
///     pub struct LotId;
/// }
/// let a = LotId::new();
/// assert_ne!(a, LotId::new());
/// assert_eq!(LotId::from(a.as_str()), a);
/// assert_eq!(serde_json::to_string(&LotId::from("x")).unwrap(), "\"x\"");
/// ```
#[macro_export]
macro_rules! id_newtype {
    ( $( $(#[$meta:meta])* $vis:vis struct $name:ident; )+ ) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
            #[serde(transparent)]
            $vis struct $name(String);

            impl $name {
                /// A fresh, time-ordered id (UUID v7).
                // No `Default`: a default that invents a new id would hide where ids are made.
                #[allow(clippy::new_without_default)]
                #[must_use]
                pub fn new() -> Self {
                    $name($crate::new_id())
                }

                pub fn as_str(&self) -> &str {
                    &self.0
                }

                #[must_use]
                pub fn into_string(self) -> String {
                    self.0
                }
            }

            impl ::core::fmt::Display for $name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl ::core::convert::From<String> for $name {
                fn from(s: String) -> Self {
                    $name(s)
                }
            }

            impl ::core::convert::From<&str> for $name {
                fn from(s: &str) -> Self {
                    $name(s.to_owned())
                }
            }

            impl ::core::convert::From<$name> for String {
                fn from(id: $name) -> Self {
                    id.0
                }
            }

            impl ::core::convert::AsRef<str> for $name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }

            impl ::core::borrow::Borrow<str> for $name {
                fn borrow(&self) -> &str {
                    &self.0
                }
            }

            impl ::core::cmp::PartialEq<str> for $name {
                fn eq(&self, other: &str) -> bool {
                    self.0 == other
                }
            }

            impl ::core::cmp::PartialEq<&str> for $name {
                fn eq(&self, other: &&str) -> bool {
                    self.0 == *other
                }
            }
        )+
    };
}

id_newtype! {
    /// An org unit of the jurisdiction tree (`org_units`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct OrgId;
    /// An account (`users`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct UserId;
    /// A 110 incident (`incidents`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct IncidentId;
    /// A unit: a patrol car, foot patrol, team (`units`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct UnitId;
    /// An entry of an incident's timeline (`incident_events`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct EventId;
    /// An entry of a unit's status log (`unit_status_log`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct StatusChangeId;
    /// A key site that must be covered within a minute (`key_sites`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct KeySiteId;
    /// A coverage alert (`coverage_alerts`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct AlertId;
    /// A chunked upload in progress or finished (`media_uploads`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct UploadId;
    /// A category of information layers on the command map (`layer_categories`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct LayerCategoryId;
    /// An information layer (`layers`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct LayerId;
    /// A feature of an information layer (`layer_features`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct FeatureId;
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn new_ids_are_v7_text_and_time_ordered() {
        let a = UnitId::new();
        let b = UnitId::new();
        let parsed = uuid::Uuid::parse_str(a.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        assert_eq!(
            a.as_str(),
            parsed.hyphenated().to_string(),
            "lowercase hyphenated"
        );
        // v7 embeds a millisecond clock and a monotonic counter: later ids sort after.
        assert!(a < b, "{a} < {b}");
    }

    #[test]
    fn serde_is_the_bare_string() {
        let id = IncidentId::from("0190f1c2-0000-7000-8000-000000000001");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"0190f1c2-0000-7000-8000-000000000001\"");
        assert_eq!(serde_json::from_str::<IncidentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IncidentId>("42").is_err());
        assert!(serde_json::from_str::<IncidentId>("{\"0\":\"x\"}").is_err());
    }

    #[test]
    fn conversions_keep_the_text() {
        let id = OrgId::from(String::from("o-1"));
        assert_eq!(id.to_string(), "o-1");
        assert_eq!(id, "o-1");
        assert_eq!(String::from(id.clone()), "o-1");
        assert_eq!(id.clone().into_string(), "o-1");
        let set: HashSet<OrgId> = [id].into();
        assert!(set.contains("o-1"), "probed by &str through Borrow<str>");
    }
}

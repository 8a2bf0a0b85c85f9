/// A new time-ordered identifier (UUID v7, lowercase hyphenated text).
///
/// Text on both backends keeps the schemas identical; v7 keeps B-tree inserts local.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

//! (being written)

use super::Cases;

impl Cases<'_> {}

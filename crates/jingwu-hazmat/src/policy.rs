//! To be written (see lib.rs).

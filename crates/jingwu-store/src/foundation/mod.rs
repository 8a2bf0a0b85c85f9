//! The platform's own tables: the jurisdiction tree, accounts, sessions and the audit log.

pub mod audit;
pub mod audit_tree;
pub mod orgs;
pub mod sessions;
pub mod throttle;
pub mod users;

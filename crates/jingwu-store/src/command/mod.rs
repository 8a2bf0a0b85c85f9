//! Storage of the 110 command system, one module per table group. Rows decode into
//! `jingwu-command`'s domain types; the text codes stored are theirs.

pub mod assignments;
pub mod coverage_history;
pub mod incidents;
pub mod key_sites;
pub mod layers;
pub mod linkage;
pub mod media;
pub mod plans;
pub mod positions;
pub mod posts;
pub mod shifts;
pub mod sites;
pub mod stats;
pub mod terminal;
pub mod timeline;
pub mod timers;
pub mod units;

// One namespace for the use cases (`q::get_incident`), files by table group for readers.
pub use assignments::*;
pub use incidents::*;
pub use key_sites::*;
pub use positions::*;
pub use posts::*;
pub use shifts::*;
pub use sites::*;
pub use terminal::*;
pub use timeline::*;
pub use units::*;

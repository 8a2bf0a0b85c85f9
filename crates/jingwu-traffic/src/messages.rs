//! Police-public messages (警民互动): tips, complaints and questions from citizens, answered by
//! the traffic police.

jingwu_core::text_enum! {
    /// What a citizen writes about.
    pub enum MessageKind: "message kind" {
        /// A tip about a violation or a hazard (举报).
        Tip = "tip" ("举报线索", "Tip"),
        Complaint = "complaint" ("投诉", "Complaint"),
        Question = "question" ("咨询", "Question"),
    }
}

jingwu_core::text_enum! {
    /// Where a message stands.
    pub enum MessageStatus: "message status" {
        Open = "open" ("待回复", "Awaiting reply"),
        Answered = "answered" ("已回复", "Answered"),
    }
}

/// Longest subject and body taken (characters).
pub const MAX_SUBJECT: usize = 60;
pub const MAX_BODY: usize = 2000;

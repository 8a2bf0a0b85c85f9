//! Identifiers of the law-enforcement records (UUID v7 text, one newtype per kind).

jingwu_core::id_newtype! {
    /// A case (criminal or administrative).
    pub struct CaseId;
    /// A party to a case (suspect, victim, witness, reporter).
    pub struct PartyId;
    /// A step of a case, with its document if any.
    pub struct StepId;
    /// A case deadline (a legal clock on the case).
    pub struct DeadlineId;
    /// A supervision comment or required correction.
    pub struct CommentId;
    /// A room of a handling area.
    pub struct RoomId;
    /// A person's custody record in a handling area.
    pub struct CustodyId;
    /// A measure on a person in the area (a legal clock from arrival).
    pub struct MeasureId;
    /// A requested extension of a legal clock.
    pub struct ExtensionId;
    /// A belonging kept while a person is in the area.
    pub struct BelongingId;
    /// A storage location of a property store.
    pub struct LocationId;
    /// An item of evidence or property.
    pub struct ItemId;
    /// An inventory of a property store.
    pub struct InventoryId;
}

//! Identifiers of the traffic records (UUID v7 text, one newtype per kind).

jingwu_core::id_newtype! {
    /// A driving licence (`traffic_licences`).
    pub struct LicenceId;
    /// A motor vehicle (`traffic_vehicles`).
    pub struct VehicleId;
    /// A violation record, camera or officer (`traffic_violations`); the unique key of the
    /// points ledger.
    pub struct ViolationId;
    /// A point reduction granted.
    pub struct ReductionId;
    /// A point-reduction voucher of the legacy profile.
    pub struct VoucherId;
    /// A quiz attempt of online study.
    pub struct QuizId;
    /// A quick accident settlement.
    pub struct SettlementId;
    /// An application for a vehicle or driver service.
    pub struct ApplicationId;
}

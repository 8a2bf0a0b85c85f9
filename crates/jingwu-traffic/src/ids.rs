//! Identifiers of the traffic records (UUID v7 text, one newtype per kind).

jingwu_core::id_newtype! {
    /// A driver's record: the licence holder (`traffic_drivers`).
    pub struct DriverId;
    /// A motor vehicle (`traffic_vehicles`).
    pub struct VehicleId;
    /// A violation record, camera or officer (`traffic_violations`); the unique key of the
    /// points ledger.
    pub struct ViolationId;
    /// A payment order for a fine (`traffic_payment_orders`).
    pub struct PaymentOrderId;
    /// A point reduction granted, or a voucher under the legacy profile.
    pub struct ReductionId;
    /// A quiz attempt of online study.
    pub struct QuizAttemptId;
    /// A quick accident settlement.
    pub struct SettlementId;
    /// An application for a vehicle or driver service.
    pub struct ApplicationId;
}

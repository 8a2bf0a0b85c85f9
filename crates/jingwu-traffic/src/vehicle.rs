//! Motor vehicles as the traffic services see them: their registration status. A vehicle of the
//! driver's that is overdue for inspection is exclusion 4 of point reduction (MPS Order 163).

jingwu_core::text_enum! {
    /// The registration status of a motor vehicle.
    pub enum VehicleStatus: "vehicle status" {
        Normal = "normal" ("正常", "Normal"),
        /// Past the date of its periodic safety inspection (逾期未检验).
        InspectionOverdue = "inspection_overdue" ("逾期未检验", "Inspection overdue"),
        Deregistered = "deregistered" ("已注销", "Deregistered"),
    }
}

impl VehicleStatus {
    /// Whether the status blocks point reduction for the vehicle's owner.
    pub const fn blocks_reduction(self) -> bool {
        matches!(self, VehicleStatus::InspectionOverdue)
    }
}

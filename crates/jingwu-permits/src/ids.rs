//! Identifiers of the approval window's records (UUID v7 text, one newtype per kind). Items
//! are named by their catalogue code instead.

jingwu_core::id_newtype! {
    /// A service office (a hall with windows, or a 24-hour self-service area).
    pub struct OfficeId;
    /// A window (counter) of an office.
    pub struct WindowId;
    /// A booked (or held) appointment.
    pub struct AppointmentId;
    /// A queue ticket.
    pub struct TicketId;
    /// An online application.
    pub struct ApplicationId;
    /// One step of an application's progress.
    pub struct StepId;
}

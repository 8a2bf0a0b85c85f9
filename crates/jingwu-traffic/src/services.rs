//! Vehicle and driver services (the seed's 15, after the national 交管12123 platform): each is
//! an application with required materials, a fee, and a state machine the citizen can follow.
//! There are no paper applications: the office reviews online and, for plates, cards, marks
//! and licences, posts the result.
//!
//! The materials are what such applications typically ask for, and the **fees are
//! illustrative configuration** (most licence services are free; plates and certificates
//! carry the production cost) — confirm against the local fee schedule.

use serde::Serialize;

use crate::money::Fen;

/// A document or photo an application needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Material {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

const fn m(code: &'static str, name_zh: &'static str, name_en: &'static str) -> Material {
    Material {
        code,
        name_zh,
        name_en,
    }
}

pub const ID_CARD: Material = m("id_card", "居民身份证", "Resident identity card");
pub const PHOTO: Material = m(
    "photo",
    "本人近期白底证件照",
    "Recent photo on a white background",
);
pub const MEDICAL: Material = m(
    "medical",
    "机动车驾驶人身体条件证明",
    "Driver's medical certificate",
);
pub const LICENCE: Material = m("licence", "机动车驾驶证", "Driving licence");
pub const REGISTRATION_CARD: Material = m(
    "registration_card",
    "机动车行驶证",
    "Vehicle registration card",
);
pub const REGISTRATION_CERTIFICATE: Material = m(
    "registration_certificate",
    "机动车登记证书",
    "Vehicle registration certificate",
);
pub const INSURANCE: Material = m(
    "insurance",
    "机动车交通事故责任强制保险凭证",
    "Compulsory traffic insurance certificate",
);
pub const VEHICLE_PHOTO: Material = m("vehicle_photo", "车辆外观照片", "Photo of the vehicle");
pub const PURCHASE_INVOICE: Material = m(
    "purchase_invoice",
    "机动车销售统一发票",
    "Vehicle purchase invoice",
);
pub const TRANSFER_PROOF: Material = m(
    "transfer_proof",
    "机动车所有权转移证明",
    "Proof of transfer of ownership",
);
pub const DEFERRAL_REASON: Material = m(
    "deferral_reason",
    "延期事由证明",
    "Proof of the reason for deferral",
);
pub const TAX_PROOF: Material = m(
    "tax_proof",
    "车船税纳税或免税证明",
    "Vehicle and vessel tax certificate",
);

jingwu_core::text_enum! {
    /// A vehicle or driver service.
    pub enum ServiceKind: "traffic service" {
        ExamRegistration = "exam_registration" ("驾驶人自主报考", "Driving-test booking"),
        PlatePreselection = "plate_preselection" ("预选号牌", "Plate pre-selection"),
        LicenceRenewal = "licence_renewal" ("期满换证", "Licence renewal on expiry"),
        ContactChange = "contact_change" ("联系方式变更", "Change of contact details"),
        PlateReplacement = "plate_replacement" ("补领号牌", "Replacement plate"),
        LicenceReplacement = "licence_replacement" ("补领驾驶证", "Replacement driving licence"),
        InspectionMarkReplacement = "inspection_mark_replacement" ("补领检验合格标志", "Replacement inspection mark"),
        RegistrationCardReplacement = "registration_card_replacement" ("补领行驶证", "Replacement registration card"),
        InspectionExemptMark = "inspection_exempt_mark" ("申领免检标志", "Inspection-exempt mark"),
        LicenceDeferral = "licence_deferral" ("延期换证", "Deferred licence renewal"),
        MedicalUpload = "medical_upload" ("提交体检证明", "Medical certificate upload"),
        RegistrationCertificateReplacement = "registration_certificate_replacement" ("补领登记证书", "Replacement registration certificate"),
        TransferRegistration = "transfer_registration" ("转移登记预约", "Transfer registration appointment"),
        ElectronicLicence = "electronic_licence" ("申领电子驾驶证", "Electronic driving licence"),
        VehicleInspectionBooking = "vehicle_inspection_booking" ("机动车检验预约", "Vehicle inspection booking"),
    }
}

impl ServiceKind {
    /// The materials the application must carry.
    pub fn materials(self) -> &'static [Material] {
        use ServiceKind::*;
        match self {
            ExamRegistration => &[ID_CARD, PHOTO, MEDICAL],
            PlatePreselection => &[ID_CARD, PURCHASE_INVOICE],
            LicenceRenewal => &[ID_CARD, PHOTO, MEDICAL],
            ContactChange => &[ID_CARD],
            PlateReplacement => &[ID_CARD, REGISTRATION_CARD],
            LicenceReplacement => &[ID_CARD, PHOTO],
            InspectionMarkReplacement => &[ID_CARD, REGISTRATION_CARD, INSURANCE],
            RegistrationCardReplacement => &[ID_CARD, VEHICLE_PHOTO],
            InspectionExemptMark => &[ID_CARD, REGISTRATION_CARD, INSURANCE, TAX_PROOF],
            LicenceDeferral => &[ID_CARD, LICENCE, DEFERRAL_REASON],
            MedicalUpload => &[ID_CARD, MEDICAL],
            RegistrationCertificateReplacement => &[ID_CARD, REGISTRATION_CARD],
            TransferRegistration => &[ID_CARD, REGISTRATION_CERTIFICATE, TRANSFER_PROOF],
            ElectronicLicence => &[ID_CARD],
            VehicleInspectionBooking => &[ID_CARD, REGISTRATION_CARD, INSURANCE],
        }
    }

    /// The fee (illustrative; see the module documentation).
    pub fn fee(self) -> Fen {
        use ServiceKind::*;
        match self {
            PlateReplacement => Fen::from_yuan(100),
            RegistrationCardReplacement => Fen::from_yuan(10),
            RegistrationCertificateReplacement => Fen::from_yuan(10),
            LicenceReplacement | LicenceRenewal => Fen::from_yuan(10),
            _ => Fen::ZERO,
        }
    }

    /// Whether the result is a physical item posted to the applicant.
    pub fn mailed(self) -> bool {
        use ServiceKind::*;
        matches!(
            self,
            LicenceRenewal
                | PlateReplacement
                | LicenceReplacement
                | InspectionMarkReplacement
                | RegistrationCardReplacement
                | InspectionExemptMark
                | RegistrationCertificateReplacement
        )
    }

    /// Whether the service concerns one of the applicant's registered vehicles (and names
    /// its plate) rather than the driver. Pre-selection names the plate it chooses instead.
    pub fn for_vehicle(self) -> bool {
        use ServiceKind::*;
        matches!(
            self,
            PlateReplacement
                | InspectionMarkReplacement
                | RegistrationCardReplacement
                | InspectionExemptMark
                | RegistrationCertificateReplacement
                | TransferRegistration
                | VehicleInspectionBooking
        )
    }
}

jingwu_core::text_enum! {
    /// Where an application stands.
    pub enum ApplicationStatus: "application status" {
        Submitted = "submitted" ("已提交", "Submitted"),
        /// Sent back for the applicant to complete or correct.
        Returned = "returned" ("退回补正", "Returned for correction"),
        Accepted = "accepted" ("已受理", "Accepted"),
        Approved = "approved" ("已办结", "Completed"),
        Rejected = "rejected" ("不予办理", "Rejected"),
        Mailed = "mailed" ("已寄出", "Posted"),
        Withdrawn = "withdrawn" ("已撤回", "Withdrawn"),
    }
}

impl ApplicationStatus {
    /// No further move is possible.
    pub fn is_final(self) -> bool {
        ApplicationStatus::ALL.iter().all(|to| !may_move(self, *to))
    }
}

/// The application state machine:
///
/// * submitted → returned (for correction), accepted, rejected, or withdrawn by the applicant;
/// * returned → submitted (corrected) or withdrawn;
/// * accepted → approved or rejected (once accepted, it is no longer withdrawn online);
/// * approved → mailed (only meaningful for [`ServiceKind::mailed`] services);
/// * rejected, mailed and withdrawn are final.
pub fn may_move(from: ApplicationStatus, to: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        (from, to),
        (Submitted, Returned)
            | (Submitted, Accepted)
            | (Submitted, Rejected)
            | (Submitted, Withdrawn)
            | (Returned, Submitted)
            | (Returned, Withdrawn)
            | (Accepted, Approved)
            | (Accepted, Rejected)
            | (Approved, Mailed)
    )
}

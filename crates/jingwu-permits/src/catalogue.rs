//! The catalogue of approval items and form-free processing. An item names what the applicant
//! brings (materials), what it costs, its statutory time limit in working days and how it may
//! be handled (online, by appointment, at a self-service kiosk, result by post). Its paper
//! forms are data: each lists the fields it needs, and the online form asks for the union of
//! them once — the seed's "three forms in one" — so nothing is filled in at the window: the
//! printable forms are filled from what the applicant entered online.

use serde::{Deserialize, Serialize};

use crate::Fen;

jingwu_core::text_enum! {
    /// The police department an item belongs to.
    pub enum Department: "department" {
        ExitEntry = "exit_entry" ("出入境管理", "Exit and entry"),
        Household = "household" ("户政管理", "Household registration"),
        PublicOrder = "public_order" ("治安管理", "Public order"),
        Narcotics = "narcotics" ("禁毒管理", "Narcotics control"),
        Fire = "fire" ("消防管理", "Fire safety"),
        Cyber = "cyber" ("网络安全", "Cyber security"),
        Water = "water" ("水上治安", "Waterborne public order"),
        Traffic = "traffic" ("交通管理", "Traffic"),
    }
}

/// A document the applicant provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub required: bool,
}

/// What a form field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    Text { max: u16 },
    ResidentId,
    Mobile,
    Date,
    Choice { options: Vec<Choice> },
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// A field of the online form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    pub zh: String,
    pub en: String,
    #[serde(flatten)]
    pub kind: FieldKind,
}

/// A paper form the window prints, filled from the online form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperForm {
    pub zh: String,
    pub en: String,
    pub fields: Vec<Field>,
}

/// An approval item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable catalogue code (`CRJ-001`).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub department: Department,
    pub legal_basis: String,
    pub materials: Vec<Material>,
    pub fee: Fen,
    /// Statutory time limit in working days from acceptance.
    pub time_limit_days: u16,
    /// Applications are accepted online.
    pub online: bool,
    /// Handled at a window that takes appointments.
    pub appointment: bool,
    /// Can be done at a self-service kiosk (no slot, a ticket or self-service record).
    pub self_service: bool,
    /// The result can be posted home.
    pub mailed: bool,
    /// The fee is refunded when the application is rejected.
    pub refund_on_reject: bool,
    /// Letter of its queue tickets (`C007`).
    pub prefix: char,
    pub forms: Vec<PaperForm>,
    /// Withdrawn from the catalogue (kept for past applications).
    pub retired: bool,
}

/// Why an item is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProblem {
    pub field: &'static str,
    pub message: String,
}

/// Days within which a posted result should leave the office after approval (the seed's
/// "mailed home in 3 days").
pub const MAIL_SLA_DAYS: u16 = 3;

impl Item {
    /// The online form: every field of every paper form, each once, in first-seen order.
    pub fn online_fields(&self) -> Vec<&Field> {
        let mut out: Vec<&Field> = Vec::new();
        for f in self.forms.iter().flat_map(|p| p.fields.iter()) {
            if !out.iter().any(|o| o.key == f.key) {
                out.push(f);
            }
        }
        out
    }

    pub fn required_materials(&self) -> impl Iterator<Item = &Material> {
        self.materials.iter().filter(|m| m.required)
    }

    /// Checks an item as staff define it.
    pub fn check(&self) -> Vec<ItemProblem> {
        let mut out = Vec::new();
        let mut bad = |field: &'static str, message: &str| {
            out.push(ItemProblem {
                field,
                message: message.to_owned(),
            })
        };
        let code_ok = self.code.split_once('-').is_some_and(|(a, n)| {
            (2..=4).contains(&a.len())
                && a.bytes().all(|b| b.is_ascii_uppercase())
                && n.len() == 3
                && n.bytes().all(|b| b.is_ascii_digit())
        });
        if !code_ok {
            bad("code", "letters, a hyphen and three digits (CRJ-001)");
        }
        if self.name_zh.trim().is_empty() || self.name_zh.chars().count() > 60 {
            bad("name_zh", "1 to 60 characters");
        }
        if self.name_en.chars().count() > 120 {
            bad("name_en", "at most 120 characters");
        }
        if self.legal_basis.chars().count() > 200 {
            bad("legal_basis", "at most 200 characters");
        }
        if self.fee.0 < 0 {
            bad("fee", "not negative");
        }
        if self.time_limit_days == 0 || self.time_limit_days > 365 {
            bad("time_limit_days", "1 to 365 working days");
        }
        if !self.prefix.is_ascii_uppercase() {
            bad("prefix", "one capital letter");
        }
        let mut codes: Vec<&str> = self.materials.iter().map(|m| m.code.as_str()).collect();
        codes.sort_unstable();
        if codes.windows(2).any(|w| w[0] == w[1])
            || self
                .materials
                .iter()
                .any(|m| m.code.is_empty() || m.zh.is_empty())
        {
            bad("materials", "each material once, with a code and a name");
        }
        let kinds_agree = self.online_fields().iter().all(|f| {
            self.forms
                .iter()
                .flat_map(|p| &p.fields)
                .filter(|g| g.key == f.key)
                .all(|g| g.kind == f.kind)
        });
        if self.forms.is_empty() || !kinds_agree {
            bad(
                "forms",
                "at least one form; a field shared by forms has one kind",
            );
        }
        out
    }

    /// Checks what the applicant entered against the online form: every field present and
    /// well formed. Returns the problems by field key.
    pub fn check_details(
        &self,
        details: &serde_json::Map<String, serde_json::Value>,
        today: jiff::civil::Date,
    ) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for f in self.online_fields() {
            let v = details
                .get(&f.key)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .unwrap_or("");
            if let Err(why) = f.kind.check(v, today) {
                out.push((f.key.clone(), why));
            }
        }
        for k in details.keys() {
            if !self.online_fields().iter().any(|f| &f.key == k) {
                out.push((k.clone(), "not a field of this item's form"));
            }
        }
        out
    }

    /// The paper forms filled from the online form, as `(label, value)` rows; choice codes are
    /// shown by their Chinese label.
    pub fn fill(&self, details: &serde_json::Map<String, serde_json::Value>) -> Vec<FilledForm> {
        self.forms
            .iter()
            .map(|p| FilledForm {
                zh: p.zh.clone(),
                en: p.en.clone(),
                rows: p
                    .fields
                    .iter()
                    .map(|f| {
                        let raw = details
                            .get(&f.key)
                            .and_then(serde_json::Value::as_str)
                            .unwrap_or("")
                            .to_owned();
                        let value = match &f.kind {
                            FieldKind::Choice { options } => options
                                .iter()
                                .find(|o| o.code == raw)
                                .map(|o| o.zh.clone())
                                .unwrap_or(raw),
                            _ => raw,
                        };
                        FilledRow {
                            key: f.key.clone(),
                            zh: f.zh.clone(),
                            en: f.en.clone(),
                            value,
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

impl FieldKind {
    /// Is `v` (trimmed) a well-formed, non-empty value of this kind?
    /// Resident IDs are checked against `today` (no birth date in the future).
    pub fn check(&self, v: &str, today: jiff::civil::Date) -> Result<(), &'static str> {
        if v.is_empty() {
            return Err("required");
        }
        match self {
            FieldKind::Text { max } if v.chars().count() > usize::from(*max) => Err("too long"),
            FieldKind::Text { .. } => Ok(()),
            FieldKind::ResidentId => jingwu_validate::ResidentId::parse(
                v,
                (
                    today.year().into(),
                    today.month().unsigned_abs().into(),
                    today.day().unsigned_abs().into(),
                ),
            )
            .map(|_| ())
            .map_err(|_| "not a valid resident ID"),
            FieldKind::Mobile => jingwu_validate::MobileNumber::parse(v)
                .map(|_| ())
                .map_err(|_| "not a valid mobile number"),
            FieldKind::Date => v
                .parse::<jiff::civil::Date>()
                .map(|_| ())
                .map_err(|_| "not a date (YYYY-MM-DD)"),
            FieldKind::Choice { options } if options.iter().any(|o| o.code == v) => Ok(()),
            FieldKind::Choice { .. } => Err("not one of the options"),
        }
    }
}

/// A paper form filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledForm {
    pub zh: String,
    pub en: String,
    pub rows: Vec<FilledRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledRow {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub value: String,
}

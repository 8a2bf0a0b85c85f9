//! The chemicals a new bureau starts with: the common toxic-inhalation hazards of a port
//! city's chemical parks, with their 60-minute AEGLs and, where known, their ERG Table 1
//! small-spill distances. A bureau adds its own through the registry.
//!
//! Sources and their standing (hazmat.md §8–9):
//! * Chlorine's AEGLs are verified against the National Advisory Committee's table.
//! * The other AEGLs are the published 60-minute values of the US EPA/NAC AEGL program as
//!   recalled (ammonia and hydrogen sulfide are marked unverified in hazmat.md): check them
//!   against the official table before an operational deployment relies on them.
//! * ERG rows are the small-spill rows of ERG 2020/2024 as recalled (unverified); large spills
//!   of the six Table 3 materials are left empty, as the guide refers them to its Table 3.
//! * Molecular weights are the IUPAC standard values; `dense_gas` marks gases heavier than air
//!   as released (hazmat.md §6), whose Gaussian zones are screening estimates.

use crate::erg::ErgDistances;
use crate::records::{Chemical, ChemicalId};

/// (UN, 中文名, English name, class, MW g/mol, ERG guide, dense gas, AEGL-1/2/3 ppm (60 min),
/// small-spill ERG row (isolate m, day km, night km)).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    i64,
    bool,
    [Option<f64>; 3],
    Option<(f64, f64, f64)>,
);

const ROWS: [Row; 12] = [
    (
        "1017",
        "氯气",
        "Chlorine",
        "2.3",
        70.90,
        124,
        true,
        [Some(0.5), Some(2.0), Some(20.0)],
        Some((60.0, 0.3, 1.1)),
    ),
    (
        "1005",
        "液氨",
        "Ammonia, anhydrous",
        "2.3",
        17.03,
        125,
        true,
        [Some(30.0), Some(160.0), Some(1100.0)],
        Some((30.0, 0.1, 0.2)),
    ),
    (
        "1053",
        "硫化氢",
        "Hydrogen sulfide",
        "2.3",
        34.08,
        117,
        true,
        [Some(0.51), Some(27.0), Some(50.0)],
        Some((30.0, 0.1, 0.4)),
    ),
    (
        "1079",
        "二氧化硫",
        "Sulfur dioxide",
        "2.3",
        64.07,
        125,
        true,
        [Some(0.20), Some(0.75), Some(30.0)],
        Some((100.0, 0.7, 2.2)),
    ),
    (
        "1050",
        "氯化氢",
        "Hydrogen chloride, anhydrous",
        "2.3",
        36.46,
        125,
        true,
        [Some(1.8), Some(22.0), Some(100.0)],
        Some((30.0, 0.1, 0.3)),
    ),
    (
        "1052",
        "氟化氢",
        "Hydrogen fluoride, anhydrous",
        "8",
        20.01,
        125,
        false,
        [Some(1.0), Some(24.0), Some(44.0)],
        Some((30.0, 0.1, 0.4)),
    ),
    (
        "1076",
        "光气",
        "Phosgene",
        "2.3",
        98.92,
        125,
        true,
        [None, Some(0.30), Some(0.75)],
        Some((100.0, 0.6, 2.5)),
    ),
    (
        "1051",
        "氰化氢",
        "Hydrogen cyanide, stabilized",
        "6.1",
        27.03,
        117,
        false,
        [Some(1.0), Some(7.1), Some(15.0)],
        Some((60.0, 0.2, 0.6)),
    ),
    (
        "1040",
        "环氧乙烷",
        "Ethylene oxide",
        "2.3",
        44.05,
        119,
        true,
        [None, Some(45.0), Some(200.0)],
        Some((30.0, 0.1, 0.2)),
    ),
    (
        "1016",
        "一氧化碳",
        "Carbon monoxide",
        "2.3",
        28.01,
        119,
        false,
        [None, Some(83.0), Some(330.0)],
        None,
    ),
    (
        "1067",
        "二氧化氮",
        "Nitrogen dioxide",
        "2.3",
        46.01,
        124,
        true,
        [Some(0.50), Some(12.0), Some(20.0)],
        Some((30.0, 0.1, 0.4)),
    ),
    (
        "1114",
        "苯",
        "Benzene",
        "3",
        78.11,
        130,
        false,
        [Some(52.0), Some(800.0), Some(4000.0)],
        None,
    ),
];

/// The reference chemicals, with stable ids (`chem-UN<number>`), so a second install finds
/// them present.
#[must_use]
pub fn chemicals() -> Vec<Chemical> {
    ROWS.iter()
        .map(
            |&(un, zh, en, class, mw, guide, dense, aegl, small)| Chemical {
                id: ChemicalId::from(format!("chem-UN{un}")),
                un_number: un.to_owned(),
                name_zh: zh.to_owned(),
                name_en: en.to_owned(),
                hazard_class: class.to_owned(),
                molecular_weight: mw,
                erg_guide: guide,
                dense_gas: dense,
                aegl_minutes: 60,
                aegl_ppm: aegl,
                erpg_ppm: [None; 3],
                erg_small: small.map(|(isolate_m, protect_day_km, protect_night_km)| {
                    ErgDistances {
                        isolate_m,
                        protect_day_km,
                        protect_night_km,
                    }
                }),
                erg_large: None,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_rows_are_valid_un_numbers_with_ordered_levels() {
        let list = chemicals();
        assert_eq!(list.len(), ROWS.len());
        for c in &list {
            jingwu_validate::UnNumber::parse(&c.un_number).expect("UN number");
            let levels: Vec<f64> = c.aegl_ppm.iter().flatten().copied().collect();
            assert!(
                levels.windows(2).all(|w| w[0] < w[1]),
                "{}: {levels:?}",
                c.name_en
            );
            assert!(
                c.level_ppm(3).is_some(),
                "{} has no tier-3 level",
                c.name_en
            );
        }
        let cl = list
            .iter()
            .find(|c| c.un_number == "1017")
            .expect("chlorine");
        assert_eq!(
            cl.level_ppm(2).map(|l| l.1),
            Some("AEGL-2 60 min 2 ppm".into())
        );
    }
}

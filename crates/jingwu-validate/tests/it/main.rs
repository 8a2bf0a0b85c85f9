//! Integration tests for `jingwu-validate`.
//!
//! Check characters of "valid" examples are computed here by independent
//! oracles written from the standards' formulas (not from the crate's weight
//! tables), so a wrong table in the crate makes these tests fail.

// This whole crate is test code; clippy.toml's allow-*-in-tests does not reach
// helper functions outside `#[test]` items, hence the crate-level allow.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use jingwu_validate::{
    IdKind, MobileNumber, NewEnergyPower, Plate, PlateKind, ResidentId, Sex, UnNumber, Uscc,
    Validated, ValidationError, validate,
};
use proptest::prelude::*;

const TODAY: (i32, u32, u32) = (2026, 11, 29);

/// `Ok(normalized)` or `Err((code, position))`.
type Expected = Result<&'static str, (&'static str, Option<usize>)>;

fn compare(input: &str, got: Result<String, ValidationError>, expected: Expected) {
    match (got, expected) {
        (Ok(v), Ok(e)) => assert_eq!(v, e, "input {input:?}"),
        (Err(err), Err((code, pos))) => {
            assert_eq!(err.code, code, "input {input:?}: {err}");
            assert_eq!(err.position, pos, "input {input:?}: {err}");
            assert!(!err.message.is_empty());
        }
        (got, e) => panic!("input {input:?}: got {got:?}, expected {e:?}"),
    }
}

fn ok(s: &'static str) -> Expected {
    Ok(s)
}
fn err(code: &'static str, pos: Option<usize>) -> Expected {
    Err((code, pos))
}

/// Every error code that must be reachable; each test records the ones it hits.
const ALL_CODES: &[&str] = &[
    "resident_id.length",
    "resident_id.character",
    "resident_id.region",
    "resident_id.birth_date",
    "resident_id.birth_date_range",
    "resident_id.checksum",
    "plate.length",
    "plate.province",
    "plate.authority",
    "plate.character",
    "plate.new_energy",
    "plate.hk_macao",
    "uscc.length",
    "uscc.character",
    "uscc.registration_authority",
    "uscc.category",
    "uscc.region",
    "uscc.checksum",
    "mobile.character",
    "mobile.country_code",
    "mobile.length",
    "mobile.format",
    "un_number.format",
    "un_number.range",
];

// ---------------------------------------------------------------- oracles

/// GB 11643 / ISO 7064 MOD 11-2 check character, from the formula.
fn id_check(body: &str) -> char {
    assert_eq!(body.len(), 17);
    let sum: u64 = body
        .chars()
        .enumerate()
        .map(|(i, c)| u64::from(c.to_digit(10).unwrap()) * (2u64.pow(17 - i as u32) % 11))
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from_digit(v as u32, 10).unwrap(),
    }
}

fn with_id_check(body: &str) -> String {
    format!("{body}{}", id_check(body))
}

const USCC_SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 check character, from the formula (weights 3^i mod 31).
fn uscc_check(body: &str) -> char {
    assert_eq!(body.chars().count(), 17);
    let mut weight = 1u32;
    let mut sum = 0u32;
    for c in body.chars() {
        sum += USCC_SET.find(c).unwrap() as u32 * weight;
        weight = weight * 3 % 31;
    }
    let check = match 31 - sum % 31 {
        31 => 0,
        v => v,
    };
    USCC_SET.chars().nth(check as usize).unwrap()
}

fn with_uscc_check(body: &str) -> String {
    format!("{body}{}", uscc_check(body))
}

/// Returns `s` with its check character replaced by a wrong one from `alphabet`.
fn with_wrong_check(s: &str, alphabet: &str) -> String {
    let (body, last) = s.split_at(s.len() - 1);
    let wrong = alphabet.chars().find(|c| !last.starts_with(*c)).unwrap();
    format!("{body}{wrong}")
}

// ---------------------------------------------------------------- resident id

mod resident_id {
    use super::*;

    fn check(input: &str, expected: Expected) {
        compare(
            input,
            ResidentId::parse(input, TODAY).map(|v| v.to_string()),
            expected,
        );
    }

    #[test]
    fn oracle_agrees_with_published_example() {
        // The example number printed in GB 11643-1999.
        assert_eq!(id_check("11010519491231002"), 'X');
        assert_eq!(
            jingwu_validate::resident_id::check_character("11010519491231002"),
            Some('X')
        );
        assert_eq!(
            jingwu_validate::resident_id::check_character("1101051949"),
            None
        );
        assert_eq!(
            jingwu_validate::resident_id::check_character("1101051949123100A"),
            None
        );
    }

    #[test]
    fn cases() {
        let leap = with_id_check("44030420000229123");
        let born_1900 = with_id_check("11010119000101001");
        let born_today = with_id_check("91000020261129000");
        let hk = with_id_check("81000019851020001");
        let future = with_id_check("11010120261130001");
        let before_1900 = with_id_check("11010118991231001");
        let not_leap_1900 = with_id_check("11010119000229001");
        let not_leap_2023 = with_id_check("11010120230229001");
        let region_00 = with_id_check("00010519491231002");
        let region_16 = with_id_check("16010519491231002");
        let region_92 = with_id_check("92010519491231002");
        let cases: Vec<(String, Expected)> = vec![
            ("11010519491231002X".into(), ok("11010519491231002X")),
            ("11010519491231002x".into(), ok("11010519491231002X")),
            ("  11010519491231002X\t".into(), ok("11010519491231002X")),
            (leap.clone(), Ok(leap.clone().leak())),
            (born_1900.clone(), Ok(born_1900.clone().leak())),
            (born_today.clone(), Ok(born_today.clone().leak())),
            (hk.clone(), Ok(hk.clone().leak())),
            ("".into(), err("resident_id.length", None)),
            ("11010519491231002".into(), err("resident_id.length", None)),
            (
                "11010519491231002X1".into(),
                err("resident_id.length", None),
            ),
            (
                "11010A19491231002X".into(),
                err("resident_id.character", Some(5)),
            ),
            (
                "  11010A19491231002X".into(),
                err("resident_id.character", Some(7)),
            ),
            (
                "11010519491231002Y".into(),
                err("resident_id.character", Some(17)),
            ),
            (
                "1101051949123100X2".into(),
                err("resident_id.character", Some(16)),
            ),
            (
                "１1010519491231002X".into(),
                err("resident_id.character", Some(0)),
            ),
            (region_00, err("resident_id.region", Some(0))),
            (region_16, err("resident_id.region", Some(0))),
            (region_92, err("resident_id.region", Some(0))),
            (
                with_id_check("11010519491331002"),
                err("resident_id.birth_date", Some(10)),
            ),
            (
                with_id_check("11010519490031002"),
                err("resident_id.birth_date", Some(10)),
            ),
            (
                with_id_check("11010519491232002"),
                err("resident_id.birth_date", Some(12)),
            ),
            (
                with_id_check("11010519490431002"),
                err("resident_id.birth_date", Some(12)),
            ),
            (
                with_id_check("11010519491200002"),
                err("resident_id.birth_date", Some(12)),
            ),
            (not_leap_1900, err("resident_id.birth_date", Some(12))),
            (not_leap_2023, err("resident_id.birth_date", Some(12))),
            (before_1900, err("resident_id.birth_date_range", Some(6))),
            (future, err("resident_id.birth_date_range", Some(6))),
            (
                "110105194912310023".into(),
                err("resident_id.checksum", Some(17)),
            ),
            (
                "110105194912310020".into(),
                err("resident_id.checksum", Some(17)),
            ),
        ];
        for (input, expected) in cases {
            check(&input, expected);
        }
    }

    #[test]
    fn checksum_message_names_both_characters() {
        let e = ResidentId::parse("110105194912310023", TODAY).unwrap_err();
        assert_eq!(e.message, "check character is '3' but should be 'X'");
        assert_eq!(
            e.to_string(),
            "check character is '3' but should be 'X' (resident_id.checksum)"
        );
    }

    #[test]
    fn details() {
        let id = ResidentId::parse("11010519491231002x", TODAY).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.province_code(), "11");
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.sequence(), "002");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.check_character(), 'X');

        let male = ResidentId::parse(&with_id_check("44030420000229123"), TODAY).unwrap();
        assert_eq!(male.sex(), Sex::Male);
        assert_eq!(male.birth_date().to_string(), "2000-02-29");
        assert_eq!(serde_json::to_string(&male).unwrap(), format!("\"{male}\""));
    }
}

// ---------------------------------------------------------------- plates

mod plate {
    use super::*;

    fn check(input: &str, expected: Expected) {
        compare(input, Plate::parse(input).map(|v| v.to_string()), expected);
    }

    #[test]
    fn cases() {
        let cases: &[(&str, Expected)] = &[
            ("京A12345", ok("京A12345")),
            ("浙B·12345", ok("浙B12345")),
            ("浙B 12345", ok("浙B12345")),
            ("浙B•12345", ok("浙B12345")),
            ("浙b·a12b5", ok("浙BA12B5")),
            (" 沪AB1C23 ", ok("沪AB1C23")),
            ("川ZZZZZZ", ok("川ZZZZZZ")),
            ("京AD12345", ok("京AD12345")),
            ("京A·D12345", ok("京AD12345")),
            ("粤BFA1234", ok("粤BFA1234")),
            ("京AK12345", ok("京AK12345")),
            ("京A12345D", ok("京A12345D")),
            ("京a12345f", ok("京A12345F")),
            ("京A1234学", ok("京A1234学")),
            ("京A0123警", ok("京A0123警")),
            ("京A·0123警", ok("京A0123警")),
            ("京A1234挂", ok("京A1234挂")),
            ("粤Z1234港", ok("粤Z1234港")),
            ("粤Z·A123澳", ok("粤ZA123澳")),
            ("", err("plate.length", None)),
            ("京", err("plate.length", None)),
            ("京A", err("plate.length", None)),
            ("京A1234", err("plate.length", None)),
            ("京A1234567", err("plate.length", None)),
            ("京A12345学", err("plate.length", None)),
            ("京A123学", err("plate.length", None)),
            ("A12345", err("plate.province", Some(0))),
            ("港A12345", err("plate.province", Some(0))),
            ("京I12345", err("plate.authority", Some(1))),
            ("京O12345", err("plate.authority", Some(1))),
            ("京112345", err("plate.authority", Some(1))),
            ("京AI2345", err("plate.character", Some(2))),
            ("京A·I2345", err("plate.character", Some(3))),
            ("京A··12345", err("plate.character", Some(3))),
            ("京A12O45", err("plate.character", Some(4))),
            ("京A1234-", err("plate.character", Some(6))),
            ("京AX12345", err("plate.new_energy", Some(2))),
            ("京AD1A345", err("plate.new_energy", Some(4))),
            ("京AD12345A", err("plate.length", None)),
            ("京A1234DF", err("plate.new_energy", Some(6))),
            ("京A12345X", err("plate.new_energy", Some(7))),
            ("京A1234港", err("plate.hk_macao", Some(0))),
            ("粤B1234澳", err("plate.hk_macao", Some(0))),
        ];
        for &(input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn kinds_and_details() {
        let kinds = [
            ("京A12345", PlateKind::Ordinary, None),
            (
                "京AD12345",
                PlateKind::NewEnergySmall,
                Some(NewEnergyPower::Electric),
            ),
            (
                "京AEA1234",
                PlateKind::NewEnergySmall,
                Some(NewEnergyPower::Electric),
            ),
            (
                "京AG12345",
                PlateKind::NewEnergySmall,
                Some(NewEnergyPower::NonElectric),
            ),
            (
                "京A12345D",
                PlateKind::NewEnergyLarge,
                Some(NewEnergyPower::Electric),
            ),
            (
                "京A12345F",
                PlateKind::NewEnergyLarge,
                Some(NewEnergyPower::NonElectric),
            ),
            ("京A1234学", PlateKind::Learner, None),
            ("京A1234警", PlateKind::Police, None),
            ("京A1234挂", PlateKind::Trailer, None),
            ("粤Z1234港", PlateKind::HkMacao, None),
            ("使014578", PlateKind::Embassy, None),
            ("WJ01警0081", PlateKind::ArmedPolice, None),
            ("WJ0112345", PlateKind::ArmedPolice, None),
        ];
        for (input, kind, power) in kinds {
            let p: Plate = input.parse().unwrap();
            assert_eq!(p.kind(), kind, "{input}");
            assert_eq!(p.new_energy_power(), power, "{input}");
        }
        let p = Plate::parse("wj 01·消1234").unwrap();
        assert_eq!((p.as_str(), p.serial()), ("WJ01消1234", "01消1234"));
        assert_eq!(Plate::parse("使014578").unwrap().serial(), "014578");
        for (bad, code) in [
            ("使01457", "plate.length"),
            ("使01457A", "plate.character"),
            ("WJ01警00812", "plate.length"),
            ("WJ01学0081", "plate.character"),
            ("WJA1警0081", "plate.character"),
        ] {
            assert_eq!(Plate::parse(bad).unwrap_err().code, code, "{bad}");
        }
        let p = Plate::parse("浙b·12345").unwrap();
        assert_eq!(p.province(), '浙');
        assert_eq!(p.authority(), 'B');
        assert_eq!(p.serial(), "12345");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"浙B12345\"");
        assert_eq!(
            serde_json::to_string(&PlateKind::NewEnergySmall).unwrap(),
            "\"new_energy_small\""
        );
        assert_eq!(
            serde_json::to_string(&PlateKind::HkMacao).unwrap(),
            "\"hk_macao\""
        );
    }

    #[test]
    fn every_province_is_accepted() {
        let provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
        assert_eq!(provinces.chars().count(), 31);
        for p in provinces.chars() {
            let input = format!("{p}A12345");
            assert_eq!(Plate::parse(&input).unwrap().as_str(), input);
        }
    }
}

// ---------------------------------------------------------------- USCC

mod uscc {
    use super::*;

    fn check(input: &str, expected: Expected) {
        compare(input, Uscc::parse(input).map(|v| v.to_string()), expected);
    }

    #[test]
    fn oracle_agrees_with_published_example() {
        // Example code used in GB 32100-2015 explanatory material.
        assert_eq!(uscc_check("91350100M000100Y4"), '3');
        assert_eq!(
            jingwu_validate::uscc::check_character("91350100M000100Y4"),
            Some('3')
        );
        assert_eq!(
            jingwu_validate::uscc::check_character("91350100M000100Y"),
            None
        );
        assert_eq!(
            jingwu_validate::uscc::check_character("91350100M000100I4"),
            None
        );
    }

    #[test]
    fn cases() {
        let made: Vec<String> = [
            "11100000000013127",
            "12440300455760126",
            "51110000500000723",
            "52310000MJ4885031",
            "53100000500021676",
            "91110108MA01ABCDE",
            "92440300L12345678",
            "93320583MA1MXY0P0",
            "Y1440300MA5DQXTQ0",
            "31110000E00017891",
            "A1100000MB0C00000",
        ]
        .iter()
        .map(|b| with_uscc_check(b))
        .collect();
        let mut cases: Vec<(String, Expected)> = made
            .iter()
            .map(|s| (s.clone(), Ok(&*s.clone().leak())))
            .collect();
        let lower = made[5].to_lowercase();
        cases.extend([
            ("91350100M000100Y43".to_string(), ok("91350100M000100Y43")),
            (" 91350100m000100y43 ".to_string(), ok("91350100M000100Y43")),
            (lower, Ok(&*made[5].clone().leak())),
            ("".into(), err("uscc.length", None)),
            ("91350100M000100Y4".into(), err("uscc.length", None)),
            ("91350100M000100Y433".into(), err("uscc.length", None)),
            ("91350100I000100Y43".into(), err("uscc.character", Some(8))),
            ("91350100M0O0100Y43".into(), err("uscc.character", Some(10))),
            ("91350100M000100Z43".into(), err("uscc.character", Some(15))),
            ("91350100M000100Y4S".into(), err("uscc.character", Some(17))),
            ("91350100M000100Y4V".into(), err("uscc.character", Some(17))),
            (
                "  9135-100M000100Y43".into(),
                err("uscc.character", Some(6)),
            ),
            (
                with_uscc_check("B1350100M000100Y4"),
                err("uscc.registration_authority", Some(0)),
            ),
            (
                with_uscc_check("01350100M000100Y4"),
                err("uscc.registration_authority", Some(0)),
            ),
            (
                with_uscc_check("94350100M000100Y4"),
                err("uscc.category", Some(1)),
            ),
            (
                with_uscc_check("14350100M000100Y4"),
                err("uscc.category", Some(1)),
            ),
            (
                with_uscc_check("5A350100M000100Y4"),
                err("uscc.category", Some(1)),
            ),
            (
                with_uscc_check("9135A100M000100Y4"),
                err("uscc.region", Some(4)),
            ),
            (
                with_uscc_check("913501000M00100Y4"),
                ok_leak(&with_uscc_check("913501000M00100Y4")),
            ),
            (
                with_uscc_check("9135010KM000100Y4"),
                err("uscc.region", Some(7)),
            ),
            ("91350100M000100Y44".into(), err("uscc.checksum", Some(17))),
            ("91350100M000100Y34".into(), err("uscc.checksum", Some(17))),
        ]);
        for (input, expected) in cases {
            check(&input, expected);
        }
    }

    fn ok_leak(s: &str) -> Expected {
        Ok(s.to_string().leak())
    }

    #[test]
    fn checksum_message() {
        let e = Uscc::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(e.message, "check character is '4' but should be '3'");
    }

    #[test]
    fn details() {
        let c: Uscc = "91350100M000100Y43".parse().unwrap();
        assert_eq!(c.registration_authority(), '9');
        assert_eq!(c.category(), '1');
        assert_eq!(c.region_code(), "350100");
        assert_eq!(c.organization_code(), "M000100Y4");
        assert_eq!(c.check_character(), '3');
        // GB 11714: M=22, Y=34; 22·3 + 1·5 + 34·2 = 139, 139 mod 11 = 7, 11 - 7 = 4.
        assert!(c.organization_code_check_valid());
        let bad_org: Uscc = with_uscc_check("91350100M000100Y5").parse().unwrap();
        assert!(!bad_org.organization_code_check_valid());
        assert_eq!(
            jingwu_validate::uscc::organization_code_check_character("M000100Y"),
            Some('4')
        );
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"91350100M000100Y43\"");
    }
}

// ---------------------------------------------------------------- mobile

mod mobile {
    use super::*;

    fn check(input: &str, expected: Expected) {
        compare(
            input,
            MobileNumber::parse(input).map(|v| v.to_string()),
            expected,
        );
    }

    #[test]
    fn cases() {
        let cases: &[(&str, Expected)] = &[
            ("13800138000", ok("13800138000")),
            ("19912345678", ok("19912345678")),
            ("14512345678", ok("14512345678")),
            (" 138 0013 8000 ", ok("13800138000")),
            ("138-0013-8000", ok("13800138000")),
            ("+8613800138000", ok("13800138000")),
            ("+86 138-0013-8000", ok("13800138000")),
            ("008613800138000", ok("13800138000")),
            ("0086 138 0013 8000", ok("13800138000")),
            ("8613800138000", ok("13800138000")),
            ("86 13800138000", ok("13800138000")),
            ("", err("mobile.length", None)),
            ("1380013800", err("mobile.length", None)),
            ("138001380001", err("mobile.length", None)),
            ("+86138001380", err("mobile.length", None)),
            ("861380013800", err("mobile.length", None)),
            ("12800138000", err("mobile.format", Some(1))),
            ("10800138000", err("mobile.format", Some(1))),
            ("23800138000", err("mobile.format", Some(0))),
            ("+8612800138000", err("mobile.format", Some(4))),
            ("+1 2025550123", err("mobile.country_code", Some(0))),
            ("0013800138000", err("mobile.country_code", Some(0))),
            ("138a0138000", err("mobile.character", Some(3))),
            ("138 0013 8000+", err("mobile.character", Some(13))),
            ("(138)00138000", err("mobile.character", Some(0))),
        ];
        for &(input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn e164() {
        let m: MobileNumber = "138 0013 8000".parse().unwrap();
        assert_eq!(m.e164(), "+8613800138000");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"13800138000\"");
    }
}

// ---------------------------------------------------------------- UN numbers

mod un_number {
    use super::*;

    fn check(input: &str, expected: Expected) {
        compare(
            input,
            UnNumber::parse(input).map(|v| v.to_string()),
            expected,
        );
    }

    #[test]
    fn cases() {
        let cases: &[(&str, Expected)] = &[
            ("UN1017", ok("UN1017")),
            ("UN 1017", ok("UN1017")),
            ("un1017", ok("UN1017")),
            ("Un-1017", ok("UN1017")),
            ("1017", ok("UN1017")),
            (" UN1203 ", ok("UN1203")),
            ("UN0004", ok("UN0004")),
            ("0004", ok("UN0004")),
            ("UN3550", ok("UN3550")),
            ("UN0003", err("un_number.range", None)),
            ("0000", err("un_number.range", None)),
            // The 23rd revised edition's new numbers (sodium-ion batteries …).
            ("UN3551", ok("UN3551")),
            ("UN3556", ok("UN3556")),
            ("UN3558", ok("UN3558")),
            ("UN3559", err("un_number.range", None)),
            ("UN9999", err("un_number.range", None)),
            ("", err("un_number.format", None)),
            ("UN", err("un_number.format", None)),
            ("UN101", err("un_number.format", None)),
            ("UN10170", err("un_number.format", None)),
            ("UNX017", err("un_number.format", Some(2))),
            ("1O17", err("un_number.format", Some(1))),
            ("UN  1017", err("un_number.format", Some(3))),
            ("NA1993", err("un_number.format", Some(0))),
        ];
        for &(input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn number() {
        let n: UnNumber = "un 1017".parse().unwrap();
        assert_eq!(n.number(), 1017);
        assert_eq!(n.as_str(), "UN1017");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"UN1017\"");
    }
}

// ---------------------------------------------------------------- dispatch

mod dispatch {
    use super::*;

    #[test]
    fn id_kind_round_trips_through_serde_and_str() {
        for kind in IdKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<IdKind>(&json).unwrap(), kind);
            assert_eq!(kind.as_str().parse::<IdKind>().unwrap(), kind);
        }
        assert_eq!(
            serde_json::from_str::<IdKind>("\"un_number\"").unwrap(),
            IdKind::UnNumber
        );
        assert!(serde_json::from_str::<IdKind>("\"passport\"").is_err());
        assert_eq!(
            "passport".parse::<IdKind>().unwrap_err().code,
            "kind.unknown"
        );
    }

    #[test]
    fn validate_summaries() {
        let v = validate(IdKind::ResidentId, "11010519491231002x", TODAY).unwrap();
        assert_eq!(v.kind(), IdKind::ResidentId);
        assert_eq!(v.normalized(), "11010519491231002X");
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({
                "kind": "resident_id",
                "normalized": "11010519491231002X",
                "region_code": "110105",
                "province_code": "11",
                "birth_date": "1949-12-31",
                "sex": "female",
            })
        );

        let v = validate(IdKind::Plate, "京a·12345d", TODAY).unwrap();
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({
                "kind": "plate",
                "normalized": "京A12345D",
                "plate_kind": "new_energy_large",
                "province": "京",
                "authority": "A",
                "serial": "12345D",
                "new_energy_power": "electric",
            })
        );
        let v = validate(IdKind::Plate, "京A1234警", TODAY).unwrap();
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["plate_kind"], "police");
        assert!(json.get("new_energy_power").is_none());

        let v = validate(IdKind::Uscc, "91350100M000100Y43", TODAY).unwrap();
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({
                "kind": "uscc",
                "normalized": "91350100M000100Y43",
                "registration_authority": "9",
                "category": "1",
                "region_code": "350100",
                "organization_code": "M000100Y4",
                "organization_code_check_valid": true,
            })
        );

        let v = validate(IdKind::Mobile, "+86 138-0013-8000", TODAY).unwrap();
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({"kind": "mobile", "normalized": "13800138000", "e164": "+8613800138000"})
        );

        let v = validate(IdKind::UnNumber, "un 1203", TODAY).unwrap();
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            serde_json::json!({"kind": "un_number", "normalized": "UN1203", "number": 1203})
        );
    }

    #[test]
    fn validate_uses_today_and_the_right_validator() {
        // Born 2026-11-29: valid today, in the future the day before.
        let id = with_id_check("11010120261129001");
        assert!(validate(IdKind::ResidentId, &id, TODAY).is_ok());
        assert_eq!(
            validate(IdKind::ResidentId, &id, (2026, 11, 28))
                .unwrap_err()
                .code,
            "resident_id.birth_date_range"
        );
        assert_eq!(
            validate(IdKind::Plate, "13800138000", TODAY)
                .unwrap_err()
                .code,
            "plate.province"
        );
        assert_eq!(
            validate(IdKind::Mobile, "UN1017", TODAY).unwrap_err().code,
            "mobile.character"
        );
    }

    #[test]
    fn error_serializes_with_code_position_message() {
        let e = validate(IdKind::Uscc, "91350100M000100Y44", TODAY).unwrap_err();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "code": "uscc.checksum",
                "position": 17,
                "message": "check character is '4' but should be '3'",
            })
        );
        let e = validate(IdKind::Mobile, "", TODAY).unwrap_err();
        assert_eq!(
            serde_json::to_value(&e).unwrap()["position"],
            serde_json::Value::Null
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().ends_with("(mobile.length)"));
    }

    /// Runs one failing input per error code and checks the set of codes
    /// reached equals [`ALL_CODES`], so a new or renamed code needs a test.
    #[test]
    fn every_error_code_is_reachable() {
        let inputs: &[(IdKind, &str)] = &[
            (IdKind::ResidentId, "1"),
            (IdKind::ResidentId, "A1010519491231002X"),
            (IdKind::ResidentId, "00010519491231002X"),
            (IdKind::ResidentId, "11010519491331002X"),
            (IdKind::ResidentId, "11010518991231002X"),
            (IdKind::ResidentId, "110105194912310023"),
            (IdKind::Plate, "京"),
            (IdKind::Plate, "X"),
            (IdKind::Plate, "京I12345"),
            (IdKind::Plate, "京AI2345"),
            (IdKind::Plate, "京AX12345"),
            (IdKind::Plate, "京A1234港"),
            (IdKind::Uscc, "9"),
            (IdKind::Uscc, "I1350100M000100Y43"),
            (IdKind::Uscc, "B1350100M000100Y43"),
            (IdKind::Uscc, "94350100M000100Y43"),
            (IdKind::Uscc, "9135A100M000100Y43"),
            (IdKind::Uscc, "91350100M000100Y44"),
            (IdKind::Mobile, "x"),
            (IdKind::Mobile, "+1 2025550123"),
            (IdKind::Mobile, "138"),
            (IdKind::Mobile, "12800138000"),
            (IdKind::UnNumber, "UNX"),
            (IdKind::UnNumber, "UN9999"),
        ];
        let reached: BTreeSet<&str> = inputs
            .iter()
            .map(|&(kind, input)| validate(kind, input, TODAY).unwrap_err().code)
            .collect();
        let all: BTreeSet<&str> = ALL_CODES.iter().copied().collect();
        assert_eq!(reached, all);
    }
}

// ---------------------------------------------------------------- properties

const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
];

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 17-character bodies of structurally valid resident identity card numbers.
fn id_body() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PROVINCES),
        0u32..10_000,
        1900i32..=2025,
        1u32..=12,
        1u32..=31,
        0u32..1000,
    )
        .prop_map(|(p, rest, y, m, d, seq)| {
            let d = d.min(days_in_month(y, m));
            format!("{p:02}{rest:04}{y:04}{m:02}{d:02}{seq:03}")
        })
}

fn uscc_char() -> impl Strategy<Value = char> {
    prop::sample::select(USCC_SET.chars().collect::<Vec<_>>())
}

/// 17-character bodies of structurally valid unified social credit codes.
fn uscc_body() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1", "31", "N2",
            "A1",
        ]),
        0u32..1_000_000,
        prop::collection::vec(uscc_char(), 9),
    )
        .prop_map(|(head, region, org)| {
            format!("{head}{region:06}{}", org.into_iter().collect::<String>())
        })
}

proptest! {
    #[test]
    fn resident_id_computed_check_passes_and_others_fail(body in id_body()) {
        let valid = format!("{body}{}", id_check(&body));
        let id = ResidentId::parse(&valid, TODAY).unwrap();
        let expected_sex = if body.as_bytes()[16] % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(id.sex(), expected_sex);
        prop_assert_eq!(id.birth_date().to_string().replace('-', ""), &body[6..14]);
        for c in "0123456789Xx".chars() {
            if c.to_ascii_uppercase() == id_check(&body) {
                continue;
            }
            let e = ResidentId::parse(&format!("{body}{c}"), TODAY).unwrap_err();
            prop_assert_eq!(e.code, "resident_id.checksum");
            prop_assert_eq!(e.position, Some(17));
        }
    }

    #[test]
    fn resident_id_any_17_digits(body in "[0-9]{17}") {
        prop_assert_eq!(jingwu_validate::resident_id::check_character(&body), Some(id_check(&body)));
        // With the right check character it never fails on the checksum ...
        let right = format!("{body}{}", id_check(&body));
        if let Err(e) = ResidentId::parse(&right, TODAY) {
            prop_assert_ne!(e.code, "resident_id.checksum");
        }
        // ... and with a wrong one it always fails.
        let wrong = with_wrong_check(&right, "0123456789X");
        prop_assert!(ResidentId::parse(&wrong, TODAY).is_err());
    }

    #[test]
    fn resident_id_single_substitution_is_detected(body in id_body(), i in 0usize..17, delta in 1u8..10) {
        let valid = format!("{body}{}", id_check(&body));
        let mut bytes = valid.into_bytes();
        bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(ResidentId::parse(&changed, TODAY).is_err());
    }

    #[test]
    fn uscc_computed_check_passes_and_others_fail(body in uscc_body()) {
        let check = uscc_check(&body);
        let valid = format!("{body}{check}");
        prop_assert_eq!(Uscc::parse(&valid).unwrap().to_string(), valid);
        for c in USCC_SET.chars().filter(|&c| c != check) {
            let e = Uscc::parse(&format!("{body}{c}")).unwrap_err();
            prop_assert_eq!(e.code, "uscc.checksum");
            prop_assert_eq!(e.position, Some(17));
        }
    }

    #[test]
    fn uscc_any_17_characters(body in prop::collection::vec(uscc_char(), 17)) {
        let body: String = body.into_iter().collect();
        prop_assert_eq!(jingwu_validate::uscc::check_character(&body), Some(uscc_check(&body)));
        let right = format!("{body}{}", uscc_check(&body));
        if let Err(e) = Uscc::parse(&right) {
            prop_assert_ne!(e.code, "uscc.checksum");
        }
        let wrong = with_wrong_check(&right, USCC_SET);
        prop_assert!(Uscc::parse(&wrong).is_err());
    }

    #[test]
    fn uscc_single_substitution_is_detected(body in uscc_body(), i in 0usize..17, delta in 1usize..31) {
        let valid: Vec<char> = format!("{body}{}", uscc_check(&body)).chars().collect();
        let set: Vec<char> = USCC_SET.chars().collect();
        let mut changed = valid.clone();
        let idx = set.iter().position(|&c| c == valid[i]).unwrap();
        changed[i] = set[(idx + delta) % 31];
        let changed: String = changed.into_iter().collect();
        prop_assert!(Uscc::parse(&changed).is_err());
    }

    #[test]
    fn mobile_formats_normalize_to_the_same_number(second in 3u32..=9, rest in 0u64..1_000_000_000, prefix in prop::sample::select(vec!["", "+86", "86", "0086", "+86 ", "0086-"])) {
        let national = format!("1{second}{rest:09}");
        let grouped = format!("{prefix}{} {}-{}", &national[..3], &national[3..7], &national[7..]);
        prop_assert_eq!(MobileNumber::parse(&grouped).unwrap().to_string(), national);
    }

    #[test]
    fn un_numbers_in_range_round_trip(n in 0u16..10_000) {
        let result = UnNumber::parse(&format!("un {n:04}"));
        if (4..=jingwu_validate::un_number::UN_NUMBER_MAX).contains(&n) {
            prop_assert_eq!(result.unwrap().number(), n);
        } else {
            prop_assert_eq!(result.unwrap_err().code, "un_number.range");
        }
    }

    #[test]
    fn validators_never_panic(kind in prop::sample::select(IdKind::ALL.to_vec()), input in "\\PC{0,24}") {
        if let Ok(v) = validate(kind, &input, TODAY) {
            // Normalised output validates again to itself.
            prop_assert_eq!(validate(kind, v.normalized(), TODAY).unwrap(), v);
        }
    }
}

#[test]
fn validated_is_reexported_with_expected_variants() {
    // Compile-time exhaustiveness over the summary's variants.
    let v = validate(IdKind::UnNumber, "1017", TODAY).unwrap();
    let name = match v {
        Validated::ResidentId { .. } => "resident_id",
        Validated::Plate { .. } => "plate",
        Validated::Uscc { .. } => "uscc",
        Validated::Mobile { .. } => "mobile",
        Validated::UnNumber { .. } => "un_number",
    };
    assert_eq!(name, "un_number");
}

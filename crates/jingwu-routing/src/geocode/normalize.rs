//! Normalising and parsing Chinese address text for matching: full-width forms folded to
//! ASCII, 號 to 号, spacing and punctuation dropped, Latin letters lower-cased, and a query split
//! into a street part and a house number, or into the two streets of a crossroads.

/// Folds a name or query into its matching key: full-width ASCII (U+FF01..U+FF5E) to ASCII
/// (Unicode's compatibility mapping for the Halfwidth and Fullwidth Forms block), the
/// ideographic space and all whitespace dropped, traditional 號/門/區/縣/條 to simplified, Latin
/// lower-cased, and punctuation that people type between parts (`,` `，` `·` `-` `（）`) removed.
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '號' => '号',
            '門' => '门',
            '區' => '区',
            '縣' => '县',
            '條' => '条',
            '與' => '与',
            '〇' => '0',
            _ => c,
        };
        if c.is_whitespace()
            || matches!(
                c,
                ',' | '，'
                    | '、'
                    | '·'
                    | '.'
                    | '。'
                    | '('
                    | ')'
                    | '（'
                    | '）'
                    | '"'
                    | '\''
                    | '“'
                    | '”'
            )
        {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Words callers add around an address that name no place: 「附近」「一带」「门口」…
const TRAILING_NOISE: &[&str] = &[
    "附近", "一带", "旁边", "对面", "门口", "周边", "这里", "那边",
];

/// Strips trailing noise words (repeatedly: 「门口附近」).
#[must_use]
pub fn strip_noise(key: &str) -> &str {
    let mut k = key;
    loop {
        let before = k.len();
        for w in TRAILING_NOISE {
            k = k.strip_suffix(w).unwrap_or(k);
        }
        if k.len() == before {
            return k;
        }
    }
}

/// The forms of `key` without leading administrative divisions (「宁波市」「鄞州区」「浙江省」),
/// longest first, the key itself included. A street named 「市府路」 keeps matching because the
/// unstripped key is always among the forms.
#[must_use]
pub fn admin_variants(key: &str) -> Vec<&str> {
    let mut out = vec![key];
    let mut rest = key;
    // Province, city, district/county in that order; each at most 8 characters long.
    for marks in [&['省', '市'][..], &['市'][..], &['区', '县'][..]] {
        let cut = rest
            .char_indices()
            .take(8)
            .enumerate()
            // A division has a name before its mark (宁波市, 鄞州区): 「市府路」 is no city.
            .find(|(n, (_, c))| *n >= 2 && marks.contains(c))
            .map(|(_, (i, c))| i + c.len_utf8());
        if let Some(i) = cut
            && i < rest.len()
        {
            rest = &rest[i..];
            if !out.contains(&rest) {
                out.push(rest);
            }
        }
    }
    out
}

/// A query read as a street and a house number: 「江东北路340号」 → (「江东北路」, 340, 「」);
/// 「Mannerheimintie 12a」 → (「mannerheimintie」, 12, 「a」).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseQuery<'a> {
    pub street: &'a str,
    pub number: u32,
    /// What follows the number's digits (normalised, without 号): 「a」, 「-3」, or empty.
    pub suffix: &'a str,
}

/// Words after a house number that add nothing to it.
const NUMBER_ENDINGS: &[&str] = &["号楼", "号院", "号", "弄", "栋", "幢"];

/// A house-number suffix: up to six Latin letters and digits after a letter (「12a」, 「4bis」,
/// 「11 B 9」: staircase and flat), or a dash and up to four more characters (「12-3」).
fn number_suffix(tail: &str) -> Option<&str> {
    let t = NUMBER_ENDINGS
        .iter()
        .find_map(|e| tail.strip_suffix(e))
        .unwrap_or(tail);
    let ok = t.is_empty()
        || (t.len() <= 6
            && t.starts_with(|c: char| c.is_ascii_alphabetic())
            && t.chars().all(|c| c.is_ascii_alphanumeric()))
        || (t.starts_with(['-', '/'])
            && (2..=5).contains(&t.len())
            && t[1..].chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then_some(t)
}

/// The readings of `key` (normalised) as street + house number: one per run of digits that
/// has a street part before it and only a number suffix after it. Usually one; a street with
/// digits in its name (「江东2路5号」) gives two, and the street lookup decides.
#[must_use]
pub fn house_queries(key: &str) -> Vec<HouseQuery<'_>> {
    let mut out = Vec::new();
    let mut prev_digit = false;
    for (i, c) in key.char_indices() {
        let digit = c.is_ascii_digit();
        if digit && !prev_digit && i > 0 {
            let end = key[i..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(key.len(), |e| i + e);
            let before = &key[..i];
            let street = before.trim_end_matches(['-', '#']);
            // 「12-3」: digits, a dash, digits is one number, not a street ending in 12.
            let dashed =
                before.len() > street.len() && street.ends_with(|c: char| c.is_ascii_digit());
            if let (false, false, Ok(number), Some(suffix)) = (
                dashed,
                street.is_empty(),
                key[i..end].parse::<u32>(),
                number_suffix(&key[end..]),
            ) {
                out.push(HouseQuery {
                    street,
                    number,
                    suffix,
                });
            }
        }
        prev_digit = digit;
    }
    out
}

/// Separators between the two streets of a crossroads.
const CROSS_SEPARATORS: &[&str] = &["与", "和", "跟", "及", "/", "&", "×", "+"];
/// Words ending a crossroads query: 「交叉口」「路口」「交口」「口」.
const CROSS_ENDINGS: &[&str] = &["交叉路口", "交叉口", "十字路口", "路口", "交口", "口"];
/// Last characters of street names.
const ROAD_ENDINGS: &[char] = &['路', '街', '道', '巷', '弄', '桥', '线'];

/// Splits 「A路与B路交叉口」 / 「A路和B路路口」 / 「A路/B路」 into its two street parts. The ending
/// is optional when a separator is present.
#[must_use]
pub fn crossroads_query(key: &str) -> Option<(&str, String)> {
    for sep in CROSS_SEPARATORS {
        let Some((a, b)) = key.split_once(sep) else {
            continue;
        };
        if a.is_empty() || b.is_empty() {
            continue;
        }
        let mut b = b.to_string();
        for end in CROSS_ENDINGS {
            if let Some(s) = b.strip_suffix(end) {
                // 「B路路口」 is B路 + 路口, but 「B路口」 is B路 + 口: give that 路 back.
                b = if *end == "路口" && !s.ends_with(ROAD_ENDINGS) {
                    format!("{s}路")
                } else {
                    s.to_string()
                };
                break;
            }
        }
        if !b.is_empty() {
            return Some((a, b));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_traditional_forms() {
        assert_eq!(normalize("江东北路３４０號"), "江东北路340号");
        assert_eq!(normalize(" Jiangdong  North Road "), "jiangdongnorthroad");
        assert_eq!(normalize("中山东路（近天一广场）"), "中山东路近天一广场");
        assert_eq!(normalize("江东北路\u{3000}12号"), "江东北路12号");
    }

    #[test]
    fn strips_noise_and_admin_prefixes() {
        assert_eq!(strip_noise("江东北路340号附近"), "江东北路340号");
        assert_eq!(strip_noise("天一广场门口附近"), "天一广场");
        assert_eq!(
            admin_variants("浙江省宁波市鄞州区江东北路"),
            vec![
                "浙江省宁波市鄞州区江东北路",
                "宁波市鄞州区江东北路",
                "鄞州区江东北路",
                "江东北路"
            ]
        );
        assert_eq!(admin_variants("市府路"), vec!["市府路"]);
    }

    fn reading(key: &str) -> Vec<(&str, u32, &str)> {
        house_queries(key)
            .into_iter()
            .map(|q| (q.street, q.number, q.suffix))
            .collect()
    }

    #[test]
    fn reads_house_numbers() {
        assert_eq!(reading("江东北路340号"), vec![("江东北路", 340, "")]);
        assert_eq!(reading("江东北路340"), vec![("江东北路", 340, "")]);
        assert_eq!(
            reading("mannerheimintie12a"),
            vec![("mannerheimintie", 12, "a")]
        );
        assert_eq!(reading("解放南路12-3号"), vec![("解放南路", 12, "-3")]);
        // 「路5号」 is no number suffix, so only one reading is left.
        assert_eq!(reading("江东2路5号"), vec![("江东2路", 5, "")]);
        assert_eq!(reading("route66-12"), vec![("route", 66, "-12")]);
        assert!(reading("340号").is_empty());
        assert!(reading("江东北路").is_empty());
        assert!(reading("江东北路340号3单元").is_empty());
    }

    #[test]
    fn reads_crossroads() {
        assert_eq!(
            crossroads_query("中山东路与江东北路交叉口"),
            Some(("中山东路", "江东北路".to_string()))
        );
        assert_eq!(
            crossroads_query("中山东路和江东北路路口"),
            Some(("中山东路", "江东北路".to_string()))
        );
        assert_eq!(
            crossroads_query("中山东路/江东北路"),
            Some(("中山东路", "江东北路".to_string()))
        );
        assert_eq!(crossroads_query("江东北路"), None);
    }
}

//! Masking personal data (脱敏) where a screen lists many people and needs none of them in
//! full: the full value is shown only where opening it leaves an audit entry.

/// `13912345678` → `139****5678`; shorter numbers keep only their last two digits visible, and
/// service numbers of four characters or fewer (110, 1234) are nobody's and stay as they are.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return phone.to_string();
    }
    let (head, tail) = if n >= 11 { (3, 4) } else { (0, 2) };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= n - tail || !c.is_ascii_digit() {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// `李先生` → `李**`: the first character (the family name, usually) and a star for each other.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_names_keep_only_what_identifies_nobody() {
        assert_eq!(mask_phone("13912345678"), "139****5678");
        assert_eq!(mask_phone("+8613912345678"), "+86*******5678");
        assert_eq!(mask_phone("0574-87654321"), "057*-****4321");
        assert_eq!(mask_phone("87654321"), "******21");
        assert_eq!(mask_phone("110"), "110");
        assert_eq!(mask_name("李先生"), "李**");
        assert_eq!(mask_name("Li"), "L*");
        assert_eq!(mask_name(""), "");
    }
}

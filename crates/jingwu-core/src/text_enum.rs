//! [`text_enum!`](crate::text_enum): a field-less enum stored as text, with its zh-CN and
//! English labels. One definition per enum gives the stored code, the JSON spelling and the
//! labels the pages show, so none of them can drift apart.

/// A text value that is not one of an enum's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {value:?}")]
pub struct UnknownCode {
    /// Which enum was being parsed, e.g. `"category"`.
    pub kind: &'static str,
    pub value: String,
}

/// What every [`text_enum!`](crate::text_enum) enum offers, for code that lists or renders any
/// of them (code lists served to pages, the authorization matrix).
pub trait TextEnum: Copy + Eq + 'static {
    /// What the enum names, e.g. `"unit status"` (used in [`UnknownCode`]).
    const KIND: &'static str;
    /// Every variant, in declaration order.
    const VARIANTS: &'static [Self];
    /// The stored text code.
    fn code(self) -> &'static str;
    /// Simplified-Chinese label.
    fn label_zh(self) -> &'static str;
    /// English label.
    fn label_en(self) -> &'static str;
    /// The variant whose code is exactly `s`.
    fn from_code(s: &str) -> Option<Self> {
        Self::VARIANTS.iter().copied().find(|v| v.code() == s)
    }
}

/// Defines a field-less enum stored as text. Each variant names its code and its zh-CN and
/// English labels:
///
/// ```
/// jingwu_core::text_enum! {
///     /// A traffic light.
///     pub enum Light: "light" {
///         /// Stop.
///         Red = "red" ("红灯", "Red"),
///         Green = "green" ("绿灯", "Green"),
///     }
/// }
/// assert_eq!(Light::parse("green"), Ok(Light::Green));
/// assert_eq!(Light::Red.label_zh(), "红灯");
/// assert_eq!(serde_json::to_string(&Light::Red).unwrap(), "\"red\"");
/// assert_eq!(Light::ALL, [Light::Red, Light::Green]);
/// ```
///
/// Generates `ALL` (an array in declaration order), `as_str`, `label_zh`, `label_en`,
/// `from_code` (→ `Option`), `parse` (→ `Result<_, UnknownCode>`), `Display`, `FromStr` and
/// [`TextEnum`]; derives `Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord` (declaration
/// order) and serde with each variant renamed to its code. The calling crate needs `serde`.
///
/// `enum Name: "kind", parse -> Option { … }` makes `parse` return `Option` instead: only for
/// the enums whose callers predate the macro ([`Role`](crate::Role),
/// [`OrgKind`](crate::OrgKind)); new enums use the default.
#[macro_export]
macro_rules! text_enum {
    (@parse result $name:ident) => {
        impl $name {
            /// Parses the stored text code (exact, case-sensitive).
            pub fn parse(s: &str) -> ::core::result::Result<Self, $crate::UnknownCode> {
                Self::from_code(s).ok_or_else(|| $crate::UnknownCode {
                    kind: <Self as $crate::TextEnum>::KIND,
                    value: s.to_owned(),
                })
            }
        }
    };
    (@parse option $name:ident) => {
        impl $name {
            /// Parses the stored text code (exact, case-sensitive).
            pub fn parse(s: &str) -> ::core::option::Option<Self> {
                Self::from_code(s)
            }
        }
    };
    (
        @enum $parse:ident [$(#[$meta:meta])*] $vis:vis $name:ident $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ($zh:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stored text code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Simplified-Chinese label, as the pages show it.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh),+
                }
            }

            /// English label, as the pages show it.
            pub const fn label_en(self) -> &'static str {
                match self {
                    $($name::$variant => $en),+
                }
            }

            /// The variant whose code is exactly `s`.
            pub fn from_code(s: &str) -> ::core::option::Option<Self> {
                match s {
                    $($text => ::core::option::Option::Some($name::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        $crate::text_enum!(@parse $parse $name);

        impl $crate::TextEnum for $name {
            const KIND: &'static str = $kind;
            const VARIANTS: &'static [Self] = &$name::ALL;
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn label_zh(self) -> &'static str {
                $name::label_zh(self)
            }
            fn label_en(self) -> &'static str {
                $name::label_en(self)
            }
            fn from_code(s: &str) -> ::core::option::Option<Self> {
                $name::from_code(s)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::UnknownCode;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::from_code(s).ok_or_else(|| $crate::UnknownCode {
                    kind: $kind,
                    value: s.to_owned(),
                })
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $kind:literal, parse -> Option { $($body:tt)* }
    ) => {
        $crate::text_enum!(@enum option [$(#[$meta])*] $vis $name $kind { $($body)* });
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $kind:literal { $($body:tt)* }
    ) => {
        $crate::text_enum!(@enum result [$(#[$meta])*] $vis $name $kind { $($body)* });
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::text_enum! {
        /// Three codes, one of them spelled differently from its variant.
        enum Sample: "sample" {
            First = "first" ("第一", "First"),
            SecondOne = "second" ("第二", "Second"),
            Third = "third_x" ("第三", "Third"),
        }
    }

    crate::text_enum! {
        enum Legacy: "legacy", parse -> Option {
            A = "a" ("甲", "A"),
        }
    }

    #[test]
    fn codes_labels_and_serde_agree() {
        assert_eq!(
            Sample::ALL,
            [Sample::First, Sample::SecondOne, Sample::Third]
        );
        for s in Sample::ALL {
            assert_eq!(Sample::parse(s.as_str()), Ok(s));
            assert_eq!(s.as_str().parse::<Sample>(), Ok(s));
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), s);
            assert_eq!(<Sample as TextEnum>::from_code(s.code()), Some(s));
        }
        assert_eq!(Sample::SecondOne.as_str(), "second");
        assert_eq!(Sample::Third.label_zh(), "第三");
        assert_eq!(TextEnum::label_en(Sample::Third), "Third");
        assert_eq!(<Sample as TextEnum>::VARIANTS.len(), 3);
        assert!(Sample::First < Sample::Third, "declaration order");
    }

    #[test]
    fn unknown_codes_are_refused_by_every_entry_point() {
        let err = UnknownCode {
            kind: "sample",
            value: "Second".into(),
        };
        // Codes are exact: neither the variant name nor another case parses.
        assert_eq!(Sample::parse("Second"), Err(err.clone()));
        assert_eq!("Second".parse::<Sample>(), Err(err));
        assert_eq!(Sample::from_code("second_one"), None);
        assert!(serde_json::from_str::<Sample>("\"SecondOne\"").is_err());
        assert_eq!(
            Sample::parse("").unwrap_err().to_string(),
            "unknown sample code \"\""
        );
    }

    #[test]
    fn legacy_parse_returns_an_option() {
        assert_eq!(Legacy::parse("a"), Some(Legacy::A));
        assert_eq!(Legacy::parse("b"), None);
        assert_eq!(
            "b".parse::<Legacy>(),
            Err(UnknownCode {
                kind: "legacy",
                value: "b".into()
            })
        );
    }
}

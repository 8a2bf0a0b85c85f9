//! The registry of stable error codes. Every `code` a problem response can carry, and every
//! per-field `errors[].code`, is declared once as a constant here (foundation: sessions,
//! accounts, orgs, validators, transport, uploads) or in a system crate's own registry (the 110
//! system: `jingwu_command::error_codes`). The HTTP edge lists them all in the OpenAPI document
//! and its tests refuse a response whose code is not registered, so a code cannot be renamed or
//! invented silently.

/// A stable problem code (`Problem.code`) with the HTTP status it is always answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemCode {
    pub code: &'static str,
    pub status: u16,
    pub title_en: &'static str,
    pub title_zh: &'static str,
}

/// A stable per-field reason code (`Problem.errors[].code`), carried inside a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldCode {
    pub code: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
}

/// Declares registry constants and the `PROBLEMS` / `FIELDS` slices that list them, so a
/// constant cannot be declared and forgotten in the list.
#[macro_export]
macro_rules! problem_codes {
    (
        problems { $( $(#[$pm:meta])* $pname:ident = ($pcode:literal, $status:literal, $pen:literal, $pzh:literal); )* }
        fields { $( $(#[$fm:meta])* $fname:ident = ($fcode:literal, $fen:literal, $fzh:literal); )* }
    ) => {
        $( $(#[$pm])* pub const $pname: $crate::problem_codes::ProblemCode = $crate::problem_codes::ProblemCode {
            code: $pcode, status: $status, title_en: $pen, title_zh: $pzh,
        }; )*
        /// Every problem code of this registry, in declaration order.
        pub const PROBLEMS: &[$crate::problem_codes::ProblemCode] = &[$($pname),*];

        /// Per-field reason codes (`errors[].code`).
        pub mod field {
            $( $(#[$fm])* pub const $fname: $crate::problem_codes::FieldCode = $crate::problem_codes::FieldCode {
                code: $fcode, title_en: $fen, title_zh: $fzh,
            }; )*
            /// Every field code of this registry, in declaration order.
            pub const FIELDS: &[$crate::problem_codes::FieldCode] = &[$($fname),*];
        }
        pub use field::FIELDS;
    };
}

problem_codes! {
    problems {
        // Sessions and authorization.
        UNAUTHENTICATED = ("unauthenticated", 401, "Authentication required", "需要登录");
        INVALID_CREDENTIALS = ("invalid_credentials", 401, "Wrong username or password", "用户名或密码错误");
        TOO_MANY_ATTEMPTS = ("too_many_attempts", 429, "Too many failed attempts", "失败次数过多");
        LOGIN_BUSY = ("login_busy", 503, "Too many sign-ins at once", "同时登录的请求过多");
        /// The server is shutting down; the request changed nothing (another node, or this one
        /// after its restart, will take it).
        STOPPING = ("server_stopping", 503, "The server is stopping", "服务正在停止");
        FORBIDDEN = ("forbidden", 403, "The role may not do this", "无权执行此操作");
        /// A single object outside the caller's jurisdiction is reported as missing.
        NOT_FOUND = ("not_found", 404, "Not found", "对象不存在");
        /// A scope the caller named explicitly (`?org=`, a parent) is outside its jurisdiction.
        OUT_OF_SCOPE = ("out_of_scope", 403, "Outside your jurisdiction", "超出管辖范围");
        // Bad input at the transport level.
        MALFORMED_JSON = ("malformed_json", 400, "Malformed JSON", "JSON 格式错误");
        UNREADABLE_BODY = ("unreadable_body", 400, "The body could not be read", "请求体无法读取");
        INVALID_QUERY = ("invalid_query", 400, "Invalid query parameter", "查询参数无效");
        INVALID_PATH = ("invalid_path", 400, "Invalid path parameter", "路径参数无效");
        /// Text the database cannot store (U+0000) that arrived past the extractors' checks.
        UNSTORABLE_TEXT = ("unstorable_text", 422, "The text holds a character that cannot be stored", "文本含无法保存的字符");
        MISSING_HEADER = ("missing_header", 400, "A required header is missing", "缺少必需的请求头");
        INVALID_FIELD = ("invalid_field", 422, "A field has the wrong shape", "字段格式错误");
        VALIDATION_FAILED = ("validation_failed", 422, "Fields failed validation", "字段校验未通过");
        BODY_TOO_LARGE = ("body_too_large", 413, "The body is too large", "请求体过大");
        UNSUPPORTED_MEDIA_TYPE = ("unsupported_media_type", 415, "Unsupported media type", "不支持的内容类型");
        ROUTE_NOT_FOUND = ("route_not_found", 404, "No such route", "路径不存在");
        METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "Method not allowed", "不支持的请求方法");
        RANGE_NOT_SATISFIABLE = ("range_not_satisfiable", 416, "Range not satisfiable", "请求范围无效");
        PRECONDITION_FAILED = ("precondition_failed", 409, "A precondition is not met", "前置条件不满足");
        NOT_READY = ("not_ready", 503, "Not ready", "服务尚未就绪");
        INTERNAL = ("internal", 500, "Internal error", "内部错误");
        BUSY = ("busy", 503, "Too many concurrent changes to the same records; try again", "同一记录并发修改过多，请稍后重试");
        // Accounts and the jurisdiction tree.
        NOT_DISABLED = ("not_disabled", 409, "The account is not disabled", "账号未被停用");
        USERNAME_TAKEN = ("username_taken", 409, "The username is taken", "用户名已被占用");
        ORG_CODE_TAKEN = ("org_code_taken", 409, "The org code is taken", "机构代码已被占用");
        CITY_EXISTS = ("city_exists", 409, "The city bureau already exists", "市局已存在");
        // Chunked uploads (scene media today; evidence and application materials next).
        OFFSET_MISMATCH = ("offset_mismatch", 409, "The chunk is not at the recorded offset", "分片偏移与记录不符");
        UPLOAD_CLOSED = ("upload_closed", 409, "The upload is already complete", "上传已结束");
        UPLOAD_LOST = ("upload_lost", 409, "The upload's stored part is lost; start again", "上传的分片已丢失，请重新上传");
        CHUNK_CORRUPT = ("chunk_corrupt", 422, "The chunk does not match its SHA-256", "分片校验值不符");
        DIGEST_MISMATCH = ("digest_mismatch", 422, "The file does not match its SHA-256", "文件校验值不符");
        BEYOND_DECLARED_SIZE = ("beyond_declared_size", 422, "The chunk goes past the declared size", "分片超出声明的大小");
        CHUNK_TOO_LARGE = ("chunk_too_large", 413, "The chunk is too large", "分片过大");
        MEDIA_TOO_LARGE = ("media_too_large", 413, "The file is too large for its kind", "文件过大");
    }
    fields {
        USERNAME_FORMAT = ("username.format", "Invalid username", "用户名格式错误");
        DISPLAY_NAME_LENGTH = ("display_name.length", "Display name length out of range", "显示名长度不符");
        PASSWORD_LENGTH = ("password.length", "Password length out of range", "密码长度不符");
        ROLE_UNKNOWN = ("role.unknown", "Unknown role", "未知角色");
        ORG_UNKNOWN = ("org.unknown", "Unknown org unit", "机构不存在");
        CODE_FORMAT = ("code.format", "Invalid org code", "机构代码格式错误");
        /// An unknown org kind, or an unknown identifier kind for the validators.
        KIND_UNKNOWN = ("kind.unknown", "Unknown kind", "未知类型");
        NAME_LENGTH = ("name.length", "Name length out of range", "名称长度不符");
        PARENT_KIND = ("parent.kind", "The parent cannot hold this kind", "上级机构类型不符");
        PARENT_UNKNOWN = ("parent.unknown", "Unknown parent org unit", "上级机构不存在");
        FILE_NAME_LENGTH = ("file_name.length", "File name length out of range", "文件名长度不符");
        FILE_NAME_CHARACTERS = ("file_name.characters", "File name has forbidden characters", "文件名含非法字符");
        SHA256_FORMAT = ("sha256.format", "Not a SHA-256 in hex", "不是十六进制 SHA-256");
        SIZE_RANGE = ("size.range", "Size out of range", "大小超出范围");
        /// WGS 84 coordinates, wherever a system takes a position.
        LAT_RANGE = ("lat.range", "Latitude out of range", "纬度超出范围");
        LON_RANGE = ("lon.range", "Longitude out of range", "经度超出范围");
        CHUNK_EMPTY = ("chunk.empty", "Empty chunk", "分片为空");
        CHUNK_SIZE_RANGE = ("chunk_size.range", "Chunk size out of range", "分片大小超出范围");
        // The identifier validators (`jingwu_validate`).
        RESIDENT_ID_LENGTH = ("resident_id.length", "Resident ID has the wrong length", "身份证号长度错误");
        RESIDENT_ID_CHARACTER = ("resident_id.character", "Resident ID has an invalid character", "身份证号含非法字符");
        RESIDENT_ID_REGION = ("resident_id.region", "Resident ID region code invalid", "身份证号地区码无效");
        RESIDENT_ID_BIRTH_DATE = ("resident_id.birth_date", "Resident ID birth date invalid", "身份证号出生日期无效");
        RESIDENT_ID_BIRTH_DATE_RANGE = ("resident_id.birth_date_range", "Resident ID birth date out of range", "身份证号出生日期超出范围");
        RESIDENT_ID_CHECKSUM = ("resident_id.checksum", "Resident ID check digit wrong", "身份证号校验码错误");
        PLATE_LENGTH = ("plate.length", "Plate has the wrong length", "号牌长度错误");
        PLATE_PROVINCE = ("plate.province", "Plate province invalid", "号牌省份简称无效");
        PLATE_AUTHORITY = ("plate.authority", "Plate issuing authority invalid", "号牌发牌机关代号无效");
        PLATE_CHARACTER = ("plate.character", "Plate has an invalid character", "号牌含非法字符");
        PLATE_HK_MACAO = ("plate.hk_macao", "Invalid Hong Kong/Macao plate", "港澳号牌格式错误");
        PLATE_NEW_ENERGY = ("plate.new_energy", "Invalid new-energy plate", "新能源号牌格式错误");
        MOBILE_CHARACTER = ("mobile.character", "Mobile number has an invalid character", "手机号含非法字符");
        MOBILE_COUNTRY_CODE = ("mobile.country_code", "Mobile country code invalid", "手机号国家代码无效");
        MOBILE_LENGTH = ("mobile.length", "Mobile number has the wrong length", "手机号长度错误");
        MOBILE_FORMAT = ("mobile.format", "Invalid mobile number", "手机号格式错误");
        USCC_LENGTH = ("uscc.length", "USCC has the wrong length", "统一社会信用代码长度错误");
        USCC_CHARACTER = ("uscc.character", "USCC has an invalid character", "统一社会信用代码含非法字符");
        USCC_REGISTRATION_AUTHORITY = ("uscc.registration_authority", "USCC registration authority invalid", "统一社会信用代码登记管理部门代码无效");
        USCC_CATEGORY = ("uscc.category", "USCC category invalid", "统一社会信用代码机构类别代码无效");
        USCC_REGION = ("uscc.region", "USCC region code invalid", "统一社会信用代码行政区划码无效");
        USCC_CHECKSUM = ("uscc.checksum", "USCC check character wrong", "统一社会信用代码校验码错误");
        UN_NUMBER_FORMAT = ("un_number.format", "Invalid UN number", "联合国编号格式错误");
        UN_NUMBER_RANGE = ("un_number.range", "UN number out of range", "联合国编号超出范围");
        // The audit log's proofs.
        ENTRY_RANGE = ("entry.range", "No such entry in the signed tree", "签名树中无此条目");
        TREE_SIZE_RANGE = ("tree_size.range", "Tree size out of range", "树大小超出范围");
    }
}

/// The registry entry of a problem code, among the given registries.
pub fn find_problem<'a>(registries: &[&'a [ProblemCode]], code: &str) -> Option<&'a ProblemCode> {
    registries
        .iter()
        .flat_map(|r| r.iter())
        .find(|p| p.code == code)
}

/// The registry entry of a field code, among the given registries.
pub fn find_field<'a>(registries: &[&'a [FieldCode]], code: &str) -> Option<&'a FieldCode> {
    registries
        .iter()
        .flat_map(|r| r.iter())
        .find(|p| p.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_titled() {
        let mut seen = std::collections::HashSet::new();
        for p in PROBLEMS {
            assert!(seen.insert(p.code), "{} twice", p.code);
            assert!(
                p.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                p.code
            );
            assert!((400..600).contains(&p.status), "{}", p.code);
            assert!(
                !p.title_en.is_empty() && !p.title_zh.is_empty(),
                "{}",
                p.code
            );
        }
        for f in FIELDS {
            assert!(seen.insert(f.code), "{} twice", f.code);
            assert!(
                !f.title_en.is_empty() && !f.title_zh.is_empty(),
                "{}",
                f.code
            );
        }
    }

    #[test]
    fn lookups_find_registered_codes_only() {
        assert_eq!(find_problem(&[PROBLEMS], "forbidden"), Some(&FORBIDDEN));
        assert_eq!(find_problem(&[PROBLEMS], "made_up"), None);
        assert_eq!(
            find_field(&[FIELDS], "resident_id.checksum"),
            Some(&field::RESIDENT_ID_CHECKSUM)
        );
        assert_eq!(find_field(&[FIELDS], "forbidden"), None);
    }
}

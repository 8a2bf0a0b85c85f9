//! The hazmat system's stable error codes (see `jingwu_core::problem_codes` for the registry's
//! rules). Coordinates, org units and unknown kinds use the foundation's field codes
//! (`lat.range`, `lon.range`, `org.unknown`, `kind.unknown`).

jingwu_core::problem_codes! {
    problems {
        CHEMICAL_EXISTS = ("chemical_exists", 409, "The chemical is registered under this UN number and name", "该 UN 编号和名称的化学品已登记");
        USCC_TAKEN = ("uscc_taken", 409, "An enterprise with this credit code is registered", "该统一社会信用代码已登记");
        PLATE_TAKEN = ("plate_taken", 409, "A vehicle with this plate is registered", "该车牌已登记");
        STATION_CODE_TAKEN = ("station_code_taken", 409, "A station with this code is registered", "该气象站代码已登记");
        /// No fresh, unflagged observation near the release: a zone needs a live wind.
        NO_FRESH_WEATHER = ("no_fresh_weather", 409, "No fresh weather observation nearby", "附近没有有效的实时气象观测");
        RESPONSE_CLOSED = ("response_closed", 409, "The response is closed", "该处置已结束");
        STEP_DONE = ("step_done", 409, "The linkage step is already done", "该联动步骤已完成");
    }
    fields {
        USCC = ("uscc.invalid", "Not a valid unified social credit code", "统一社会信用代码无效");
        PLATE = ("plate.invalid", "Not a valid plate", "车牌号无效");
        UN_NUMBER = ("un_number.invalid", "Not a valid UN number", "UN 编号无效");
        CHEMICAL_UNKNOWN = ("chemical.unknown", "Unknown chemical", "未知化学品");
        ENTERPRISE_UNKNOWN = ("enterprise.unknown", "Unknown enterprise", "未知企业");
        STATION_UNKNOWN = ("station.unknown", "Unknown weather station", "未知气象站");
        INCIDENT_UNKNOWN = ("incident.unknown", "No such incident in your jurisdiction", "辖区内无此警情");
        TEXT_REQUIRED = ("text.required", "Required", "必填");
        TEXT_LENGTH = ("text.length", "Too long", "文本过长");
        NUMBER_RANGE = ("number.range", "Number out of range", "数值超出范围");
        NUMBER_FORMAT = ("number.format", "Not a number", "不是有效数字");
        PHONE = ("phone.invalid", "Not a valid phone number", "电话号码无效");
        TIME_FORMAT = ("time.format", "Not an RFC 3339 time with offset", "时间格式无效（需带时区的 RFC 3339）");
        TIME_RANGE = ("time.range", "Time too far in the future or past", "时间超出允许范围");
        METAR = ("metar.invalid", "Not a METAR report this parser understands", "无法解析的 METAR 报文");
        CSV_HEADER = ("enterprise_csv.header", "The CSV header is not the expected one", "CSV 表头不符");
        CSV_COLUMNS = ("csv.columns", "Wrong number of columns", "列数不符");
        STOCKS = ("stocks.invalid", "Chemicals held: UN:kg;UN:kg", "存储化学品格式应为 UN:kg;UN:kg");
        DUPLICATE = ("duplicate", "Listed twice", "重复");
        STEP_UNKNOWN = ("step.unknown", "Unknown linkage step", "未知联动步骤");
        LEVELS_ORDER = ("levels.order", "Levels of concern must rise from tier 1 to tier 3", "关注浓度须由 1 级至 3 级递增");
        LEVELS_MISSING = ("levels.missing", "A tier-3 level (AEGL-3 or ERPG-3) is required", "须有 3 级关注浓度（AEGL-3 或 ERPG-3）");
        READINGS_NONE = ("readings.none", "No usable downwind reading", "没有可用的下风向检测数据");
    }
}

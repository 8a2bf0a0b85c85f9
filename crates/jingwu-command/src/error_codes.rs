//! The 110 system's stable error codes (see `jingwu_core::problem_codes` for the registry's
//! rules and the foundation codes it builds on).

jingwu_core::problem_codes! {
    problems {
        // Incidents and dispatch.
        INCIDENT_CLOSED = ("incident_closed", 409, "The incident is closed or merged", "警情已结束或已合并");
        /// The incident's location changed between choosing its station and writing.
        INCIDENT_CHANGED = ("incident_changed", 409, "The incident changed meanwhile", "警情已被修改");
        UNIT_NOT_AVAILABLE = ("unit_not_available", 409, "The unit is not available", "警力不可用");
        /// The unit changed between reading and writing (another dispatcher or its terminal).
        UNIT_CHANGED = ("unit_changed", 409, "The unit changed meanwhile", "警力状态已变化");
        /// The unit status machine refuses the move.
        ILLEGAL_TRANSITION = ("illegal_transition", 409, "Status change not allowed", "不允许的状态变更");
        NOT_ASSIGNED = ("not_assigned", 409, "The unit is not assigned to the incident", "该警力未被指派到此警情");
        /// Signing for (签收) an incident that no hand-over is waiting on.
        HANDOVER_NOT_PENDING = ("handover_not_pending", 409, "No hand-over awaits a sign-for", "没有待签收的移交");
        // Information layers of the command map.
        LAYER_EXISTS = ("layer_exists", 409, "The layer code is taken", "图层代码已被占用");
        /// Live layers are fed by their source, not by imports or pushes.
        LAYER_LIVE = ("layer_live", 409, "The layer is live", "实时图层不可导入或推送");
        // Timers and linkage.
        TIMER_ALERT_ACKNOWLEDGED = ("timer_alert_acknowledged", 409, "The alert was acknowledged already", "该超时告警已确认");
        AGENCY_EXISTS = ("agency_exists", 409, "The agency code is taken", "联动单位代码已被占用");
        AGENCY_DISABLED = ("agency_disabled", 409, "The agency is disabled", "联动单位已停用");
        /// An inbound linkage message id that was received before.
        LINKAGE_REPLAY = ("linkage_replay", 409, "Message received before", "重复的联动消息");
        // Response plans.
        /// The org unit already has a plan for this category, sub-category and priority.
        PLAN_EXISTS = ("plan_exists", 409, "A plan for this incident type exists", "该警情类型已有预案");
        // AVL.
        /// The position writer's queue is full: positions are shed (never assignments or
        /// status), and the sender is told so it can send its newest fixes again shortly.
        AVL_OVERLOADED = ("avl_overloaded", 503, "Positions are arriving faster than they can be stored", "定位数据过多，暂未保存，请稍后重发");
        // Terminal protocol (WebSocket).
        WEBSOCKET_REQUIRED = ("websocket_required", 400, "A WebSocket upgrade is required", "需要 WebSocket 连接");
        HELLO_TIMEOUT = ("hello_timeout", 408, "No hello in time", "未及时发送 hello");
        HELLO_EXPECTED = ("hello_expected", 400, "The first message must be hello", "首条消息必须是 hello");
        UNSUPPORTED_VERSION = ("unsupported_version", 400, "Unsupported protocol version", "不支持的协议版本");
        ALREADY_GREETED = ("already_greeted", 409, "Hello was already received", "已收到 hello");
        UNSUPPORTED_FRAME = ("unsupported_frame", 415, "Frames are JSON text", "仅支持 JSON 文本帧");
        // Setting up a bureau.
        /// Intake refuses a location that is in no station area and far from the bureau's
        /// roads and sites (`jingwu_command::area::BureauReach`).
        OUTSIDE_BUREAU = ("outside_bureau", 422, "The location is outside the bureau's area", "位置不在本局辖区范围内");
        /// A retired unit keeps its history and call sign but changes no more.
        UNIT_RETIRED = ("unit_retired", 409, "The unit is retired", "警力已注销");
        /// Only a unit that is not on a job can be retired.
        UNIT_ON_JOB = ("unit_on_job", 409, "The unit is on a job", "警力正在出警");
    }
    fields {
        CALLER_PHONE_FORMAT = ("caller_phone.format", "Invalid caller phone", "报警电话格式错误");
        /// A free text longer than its limit (caller name, address, description).
        LENGTH = ("length", "Too long", "文本过长");
        DESCRIPTION_EMPTY = ("description.empty", "Say what happened", "请填写警情描述");
        /// The sub-category does not belong to the category (or either is unknown).
        TAXONOMY = ("taxonomy", "Not a category and one of its sub-categories", "警情类别与子类不匹配");
        PRIORITY_UNKNOWN = ("priority.unknown", "Unknown priority", "未知优先级");
        SOURCE_UNKNOWN = ("source.unknown", "Unknown source", "未知警情来源");
        STATUS_UNKNOWN = ("status.unknown", "Unknown unit status", "未知警力状态");
        UNIT_IDS_COUNT = ("unit_ids.count", "Name 1 to 20 units", "请指定 1 至 20 个警力");
        REASON_LENGTH = ("reason.length", "Reason length out of range", "原因长度不符");
        /// A note's text: 1 to 2000 characters.
        NOTE_TEXT = ("note.length", "Note length out of range", "备注长度不符");
        /// An update that names no field, or only the values the incident has already.
        UPDATE_EMPTY = ("update.empty", "Nothing to change", "没有要修改的内容");
        TO_INCIDENT_UNKNOWN = ("to_incident.unknown", "Unknown target incident", "目标警情不存在");
        TO_INCIDENT_SAME = ("to_incident.same", "A unit cannot be diverted to the incident it is on", "不能改派到当前警情");
        /// Caller history needs a phone number or a location (both latitude and longitude).
        HISTORY_QUERY = ("history.query", "Give a phone number or a location", "请提供报警电话或位置");
        TO_ORG_UNKNOWN = ("to_org.unknown", "Unknown target org unit", "目标机构不存在");
        TO_ORG_SAME_OWNER = ("to_org.same_owner", "Already owned there", "警情已归属该机构");
        INTO_UNKNOWN = ("into.unknown", "Unknown target incident", "目标警情不存在");
        INTO_SAME_INCIDENT = ("into.same_incident", "An incident cannot be merged into itself", "不能合并到自身");
        RESULT_CODE_FORMAT = ("result_code.format", "Invalid result code", "处置结果代码格式错误");
        RESULT_TEXT_LENGTH = ("result_text.length", "Result text length out of range", "处置结果长度不符");
        /// A batch holds 1 to 5000 fixes: none is a client bug, more a flood.
        POSITIONS_COUNT = ("positions.count", "A batch needs 1 to 5000 fixes", "单批定位点数须为 1 至 5000");
        POSITION_RANGE = ("position.range", "Fix out of range", "定位点坐标超出范围");
        POSITION_TIME = ("position.time", "Fix time out of range", "定位时间超出范围");
        SPEED_RANGE = ("speed.range", "Speed must be 0 to 400 km/h", "速度须为 0 至 400 公里/小时");
        HEADING_RANGE = ("heading.range", "Heading must be 0 to 360 degrees", "方向须为 0 至 360 度");
        TRACK_SPAN = ("track.span", "A track is read for at most 24 hours, from before to", "轨迹查询时段须在 24 小时以内且起点早于终点");
        CREW_SIZE = ("crew.size", "Crew too large", "编组人数过多");
        CREW_DUPLICATE = ("crew.duplicate", "Officer listed twice", "警员重复");
        CREW_UNKNOWN_OFFICER = ("crew.unknown_officer", "No such officer in your jurisdiction", "辖区内无此警员");
        PERIOD_RANGE = ("period.range", "Period out of range", "统计时段超出范围");
        COVERAGE_SECONDS = ("coverage.seconds", "Seconds out of range", "秒数超出范围");
        NO_ROAD_NEARBY = ("no_road_nearby", "No road nearby", "附近没有道路");
        GEOCODE_QUERY = ("geocode.query", "An address query has 1 to 100 characters", "地址查询须为 1 至 100 个字符");
        GEOCODE_LIMIT = ("geocode.limit", "Ask for 1 to 20 candidates", "候选地址数须为 1 至 20");
        OUT_OF_RANGE = ("out_of_range", "Latitude or longitude out of range", "经纬度超出范围");
        /// A parameter that is not the list of numbers it must be (`bbox`, `from`, `to`).
        INVALID = ("invalid", "Not a valid value", "取值无效");
        LAYER_CODE = ("layer.code", "Invalid layer code", "图层代码格式错误");
        LAYER_NAME = ("layer.name", "Layer name length out of range", "图层名称长度不符");
        LAYER_KIND = ("layer.kind", "Unknown layer kind", "未知图层类型");
        LAYER_ROLE = ("layer.role", "Not a staff role", "不是内部角色");
        LAYER_CATEGORY = ("layer.category", "Unknown layer category", "图层类别不存在");
        LAYER_OWNER = ("layer.owner", "Unknown owner org unit", "所属机构不存在");
        IMPORT_COUNT = ("import.count", "Too many features", "要素过多");
        IMPORT_EMPTY = ("import.empty", "No features to import", "没有可导入的要素");
        FEATURE_TYPE = ("feature.type", "Not a GeoJSON Feature", "不是 GeoJSON 要素");
        FEATURE_PROPERTIES = ("feature.properties", "Properties must be an object", "属性必须是对象");
        FEATURE_ID = ("feature.id", "Invalid feature id", "要素标识无效");
        FEATURE_NAME = ("feature.name", "Feature name missing", "缺少要素名称");
        FEATURE_GEOMETRY = ("feature.geometry", "Invalid geometry", "几何图形无效");
        FEATURE_DUPLICATE = ("feature.duplicate", "Feature id appears twice", "要素标识重复");
        GEOJSON_MALFORMED = ("geojson.malformed", "Not JSON", "不是 JSON");
        GEOJSON_TYPE = ("geojson.type", "Not a FeatureCollection", "不是 FeatureCollection");
        GEOJSON_FEATURES = ("geojson.features", "Features must be an array", "features 必须是数组");
        PLAN_NAME = ("plan.name", "Plan name length out of range", "预案名称长度不符");
        PLAN_SLOTS = ("plan.slots", "A plan has 1 to 10 slots", "预案须有 1 至 10 个编组");
        PLAN_SLOT_KIND = ("plan.slot_kind", "Unknown unit kind", "未知警力类型");
        PLAN_SLOT_COUNT = ("plan.slot_count", "A slot asks for 1 to 10 units", "每个编组 1 至 10 个警力");
        PLAN_EQUIPMENT = ("plan.equipment", "Invalid equipment codes", "装备代码无效");
        PLAN_AGENCY = ("plan.agency", "Unknown or repeated agency", "联动单位未知或重复");
        PLAN_ORG = ("plan.org", "Unknown org unit", "所属机构不存在");
        CSV_MALFORMED = ("csv.malformed", "Malformed CSV", "CSV 格式错误");
        CSV_HEADER = ("csv.header", "CSV header must name id, lat, lon, name", "CSV 表头须包含 id、lat、lon、name");
        TIMER_LIMIT = ("timer_limit.range", "Limit out of range (1 s to a day)", "时限超出范围（1 秒至 1 天）");
        AGENCY_CODE = ("agency.code", "Invalid agency code", "联动单位代码格式错误");
        AGENCY_KIND = ("agency.kind", "Unknown agency kind", "未知联动单位类型");
        AGENCY_NAME = ("agency.name", "Agency name length out of range", "联动单位名称长度不符");
        AGENCY_URL = ("agency.endpoint_url", "Not an http:// URL", "不是 http:// 地址");
        AGENCY_SECRET = ("agency.secret", "Secret must be 16 to 200 characters", "密钥须为 16 至 200 个字符");
        AGENCY_UNKNOWN = ("agency.unknown", "No such linked agency", "联动单位不存在");
        CSV_ROW = ("csv.row", "Malformed CSV row", "CSV 行格式错误");
        // Setting up a bureau (sites, posts, units, shifts, key sites, areas; their imports).
        CSV_COLUMNS = ("csv.required", "Required CSV columns missing", "缺少必需的 CSV 列");
        REQUIRED = ("required", "Required", "必填");
        /// Not a number, or a number out of its range.
        NUMBER = ("number", "Not a number in range", "数值无效或超出范围");
        /// Not an RFC 3339 instant (`2026-03-02T08:00:00+08:00`).
        INSTANT = ("instant", "Not an RFC 3339 time", "时间格式错误");
        /// A value that must be unique appears twice in the file or is taken already.
        TAKEN = ("taken", "Already taken", "已被占用");
        CALL_SIGN_FORMAT = ("call_sign.format", "Call sign: 1 to 16 letters, digits or CJK", "呼号须为 1 至 16 个字母、数字或汉字");
        UNIT_KIND_UNKNOWN = ("unit_kind.unknown", "Unknown unit kind", "未知警力类型");
        TRAVEL_MODE_UNKNOWN = ("travel_mode.unknown", "Unknown travel mode", "未知出行方式");
        EQUIPMENT_FORMAT = ("equipment.format", "Equipment codes: up to 20 of a-z, 0-9, _", "装备代码格式错误");
        /// A shift that ends before it starts or is longer than a day.
        SHIFT_RANGE = ("shift.range", "A shift ends after it starts, within 24 hours", "班次须在开始后 24 小时内结束");
        SHIFT_OVERLAP = ("shift.overlap", "Overlaps another shift of the unit", "与该警力的其他班次重叠");
        UNIT_UNKNOWN = ("unit.unknown", "No such unit in your jurisdiction", "辖区内无此警力");
        POST_UNKNOWN = ("post.unknown", "No such post of the unit's station", "所属派出所无此岗亭");
        /// Sites and areas belong to stations (areas) or any org unit (sites); units and posts to stations and bureaus.
        ORG_KIND = ("org.kind", "Not an org unit of the kind required", "机构类型不符");
        AREA_GEOMETRY = ("area.geometry", "Not a valid Polygon or MultiPolygon", "辖区边界不是有效的多边形");
        /// A camera's or layer source's link: an http(s) or rtsp URL.
        LINK_FORMAT = ("url.format", "Not an http(s) or rtsp URL", "不是 http(s) 或 rtsp 地址");
        /// A source's code: 1 to 64 letters, digits, `-`, `_` or `.`.
        SOURCE_CODE = ("source_code.format", "Code: 1 to 64 letters, digits, -, _ or .", "编号须为 1 至 64 个字母、数字或 -_.");
        /// The layer named for a source does not exist or is fed live by its system.
        SOURCE_LAYER = ("layer.unknown", "No such layer taking sources", "图层不存在或为实时图层");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_do_not_shadow_foundation_codes() {
        use jingwu_core::problem_codes as foundation;
        let mut seen = std::collections::HashSet::new();
        let problems = PROBLEMS.iter().chain(foundation::PROBLEMS);
        for p in problems {
            assert!(seen.insert(p.code), "{} twice", p.code);
            assert!((400..600).contains(&p.status), "{}", p.code);
        }
        for f in FIELDS.iter().chain(foundation::FIELDS) {
            assert!(seen.insert(f.code), "{} twice", f.code);
        }
    }
}

//! Law enforcement's stable error codes (see `jingwu_core::problem_codes` for the registry's
//! rules; codes are unique across every system's registry).

jingwu_core::problem_codes! {
    problems {
        CASE_STATE = ("case_state", 409, "The case cannot do that in its current status", "案件当前状态不允许该操作");
        CASE_EXISTS_FOR_INCIDENT = ("case_exists_for_incident", 409, "A case was opened from this incident already", "该警情已立案");
        CORRECTION_OPEN = ("correction_open", 409, "Required corrections are still open", "尚有未整改的监督意见");
        LIMIT_UNKNOWN = ("legal_limit_unknown", 422, "No such legal time limit", "无此法定时限");
        CUSTODY_STATE = ("custody_state", 409, "The person's record does not allow that now", "到案人员当前状态不允许该操作");
        ALREADY_IN_AREA = ("already_in_area", 409, "This person is already in a handling area", "该人员已在办案区内");
        CLOCK_EXPIRED = ("clock_expired", 409, "The legal time limit has run out: record the outcome now", "法定时限已到，请立即作出处理结果");
        EXTENSION_REFUSED = ("extension_refused", 409, "The extension is not allowed", "不符合延长条件");
        APPROVER_LEVEL = ("approver_level", 403, "An approver of a higher level is required", "需更高层级审批");
        EXTENSION_STATE = ("extension_state", 409, "The extension was decided already", "该延长申请已审批");
        ROOM_UNAVAILABLE = ("room_unavailable", 409, "No such active room in this handling area", "该功能室不可用");
        ITEM_STATE = ("evidence_state", 409, "The item cannot move that way now", "涉案财物当前状态不允许该操作");
        BARCODE_TAKEN = ("barcode_taken", 409, "The label's barcode is on another item", "该条码已被使用");
        WITNESSES_REQUIRED = ("witnesses_required", 422, "Two witnesses other than the custodian are required", "需两名保管人以外的见证人");
        SECURE_LOCATION_REQUIRED = ("secure_location_required", 409, "High-risk items go to a secure location", "高风险物品须存放于专用保管位置");
        LEGAL_HOLD = ("legal_hold", 409, "The item is held for an open case", "案件未结，物品处于诉讼保全期");
        INTEGRITY_FAILED = ("integrity_failed", 409, "The stored file does not match its SHA-256: reported to the custodian", "存储文件与其SHA-256不符，已报告");
        SEAL_MISMATCH = ("seal_mismatch", 409, "The seal number does not match the item's", "封条编号不符");
        INVENTORY_STATE = ("inventory_state", 409, "The inventory is closed", "盘点已结束");
        AUDITOR_IN_CHAIN = ("auditor_in_chain", 409, "The auditor has handled items of this store: choose someone outside the chain", "盘点人员参与过保管链，请另选人员");
        // Case files (H1).
        CORRECTION_ANSWERED = ("correction_answered", 409, "The correction was answered already, or it is not a correction", "该整改要求已答复或不是整改要求");
        DOCUMENT_REJECTED = ("case_document_rejected", 422, "A document is a PDF, JPEG or PNG file of at most 20 MiB", "文书应为不超过20 MiB的PDF、JPEG或PNG文件");
        DEADLINE_MET = ("deadline_met", 409, "The deadline was recorded met already", "该期限已办结");
        // The handling area.
        SAFETY_CHECK_FIRST = ("safety_check_first", 409, "The safety check comes first", "请先进行人身安全检查");
        // Evidence (H3).
        LOCATION_TAKEN = ("location_code_taken", 409, "The store has a location with this code", "该库已有此编号的存放位置");
    }
    fields {
        TEXT = ("case_text.invalid", "Required, within its length limit", "必填，且不超过长度限制");
        IDENTITY = ("identity.invalid", "Not a valid identity document number", "证件号码无效");
        TIME = ("case_time.invalid", "Not an instant (RFC 3339), or in the future", "时间无效（RFC 3339，且不晚于当前）");
        MINUTES = ("minutes.invalid", "A positive number of minutes within the limit", "分钟数无效");
        LIMIT = ("legal_limit.invalid", "Not a valid legal time limit", "法定时限设置无效");
        BARCODE = ("barcode.invalid", "4–40 letters, digits or dashes", "条码应为4–40位字母、数字或短横线");
        SHA256 = ("sha256.invalid", "64 lowercase hexadecimal digits", "应为64位小写十六进制");
        CODE = ("case_code.unknown", "Not one of the listed codes", "不是可选代码");
        // Case files (H1).
        PHONE = ("case_phone.invalid", "3–20 digits, spaces, dashes or a leading +", "电话号码应为3–20位数字");
        POSITION = ("case_position.invalid", "Latitude and longitude within range, both or neither", "经纬度应同时提供且在有效范围内");
        ORG = ("case_org.invalid", "Not a unit in your jurisdiction", "不是本辖区内的单位");
        SUPERVISOR = ("case_supervisor.invalid", "Not a legal supervisor who can see this case", "不是可监督该案件的法制审核人员");
        // The handling area.
        APPROVER = ("approver.invalid", "Not an active account above the handling unit that may approve", "审批人须为办案单位上级的有效账号");
        // Evidence (H3).
        CASE_NUMBER = ("case_number.unknown", "No case with this number in the store's area", "本库辖区内无此案件编号");
        ACCOUNT = ("case_account.invalid", "Not an active account that may take this part", "不是可担任该角色的有效账号");
        LOCATION = ("evidence_location.invalid", "Not an active location of the store (a secure one for high-risk items)", "不是本库有效的存放位置（高风险物品须专用位置）");
        QUANTITY = ("quantity.invalid", "A whole number from 1 to 1,000,000", "数量应为1至1000000的整数");
    }
}

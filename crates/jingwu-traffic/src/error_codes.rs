//! The traffic system's stable error codes (see `jingwu_core::problem_codes` for the
//! registry's rules). Codes are unique across every system's registry (the API's tests check
//! it): the plate field is `traffic_plate.invalid` because hazmat registers `plate.invalid`.
//! Throttled code requests answer the foundation's `too_many_attempts`; payment problems are
//! the payment service's (`jingwu_payments::error_codes`).

jingwu_core::problem_codes! {
    problems {
        // Citizen accounts.
        OTP_INVALID = ("otp_invalid", 422, "Wrong or expired verification code", "验证码错误或已过期");
        ID_TAKEN = ("resident_id_taken", 409, "An account with this resident ID exists", "该身份证号已注册");
        MOBILE_TAKEN = ("mobile_taken", 409, "An account with this mobile number exists", "该手机号已注册");
        // The registries.
        LICENCE_EXISTS = ("licence_exists", 409, "This person holds a licence already", "该人员已有驾驶证");
        VEHICLE_EXISTS = ("vehicle_exists", 409, "A vehicle with this plate is registered", "该号牌车辆已登记");
        // Violations, fines and payment.
        VIOLATION_NOT_PENDING = ("violation_not_pending", 409, "The violation is not awaiting processing", "该违法记录不是待处理状态");
        VIOLATION_NOT_DECIDED = ("violation_not_decided", 409, "The violation has no decision awaiting payment", "该违法记录不是已处理待缴款状态");
        ALREADY_PAID = ("already_paid", 409, "The fine is already paid", "罚款已缴纳");
        // Points and study.
        REDUCTION_REFUSED = ("reduction_refused", 409, "Point reduction refused", "不符合减分条件");
        QUIZ_EXPIRED = ("quiz_expired", 409, "The quiz time is over", "答题时间已过");
        QUIZ_DONE = ("quiz_done", 409, "The quiz is already submitted", "试卷已提交");
        LICENCE_BLOCKED = ("licence_blocked", 409, "The licence's status does not allow this", "驾驶证状态不允许办理");
        // Accidents and services.
        MESSAGE_ANSWERED = ("message_answered", 409, "The message is answered already", "该留言已回复");
        ROAD_EVENT_WITHDRAWN = ("road_event_withdrawn", 409, "The road event is withdrawn already", "该路况事件已撤销");
        ACCIDENT_STATE = ("accident_state", 409, "The accident is not at that step", "事故处理当前状态不允许该操作");
        SETTLEMENT_REFUSED = ("settlement_refused", 409, "This accident may not be settled online", "该事故不适用快处快赔");
        FEE_UNPAID = ("fee_unpaid", 409, "The fee is not paid yet", "规费尚未缴纳");
        APPLICATION_STATE = ("application_state", 409, "The application cannot move to that status", "申请当前状态不允许该操作");
        PLATE_RESERVED = ("plate_reserved", 409, "The plate number is taken", "该号牌已被选用");
    }
    fields {
        RESIDENT_ID = ("resident_id.invalid", "Not a valid resident ID", "身份证号无效");
        MOBILE = ("mobile.invalid", "Not a valid mobile number", "手机号无效");
        OTP = ("otp.invalid", "Enter the 6-digit code", "请输入6位验证码");
        PLATE = ("traffic_plate.invalid", "Not a valid plate", "号牌号码无效");
        VIOLATION_CODE = ("violation_code.unknown", "Unknown violation code", "未知违法代码");
        LICENCE_CLASS = ("licence_class.unknown", "Unknown licence class", "未知准驾车型");
        DATE = ("date.format", "Not a date (YYYY-MM-DD)", "日期格式应为 YYYY-MM-DD");
        AMOUNT = ("amount.invalid", "Not an amount in yuan with at most two decimals", "金额格式无效（元，最多两位小数）");
        ANSWERS = ("answers.length", "One answer per question", "答案数量与题目数量不符");
        PASSWORD = ("password.weak", "Password too weak", "密码强度不足");
        TEXT = ("traffic_text.invalid", "Required, within its length limit", "必填，且不超过长度限制");
        LINE = ("road_line.invalid", "Points as \"lat lon lat lon …\" in WGS 84", "应为“纬度 经度 纬度 经度 …”（WGS 84）");
        SPEED_FACTOR = ("speed_factor.invalid", "More than 1 and at most 20, and only for an event that does not close the road", "应大于 1 且不超过 20，且仅用于不封闭道路的事件");
        OTHER_PARTY = ("other_party.unknown", "No registered citizen with this mobile number", "该手机号未注册，请对方先注册");
        NAME = ("name.invalid", "Not a valid name", "姓名无效");
        MATERIALS = ("materials.missing", "Required materials are missing, or one is not for this service", "申请材料不全或不符");
        SERVICE = ("service.unknown", "Unknown service", "未知业务类型");
        LIABILITY = ("liability.inconsistent", "The parties' liabilities do not fit together", "双方责任认定不一致");
    }
}

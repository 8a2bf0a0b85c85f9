//! The approval window's stable error codes (see `jingwu_core::problem_codes` for the
//! registry's rules; codes are unique across every system's registry).

jingwu_core::problem_codes! {
    problems {
        ITEM_EXISTS = ("permit_item_exists", 409, "An item with this code exists", "该事项编码已存在");
        ITEM_NOT_ONLINE = ("permit_item_not_online", 409, "This item is not handled online", "该事项不支持网上办理");
        ITEM_NOT_BOOKABLE = ("permit_item_not_bookable", 409, "This item is not booked at this office", "该服务点不办理该事项的预约");
        SLOT_FULL = ("slot_full", 409, "The slot is fully booked", "该时段已约满");
        SLOT_UNAVAILABLE = ("slot_unavailable", 409, "No such slot, or it is outside the booking window", "该时段不可预约");
        HOLD_EXPIRED = ("hold_expired", 409, "The hold has expired", "暂留已过期，请重新选择时段");
        APPOINTMENT_STATE = ("appointment_state", 409, "The appointment cannot do that now", "预约当前状态不允许该操作");
        ALREADY_BOOKED = ("already_booked", 409, "You have an appointment for this item already", "您已预约该事项");
        BOOKING_SUSPENDED = ("booking_suspended", 409, "Online booking is suspended after repeated no-shows", "多次爽约，暂停网上预约");
        IDEMPOTENCY_REUSED = ("idempotency_key_reused", 422, "The idempotency key was used for a different request", "幂等键已用于其他请求");
        TICKET_STATE = ("ticket_state", 409, "The ticket cannot do that now", "号票当前状态不允许该操作");
        QUEUE_EMPTY = ("queue_empty", 409, "Nobody is waiting for this window", "当前没有等候人员");
        WINDOW_CLOSED = ("window_closed", 409, "The window is closed", "该窗口未开放");
        PERMIT_APPLICATION_STATE = ("permit_application_state", 409, "The application cannot move to that status", "申请当前状态不允许该操作");
        INCOMPLETE = ("application_incomplete", 422, "Materials or form fields are missing", "申请材料或表单不完整");
        PERMIT_FEE_UNPAID = ("permit_fee_unpaid", 409, "The fee is not paid yet", "费用尚未缴纳");
        MATERIAL_REJECTED = ("material_rejected", 422, "The file is not an accepted type or is too large", "文件类型不符或超过大小限制");
    }
    fields {
        CODE = ("permit_code.invalid", "Not a valid code", "编码无效");
        TEXT = ("permit_text.invalid", "Required, within its length limit", "必填，且不超过长度限制");
        FORM = ("form_field.invalid", "Missing or not in the right format", "未填写或格式不正确");
        PLAN = ("plan.invalid", "Not a valid working plan", "工作时间设置无效");
        NUMBER = ("permit_number.invalid", "Out of range", "数值超出范围");
        TIME = ("permit_time.invalid", "Not an instant (RFC 3339)", "时间格式无效（RFC 3339）");
        PERSON = ("person.invalid", "Name, resident ID and mobile number of the applicant", "申请人姓名、身份证号、手机号不正确");
        ADDRESS = ("postal_address.invalid", "A postal address of at most 200 characters", "邮寄地址无效（不超过200字）");
        MATERIAL = ("material_code.unknown", "Not a material of this item", "不是该事项的申请材料");
    }
}

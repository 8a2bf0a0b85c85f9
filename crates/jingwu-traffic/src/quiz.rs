//! The online-study quiz: a bank of road-safety questions (facts of the Road Traffic Safety
//! Law, its Implementing Regulations, GB 19522 and MPS Order 163), a deterministic draw spread
//! over the categories, and scoring.

use serde::Serialize;

jingwu_core::text_enum! {
    /// The subject of a question.
    pub enum QuestionCategory: "question category" {
        Signs = "signs" ("交通信号与标志", "Signals and signs"),
        RightOfWay = "right_of_way" ("通行与让行", "Right of way"),
        Drink = "drink" ("酒后驾驶", "Drink-driving"),
        Speed = "speed" ("车速", "Speed"),
        Accident = "accident" ("事故处理", "Accidents"),
        Law = "law" ("法规与记分", "Law and points"),
    }
}

/// One multiple-choice question; `answer` indexes both choice lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: &'static str,
    pub category: QuestionCategory,
    pub text_zh: &'static str,
    pub text_en: &'static str,
    pub choices_zh: &'static [&'static str],
    pub choices_en: &'static [&'static str],
    pub answer: u8,
}

/// Questions in one quiz.
pub const QUIZ_LEN: usize = 10;
/// Correct answers needed to pass.
pub const PASS_MARK: usize = 9;
/// Time allowed for one quiz.
pub const QUIZ_MINUTES: i64 = 30;

use QuestionCategory::*;

const fn q(
    id: &'static str,
    category: QuestionCategory,
    text_zh: &'static str,
    text_en: &'static str,
    choices_zh: &'static [&'static str],
    choices_en: &'static [&'static str],
    answer: u8,
) -> Question {
    Question {
        id,
        category,
        text_zh,
        text_en,
        choices_zh,
        choices_en,
        answer,
    }
}

/// The question bank.
pub static BANK: &[Question] = &[
    // Signals and signs.
    q(
        "S01",
        Signs,
        "红色八角形、写有“停”字的标志表示什么？",
        "What does the red octagonal sign marked 停 mean?",
        &["减速让行", "禁止通行", "注意行人", "停车让行"],
        &[
            "Slow down and yield",
            "No entry",
            "Watch for pedestrians",
            "Stop and yield",
        ],
        3,
    ),
    q(
        "S02",
        Signs,
        "红边白底的倒三角形标志表示什么？",
        "What does an inverted triangle with a red border mean?",
        &["停车让行", "注意危险", "减速让行", "禁止超车"],
        &[
            "Stop and yield",
            "Danger",
            "Slow down and yield",
            "No overtaking",
        ],
        2,
    ),
    q(
        "S03",
        Signs,
        "黄底黑边的三角形标志属于哪一类？",
        "Which kind of sign is a yellow triangle with a black border?",
        &["禁令标志", "警告标志", "指示标志", "指路标志"],
        &[
            "Prohibition sign",
            "Warning sign",
            "Mandatory sign",
            "Direction sign",
        ],
        1,
    ),
    q(
        "S04",
        Signs,
        "蓝底白图案的圆形标志属于哪一类？",
        "Which kind of sign is a blue circle with a white symbol?",
        &["指示标志", "禁令标志", "警告标志", "旅游区标志"],
        &[
            "Mandatory sign",
            "Prohibition sign",
            "Warning sign",
            "Tourist sign",
        ],
        0,
    ),
    q(
        "S05",
        Signs,
        "持续闪烁的黄灯表示什么？",
        "What does a continuously flashing yellow light mean?",
        &[
            "禁止通行",
            "加速通过",
            "必须停车等待绿灯",
            "注意瞭望，确认安全后通过",
        ],
        &[
            "No entry",
            "Speed up and pass",
            "Stop and wait for green",
            "Look out and proceed once it is safe",
        ],
        3,
    ),
    q(
        "S06",
        Signs,
        "绿灯亮时，转弯的机动车应当怎样通行？",
        "On green, how must turning vehicles proceed?",
        &[
            "优先于直行车辆通行",
            "鸣喇叭后通行",
            "不得妨碍被放行的直行车辆和行人通行",
            "只能右转",
        ],
        &[
            "Ahead of straight-on vehicles",
            "After sounding the horn",
            "Without hindering straight-on vehicles and pedestrians that have the green",
            "Right turns only",
        ],
        2,
    ),
    // Right of way.
    q(
        "R01",
        RightOfWay,
        "机动车行经人行横道，遇行人正在通过时应当怎样做？",
        "A pedestrian is crossing at a crosswalk. What must the driver do?",
        &["鸣喇叭催促", "停车让行", "从行人身后绕行", "加速通过"],
        &[
            "Sound the horn",
            "Stop and let them cross",
            "Pass behind the pedestrian",
            "Speed up",
        ],
        1,
    ),
    q(
        "R02",
        RightOfWay,
        "执行紧急任务的警车、消防车、救护车使用警报器、标志灯具时，其他车辆应当怎样做？",
        "Police cars, fire engines and ambulances on urgent duty use sirens and lights. What must other vehicles do?",
        &["让行", "跟随其后快速通过", "保持原速行驶", "鸣喇叭示意"],
        &[
            "Give way",
            "Follow closely behind",
            "Keep the same speed",
            "Sound the horn",
        ],
        0,
    ),
    q(
        "R03",
        RightOfWay,
        "进入环形路口的机动车应当让哪些车辆先行？",
        "A vehicle entering a roundabout must give way to whom?",
        &[
            "准备进入路口的机动车",
            "右侧道路的来车",
            "不需要让行",
            "已在路口内的机动车",
        ],
        &[
            "Vehicles about to enter",
            "Vehicles coming from the right",
            "Nobody",
            "Vehicles already in the roundabout",
        ],
        3,
    ),
    q(
        "R04",
        RightOfWay,
        "在没有交通信号灯和交通标志、标线控制的路口，应当让哪一方的来车先行？",
        "At a junction without signals, signs or markings, whose vehicles go first?",
        &[
            "左方道路的来车",
            "车速较快的车辆",
            "右方道路的来车",
            "车型较大的车辆",
        ],
        &[
            "Vehicles from the road on the left",
            "The faster vehicles",
            "Vehicles from the road on the right",
            "The larger vehicles",
        ],
        2,
    ),
    q(
        "R05",
        RightOfWay,
        "在没有信号灯控制的路口，转弯的机动车与直行的车辆相遇时应当怎样？",
        "At a junction without signals, a turning vehicle meets a straight-on vehicle. Who goes first?",
        &[
            "直行的车辆让转弯的机动车先行",
            "转弯的机动车让直行的车辆先行",
            "谁先到谁先行",
            "车型较大的先行",
        ],
        &[
            "The straight-on vehicle gives way",
            "The turning vehicle gives way to the straight-on vehicle",
            "Whoever arrives first",
            "The larger vehicle",
        ],
        1,
    ),
    q(
        "R06",
        RightOfWay,
        "相对方向行驶的右转弯机动车与左转弯车辆相遇时，谁先行？",
        "A right-turning vehicle meets an oncoming left-turning vehicle. Who goes first?",
        &[
            "左转弯的车辆",
            "右转弯的机动车",
            "车速较快的车辆",
            "同时通过",
        ],
        &[
            "The left-turning vehicle",
            "The right-turning vehicle",
            "The faster one",
            "Both at once",
        ],
        0,
    ),
    // Drink-driving.
    q(
        "D01",
        Drink,
        "驾驶人血液中的酒精含量达到多少属于饮酒后驾驶？",
        "At what blood alcohol content is a driver driving after drinking?",
        &[
            "10毫克/100毫升以上",
            "50毫克/100毫升以上",
            "80毫克/100毫升以上",
            "20毫克/100毫升以上、不满80毫克/100毫升",
        ],
        &[
            "10 mg/100 mL or more",
            "50 mg/100 mL or more",
            "80 mg/100 mL or more",
            "20 mg/100 mL or more, below 80 mg/100 mL",
        ],
        3,
    ),
    q(
        "D02",
        Drink,
        "驾驶人血液中的酒精含量达到多少属于醉酒驾驶？",
        "At what blood alcohol content is a driver drunk?",
        &[
            "20毫克/100毫升以上",
            "50毫克/100毫升以上",
            "80毫克/100毫升以上",
            "100毫克/100毫升以上",
        ],
        &[
            "20 mg/100 mL or more",
            "50 mg/100 mL or more",
            "80 mg/100 mL or more",
            "100 mg/100 mL or more",
        ],
        2,
    ),
    q(
        "D03",
        Drink,
        "饮酒后驾驶机动车一次记多少分？",
        "How many points does driving after drinking record?",
        &["6分", "12分", "9分", "3分"],
        &["6", "12", "9", "3"],
        1,
    ),
    q(
        "D04",
        Drink,
        "醉酒驾驶机动车被吊销驾驶证后，多少年内不得重新取得驾驶证？",
        "After a licence is revoked for drunk driving, how long before a new licence may be obtained?",
        &["5年", "1年", "2年", "终身"],
        &["5 years", "1 year", "2 years", "Never"],
        0,
    ),
    q(
        "D05",
        Drink,
        "初次饮酒后驾驶机动车的，暂扣驾驶证多长时间？",
        "For a first offence of driving after drinking, how long is the licence withheld?",
        &["1个月", "3个月", "12个月", "6个月"],
        &["1 month", "3 months", "12 months", "6 months"],
        3,
    ),
    // Speed.
    q(
        "V01",
        Speed,
        "在没有道路中心线的城市道路上，机动车最高时速不得超过多少？",
        "On an urban road without a centre line, what is the speed limit?",
        &["40公里", "50公里", "30公里", "70公里"],
        &["40 km/h", "50 km/h", "30 km/h", "70 km/h"],
        2,
    ),
    q(
        "V02",
        Speed,
        "高速公路上小型载客汽车最高车速不得超过多少？",
        "What is the highest speed for small passenger cars on an expressway?",
        &[
            "每小时100公里",
            "每小时120公里",
            "每小时130公里",
            "每小时150公里",
        ],
        &["100 km/h", "120 km/h", "130 km/h", "150 km/h"],
        1,
    ),
    q(
        "V03",
        Speed,
        "高速公路上机动车的最低车速不得低于多少？",
        "What is the lowest speed allowed on an expressway?",
        &[
            "每小时60公里",
            "每小时40公里",
            "每小时50公里",
            "每小时80公里",
        ],
        &["60 km/h", "40 km/h", "50 km/h", "80 km/h"],
        0,
    ),
    q(
        "V04",
        Speed,
        "在高速公路上遇能见度小于50米的雾天，应当怎样做？",
        "On an expressway in fog with visibility under 50 m, what must a driver do?",
        &[
            "车速不超过每小时60公里",
            "开启远光灯正常行驶",
            "在行车道上停车等待",
            "车速不超过每小时20公里，并从最近的出口尽快驶离",
        ],
        &[
            "Keep under 60 km/h",
            "Use high beams and drive on",
            "Stop in the lane and wait",
            "Keep under 20 km/h and leave at the nearest exit",
        ],
        3,
    ),
    q(
        "V05",
        Speed,
        "在高速公路上遇能见度小于200米时，车速和车距应当怎样？",
        "On an expressway with visibility under 200 m, what speed and distance apply?",
        &[
            "车速不超过每小时80公里，保持50米以上距离",
            "车速不超过每小时100公里",
            "车速不超过每小时60公里，与同车道前车保持100米以上距离",
            "车速不超过每小时40公里，保持20米以上距离",
        ],
        &[
            "Under 80 km/h, 50 m or more",
            "Under 100 km/h",
            "Under 60 km/h, 100 m or more behind the vehicle ahead",
            "Under 40 km/h, 20 m or more",
        ],
        2,
    ),
    q(
        "V06",
        Speed,
        "在普通道路上超过规定时速20%以上未达到50%的，记几分？",
        "Speeding 20% to under 50% over the limit on an ordinary road records how many points?",
        &["1分", "3分", "6分", "12分"],
        &["1", "3", "6", "12"],
        1,
    ),
    // Accidents.
    q(
        "A01",
        Accident,
        "在道路上发生未造成人身伤亡、当事人对事实及成因无争议的交通事故，应当怎样做？",
        "An accident on the road injures nobody and the parties agree on the facts. What should they do?",
        &[
            "即行撤离现场，恢复交通，自行协商处理",
            "保持现场等待交警",
            "各自离开不再处理",
            "先报保险公司再移车",
        ],
        &[
            "Clear the scene at once, restore traffic and settle between themselves",
            "Leave everything in place and wait for the police",
            "Leave without settling",
            "Call the insurer before moving",
        ],
        0,
    ),
    q(
        "A02",
        Accident,
        "发生造成人员受伤的交通事故，驾驶人应当怎样做？",
        "An accident injures someone. What must the driver do?",
        &[
            "驶离现场后再报警",
            "与伤者私了后离开",
            "只需报告保险公司",
            "立即停车，保护现场，抢救受伤人员，并迅速报告交警",
        ],
        &[
            "Drive away and call later",
            "Settle privately and leave",
            "Only tell the insurer",
            "Stop at once, protect the scene, help the injured and report to the police quickly",
        ],
        3,
    ),
    q(
        "A03",
        Accident,
        "机动车在高速公路上发生故障或事故停车后，警告标志应当设置在车后多远？",
        "After a breakdown or accident on an expressway, how far behind the vehicle goes the warning triangle?",
        &["50米以外", "100米以内", "150米以外", "30米以内"],
        &["Over 50 m", "Within 100 m", "Over 150 m", "Within 30 m"],
        2,
    ),
    q(
        "A04",
        Accident,
        "机动车在普通道路上发生故障难以移动时，警告标志应当设置在车后多远？",
        "A vehicle broken down on an ordinary road cannot be moved. How far behind it goes the warning triangle?",
        &["10米处", "50米至100米处", "150米以外", "不需要设置"],
        &["10 m", "50 to 100 m", "Over 150 m", "None needed"],
        1,
    ),
    q(
        "A05",
        Accident,
        "交通事故报警电话是多少？",
        "Which number reports a traffic accident?",
        &["122", "119", "120", "12345"],
        &["122", "119", "120", "12345"],
        0,
    ),
    q(
        "A06",
        Accident,
        "造成交通事故后逃逸，致人轻伤以上但尚不构成犯罪的，一次记多少分？",
        "A hit-and-run causing light injury or worse, not a crime, records how many points?",
        &["6分", "9分", "3分", "12分"],
        &["6", "9", "3", "12"],
        3,
    ),
    // Law and points.
    q(
        "L01",
        Law,
        "驾驶证记分周期为多长？",
        "How long is a scoring cycle of the driving licence?",
        &[
            "1个自然年",
            "24个月",
            "12个月，自初次领证之日起计算",
            "6个月",
        ],
        &[
            "One calendar year",
            "24 months",
            "12 months from the date the first licence was issued",
            "6 months",
        ],
        2,
    ),
    q(
        "L02",
        Law,
        "一个记分周期的满分是多少分？",
        "What is the full score of a scoring cycle?",
        &["10分", "12分", "6分", "24分"],
        &["10", "12", "6", "24"],
        1,
    ),
    q(
        "L03",
        Law,
        "驾驶时拨打接听手持电话的，一次记几分？",
        "Using a handheld phone while driving records how many points?",
        &["3分", "1分", "6分", "9分"],
        &["3", "1", "6", "9"],
        0,
    ),
    q(
        "L04",
        Law,
        "驾驶时未按规定使用安全带的，一次记几分？",
        "Not wearing a seat belt records how many points?",
        &["3分", "6分", "不记分", "1分"],
        &["3", "6", "None", "1"],
        3,
    ),
    q(
        "L05",
        Law,
        "初次申领的机动车驾驶证实习期为多长？",
        "How long is the probation period of a first driving licence?",
        &["6个月", "24个月", "12个月", "3个月"],
        &["6 months", "24 months", "12 months", "3 months"],
        2,
    ),
    q(
        "L06",
        Law,
        "到期不缴纳罚款的，每日按罚款数额的多少加处罚款？",
        "If a fine is not paid in time, what is added per day?",
        &["1%", "3%", "5%", "10%"],
        &[
            "1% of the fine",
            "3% of the fine",
            "5% of the fine",
            "10% of the fine",
        ],
        1,
    ),
];

/// SplitMix64: a small, well-distributed generator, enough for a reproducible draw.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// `n` distinct questions (at most the bank's size), the same for the same seed. Categories
/// take turns in a seeded order, so any draw of six or more covers every category and no
/// category has more than one question above another's while all have questions left.
pub fn draw(seed: u64, n: usize) -> Vec<&'static Question> {
    let mut rng = SplitMix(seed);
    let mut categories = QuestionCategory::ALL;
    rng.shuffle(&mut categories);
    let mut pools: Vec<Vec<&'static Question>> = categories
        .iter()
        .map(|c| {
            let mut pool: Vec<&'static Question> =
                BANK.iter().filter(|q| q.category == *c).collect();
            rng.shuffle(&mut pool);
            pool
        })
        .collect();
    let mut out = Vec::with_capacity(n.min(BANK.len()));
    while out.len() < n {
        let before = out.len();
        for pool in &mut pools {
            if out.len() == n {
                break;
            }
            if let Some(q) = pool.pop() {
                out.push(q);
            }
        }
        if out.len() == before {
            break;
        }
    }
    out
}

/// Correct answers: `answers[i]` is the choice for `questions[i]`; missing answers are wrong.
pub fn score(questions: &[&Question], answers: &[u8]) -> usize {
    questions
        .iter()
        .zip(answers)
        .filter(|(q, a)| q.answer == **a)
        .count()
}

/// Whether `correct` answers pass the quiz.
pub const fn passed(correct: usize) -> bool {
    correct >= PASS_MARK
}

/// The question of the bank with this id.
#[must_use]
pub fn question(id: &str) -> Option<&'static Question> {
    BANK.iter().find(|q| q.id == id)
}

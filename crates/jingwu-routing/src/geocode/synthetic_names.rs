//! Street names and house numbers for the synthetic city, so that an address in the demo
//! describes a point. Every grid line is one street (or two halves of one, named after their
//! side of the centre as Chinese cities do: 「中山东路」/「中山西路」), with a stable name taken
//! from the line's index; house numbers grow with the distance from the street's start (the
//! centre for halves), odd on the left and even on the right.
//!
//! The grid position of each node is recovered from its coordinates (the generator's jitter
//! is under half a block), so the generator itself needs to know nothing about names.

use std::collections::{BTreeMap, HashMap};

use super::{AddressBook, AddressBookBuilder};
use crate::geo_util::LocalProjection;
use crate::graph::Graph;
use crate::synthetic::SyntheticCity;

/// Street name stems with their pinyin. Ningbo-flavoured, avoiding the characters the query
/// parser reads as separators or divisions (与, 和, 市, 区, 县).
const STEMS: [(&str, &str); 60] = [
    ("中山", "Zhongshan"),
    ("解放", "Jiefang"),
    ("江东", "Jiangdong"),
    ("百丈", "Baizhang"),
    ("世纪", "Shiji"),
    ("鄞州", "Yinzhou"),
    ("环城", "Huancheng"),
    ("人民", "Renmin"),
    ("新典", "Xindian"),
    ("天童", "Tiantong"),
    ("兴宁", "Xingning"),
    ("宁穿", "Ningchuan"),
    ("福明", "Fuming"),
    ("民安", "Min'an"),
    ("彩虹", "Caihong"),
    ("惊驾", "Jingjia"),
    ("桑田", "Sangtian"),
    ("沧海", "Canghai"),
    ("钱湖", "Qianhu"),
    ("四明", "Siming"),
    ("药行", "Yaohang"),
    ("开明", "Kaiming"),
    ("府桥", "Fuqiao"),
    ("镇明", "Zhenming"),
    ("柳汀", "Liuting"),
    ("长春", "Changchun"),
    ("永丰", "Yongfeng"),
    ("大庆", "Daqing"),
    ("通途", "Tongtu"),
    ("甬江", "Yongjiang"),
    ("姚江", "Yaojiang"),
    ("东海", "Donghai"),
    ("青林", "Qinglin"),
    ("日丽", "Rili"),
    ("永寿", "Yongshou"),
    ("灵桥", "Lingqiao"),
    ("孝闻", "Xiaowen"),
    ("苍松", "Cangsong"),
    ("翠柏", "Cuibai"),
    ("海晏", "Haiyan"),
    ("曙光", "Shuguang"),
    ("朝晖", "Zhaohui"),
    ("嘉会", "Jiahui"),
    ("会展", "Huizhan"),
    ("泰康", "Taikang"),
    ("宁南", "Ningnan"),
    ("天一", "Tianyi"),
    ("月湖", "Yuehu"),
    ("槐树", "Huaishu"),
    ("樱花", "Yinghua"),
    ("丹凤", "Danfeng"),
    ("芝兰", "Zhilan"),
    ("云霞", "Yunxia"),
    ("书院", "Shuyuan"),
    ("文昌", "Wenchang"),
    ("明月", "Mingyue"),
    ("清风", "Qingfeng"),
    ("学府", "Xuefu"),
    ("新河", "Xinhe"),
    ("泗港", "Sigang"),
];

/// Metres of street per step of house numbers (two numbers, one per side, per step).
const METRES_PER_STEP: f64 = 10.0;
/// How far houses stand from the centre line.
const HOUSE_OFFSET_M: f64 = 8.0;

/// Chinese numeral for 2..=99 (「二」, 「十二」, 「二十」…).
fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", D[n % 10]),
        _ => format!("{}十{}", D[(n / 10) % 10], D[n % 10]),
    }
}

fn ordinal_en(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Which way a grid line runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// East-west (a row): 「东路」/「西路」, major 「大道」 (Avenue).
    Row,
    /// North-south (a column): 「北路」/「南路」, major 「大街」 (Boulevard).
    Column,
}

/// A street: its names and the grid indices along the line it covers, in numbering order.
struct Plan {
    name: String,
    name_en: String,
    along: Vec<usize>,
}

/// The streets of grid line `i` of `side` lines: one whole street for major lines and for lines
/// beyond the first 60 of an axis (「中山二路」), else two halves named by side of the centre.
fn plans(axis: Axis, i: usize, side: usize) -> Vec<Plan> {
    // Stride 37 is coprime to 60, so neighbouring lines get unrelated stems.
    let (stem, stem_en) = STEMS[(i * 37 + if axis == Axis::Row { 0 } else { 11 }) % STEMS.len()];
    let series = i / STEMS.len();
    let major = i.is_multiple_of(16);
    let mid = side / 2;
    let whole = |name: String, name_en: String| Plan {
        name,
        name_en,
        along: (0..side).collect(),
    };
    let (major_zh, major_en, plain_zh, plain_en) = match axis {
        Axis::Row => ("大道", "Avenue", "路", "Road"),
        Axis::Column => ("大街", "Boulevard", "街", "Street"),
    };
    if series > 0 {
        let (zh, en) = if major {
            (major_zh, major_en)
        } else {
            (plain_zh, plain_en)
        };
        return vec![whole(
            format!("{stem}{}{zh}", cn_number(series + 1)),
            format!("{stem_en} {} {en}", ordinal_en(series + 1)),
        )];
    }
    if major {
        return vec![whole(
            format!("{stem}{major_zh}"),
            format!("{stem_en} {major_en}"),
        )];
    }
    // Halves are numbered from the centre outwards; both include the centre line.
    let (low, high) = match axis {
        Axis::Row => (("西", "West"), ("东", "East")),
        Axis::Column => (("南", "South"), ("北", "North")),
    };
    vec![
        Plan {
            name: format!("{stem}{}路", low.0),
            name_en: format!("{stem_en} {} Road", low.1),
            along: (0..=mid.min(side - 1)).rev().collect(),
        },
        Plan {
            name: format!("{stem}{}路", high.0),
            name_en: format!("{stem_en} {} Road", high.1),
            along: (mid..side).collect(),
        },
    ]
}

impl SyntheticCity {
    /// The node at each grid point `(row, column)` of this city's `graph`, recovered from its
    /// coordinates (the generator's jitter is under half a block).
    pub(crate) fn grid_nodes(&self, graph: &Graph) -> HashMap<(usize, usize), u32> {
        let side = (self.nodes as f64).sqrt().ceil() as usize;
        // The generator's layout: grid point (r, c) sits at ((c, r) * spacing - half) metres
        // from the centre before jitter, with these metres per degree.
        let m_per_deg_lat = 111_195.0;
        let m_per_deg_lon = m_per_deg_lat * self.center.0.to_radians().cos();
        let half = side as f64 * self.spacing_m / 2.0;
        let mut grid: HashMap<(usize, usize), u32> = HashMap::with_capacity(graph.node_count());
        for n in 0..graph.node_count() as u32 {
            let (lat, lon) = graph.coord(n);
            let y = (lat - self.center.0) * m_per_deg_lat + half;
            let x = (lon - self.center.1) * m_per_deg_lon + half;
            let (r, c) = ((y / self.spacing_m).round(), (x / self.spacing_m).round());
            if r >= 0.0 && c >= 0.0 {
                grid.insert((r as usize, c as usize), n);
            }
        }
        grid
    }

    /// The street names, house numbers and crossroads of this city's `graph` (the graph
    /// [`SyntheticCity::generate`] made with the same parameters).
    #[must_use]
    pub fn addresses(&self, graph: &Graph) -> AddressBook {
        let side = (self.nodes as f64).sqrt().ceil() as usize;
        let grid = self.grid_nodes(graph);
        let proj = LocalProjection::new(self.center.0, self.center.1);
        let mut b = AddressBookBuilder::new();
        // Streets through each grid point, to record crossroads.
        let mut through: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for axis in [Axis::Row, Axis::Column] {
            for i in 0..side {
                for plan in plans(axis, i, side) {
                    let Some(id) = b.street(&plan.name, &plan.name_en) else {
                        continue;
                    };
                    let at = |k: usize| match axis {
                        Axis::Row => grid.get(&(i, k)).copied(),
                        Axis::Column => grid.get(&(k, i)).copied(),
                    };
                    let nodes: Vec<u32> = plan.along.iter().filter_map(|&k| at(k)).collect();
                    let mut walked = 0.0;
                    for w in nodes.windows(2) {
                        let (u, v) = (w[0], w[1]);
                        let (pu, pv) = (graph.coord(u), graph.coord(v));
                        let (a, c) = (proj.project(pu.0, pu.1), proj.project(pv.0, pv.1));
                        let (dx, dy) = (c[0] - a[0], c[1] - a[1]);
                        let len = dx.hypot(dy);
                        let road = graph.find_edge(u, v).or_else(|| graph.find_edge(v, u));
                        if road.is_some() && len > 0.0 {
                            b.add_line(id, &[pu, pv]);
                            let step = ((walked + len / 2.0) / METRES_PER_STEP).floor() as u32;
                            let mid = [(a[0] + c[0]) / 2.0, (a[1] + c[1]) / 2.0];
                            let left = [-dy / len * HOUSE_OFFSET_M, dx / len * HOUSE_OFFSET_M];
                            for (number, sign) in [(2 * step + 1, 1.0), (2 * step + 2, -1.0)] {
                                let (la, lo) = proj
                                    .unproject([mid[0] + sign * left[0], mid[1] + sign * left[1]]);
                                b.add_house(id, &number.to_string(), la, lo);
                            }
                            through.entry(u).or_default().push(id);
                            through.entry(v).or_default().push(id);
                        }
                        walked += len;
                    }
                }
            }
        }
        for (node, streets) in &through {
            let (lat, lon) = graph.coord(*node);
            for (k, &a) in streets.iter().enumerate() {
                for &c in &streets[k + 1..] {
                    b.add_crossing(a, c, lat, lon);
                }
            }
        }
        b.build()
    }
}

"""Interface text of the classroom app in English and Chinese, and the plain-words panel.

Parameter labels and help come from ``sim.params`` declarations, output labels from
``sim.metrics.OUTPUT_INFO`` and package labels from ``sim.policies.PACKAGE_LABELS``; this
module holds only the words that belong to the page itself.
"""

from __future__ import annotations

from sim.ladder import RUNG_LABELS, RUNGS

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Interface languages; the first is the default."""
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
"""Each language's name in itself (the label of the switch that selects it)."""

_STRINGS: dict[str, tuple[str, str]] = {
    "title": ("School–enterprise cooperation: why firms stop at internships",
              "校企合作:企业为何止步于实习"),
    "run": ("Run", "运行"),
    "step": ("Step", "单步"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "year": ("Year {year:.1f} of {horizon}", "第 {year:.1f} 年 / 共 {horizon} 年"),
    "horizon_reached": ("End of the horizon: press Reset to start again.",
                        "已到模拟期末:按“重置”重新开始。"),
    "presets": ("Policy presets (one click: set and restart)", "政策组合(一键设置并重新开始)"),
    "levers": ("Policy levers", "政策杠杆"),
    "advanced": ("Advanced: the other levers", "高级:其余政策杠杆"),
    "seed": ("Random seed", "随机种子"),
    "pending": ("{what} applies when you press Reset (it shapes the world when a run starts).",
                "{what}在按“重置”后生效(它在新一轮模拟开始时决定模拟世界)。"),
    "live_hint": ("Levers act on the running model from the next step on; each change is "
                  "marked on the charts.",
                  "政策杠杆从下一步起作用于正在运行的模型;每次调整都会在图上标出。"),
    "seed_hint": ("The seed and the industry-professor quota need Reset.",
                  "随机种子和产业教授比例需按“重置”生效。"),
    "projector": ("Projector (large text)", "投影模式(大字)"),
    "question": ("Why do firms stop at internships?", "为什么企业止步于实习?"),
    "first_click": ("Press Play and watch the light-blue band (internships). At year 5, drag "
                    "\u201cCity consortia and platforms\u201d to 0.7: the charts mark the change; "
                    "see what moves from then on, and what does not.",
                    "按“播放”,观察浅蓝色区域(实习)。到第5年,把“市域产教联合体”拖到0.7:"
                    "图上会标出这次调整;看看此后哪些变化了,哪些没有变。"),
    "joint_rd_ties": ("Joint R&D ties", "联合研发合作数"),
    "ties_unit": ("ties", "个"),
    "annual_public_cost": ("Public spending over the past year", "近一年公共支出"),
    "watch_shares": ("How the ties are spread over the four rungs: most stay light blue "
                     "(internships).",
                     "合作在四个层级上的分布:大多数停留在浅蓝色(实习)。"),
    "watch_joint_rd": ("The deepest rung, counted in ties between the firms and colleges.",
                       "最深的合作层级,按校企合作个数计。"),
    "watch_participation": ("Colleges are keen, firms hesitate: the gap between the two "
                            "willingness lines.",
                            "“校热企冷”:两条意愿曲线之间的差距。"),
    "dashed_status_quo": ("Solid lines: the chosen policy. Dashed dark lines: the status quo, "
                          "same seed.", "实线:所选政策。深色虚线:现状(相同随机种子)。"),
    "class_board": ("Class board {code}", "班级看板 {code}"),
    "your_name": ("Your name", "你的名字"),
    "submit": ("Submit my policy", "提交我的政策"),
    "submitted": ("Submitted as number {id} (your run up to year {year:.1f}).",
                  "已提交,编号{id}(你的模拟到第{year:.1f}年)。"),
    "submissions": ("Students' policies", "学生的政策"),
    "ref_status_quo": ("Status quo", "现状"),
    "ref_reform_package": ("Full reform package", "全面改革组合"),
    "plane_title": ("Public cost and deep cooperation", "公共成本与深度合作"),
    "plane_x": ("Public spending (CNY million per year)", "公共支出(百万元/年)"),
    "plane_y": ("Deep ties (share)", "深度合作占比"),
    "plane_help": ("Each dot is a student's policy at the end of their run: further right "
                   "costs more, higher means more ties at joint training or joint R&D. The "
                   "reference points are 15-year runs with the class's default seed.",
                   "每个点是一位学生的政策在其模拟结束时的结果:越靠右花费越多,越靠上联合培养和"
                   "联合研发的合作越多。参照点为使用默认随机种子的15年模拟。"),
    "refresh": ("Refresh", "刷新"),
    "replay": ("Replay {student}", "重放 {student}"),
    "replaying": ("Replay of {student}'s policy (to year {year:.1f})",
                  "重放{student}的政策(到第{year:.1f}年)"),
    "col_id": ("No.", "编号"),
    "col_student": ("Student", "学生"),
    "col_year": ("Year", "年"),
    "col_cost": ("Spending (CNY million/yr)", "支出(百万元/年)"),
    "col_deep": ("Deep ties", "深度合作"),
    "col_changes": ("Changes", "调整次数"),
    "ledger": ("A firm's ledger: why firms stop at internships", "企业账本:企业为何止步于实习"),
    "ledger_title": ("A firm of {employees} employees: a year of one tie, by rung",
                     "一家{employees}人的企业:一项合作一年的收支(按层级)"),
    "ledger_title_picked": ("Firm {firm} ({employees} employees, picked in the network): "
                            "a year of one tie, by rung",
                            "企业{firm}({employees}人,在网络图中选中):一项合作一年的收支(按层级)"),
    "ledger_pick_hint": ("Or click a firm's dot in the network to see its own ledger.",
                         "也可以在网络图中点击某家企业的圆点,查看它自己的账本。"),
    "ledger_unit": ("CNY thousand per year", "千元/年"),
    "ledger_help": ("Bars above zero are what a tie brings the firm, bars below what it costs; "
                    "the diamond is the net. Faded bars and the grey square: the same firm "
                    "under the status quo. Computed by the model's own payoff functions.",
                    "零线以上是合作给企业带来的收益,以下是成本;菱形为净收益。浅色柱和灰色方块:"
                    "同一企业在现状下的情况。由模型自身的收益函数计算。"),
    "net": ("Net", "净收益"),
    "size_small": ("Small firm", "小企业"),
    "size_medium": ("Medium firm", "中型企业"),
    "size_large": ("Large firm", "大企业"),
    "watch_spending": ("What the policy costs the public purse per year.",
                       "政策每年花费的公共资金。"),
    "compare": ("Side by side with the status quo (same seed)", "与现状并排对比(相同随机种子)"),
    "custom": ("Custom policy", "自定义政策"),
    "running_policy": ("The policy in the running model", "当前运行模型中的政策"),
    "policy_run": ("Chosen policy", "所选政策"),
    "status_quo_run": ("Status quo", "现状"),
    "network": ("Cooperation network", "合作网络"),
    "network_caption": ("Squares: colleges (inner ring). Dots: enterprises (outer ring), "
                        "coloured by their highest rung, grey if no tie. Lines: ties, "
                        "coloured by rung.",
                        "方块:院校(内圈)。圆点:企业(外圈),按最高合作层级着色,"
                        "灰色表示无合作。连线:合作关系,按层级着色。"),
    "charts": ("What happens over time", "随时间的变化"),
    "explain": ("What am I looking at?", "我在看什么?"),
    "lever_help": ("What each lever does", "每个政策杠杆的作用"),
    "year_axis": ("Years", "年"),
    "participation_willingness": ("Large firms' participation and willingness to cooperate",
                                  "大型企业参与率与校企合作意愿"),
    "readout": ("The numbers now (year {year:.1f})", "当前数值(第 {year:.1f} 年)"),
    "difference": ("Difference", "差值"),
    "unit": ("Unit", "单位"),
    "ties_by_rung": ("Ties by rung (share)", "各层级合作占比"),
    "no_ties": ("No tie", "无合作"),
    "college": ("College", "院校"),
    "seed_label": ("seed", "种子"),
}


_EXPLANATION = {
    "en": """
**The ladder.** A college and an enterprise can cooperate at four depths, lowest first:
*internship* (students placed in the firm), *expert exchange* (industry professors teach,
teachers practise in the firm), *joint training* (apprenticeships, order classes) and
*joint R&D*. Each rung costs the firm more and pays back later.

**Why firms stop low.** Colleges are rewarded for *having* partners, so they are keen on any
tie. Firms weigh cost against benefit: interns are cheap, but apprentices cost money and may
be hired away by firms that train nobody; joint R&D needs a capable college and pays back
slowly. So most ties stay at internships.

**What to watch.** The stacked chart shows how the ties are spread over the rungs; *joint
R&D per 100 firms* is the depth that matters most; the willingness lines show the gap
between enthusiastic colleges and hesitant firms; *public cost* is what the policy costs.
Turn on the side-by-side mode to see the status quo, with the same luck (seed), next to your
policy.

**How to use it.** Pick a preset or move the sliders, press *Reset* to start a new run with
them, then *Step* (one semester) or *Play*.
""",
    "zh": """
**合作阶梯。**院校与企业的合作有四个层级,由浅入深:*实习*(学生到企业实习)、*专家互聘*
(产业教授授课、教师到企业实践)、*联合培养*(学徒制、订单班)和*联合研发*。层级越高,
企业投入越大,回报越晚。

**企业为何止步于浅层。**院校的评价看重"有没有"合作伙伴,因此对任何合作都很积极。企业则权衡
成本与收益:实习生成本低,学徒成本高且可能被不参与培养的企业挖走;联合研发需要有能力的院校,
回报周期长。所以大多数合作停留在实习层级。

**看什么。**堆积图显示合作在各层级的分布;*每百家企业联合研发数*是最关键的深度指标;
意愿曲线显示"校热企冷"的差距;*公共成本*是政策的花费。打开并排对比模式,可以在相同运气
(随机种子)下把现状与所选政策放在一起比较。

**怎么用。**选择一个政策组合或拖动滑块,按*重置*用新设置开始,然后按*单步*(一个学期)
或*播放*。
""",
}


def tr(key: str, lang: str, **values: object) -> str:
    """The interface string ``key`` in language ``lang``, formatted with ``values``."""
    text = _STRINGS[key][LANGUAGES.index(lang)]
    return text.format(**values) if values else text


def pick(pair: tuple[str, str], lang: str) -> str:
    """The ``lang`` member of an (English, Chinese) pair."""
    return pair[LANGUAGES.index(lang)]


def rung_label(index: int, lang: str) -> str:
    """Display name of rung ``index`` (0 = internship)."""
    return pick(RUNG_LABELS[RUNGS[index]], lang)


def explanation(lang: str) -> str:
    """The plain-words panel (Markdown) explaining the model and what the charts show.

    Chinese paragraphs are joined without line breaks: a break inside a paragraph becomes a
    space in HTML, and Chinese sentences have no spaces.
    """
    text = _EXPLANATION[lang].strip()
    if lang != LANGUAGES[0]:
        text = no_cjk_breaks(text)
    return text


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
"""Chinese characters and full-width punctuation."""


def no_cjk_breaks(text: str) -> str:
    """``text`` without single line breaks (paragraphs kept) and spaces between Chinese.

    In HTML a line break inside a paragraph shows as a space.
    """
    import re

    text = re.sub(r"[ \t]*(?<!\n)\n(?!\n)[ \t]*", "", text)
    return re.sub(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])", "", text)


def stray_cjk_spaces(text: str) -> list[str]:
    """Places in ``text`` where spaces (not line breaks) separate two Chinese characters."""
    import re

    return re.findall(f"[{_CJK}][ \\u00a0]+[{_CJK}]", text)


def string_keys() -> tuple[str, ...]:
    """All interface string keys (tests check both languages define each one)."""
    return tuple(_STRINGS)

"""Every parameter of ieisim, declared once: default, bounds, unit, meaning and source.

A scenario is a set of overrides of these defaults (``configs/*.toml``). The declarations
are the single source of truth for validation, the ODD parameter table
(``docs/ODD.md``), the sweep bounds of experiments and the sliders of the classroom app.

Sections
--------
``world``      size and make-up of the simulated region (how many agents, scale factors).
``economy``    costs and values in the enterprise and public payoffs (CNY thousand unless said).
``behaviour``  how agents respond (learning, choice intensity, trust); mostly unsourced, so
               they carry wide ranges for sensitivity analysis.
``policy``     the levers a government can set (the paper's implementation paths, section 4).
``run``        seed, horizon and time step.

Levers (``kind == "lever"``) are kept apart from behavioural parameters
(``kind == "behaviour"``): both can be swept, they are documented separately.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from sim.errors import ConfigError
from sim.excerpt import excerpt, shorten
from sim.packages import PACKAGES

SECTIONS = ("world", "economy", "behaviour", "policy", "run")


@dataclass(frozen=True)
class Param:
    """Declaration of one parameter.

    Attributes:
        section: scenario section (``world``, ``economy``, ``behaviour``, ``policy``, ``run``).
        name: key, unique across all sections (so sweeps may use the short name).
        default: status-quo value.
        low, high: inclusive bounds of admissible values (also the default sweep range).
        unit: physical unit, e.g. ``"CNY thousand per student per year"``.
        label: plain-words label (English), for sliders and figure axes.
        label_zh: the same in Chinese.
        help: one or two sentences on what it does in the model.
        source: paper section or published source; ``"unsourced"`` plus reasoning otherwise.
        kind: ``world``, ``economy``, ``behaviour``, ``lever`` or ``run``.
        dtype: ``float``, ``int`` or ``bool``.
        group: lever group for grouped sensitivity analysis (levers only).
        help_zh: Chinese help text (levers shown in the classroom app).

    """

    section: str
    name: str
    default: Any
    low: float
    high: float
    unit: str
    label: str
    label_zh: str
    help: str
    source: str
    kind: str
    dtype: type = float
    group: str = ""
    help_zh: str = ""

    @property
    def key(self) -> str:
        """Dotted key ``section.name``."""
        return f"{self.section}.{self.name}"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to the declared type, or raise :class:`ConfigError`."""
        if self.dtype is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{self.key} = {excerpt(value)}: expected true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(
                f"{self.key} = {excerpt(value)}: expected a number ({self.dtype.__name__}) "
                f"in [{_fmt(self.low)}, {_fmt(self.high)}] {self.unit}"
            )
        if self.dtype is int:
            if isinstance(value, float) and not value.is_integer():
                raise ConfigError(f"{self.key} = {excerpt(value)}: expected a whole number")
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ConfigError(f"{self.key} = {excerpt(value)}: expected a finite number")
        if not (self.low <= value <= self.high):
            raise ConfigError(
                f"{self.key} = {_fmt(value)} is out of range: allowed [{_fmt(self.low)}, "
                f"{_fmt(self.high)}] {self.unit}"
            )
        return value


def _fmt(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


_U = "unsourced: no published estimate; wide range for sensitivity analysis"
_CAL = "; default calibrated to the status-quo patterns (calibration/search.py, issue 9 item 10)"
_POSTERIOR = ("; default the weighted posterior median (3 digits) of the shipped status-quo "
              "calibration (posteriors/status_quo: ieisim calibrate status_quo_targets, "
              "ABC-SMC; docs/calibration.md), which experiments draw from")


def _p(section, name, default, low, high, unit, label, label_zh, help, source, kind=None,
       dtype=float, group="", help_zh=""):
    return Param(section, name, default, low, high, unit, label, label_zh, help, source,
                 kind or section, dtype, group, help_zh)


_DECLARATIONS: list[Param] = [
    # ----------------------------------------------------------------- world
    _p("world", "n_colleges", 10, 1, 5000, "colleges", "Higher vocational colleges", "高职院校数",
       "Number of College agents in the region.",
       "configs cite their own sources; default: a prefecture-level city region", dtype=int),
    _p("world", "n_enterprises", 300, 4, 500_000, "enterprises", "Enterprises", "企业数",
       "Number of Enterprise agents that could cooperate with the colleges.",
       "configs cite their own sources", dtype=int),
    _p("world", "enterprise_scale", 405.0, 1.0, 10_000.0, "real enterprises per agent",
       "Enterprises per agent", "每个企业主体代表的企业数",
       "Mean real firms per enterprise agent: the region holds round(n_enterprises x scale) "
       "real firms. Each agent stands for a whole number of identical firms (its members), "
       "and every tie is with one of them, so counts and flows are per real firm and tie.",
       "fourth economic census (NBS 2019): 18.07 M enterprises classified by size for about "
       "1,486 higher vocational colleges (MOE 2021), about 12,160 per college; the default "
       "region of 10 colleges and 300 agents: 121,500 firms, 405 per agent"),
    _p("world", "n_cities", 3, 1, 400, "cities", "Cities or industrial parks", "城市/园区数",
       "Locations; consortia and poaching act within a city.", "paper 4.4 (city-level consortia)",
       dtype=int),
    _p("world", "teachers_per_college", 40, 2, 5000, "teacher agents per college",
       "Teacher agents per college", "每校教师主体数",
       "Full-time teacher agents per college (industry professors are added by quota).",
       "model design", dtype=int),
    _p("world", "teacher_scale", 10.0, 1.0, 1000.0, "real teachers per agent",
       "Teachers per agent", "每个教师主体代表的教师数",
       "Super-individual factor for teachers (public cost of teacher levers scales with it).",
       "MOE 2023: about 0.6 million full-time higher vocational teachers, ~400 per college"),
    _p("world", "students_per_college", 540, 3, 100_000, "student agents per college",
       "Student agents per college", "每校学生主体数",
       "Student agents enrolled per college across all cohorts.", "model design", dtype=int),
    _p("world", "student_scale", 20.0, 1.0, 10_000.0, "real students per agent",
       "Students per agent", "每个学生主体代表的学生数",
       "Super-individual factor: each Student agent stands for this many real students. "
       "Outputs do not depend on it beyond noise (tested).",
       "MOE 2023: ~16.7 million higher vocational students in ~1,550 colleges, ~10,800 each"),
    _p("world", "program_years", 3, 2, 4, "years", "Programme length", "学制",
       "Length of a higher vocational programme; one cohort enrols each year.",
       "Higher vocational (zhuanke) programmes last three years (MOE)", dtype=int),
    _p("world", "majors_per_college", 4, 1, 6, "majors", "Majors per college", "每校专业群数",
       "Major groups a college offers, each aimed at one industrial sector.",
       "paper 4.1 (professional groups aligned with the industrial map)", dtype=int),
    _p("world", "elite_share", 0.15, 0.0, 1.0, "share of colleges", "Share of Double High colleges",
       "双高院校占比", "Share of colleges in the elite 'Double High' tier (more budget, research).",
       "MOE/MOF 2019: 197 Double High colleges of ~1,470 (13%)"),
    _p("world", "firm_size_min", 2, 1, 1_000_000, "employees", "Smallest firm", "最小企业规模",
       "Smallest firm in the region (employees); sizes are Pareto within each size class, and "
       "classes wholly below this are left out.",
       "fourth economic census 2018 (NBS 2019): with 2 and the defaults below, large firms hold "
       "22% of employment (census 20.6%) and micro firms average about 5 employees",
       dtype=int),
    _p("world", "firm_size_alpha", 1.0, 0.6, 3.0, "dimensionless", "Firm-size tail exponent",
       "企业规模尾部指数", "Pareto exponent of firm size within each size class (1 is Zipf).",
       "Axtell (2001) Science 293:1818, firm sizes Zipf with exponent ~1.06; checked against "
       "the census employment share of large firms (docs/sources.md)"),
    _p("world", "firm_size_max", 10_000, 1, 1_000_000, "employees", "Largest firm",
       "最大企业规模", "Truncation of the firm-size distribution (largest firm in the region).",
       "calibrated to the census: large firms' share of enterprise employment 20.6% (NBS 2019)",
       dtype=int),
    _p("world", "firm_sample_tilt", 0.7, 0.0, 1.0, "dimensionless",
       "Oversampling of rare size classes", "稀有规模类别过采样",
       "Firm agents per size class follow census share^(1 - tilt), never more than the "
       "class's real firms: 0 samples in proportion (300 agents then hold one large-firm "
       "agent), 1 gives each class equally many agents. Each agent stands for a whole number "
       "of its class's real firms, so the region keeps the census mix; results do not depend "
       "on the tilt beyond noise (calibration/numerics.py).",
       "model design (stratified sampling); 0.7 gives 24 large and 43 medium firm agents "
       "among 300, standing for 242 large and 1,604 medium real firms by default"),
    _p("world", "college_capacity_sigma", 1.06, 0.0, 2.5, "log-normal sd",
       "Spread of colleges' research capacity", "院校科研服务能力离散度",
       "Log-normal spread of colleges' research and technical-service capacity (heavy tail).",
       ("calibrated to 206 of ~1,486 colleges above CNY 10 M of research and social-service "
       "funding (Quality Annual Report 2022); leader ~2x the second") + _POSTERIOR),
    _p("world", "college_capacity_elite_shift", 0.7, 0.0, 2.0, "log units",
       "Capacity advantage of Double High colleges", "双高院校科研服务能力优势",
       "Shift of log capacity of Double High colleges.",
       "Quality Annual Report 2022: the 189 Double High colleges earned ~CNY 14 M each of "
       "technical-service income, well above the average college; shift assumption"),
    # --------------------------------------------------------------- economy
    _p("economy", "intern_gross_cost", 16.695286843798968, 5.0, 60.0,
       "CNY thousand per intern per year", "Gross cost of an intern", "实习生总成本",
       "Allowance, insurance, materials and the trainers' time of a placement intern-year "
       "(supervision at the margin is apart: supervision_cost).",
       "Ran & Shi 2020 (109 host firms): the short-term costs of a placement are mainly labour "
       "costs, the intern's allowance and the mentors' time; the MOE provisions on vocational "
       "students' internships (2016, 2021) set the allowance at no less than 80% of the "
       "post's probation wage; CNY 1,500-2,500 a month (CNY 15-25 k a year with insurance) "
       "is an assumption, and so is the range" + _CAL),
    _p("economy", "intern_recovery", 1.24, 0.5, 1.5, "share of gross cost",
       "Cost recovered by interns' work", "实习生产出回收比例",
       "Share of an intern's gross cost recovered by their productive work, at average "
       "productivity: above 1 the average intern pays for themselves in the placement year.",
       "Ran & Shi 2020: internships profitable for host firms on average (short-term returns "
       "above short-term costs), break-even in month 4 of a placement, outlay recovered by "
       "month 8" + _POSTERIOR),
    _p("economy", "apprentice_gross_cost", 26.5, 10.0, 150.0,
       "CNY thousand per apprentice per year", "Gross cost of an apprentice", "学徒总成本",
       "Apprentice wage, trainers' time, materials and equipment per apprentice-year.",
       "BIBB 2007 (Schönfeld et al. 2010): gross EUR 15,300; scaled to Chinese wages, unsourced"
       + _POSTERIOR),
    _p("economy", "productive_recovery", 0.975, 0.2, 1.3, "share of gross cost",
       "Cost recovered by apprentices' work", "学徒产出回收比例",
       "Share of an apprentice's gross cost recovered by their productive work, at average "
       "productivity.",
       "BIBB 2007: 76% of gross cost recovered by apprentices' productive contribution in "
       "Germany; Muehlemann & Wolter 2014 (IZA J Labor Policy): in Switzerland the productive "
       "contribution exceeds the gross cost on average (upper bound 1.3)" + _POSTERIOR),
    _p("economy", "trainee_productivity_spread", 0.666, 0.0, 1.0, "log units",
       "Spread of trainees' productivity", "实习学徒产出差异",
       "Log-normal spread (mean 1) of the productivity of a tie's trainees in a year: how "
       "much of their gross cost their work recovers varies between host firms and years; "
       "firms decide on the mean, the realised ledger and trust see the draw.",
       "Ran & Shi 2020: 40-60% of 109 host firms lose money on interns although internships "
       "pay on average; Ran 2022: about 1/3 of 89 apprenticeship pilot firms profit although "
       "apprenticeship loses on average: the spread of firms' returns" + _POSTERIOR),
    _p("economy", "recruit_value", 66.4, 0.0, 150.0,
       "CNY thousand per retained recruit",
       "Value of a retained well-matched recruit", "留用匹配毕业生的价值",
       "Saved hiring and induction costs plus productivity of a matched graduate who stays, "
       "for a graduate of average skill.",
       ("Mühlemann & Wolter 2014 (IZA J Labor Policy): saved hiring costs are several months' "
       "wages; CNY value unsourced") + _POSTERIOR),
    _p("economy", "firm_specific_premium", 0.0792656848494171, 0.0, 2.0, "share of recruit value",
       "Premium for firm-trained recruits", "企业定向培养溢价",
       "Extra value of a recruit the firm trained itself (apprenticeship) over a market hire.",
       "assumption; human-capital theory (Acemoglu & Pischke 1998); calibrated "
       "(calibration/search.py, issue 9 item 10): Ran 2022, apprenticeship loss-making on "
       "average with about 1/3 of pilot firms profiting"),
    _p("economy", "expert_exchange_cost", 12.0, 0.0, 60.0, "CNY thousand per tie per year",
       "Cost of an expert exchange", "专家互聘成本",
       "Staff time the firm lends as industry professors and for hosting practising teachers.",
       _U),
    _p("economy", "expert_exchange_value", 10.0, 0.0, 60.0, "CNY thousand per tie per year",
       "Value of teachers' technical service", "教师技术服务价值",
       "Value to the firm of practising teachers' technical service, at average practice skill.",
       _U),
    _p("economy", "rd_project_cost", 300.0, 20.0, 3000.0,
       "CNY thousand per joint R&D tie per year", "Cost of a joint R&D project", "联合研发项目成本",
       "Firm's outlay on a joint R&D project with a college (staff, equipment, materials).",
       "unsourced; 2021: ~206 of ~1,500 colleges earned > CNY 10 million from technical "
       "service, i.e. projects of a few hundred thousand CNY"),
    _p("economy", "rd_value", 600.0, 20.0, 5000.0, "CNY thousand per joint R&D tie per year",
       "Value of joint R&D at full capability", "联合研发价值(能力完全匹配)",
       "Expected value of a joint R&D project's output when the college's capability fully "
       "matches the firm's absorptive capacity; scaled down by the capability match.", _U),
    _p("economy", "search_cost", 8.0, 0.0, 60.0, "CNY thousand per attempt",
       "Search and transaction cost", "搜寻与交易成本",
       "One-off cost of starting a tie or negotiating a climb (paper 3.3, rigid governance).",
       "paper 3.3 and 4.4; value unsourced"),
    _p("economy", "payback_years", 3.0, 0.5, 10.0, "years", "Payback horizon", "投资回收期",
       "Years over which a firm counts future benefits of cooperation (long cost recovery "
       "periods deter firms, paper 3.1).", "paper 3.1; value unsourced"),
    _p("economy", "hire_rate", 0.08, 0.01, 0.3, "hires per employee per year", "Hiring rate",
       "招聘率", "Vacancies per employee per year for graduate-level jobs.",
       "unsourced; typical labour turnover 5-15% a year"),
    _p("economy", "supervision_capacity", 6.49578000202518, 1.0, 10.0,
       "students per 100 employees per year", "Supervision capacity", "带教能力",
       "Students a firm can supervise in a year per 100 employees (its staff able to mentor), "
       "shared among its ties that host students; no tie hosts more than its share.",
       "MOE et al. 2021, Provisions on vocational school student internships: placement "
       "interns at most 10% of a host's staff (the upper bound); the default (the first "
       "version's slot rule) and the lower bound are assumptions; default about 6.5 per 100 "
       "calibrated (calibration/search.py, issue 9 item 10)"),
    _p("economy", "supervision_cost", 10.287298650764605, 1.0, 60.0,
       "CNY thousand per student-year",
       "Marginal supervision cost at capacity", "满负荷时的边际带教成本",
       "Cost of supervising one more student when the firm's mentors are at capacity; the "
       "marginal cost rises in proportion to the students hosted (cost = supervision cost x "
       "n^2 / (2 x capacity)), so each extra student is worth less than the one before and "
       "a firm takes students until their marginal value equals this cost.",
       ("assumption: mentors' time diverted from production rises with the students each "
       "mentor takes (Ran & Shi 2020: break-even in month 4 of a placement); a mentor-month "
       "is a few CNY thousand; wide range") + _CAL),
    _p("economy", "teacher_replacement_cost", 150.0, 20.0, 500.0,
       "CNY thousand per teacher-year", "Cost of replacing a teacher's time", "教师顶岗替代成本",
       "Public cost of a teacher-year spent in enterprise practice (replacement teaching).",
       "unsourced; about one teacher salary"),
    _p("economy", "industry_professor_stipend", 60.0, 0.0, 300.0,
       "CNY thousand per professor per year", "Stipend of an industry professor", "产业教授津贴",
       "Public payment to a part-time industry professor.", _U),
    _p("economy", "consortium_running_cost", 5.0, 0.0, 50.0, "CNY million per city per year",
       "Running cost of a city consortium", "市域联合体运行成本",
       "Public cost of a consortium at full strength, per city.", _U),
    _p("economy", "retention_agreement_cost", 5.0, 0.0, 40.0,
       "CNY thousand per covered graduate", "Cost of a service agreement", "服务协议成本",
       "Public support paid per graduate covered by a service agreement, at full support.", _U),
    _p("economy", "major_adjustment_cost", 10.0, 0.0, 50.0, "CNY thousand per student place moved",
       "Cost of moving a student place", "专业调整成本",
       "Public cost of re-equipping one student place moved to another major.", _U),
    _p("economy", "governance_cost", 7.414004967102979, 0.0, 40.0, "CNY thousand per rung per year",
       "Coordination cost per rung", "每级协调成本",
       "Yearly cost of coordinating a tie across rigid school and firm hierarchies, per rung "
       "above internship; consortia cut it.", ("paper 3.3 (rigid governance); value " + _U) + _CAL),
    _p("economy", "rd_college_share", 0.4, 0.0, 1.0, "share of project cost",
       "College's share of R&D project money", "院校获得的研发经费比例",
       "Share of a joint R&D project's cost paid to the college as technical-service income.",
       _U),
    _p("economy", "service_fee", 100.0, 10.0, 1000.0,
       "CNY thousand per tie per year", "Fee of technical service", "技术服务费",
       "What a firm pays a college a year for technical service (testing, process "
       "improvement, troubleshooting); the college's technical-service income.",
       "assumption: horizontal projects of vocational colleges run at tens to a few hundred "
       "thousand CNY; 206 of ~1,486 colleges above CNY 10 M of research and social-service "
       "funding (2021) bounds the total; wide range"),
    _p("economy", "service_value", 40.0, 10.0, 2000.0,
       "CNY thousand per tie per year", "Value of technical service at full capability",
       "技术服务价值(能力完全匹配)",
       "Value to the firm of a year of a college's technical service when capabilities fully "
       "match; scaled by the capability match and the firm's size factor.",
       "assumption: set so that service pays only to capable, larger firms (value x match x "
       "size factor above the fee), keeping it rare in the status quo; wide range"),
    _p("economy", "vacancies_per_graduate", 1.0, 0.2, 3.0, "vacancies per graduate",
       "Graduate jobs per graduate", "岗位与毕业生之比",
       "Graduate-level vacancies in the region per graduate of its colleges (all sectors); "
       "split over sectors by each sector's demand.", "unsourced; a balanced market is 1"),
    _p("economy", "shared_base_half", 5.0, 0.5, 100.0, "CNY million per city per year",
       "Shared-base investment for half effect", "共享基地半效投入",
       "Yearly investment per city at which shared training bases reach half their effect.",
       _U),
    _p("economy", "shared_base_cost_cut", 0.2, 0.0, 0.28, "share of apprentice gross cost",
       "Cost cut from shared bases (max)", "共享基地降低的培训成本(上限)",
       "Largest share of firms' gross apprentice training cost (CNY thousand per "
       "apprentice-year) that fully funded shared bases take over: their trainers and "
       "equipment.",
       "BIBB cost-benefit survey 2012/13 (BIBB Report 1/2015): of the gross cost per "
       "apprentice-year, training staff 23% and equipment and material 5%, so at most 0.28 "
       "(the range's top); value 0.2 an assumption (all equipment, most of the trainers' "
       "time)"),
    _p("economy", "shared_base_facility_boost", 0.3, 0.0, 0.6, "facility level",
       "Equipment boost from shared bases (max)", "共享基地设备提升(上限)",
       "Largest rise in colleges' equipment level (relative to the frontier) from shared bases.",
       "paper 2.1 (labour materials), 4.4; value " + _U),
    _p("economy", "college_budget", 20.0, 1.0, 1000.0, "CNY million per college per year",
       "Colleges' equipment budget", "院校实训设备预算",
       "Yearly budget an ordinary college spends on training equipment and facilities; "
       "performance funding from contribution evaluation adds to it.",
       "unsourced; order of magnitude of a college's yearly equipment spending"),
    _p("economy", "double_high_budget_factor", 2.0, 1.0, 5.0, "multiple of college_budget",
       "Budget of a Double High college", "双高院校预算倍数",
       "A Double High college's equipment budget as a multiple of an ordinary college's "
       "(central plan funding).", "MOE/MOF 2019 Double High plan; multiple unsourced"),
    _p("economy", "facility_budget_half", 13.3, 1.0, 1000.0, "CNY million per college per year",
       "Budget for half the frontier equipment", "达到半数前沿设备所需预算",
       "Yearly budget at which a college can keep its equipment at half the technology "
       "frontier (saturating: level = budget / (budget + this)).", _U),
    _p("economy", "sector_drift_contrast", 1.0, 0.0, 2.0, "dimensionless",
       "Differences in sectors' technical change", "行业技术变化差异",
       "Scales the spread of sectors' speed of technical change around the mean (sim.sectors; "
       "0 makes sectors alike, 2 doubles the differences).",
       "paper 2.1-2.2 for the directions; magnitudes assumption"),
    _p("economy", "sector_growth_contrast", 1.0, 0.0, 2.0, "dimensionless",
       "Differences in sectors' demand growth", "行业需求增长差异",
       "Scales the spread of sectors' growth of graduate demand around the mean.",
       "paper 2.1, 4.1 for the directions; magnitudes assumption"),
    _p("economy", "sector_absorptive_contrast", 1.0, 0.0, 2.0, "dimensionless",
       "Differences in sectors' absorptive capacity", "行业吸收能力差异",
       "Scales the spread of sectors' mean absorptive capacity (R&D staff share).",
       "assumption; R&D intensity differs by sector"),
    _p("economy", "vat_per_employee", 21.0, 5.0, 100.0, "CNY thousand per employee per year",
       "VAT paid per employee", "人均增值税",
       "Domestic VAT a firm pays per employee; sets the education surcharges it owes and so "
       "the cap of its integration tax credit.",
       "derived: domestic VAT CNY 6.15 tn (MOF fiscal revenue 2018) / 293 M enterprise "
       "employees (fourth economic census)"),
    _p("economy", "education_surcharge_rate", 0.05, 0.0, 0.1, "share of VAT paid",
       "Education surcharges", "教育费附加与地方教育附加",
       "Education surcharge (3%) plus local education surcharge (2%) of the VAT paid: the "
       "most a certified firm can offset with the integration tax credit in a year.",
       "State Council 1986 (education surcharge 3%); MOF 财综〔2010〕98号 (local 2%)"),
    _p("economy", "research_grant_per_capacity", 2.71, 0.0, 50.0,
       "CNY million per college per year", "Research funding per unit capacity",
       "单位能力科研经费", "Vertical research grants and non-degree training income of a "
       "college of median capacity; technical-service income from its ties adds to it.",
       "calibrated to the Quality Annual Report 2022 (206 of ~1,486 colleges above CNY 10 M)"
       + _POSTERIOR),
    _p("economy", "professor_value", 30.0, 0.0, 200.0, "CNY thousand per professor per year",
       "Value of an industry professor to a college", "产业教授对院校的价值",
       "Teaching value to a college of an industry professor's current practice (evaluation "
       "points ~ CNY thousand), before the stipend the college pays itself.",
       "assumption: about half the stipend; range wide for sensitivity"),
    _p("economy", "professor_staff_cost", 20.0, 0.0, 200.0, "CNY thousand per professor per year",
       "Firm's cost of lending an industry professor", "企业派出产业教授成本",
       "Staff time a firm loses when an expert teaches part-time at a college.",
       "assumption: a fifth of a technician's yearly wage"),
    _p("economy", "professor_firm_value", 25.0, 0.0, 200.0, "CNY thousand per professor per year",
       "Firm's gain from lending an industry professor", "企业派出产业教授收益",
       "Screening of students, curriculum influence and reputation the firm gains from an "
       "expert teaching at its partner college.", "assumption; range wide"),
    _p("economy", "public_budget", 400.0, 0.0, 1_000_000.0, "CNY million per year",
       "Public budget for industry-education integration", "产教融合公共预算",
       "Annual cap on public spending on all levers; claims beyond it are pro-rated.",
       "unsourced; scale with the region (configs cite their basis)"),
    _p("economy", "tech_drift", 0.06, 0.0, 0.3, "frontier units per year",
       "Speed of technical change", "技术进步速度",
       "Yearly advance of the technology frontier (average over sectors; each sector has its "
       "own multiplier). Skills, curricula and equipment age against it.",
       "paper 2.1-2.2 (new quality productive forces); value unsourced"),
    # ------------------------------------------------------------- behaviour
    _p("behaviour", "choice_intensity", 0.10916930750527559, 0.005, 1.0, "per CNY thousand",
       "Choice intensity (logit)", "选择强度",
       "Logit sensitivity of enterprises to differences in expected net benefit; 0 would be "
       "random choice.", ("McFadden (1974) logit; value " + _U) + _CAL),
    _p("behaviour", "belief_learning_rate", 0.3, 0.0, 1.0, "per year",
       "Learning rate of expectations", "预期学习率",
       "Weight of the latest realised outcome in a firm's adaptive expectations.", _U),
    _p("behaviour", "peer_learning", 0.2, 0.0, 1.0, "share per year", "Learning from peers",
       "同行学习", "How far firms' expectations move toward peers in the same sector and city.",
       _U),
    _p("behaviour", "consortium_peer_share", 0.5, 0.0, 1.0, "share of peer learning",
       "Peer learning that runs through consortia", "经由联盟的同行学习比例",
       "Share of firms' learning from peers that needs a city consortium: peer learning runs "
       "at peer_learning x (1 - share + share x consortium strength), so a full consortium "
       "raises it by share / (1 - share) (paper 4.4: platforms share information among firms).",
       "assumption: half of what firms learn from peers comes through organised platforms; "
       "0-1 spans none to all"),
    _p("behaviour", "trust_gain", 0.25, 0.0, 1.0, "share of missing trust per year",
       "Trust gained from experience", "信任积累速度",
       "Share of the missing trust gained in a year whose exchange met the firm's "
       "expectations (less when it fell short).", _U),
    _p("behaviour", "trust_decay", 0.15, 0.0, 1.0, "share per year", "Trust decay",
       "信任衰减", "Share of trust lost in a year without any exchange on the tie.", _U),
    _p("behaviour", "trust_shortfall_loss", 0.3, 0.0, 1.0, "share per unit of shortfall",
       "Trust lost to disappointment", "失望导致的信任损失",
       "Share of trust lost when the year's realised value falls short of the expected value "
       "by the full scale (|expected| + trust_value_scale); proportionally less for smaller "
       "shortfalls.",
       "assumption: disappointment costs trust about as fast as success builds it (Lewicki & "
       "Bunker 1995 stress that trust is lost faster than built; hence up to 1)"),
    _p("behaviour", "trust_value_scale", 10.0, 0.1, 100.0, "CNY thousand per year",
       "Value scale of trust surprises", "信任评价的价值尺度",
       "Surprises are measured relative to |expected value| plus this, so that ties of "
       "little value are not swung by small absolute differences.",
       "assumption: the order of one intern's net cost and subsidy (CNY thousand a year); "
       "0.1-100 spans a tie of negligible to a tie of large value"),
    _p("behaviour", "professor_trust_bonus", 0.5, 0.0, 2.0, "share of trust gain",
       "Trust bonus of industry professors", "产业教授的信任加成",
       "Extra trust gained (as a share of trust_gain) on a tie whose firm's staff teach at "
       "the college as industry professors.",
       "assumption: the former hard-coded 1.5x; personal links speed trust (paper 4.3); 0-2 "
       "spans no effect to tripled trust building"),
    _p("behaviour", "trust_step", 0.22, 0.05, 0.5, "trust units per rung",
       "Trust needed per rung", "每级所需信任",
       "Trust required to climb to rung k is k times this (rungs 1-3 above internship).", _U),
    _p("behaviour", "rd_capability_threshold", 0.45, 0.0, 1.0, "capability match",
       "Capability needed for joint R&D", "联合研发能力门槛",
       "Minimum match between the college's R&D capability and the firm's absorptive "
       "capacity for joint R&D to be feasible.", _U),
    _p("behaviour", "rd_trust_needed", 0.7332601523451622, 0.0, 0.9, "trust units",
       "Trust needed for joint R&D", "联合研发所需信任",
       "Trust a tie needs to hold joint R&D; no past apprenticeship is needed.",
       "assumption: joint R&D shares unfinished knowledge, so it needs a tie with a record "
       "(default: status-quo R&D 'rare but present', 0.5-5 ties per 100 firms, issue 9); "
       "at or below initial_trust a capable pair starts R&D directly; 0-0.9 for "
       "sensitivity" + _CAL),
    _p("behaviour", "service_trust_needed", 0.4411198744541039, 0.0, 0.9, "trust units",
       "Trust needed for technical service", "技术服务所需信任",
       "Trust a tie needs to hold technical service.",
       "assumption: a service contract is a market purchase with a deliverable, so no prior "
       "relationship is needed; up to 0.9 for sensitivity" + _CAL),
    _p("behaviour", "service_capability_threshold", 0.4392556761008827, 0.0, 1.0,
       "capability match",
       "Capability needed for technical service", "技术服务能力门槛",
       "Minimum match between the college's capability and the firm's absorptive capacity "
       "for technical service to be feasible.",
       "assumption: routine testing and troubleshooting need less capability than joint R&D "
       "(rd_capability_threshold); full range for sensitivity" + _CAL),
    _p("behaviour", "teacher_effort_sensitivity", 4.0, 0.0, 20.0, "per unit of reward",
       "Teachers' response to evaluation", "教师对评价的响应",
       "Logit sensitivity of teachers' effort split (papers vs practice) to evaluation rewards.",
       _U),
    _p("behaviour", "gaming_share", 0.5, 0.0, 1.0, "share of mandated time",
       "Gaming of mandated practice", "挂名实践比例",
       "Share of mandated enterprise practice spent only nominally when practice is not "
       "rewarded in evaluation (cheap certification).", _U),
    _p("behaviour", "skill_learning_rate", 0.25, 0.01, 1.0, "per year",
       "Teachers' skill learning rate", "教师技能学习速度",
       "Speed at which teachers' practice and research skills approach what their time "
       "allocation sustains.", _U),
    _p("behaviour", "student_learning_rate", 0.8, 0.05, 3.0, "per year",
       "Students' learning rate", "学生学习速度",
       "Speed at which students' skills approach what teaching, equipment and placements "
       "offer.", _U),
    _p("behaviour", "poach_base", 0.15, 0.0, 0.8, "probability per year",
       "Baseline turnover of graduates", "毕业生基础流失率",
       "Yearly probability that a recruit leaves the training firm for reasons other than "
       "poaching.", "unsourced; German training firms keep ~60% of graduates (BIBB)"),
    _p("behaviour", "poach_free_rider", 0.35, 0.0, 1.0, "probability per year",
       "Poaching by non-training firms", "非培训企业挖人强度",
       "Added yearly probability that a recruit is hired away, times the share of firms in "
       "the same sector and city that do not train (free riders).", "paper 3.1 (talent loss)"),
    _p("behaviour", "college_tie_value", 6.0, 0.0, 30.0, "evaluation points per tie",
       "Colleges' reward for any tie", "院校对合作数量的评价收益",
       "What a college's evaluation gives for having a partner at all (counted cooperation); "
       "makes colleges enthusiastic regardless of depth.", "paper 3.1 ('schools enthusiastic')"),
    _p("behaviour", "college_depth_cost", 4.0, 0.0, 30.0, "evaluation points per rung",
       "Colleges' cost of deeper cooperation", "院校深度合作成本",
       "Teacher time and management effort per rung above internship, weighed by how little "
       "evaluation rewards practice.", "paper 4.3 ('paper-only' evaluation)"),
    _p("behaviour", "college_depth_value", 5.0, 0.0, 30.0, "evaluation points per rung",
       "Colleges' reward for deeper cooperation", "院校对深度合作的评价收益",
       "What colleges' evaluation gives per rung above internship (apprenticeship pilots, "
       "industry colleges).", "paper 3.1 ('schools enthusiastic'); value " + _U),
    _p("behaviour", "college_passthrough", 0.5, 0.0, 1.0, "share",
       "Colleges pass contribution rewards to teachers", "院校向教师传导贡献评价",
       "Share of the college's contribution-evaluation weight that reaches teachers' "
       "evaluation.", _U),
    _p("behaviour", "review_rate", 0.6, 0.05, 4.0, "reviews per tie per year",
       "How often firms review a tie", "企业复核合作频率",
       "Rate at which each side reconsiders the activities of a tie: keeping them, leaving "
       "one, or (the firm) ending the tie (contracts bind in between).", _U),
    _p("behaviour", "initial_trust", 0.1, 0.0, 1.0, "trust units", "Trust of a new tie",
       "新合作初始信任", "Trust a new tie starts with; consortia add to it within a city.", _U),
    _p("behaviour", "initial_trust_spread", 0.44, 0.0, 1.0, "trust units",
       "Trust spread of the initial network", "初始网络信任离散度",
       "Ties present at the start have trust uniform in [0, this] (history before the run).",
       _U),
    _p("behaviour", "firm_heterogeneity", 0.2146964660783558, 0.0, 1.0, "log-normal sd",
       "Heterogeneity of firms", "企业异质性",
       "Log-normal spread of firms' absorptive capacity and payback horizon around their "
       "means (0 makes firms of a sector identical apart from size).", (_U) + _CAL),
    _p("behaviour", "distance_penalty", 0.6497841600416298, 0.0, 1.0,
       "share", "Penalty on distant partners",
       "跨城合作折扣", "How much less likely a college approaches a firm in another city.",
       "paper 4.4 (regional consortia); value " + _U + _CAL),
    _p("behaviour", "practice_max_share", 0.35, 0.0, 0.6, "share of teacher time",
       "Most time a teacher gives to practice", "教师实践时间上限",
       "Upper bound of teachers' voluntary time in enterprise practice.", _U),
    _p("behaviour", "teaching_share", 0.6, 0.3, 0.9, "share of teacher time",
       "Teaching load", "教学工作量", "Share of full-time teachers' time bound to teaching; "
       "the rest is split between research and practice.", _U),
    _p("behaviour", "practice_reference", 0.12, 0.02, 0.5, "share of teacher time",
       "Practice that keeps a teacher current", "保持前沿所需实践",
       "Genuine practice share at which a teacher's practice skill tracks the frontier.", _U),
    _p("behaviour", "research_reference", 0.6, 0.05, 0.8, "share of teacher time",
       "Research time for full research skill", "保持科研能力所需时间",
       "Research share at which a teacher's research skill reaches its maximum.", _U),
    _p("behaviour", "dual_qualified_skill", 0.6185815950785872, 0.1, 0.9,
       "skill relative to frontier",
       "Practice skill of a dual-qualified teacher", "双师型教师实践技能标准",
       "Practice skill a teacher needs (besides logged practice) to count as dual-qualified.",
       ("calibrated: MOE 2022, dual-qualified teachers above 55% of vocational teachers") + _CAL),
    _p("behaviour", "apprentice_uptake_base", 0.5587182419124331, 0.0, 1.0, "share of students",
       "Apprenticeship uptake without credits", "无学分转换时学徒参与率",
       "Share of students who accept an apprenticeship slot when none of the work time counts "
       "as credit; credit conversion raises it toward 1.", "paper 4.2; value " + _U + _CAL),
    _p("behaviour", "coursework_loss", 0.3, 0.0, 1.0, "share of coursework",
       "Coursework lost by uncredited apprentices", "学徒课程损失",
       "Share of a year's coursework an apprentice loses when work time is not credited.", _U),
    _p("behaviour", "cheap_labour_risk", 0.3, 0.0, 1.0, "share of training quality",
       "Cheap-labour use of apprentices", "学徒廉价劳动力风险",
       "Training quality lost per unit of credit conversion: credited work invites using "
       "apprentices as cheap labour.", _U),
    _p("behaviour", "bond_aversion", 0.3, 0.0, 1.0, "share of uptake",
       "Students' aversion to service bonds", "学生对服务期约束的厌恶",
       "Fall in apprenticeship uptake per unit of service-agreement strength.", _U),
    _p("behaviour", "facility_renewal", 0.3, 0.0, 1.0, "per year", "Equipment renewal rate",
       "设备更新速度", "Speed at which colleges renew equipment toward what they can afford.",
       _U),
    _p("behaviour", "major_exit_share", 0.04, 0.0, 0.2, "share of enrolment",
       "Enrolment share at which a major closes", "专业退出阈值",
       "A major whose enrolment share falls below this closes (early warning and exit) and the "
       "college opens one for the most demanded sector it lacks.", "paper 4.1; value " + _U),
    _p("behaviour", "major_match_weight", 0.5, 0.0, 5.0, "dimensionless",
       "Weight of graduates' match in a major's enrolment target", "专业目标中就业匹配的权重",
       "A college's enrolment target for a major is proportional to the sector's demand x "
       "(major_match_weight + the major's graduate match rate): 0 follows the match alone, "
       "large values follow demand alone.",
       "paper 4.1 (adjust majors to demand and to graduates' outcomes); 0.5 an assumption, "
       "the range spans match-led to demand-led adjustment"),
    _p("behaviour", "major_match_prior", 0.5, 0.0, 1.0, "share of graduates",
       "Match rate assumed for a major without graduates", "无毕业生专业的假定匹配率",
       "Graduate match rate a college assumes for a major none of whose students has "
       "graduated yet (a new major).", "assumption: an uninformative middle value"),
    _p("behaviour", "retrained_practice_kept", 0.5, 0.0, 1.0, "share of practice skill",
       "Practice skill kept by a teacher moved to a new major", "转专业教师保留的实践技能",
       "When a major closes, its full-time teachers move to the new major and keep this share "
       "of their practice skill (their industry practice was in the old sector).",
       "assumption: half of practical skill transfers between sectors; 0-1 spans none to all"),
    _p("behaviour", "contacts_per_college", 21, 1, 200, "contacts per college per year",
       "Partner search per college", "院校每年接触企业数",
       "Enterprises a college approaches per year to propose an internship tie (a Poisson "
       "number per step with mean this times the step length).",
       "assumption: no published estimate; at least one approach a year (a college that never "
       "searches has no partners), at most 200 (more than every medium and large firm of a "
       "region); a log-uniform prior over this range in calibration" + _POSTERIOR,
       dtype=int),
    _p("behaviour", "initial_contact_years", 2.5, 0.0, 10.0, "years of search",
       "History of the initial network", "初始网络形成年数",
       "Years of partner search (at contacts_per_college a year) that built the network "
       "present at the start.",
       "assumption: the default equals the 30 contacts per college the initial network was "
       "built from before rates replaced steps; 0-10 years spans a new region to a mature one"),
    _p("behaviour", "upgrade_proposal_rate", 2.0, 0.1, 12.0, "proposals per tie per year",
       "How often deepening is proposed", "深化合作提议频率",
       "Rate at which the partners of a tie consider adding each activity it lacks (both "
       "then decide on its own payoff).",
       "assumption: about once a semester, when colleges plan the next term's teaching and "
       "placements; 0.1-12 spans a rare decision to monthly talks"),
    _p("behaviour", "skill_requirement", 0.45, 0.0, 1.0, "skill relative to frontier",
       "Skill needed for a matched job", "岗位技能门槛",
       "Skill (relative to the sector frontier) a graduate needs for a job in the sector.", _U),
    _p("behaviour", "partner_hire_intern", 0.166, 0.05, 0.6, "probability",
       "Host firm hires a qualified intern", "实习企业录用合格实习生的概率",
       "Probability that the host firm offers a job to a qualified intern (internships are a "
       "screening device).", "assumption; Ran & Shi (2020): low retention of interns limits "
       "host firms' gain; calibrated: 40-60% of host firms lose on their interns" + _POSTERIOR),
    _p("behaviour", "partner_hire_apprentice", 0.6249706614806207, 0.3, 1.0, "probability",
       "Host firm hires a qualified apprentice", "学徒企业录用合格学徒的概率",
       "Probability that the training firm offers a job to a qualified apprentice (order "
       "classes integrate enrolment and recruitment).", ("paper 4.2; value assumption; BIBB: "
       "German training firms keep about 60% of their trainees") + _CAL),
    _p("behaviour", "training_quality_intern", 0.6, 0.3, 1.0, "skill relative to frontier",
       "Practical skill an internship trains toward", "实习培养的实践技能",
       "Practical skill a year as intern trains toward.", "assumption"),
    _p("behaviour", "training_quality_apprentice", 0.9, 0.5, 1.0, "skill relative to frontier",
       "Practical skill an apprenticeship trains toward", "学徒制培养的实践技能",
       "Practical skill a year as apprentice trains toward, before the cheap-labour discount.",
       "assumption; apprenticeships train firm practice more deeply than internships"),
    _p("behaviour", "benefit_lag_intern", 0.5, 0.0, 2.0, "years", "Lag of an intern's benefit",
       "实习收益滞后", "Years before a hired intern's value starts to flow.",
       "Ran & Shi (2020): break-even in month 4 of a placement; assumption"),
    _p("behaviour", "benefit_lag_apprentice", 1.5, 0.0, 4.0, "years",
       "Lag of an apprentice's benefit", "学徒收益滞后",
       "Years before an apprentice's value as a recruit starts to flow.",
       "Ran (2022): most cost and benefit of Zhejiang pilots fall in the third-year placement"),
    _p("behaviour", "benefit_lag_rd", 1.0, 0.0, 4.0, "years", "Lag of joint R&D's benefit",
       "联合研发收益滞后", "Years before a joint R&D project's value starts to flow.",
       "assumption: one project year"),
    _p("behaviour", "rd_size_reference", 500.0, 50.0, 5000.0, "employees",
       "Firm size of unit R&D value", "研发价值的参照规模",
       "R&D value scales with sqrt(employees / this): larger firms have larger markets.",
       "assumption"),
    _p("behaviour", "absorptive_size_elasticity", 0.1, 0.0, 0.5, "dimensionless",
       "Absorptive capacity rises with size", "吸收能力的规模弹性",
       "Elasticity of firms' absorptive capacity (R&D staff share) with employees.",
       "assumption; Cohen & Levinthal (1990) on absorptive capacity"),
    _p("behaviour", "rd_exposure", 0.8, 0.0, 1.0, "skill relative to frontier",
       "Innovation skill from an R&D placement", "研发岗位培养的创新技能",
       "Innovation skill a student placed with a joint-R&D firm trains toward.", "assumption"),
    _p("behaviour", "contact_size_elasticity", 0.92, 0.0, 2.0, "dimensionless",
       "Colleges approach larger firms more", "院校偏向接触大企业的程度",
       "Colleges approach a firm with probability proportional to the real firms its agent "
       "stands for times employees^this (1: in proportion to the jobs firms offer), so the "
       "oversampling of rare size classes does not bias who partners with whom.",
       "assumption; calibrated by the share of colleges with partners per size class (2025 "
       "survey of 1,207 college leaders)" + _POSTERIOR),
    _p("behaviour", "professor_search_rate", 1.0, 0.1, 6.0, "searches per open post per year",
       "Search for industry professors", "产业教授聘任速度",
       "Rate at which a college looks among its partner firms for an expert to fill an open "
       "funded post.", "assumption: about one search a year per post; range wide"),
    _p("behaviour", "bond_mismatch_share", 0.3, 0.0, 1.0, "share of bond-kept graduates",
       "Mismatch of graduates kept by a bond", "服务期约束导致的错配",
       "Share of the graduates who stay only because of a service agreement (they would have "
       "left for another job) who are in a worse-matched job than the one they would have "
       "taken: the declared side effect of retention support.",
       "assumption; paper 3.1 (bonds restrict mobility)"),
    # ----------------------------------------------------------------- policy
    _p("policy", "intern_subsidy", 1.0, 0.0, 8.0, "CNY thousand per student placed per year",
       "Subsidy per intern or apprentice", "实习/学徒补贴",
       "Paid to a firm for each student it hosts (internship or apprenticeship). Deadweight: "
       "paid also for placements that would happen anyway.",
       "MOHRSS & MOF 2018 (new enterprise apprenticeship system): >= CNY 4,000 per apprentice "
       "per year; paper 4.2", kind="lever", group="fiscal",
       help_zh="按企业接收的每名实习生或学徒发放;对本来就会发生的合作也要支付(无谓损失)。"),
    _p("policy", "tax_credit", 0.3, 0.0, 0.5, "share of qualifying investment",
       "Tax credit for integration enterprises", "产教融合型企业税收抵免",
       "Share of a certified firm's own investment in cooperation (net training cost, lent "
       "staff time, R&D outlay after co-funding) offset against the education surcharges it "
       "owes that year (5% of its VAT); unused credit carries forward. Certification needs "
       "joint training or deeper.",
       "NDRC & MOE 2019 (发改社会〔2019〕590号) and MOF 财税〔2019〕46号: 30% of investment "
       "offset against education surcharge and local education surcharge, the remainder "
       "carried to later years; in force 2019-2022 (status quo)", kind="lever", group="fiscal",
       help_zh="经认证的产教融合型企业,按其投入的一定比例抵免当年应缴教育费附加和地方教育附加,"
               "不足抵免部分结转以后年度;需达到联合培养及以上层级。"),
    _p("policy", "rd_cofunding", 0.1, 0.0, 0.6, "share of project cost",
       "Public co-funding of joint R&D", "联合研发公共配套",
       "Share of a joint R&D project's cost paid from public funds.", "paper 4.4 (communities "
       "for technological breakthroughs); value " + _U, kind="lever", group="fiscal",
       help_zh="政府承担校企联合研发项目成本的比例。"),
    _p("policy", "retention_support", 0.0, 0.0, 0.8, "share of poaching hazard removed",
       "Service agreements against poaching", "服务期协议(防挖人)",
       "Publicly backed service agreements: cut the hazard that a firm-trained graduate is "
       "hired away, at a public cost per covered graduate; bound graduates match less well.",
       "paper 3.1 (talent loss risk); value " + _U, kind="lever", group="retention",
       help_zh="政府支持的服务期协议:降低企业培养的毕业生被挖走的概率,但毕业生流动受限。"),
    _p("policy", "teacher_practice_weight", 0.1, 0.0, 1.0, "share of evaluation weight",
       "Practice counts in teacher evaluation", "教师评价中实践的权重",
       "Weight of enterprise practice and technical service (vs papers) in teachers' title "
       "evaluation. Effort moved to practice is taken from research (crowding out).",
       "paper 4.3 (classification evaluation, break 'paper-only')", kind="lever",
       group="evaluation",
       help_zh="职称评价中实践与技术服务(相对论文)的权重;精力转向实践会挤占科研。"),
    _p("policy", "teacher_practice_requirement", 0.05, 0.0, 0.3, "share of teacher time",
       "Required teacher practice in firms", "教师企业实践要求",
       "Share of teachers' time they must spend in enterprises; partly gamed (nominal) when "
       "evaluation does not reward it; costs replacement teaching.",
       "MOE et al. 2016 (teachers practise >= 6 months every 5 years, i.e. 0.1); paper 4.3",
       kind="lever", group="teachers",
       help_zh="教师必须在企业实践的时间比例;若评价不认可,部分实践流于形式。"),
    _p("policy", "industry_professor_quota", 0.05, 0.0, 0.3, "share of teaching posts",
       "Industry professors (share of posts)", "产业教授比例",
       "Share of teaching posts publicly funded for part-time industry professors. Colleges "
       "fill them over time from partner firms when both sides gain (the stipend pays the "
       "firm's staff time); a professor leaves when the tie ends. Professors bring practice "
       "skill and firm contacts but teach theory less well.",
       "MOE 2023 (measures on part-time teachers in vocational schools); paper 4.3",
       kind="lever", group="teachers",
       help_zh="公共资助的产业教授岗位比例;院校从合作企业逐步聘任(双方有利时),合作终止即离任。"),
    _p("policy", "consortium_strength", 0.1, 0.0, 1.0, "index 0-1",
       "City consortia and platforms", "市域产教联合体",
       "Strength of city-level consortia: lowers search and transaction costs and spreads "
       "experience among firms in the same city; costs running money.",
       "paper 4.4 (city-level industry-education consortia)", kind="lever", group="platforms",
       help_zh="市域产教联合体的强度:降低搜寻和交易成本,促进同城企业经验交流。"),
    _p("policy", "shared_base_investment", 0.0, 0.0, 30.0, "CNY million per city per year",
       "Shared training bases", "共享实训基地投入",
       "Public investment in shared training bases: keeps colleges' equipment near the "
       "technology frontier and cuts firms' cost of training apprentices.",
       "paper 4.4 (shared training bases), 2.1 (labour materials)", kind="lever",
       group="platforms",
       help_zh="共享实训基地的公共投入:让院校设备跟上技术前沿,并降低企业培训学徒的成本。"),
    _p("policy", "major_adjustment_rate", 0.05, 0.0, 0.5, "share of mismatch closed per year",
       "Dynamic adjustment of majors", "专业动态调整",
       "Share of the gap between a college's enrolment mix and regional demand closed each "
       "year (early warning and exit for lagging majors).", "paper 4.1", kind="lever",
       group="evaluation",
       help_zh="每年按区域产业需求调整专业招生结构的速度(预警与退出机制)。"),
    _p("policy", "contribution_evaluation", 0.1, 0.0, 1.0, "share of evaluation weight",
       "Colleges judged on technical service", "院校贡献度评价",
       "Weight of technical-service income and patent conversion in colleges' evaluation and "
       "performance funding; colleges then favour deep ties over counted internships.",
       "paper 4.5 (evaluation oriented to contributions)", kind="lever", group="evaluation",
       help_zh="院校评价与绩效拨款中技术服务收入与专利转化的权重。"),
    _p("policy", "credit_conversion", 0.2, 0.0, 1.0, "share of work time credited",
       "Work experience counted as credits", "工作经历学分转换",
       "Share of apprenticeship work time counted toward the degree: more students take "
       "apprenticeships without losing coursework; high conversion invites cheap-labour use.",
       "paper 4.2 (apprenticeship converts work experience into credits)", kind="lever",
       group="retention",
       help_zh="学徒岗位工作时间计入学分的比例:更多学生愿意参加学徒制,过高则易被当作廉价劳动力。"),
    # -------------------------------------------------------------------- run
    _p("run", "seed", 20251125, 0, 2**63 - 1, "integer", "Random seed", "随机种子",
       "Master seed; each stochastic process gets its own stream spawned from it.",
       "model design", dtype=int),
    _p("run", "years", 10, 1, 200, "years", "Horizon", "模拟年数", "Years simulated.",
       "model design", dtype=int),
    _p("run", "steps_per_year", 2, 1, 12, "steps per year", "Steps per year (semesters)",
       "每年步数(学期)", "Time step: 2 means one step per semester.",
       "Chinese academic year has two semesters", dtype=int),
]

PARAMS: Mapping[str, Param] = MappingProxyType({p.key: p for p in _DECLARATIONS})
"""All declarations by dotted key."""
BY_NAME: Mapping[str, Param] = MappingProxyType({p.name: p for p in _DECLARATIONS})
"""All declarations by short name (names are unique across sections)."""
LEVERS: tuple[Param, ...] = tuple(p for p in _DECLARATIONS if p.kind == "lever")
"""The twelve policy levers, in declaration order."""
LEVER_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in LEVERS))
"""Lever groups for grouped sensitivity analysis."""

if len(BY_NAME) != len(_DECLARATIONS):  # pragma: no cover - guards future edits
    raise RuntimeError("parameter names must be unique across sections")


def resolve_key(key: str) -> Param:
    """Find a declaration from ``section.name`` or a bare ``name``.

    Raises:
        ConfigError: naming the unknown key and the closest declared one.

    """
    p = PARAMS.get(key) or BY_NAME.get(key)
    if p is not None:
        return p
    if "." in key:
        section = key.split(".", 1)[0]
        if section not in SECTIONS:
            raise ConfigError(f"unknown section {excerpt(section)} in {excerpt(key)}: sections "
                              f"are {', '.join(SECTIONS)}")
    hint = difflib.get_close_matches(key, list(PARAMS) + list(BY_NAME), n=1)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ConfigError(f"unknown parameter {excerpt(key)}{extra}")


class _Section:
    """Read-only attribute view of one section's values."""

    def __init__(self, name: str, values: Mapping[str, Any]):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_values", dict(values))
        self.__dict__.update(values)  # plain attribute reads (the model reads them per step)

    def __getattr__(self, item: str) -> Any:  # only for a name that is not a parameter
        raise AttributeError(f"{self._name} has no parameter {item!r}")

    def __setattr__(self, key, value):
        raise AttributeError("scenario parameters are read-only; use Scenario.with_overrides")

    def __repr__(self) -> str:
        return f"{self._name}({self._values})"

    def as_dict(self) -> dict[str, Any]:
        """A copy of the section's values."""
        return dict(self._values)


@dataclass(frozen=True)
class Scenario:
    """A fully resolved, validated, immutable set of parameter values.

    Build it with :func:`load_scenario` or :meth:`Scenario.from_dict`; change it with
    :meth:`with_overrides` (which returns a new object). ``name`` is informational.
    """

    values: Mapping[str, Any]
    name: str = "custom"
    description: str = ""
    source_path: str | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        sections = {s: {} for s in SECTIONS}
        for key, value in self.values.items():
            section, name = key.split(".", 1)
            sections[section][name] = value
        object.__setattr__(self, "_sections",
                           {s: _Section(s, body) for s, body in sections.items()})
        for s, section in self._sections.items():  # plain attribute reads of the sections
            object.__setattr__(self, s, section)

    def __reduce__(self):
        """Pickle as plain values (workers of a sweep receive scenarios)."""
        return (Scenario, (dict(self.values), self.name, self.description, self.source_path))

    # -- access -----------------------------------------------------------
    def __getattr__(self, item: str) -> _Section:
        if item in SECTIONS:
            return self.__dict__["_sections"][item]
        raise AttributeError(item)

    def __getitem__(self, key: str) -> Any:
        return self.values[resolve_key(key).key]

    def get(self, key: str) -> Any:
        """Value by dotted or short key."""
        return self[key]

    # -- building ---------------------------------------------------------
    @classmethod
    def default(cls) -> "Scenario":
        """The declared defaults (the status quo)."""
        return cls({k: p.default for k, p in PARAMS.items()}, name="defaults")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str = "custom",
                  source_path: str | None = None) -> "Scenario":
        """Validate a nested ``{section: {key: value}}`` mapping of overrides.

        A top-level ``name`` and ``description`` (strings) are accepted; a ``package`` must
        have been expanded by :func:`expand_package` first (scenario files are, by
        :func:`load_scenario`); anything else unknown is an error.
        """
        data = dict(data)
        explicit = "name" in data
        meta_name = data.pop("name", name)
        description = data.pop("description", "")
        if "package" in data:
            raise ConfigError("package: expand policy packages with sim.params.expand_package")
        if explicit or not isinstance(meta_name, str):
            from sim.outputs import check_name  # the name may become a folder name

            check_name(meta_name)
        if not isinstance(description, str):
            raise ConfigError(f"description = {excerpt(description)}: expected a string")
        flat: dict[str, Any] = {}
        for section, body in data.items():
            if section not in SECTIONS:
                hint = difflib.get_close_matches(section, SECTIONS, n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise ConfigError(f"unknown section {excerpt(section)}{extra}: sections are "
                                  f"{', '.join(SECTIONS)}")
            if not isinstance(body, Mapping):
                raise ConfigError(f"section {excerpt(section)} must be a table of key = value")
            for key, value in body.items():
                flat[f"{section}.{key}"] = value
        base = cls.default()
        return base.with_overrides(flat, name=meta_name, description=description,
                                   source_path=source_path)

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, *, name: str | None = None,
                       description: str | None = None,
                       source_path: str | None = None) -> "Scenario":
        """Return a new scenario with ``overrides`` (dotted or short keys) validated and applied."""
        values = dict(self.values)
        for key, value in (overrides or {}).items():
            p = resolve_key(key)
            if "." in key and key != p.key:
                raise ConfigError(f"unknown parameter {excerpt(key)}")
            values[p.key] = p.check(value)
        _check_consistency(values)
        return Scenario(values, name=name or self.name,
                        description=self.description if description is None else description,
                        source_path=source_path if source_path is not None else self.source_path)

    # -- export -----------------------------------------------------------
    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested ``{section: {key: value}}`` with every parameter (JSON/TOML friendly)."""
        out: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
        for key, value in self.values.items():
            section, name = key.split(".", 1)
            out[section][name] = value
        return out

    def diff(self, other: "Scenario | None" = None) -> dict[str, Any]:
        """Values that differ from ``other`` (default: the declared defaults)."""
        other = other or Scenario.default()
        return {k: v for k, v in self.values.items() if other.values.get(k) != v}

    def digest(self) -> str:
        """Stable short hash of the resolved values."""
        blob = json.dumps(dict(sorted(self.values.items())), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _check_consistency(values: Mapping[str, Any]) -> None:
    """Cross-parameter rules that single bounds cannot express."""
    if values["world.firm_size_max"] < values["world.firm_size_min"]:
        raise ConfigError(
            f"world.firm_size_max = {values['world.firm_size_max']} is below "
            f"world.firm_size_min = {values['world.firm_size_min']}")
    if values["world.students_per_college"] < values["world.program_years"]:
        raise ConfigError(
            f"world.students_per_college = {values['world.students_per_college']}: need at "
            f"least one student agent per cohort ({values['world.program_years']})")


# ---------------------------------------------------------------- scenario files
def data_dir(name: str) -> Path | None:
    """Folder of shipped data: the source tree's ``<name>/`` or the installed ``sim/<name>/``.

    ``configs/`` and ``experiments/`` are mapped into the wheel as ``sim/configs`` and
    ``sim/experiments_data`` (pyproject ``package-dir``), so they exist once, in the repo.
    """
    package = Path(__file__).resolve().parent
    installed = {"configs": "configs", "experiments": "experiments_data"}[name]
    for candidate in (package.parent / name, package / installed):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    return None


def configs_dir() -> Path:
    """Folder holding the shipped scenarios (the repo's ``configs/`` or the installed copy)."""
    d = data_dir("configs")
    if d is None:
        raise ConfigError("cannot find the shipped scenarios (configs/): is ieisim installed?")
    return d


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios."""
    return sorted(p.stem for p in configs_dir().glob("*.toml"))


def find_shipped(name_or_path: str | Path, folder: Path, kind: str) -> Path:
    """Resolve a shipped file's name (``reform_package``) or a path to an existing TOML file.

    Args:
        name_or_path: a name (looked up as ``folder/<name>.toml``) or a path (anything ending
            in ``.toml``, containing ``/`` or existing).
        folder: the folder of shipped files (:func:`configs_dir`, or the experiments').
        kind: what it is, for messages (``scenario``, ``experiment``).

    """
    s = str(name_or_path)
    path = Path(s)
    if path.suffix == ".toml" or "/" in s or path.exists():
        if not path.is_file():
            raise ConfigError(f"{kind} file {excerpt(s, PATH_CHARS)} not found")
        return path
    candidate = folder / f"{s}.toml"
    if candidate.is_file():
        return candidate
    names = sorted(p.stem for p in folder.glob("*.toml"))
    hint = difflib.get_close_matches(s, names, n=1)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ConfigError(f"unknown {kind} {excerpt(s, PATH_CHARS)}{extra}: shipped {kind}s are "
                      f"{', '.join(names)}")


def find_scenario(name_or_path: str | Path) -> Path:
    """Resolve a scenario name (``reform_package``) or a path to an existing TOML file."""
    return find_shipped(name_or_path, configs_dir(), "scenario")


MAX_TOML_BYTES = 1_000_000
"""Largest scenario or experiment file read (1 MB; the shipped ones are a few kB)."""
PATH_CHARS = 200
"""Longest excerpt of a file name shown in an error message."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; every problem is a one-line :class:`ConfigError`.

    Refused: files over :data:`MAX_TOML_BYTES`, binary (not UTF-8 text) files, invalid TOML
    and nesting too deep to parse.
    """
    path = Path(path)
    name = shorten(str(path), PATH_CHARS)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_TOML_BYTES:
        raise ConfigError(f"{name}: larger than {MAX_TOML_BYTES // 1_000_000} MB: refusing to "
                          "read it as a scenario or experiment file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not a text file (byte {exc.start} is not UTF-8)") from None
    if "\x00" in text:
        raise ConfigError(f"{name}: not a text file (it contains NUL bytes)")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: invalid TOML: {shorten(str(exc), 200)}") from None
    except RecursionError:
        raise ConfigError(f"{name}: invalid TOML: nested too deeply") from None


def parse_set_option(item: str) -> tuple[str, Any]:
    """Parse one ``section.key=value`` command-line override; the value is a TOML value.

    Values are parsed, never evaluated: ``0.3``, ``true``, ``12``. A bare word that is not
    valid TOML is an error.
    """
    if "=" not in item:
        raise ConfigError(f"--set {excerpt(item)}: expected section.key=value")
    key, raw = item.split("=", 1)
    key = key.strip()
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        raise ConfigError(f"--set {excerpt(f'{key}={raw}')}: value is not a TOML number, "
                          "boolean or "
                          f"string") from None
    return key, value


def package_overrides(name: Any) -> dict[str, Any]:
    """Every lever of policy package ``name`` as ``{"policy.<lever>": value}`` (defaults filled).

    Raises:
        ConfigError: ``name`` is not a string or not a package of :mod:`sim.packages`.

    """
    if not isinstance(name, str):
        raise ConfigError(f"package = {name!r}: expected a policy package name")
    if name not in PACKAGES:
        raise ConfigError(f"unknown policy package {name!r}: packages are {', '.join(PACKAGES)}")
    values = {p.key: p.default for p in LEVERS}
    values.update({f"policy.{k}": v for k, v in PACKAGES[name].items()})
    return values


def expand_package(data: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario data with a top-level ``package`` replaced by its lever values.

    The package is applied first; explicit ``[policy]`` values of the file win over it.
    """
    data = dict(data)
    if "package" not in data:
        return data
    policy = {k.split(".", 1)[1]: v for k, v in package_overrides(data.pop("package")).items()}
    explicit = data.get("policy", {})
    if isinstance(explicit, Mapping):
        policy.update(explicit)
        data["policy"] = policy
    return data


def load_scenario(name_or_path: str | Path | Scenario | None = None,
                  overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Scenario:
    """Load a scenario by name or path (default: ``status_quo``) and apply overrides.

    Args:
        name_or_path: shipped scenario name, path to a TOML file, a :class:`Scenario`, or
            ``None`` for the status quo.
        overrides: mapping of dotted keys to values, or ``"section.key=value"`` strings.

    """
    if isinstance(name_or_path, Scenario):
        scenario = name_or_path
    else:
        path = find_scenario(name_or_path or "status_quo")
        data = read_toml(path)
        try:
            scenario = Scenario.from_dict(expand_package(data), name=path.stem,
                                          source_path=str(path))
        except ConfigError as exc:
            raise ConfigError(f"{path.name}: {exc}") from None
    if overrides:
        if not isinstance(overrides, Mapping):
            overrides = dict(parse_set_option(s) for s in overrides)
        scenario = scenario.with_overrides(overrides)
    return scenario


def parameter_table(kind: str | None = None) -> list[dict[str, Any]]:
    """Rows of the parameter table (for docs and the app): one dict per declaration."""
    rows = []
    for p in _DECLARATIONS:
        if kind is not None and p.kind != kind:
            continue
        rows.append({"key": p.key, "name": p.name, "kind": p.kind, "default": p.default,
                     "low": p.low, "high": p.high, "unit": p.unit, "label": p.label,
                     "group": p.group, "source": p.source, "help": p.help})
    return rows

"""Every text drawn on a figure, in English or Chinese.

Metric labels and units come from :data:`sim.metrics.OUTPUT_INFO`, lever labels and units
from :data:`sim.params.BY_NAME`, scenario names from :data:`sim.policies.PACKAGE_LABELS`,
sector names from :data:`sim.sectors.SECTORS`;
this module only adds the words of the figures themselves (axis names, legend entries).
Units are declared in English; :mod:`sim.units` gives their Chinese text for ``--lang zh``.
"""

from __future__ import annotations

from sim import ladder, units
from sim.figures.style import check_lang
from sim.metrics import OUTPUT_INFO
from sim.params import BY_NAME, LEVER_GROUPS
from sim.policies import PACKAGE_LABELS
from sim.sectors import SECTORS

_UNITLESS = {"", "-", "1"}

RUNG_LABELS: dict[str, tuple[str, str]] = {**ladder.RUNG_LABELS, "none": ("No tie", "未合作")}
"""Display names of the rungs of :data:`sim.ladder.RUNGS` (and of "none": no active tie)."""

WORDS: dict[str, tuple[str, str]] = {
    "year": ("Year", "年份"),
    "share_of_ties": ("Share of ties", "合作关系占比"),
    "mean": ("mean", "均值"),
    "band": ("line: mean; band: {pct:g}% interval across {n} replicates",
             "线:均值;带:{n} 次重复的 {pct:g}% 区间"),
    "difference": ("Difference from {ref}", "相对{ref}的差值"),
    "paired_ci": ("paired mean, {pct:g}% CI", "配对均值,{pct:g}% 置信区间"),
    "first_order": ("First order S1", "一阶指数 S1"),
    "total_order": ("Total order ST", "总效应指数 ST"),
    "sobol_index": ("Sobol' index", "Sobol 指数"),
    "second_order": ("Second-order index S2", "二阶指数 S2"),
    "mu_star": ("μ* (mean |elementary effect|)", "μ*(基本效应绝对值均值)"),
    "sigma": ("σ (std. of elementary effects)", "σ(基本效应标准差)"),
    "per_range": ("{unit} per lever range", "{unit}/杠杆全范围"),
    "per_range_unitless": ("per lever range", "每杠杆全范围"),
    "same_unit": ("in the unit of μ*", "单位同 μ*"),
    "non_dominated": ("Non-dominated, distinguishable from the cheaper frontier point",
                      "非劣且与更便宜的前沿点可区分"),
    "not_distinguishable": ("Non-dominated, not distinguishable from noise",
                            "非劣但与噪声不可区分"),
    "zero_inflated": ("{pct:.0f}% of runs exactly 0 (zero-inflated)",
                      "{pct:.0f}% 的运行结果恰为 0(零膨胀)"),
    "dominated": ("Dominated", "被支配政策"),
    "target": ("Target {op} {value:.3g}", "目标 {op} {value:.3g}"),
    "at_centre": ("centre", "中心点"),
    "simultaneous": ("line: paired mean; band: simultaneous {pct:g}% band over all years;\n"
                     "ticks on top: years whose band excludes 0",
                     "线:配对均值;带:覆盖全部年份的 {pct:g}% 联合置信带;\n"
                     "顶部刻度:置信带不含 0 的年份"),
    "joint_rd_right": ("Joint R&D / technical service share (right axis)",
                       "联合研发/技术服务占比(右轴)"),
    "base_sample": ("Base sample size N", "基础样本量 N"),
    "analytic": ("Analytic value", "解析值"),
    "cost_isolines": ("dotted isolines: {unit}", "点线为等值线:{unit}"),
    "contour_hidden": ("target contour hidden:\nreplicate noise > half of\n"
                       "the variance of the means",
                       "目标等值线未画出:\n重复噪声超过\n均值方差的一半"),
    "target_outside": ("{target}: not crossed in this range", "{target}:在此范围内未达到"),
    "box_title": ("{target}: box {box} of {n}, coverage {coverage:.2f}, density {density:.2f}",
                  "{target}:第 {box}/{n} 个区域,覆盖率 {coverage:.2f},密度 {density:.2f}"),
    "lever_position": ("Position in lever range (0 = low, 1 = high)",
                       "在杠杆取值范围中的位置(0 = 下限,1 = 上限)"),
    "full_range": ("Swept range", "扫描范围"),
    "not_significant": ("Range found, not significant (quasi-p > 0.05)",
                        "发现的范围,不显著(拟 p > 0.05)"),
    "detectable": ("Above the noise floor (Holm p ≤ {alpha:g})",
                   "高于噪声下限(Holm p ≤ {alpha:g})"),
    "not_detectable": ("Not distinguishable from replicate noise", "与重复噪声不可区分"),
    "st_noise_floor": ("ST from replicate noise alone (noise floor)",
                       "仅由重复噪声产生的 ST(噪声下限)"),
    "not_distinguishable_noise": ("Grey: not distinguishable from noise (Holm p > {alpha:g})",
                                  "灰色:与噪声不可区分(Holm p > {alpha:g})"),
    "found_range": ("Range found", "发现的范围"),
    "colleges": ("Colleges", "院校"),
    "enterprises": ("Enterprises", "企业"),
    "sector": ("Sector", "行业"),
    "size_class": ("Enterprise size class", "企业规模"),
    "tier": ("College tier", "院校层次"),
    "share_of_enterprises": ("Share of enterprises", "企业占比"),
    "share_of_colleges_ties": ("Share of the tier's ties", "该层次合作关系占比"),
    "highest_rung": ("Highest rung", "最高合作层级"),
    "ties_label": ("{n} ties", "{n} 条合作关系"),
    "colleges_drawn": ("ties of {k} of {n} colleges (seeded sample)",
                       "{n} 所院校中随机抽取 {k} 所的合作关系"),
    "final_year": ("year {year:g}", "第 {year:g} 年"),
    "micro": ("Micro (< 20 staff)", "微型(< 20 人)"),
    "small": ("Small (20–299 staff)", "小型(20–299 人)"),
    "medium": ("Medium (300–999 staff)", "中型(300–999 人)"),
    "large": ("Large (≥ 1000 staff)", "大型(≥ 1000 人)"),
    "rd_per_100_class": ("Joint R&D ties per 100 firms of the class",
                         "每百家该规模企业联合研发数"),
    "level_ci": ("Mean, {pct:g}% CI, {n} replicates", "均值,{pct:g}% 置信区间,{n} 次重复"),
    "family_ci": ("Paired difference, {pct:g}% family-wise CI",
                  "配对差值,{pct:g}% 族系置信区间"),
    "excludes_zero": ("filled: family-wise interval excludes 0 (each {each:.3g}%)",
                      "实心:族系区间不含 0(每个 {each:.3g}%)"),
    "includes_zero": ("hollow: not distinguishable from 0", "空心:与 0 不可区分"),
    "band_ci": ("line: replicate mean; band: {pct:g}% interval of the mean, {n} replicates",
                "线:重复均值;带:均值的 {pct:g}% 区间,{n} 次重复"),
    "threshold_untested": ("No thresholds assessed: {n} replicates (a breakpoint interval "
                           "needs ≥ {need})",
                           "未评估阈值:仅 {n} 次重复(断点区间需要 ≥ {need} 次)"),
    "threshold_key": ("Threshold: breakpoint, {pct:g}% interval shaded (only where narrower "
                      "than a third of the range)",
                      "阈值:断点,阴影为 {pct:g}% 区间(仅当窄于取值范围的三分之一时标出)"),
    "fiscal": ("Fiscal incentives (group)", "财税激励(组)"),
    "retention": ("Talent retention (group)", "人才留用(组)"),
    "evaluation": ("Evaluation reform (group)", "评价改革(组)"),
    "teachers": ("Teacher team (group)", "师资建设(组)"),
    "platforms": ("Platforms (group)", "平台建设(组)"),
    "ordinary": ("Ordinary", "普通院校"),
    "double_high": ("Double High", "“双高”院校"),
    "ownership": ("Ownership", "所有制"),
    "city": ("City", "城市"),
    "city_k": ("City {k}", "城市 {k}"),
    "ownership_private": ("Private", "民营"),
    "ownership_state": ("State-owned", "国有"),
    "ownership_foreign": ("Foreign-funded", "外资"),
    "bd_rd_per_100": ("Joint R&D ties per 100 firms of the group", "每百家该组企业联合研发数"),
    "bd_participation": ("Share of the group's firms with a tie", "该组企业参与率"),
    "bd_rd_per_college": ("Joint R&D ties per college of the tier", "该层次院校校均联合研发数"),
    "bd_ties_per_college": ("Active ties per college of the tier", "该层次院校校均合作关系数"),
}
"""Figure words (English, Chinese) by key; some are format strings."""


TYPOGRAPHIC_OPS = {">=": "≥", "<=": "≤", "!=": "≠"}
"""ASCII comparison operators and the signs printed in titles and legends."""


class Labels:
    """Labels in one language (``"en"`` or ``"zh"``)."""

    def __init__(self, lang: str = "en"):
        self.lang = check_lang(lang)
        self._i = 0 if lang == "en" else 1

    def word(self, key: str, **fmt) -> str:
        """A figure word from :data:`WORDS`, formatted with ``fmt``.

        An ``op`` argument (``>=``, ``<=``) is printed as its typographic sign.
        """
        text = WORDS[key][self._i]
        if isinstance(fmt.get("op"), str):
            fmt["op"] = self.op(fmt["op"])
        return text.format(**fmt) if fmt else text

    def _with_unit(self, label: str, unit: str, wrap: bool = False) -> str:
        if unit.strip() in _UNITLESS:
            return label
        unit = units.unit_text(unit, self.lang)
        sep = "\n" if wrap else ("" if self.lang == "zh" else " ")
        return f"{label}{sep}({unit})"

    def metric(self, name: str, unit: bool = True) -> str:
        """Label of output ``name`` (with its unit unless ``unit`` is False)."""
        if name not in OUTPUT_INFO:
            return name
        label, unit_text, label_zh = OUTPUT_INFO[name]
        text = label if self.lang == "en" else label_zh
        return self._with_unit(text, unit_text) if unit else text

    def unit(self, name: str) -> str:
        """Unit of output ``name``, capitalised for an axis label ("" if unitless)."""
        if name not in OUTPUT_INFO:
            return ""
        text = OUTPUT_INFO[name][1].strip()
        if text in _UNITLESS:
            return ""
        text = units.unit_text(text, self.lang)
        return text[:1].upper() + text[1:]

    def lever(self, name: str, unit: bool = True, wrap: bool = False) -> str:
        """Label of lever (or any parameter) ``name``, with its unit unless told otherwise.

        ``wrap`` puts the unit on a second line (long axis labels).
        """
        p = BY_NAME.get(name)
        if p is None:  # a lever group (grouped Sobol'/Morris) or an unknown name
            return self.word(name) if name in LEVER_GROUPS else name
        text = p.label if self.lang == "en" else p.label_zh
        return self._with_unit(text, p.unit, wrap) if unit else text

    def unit_of_lever(self, name: str) -> str:
        """The unit of lever ``name`` as an axis label ("" if unitless or unknown)."""
        p = BY_NAME.get(name)
        if p is None or p.unit.strip() in _UNITLESS:
            return ""
        return units.unit_text(p.unit, self.lang)

    @staticmethod
    def op(op: str) -> str:
        """A comparison operator in typographic form (``>=`` -> ``≥``, ``<=`` -> ``≤``)."""
        return TYPOGRAPHIC_OPS.get(op.strip(), op)

    def rung(self, name: str) -> str:
        """Display name of a rung (or "none")."""
        pair = RUNG_LABELS.get(name)
        return pair[self._i] if pair else name

    def scenario(self, name: str) -> str:
        """Display name of a scenario or policy package (the name itself if unknown)."""
        pair = PACKAGE_LABELS.get(name)
        return pair[self._i] if pair else name

    def category(self, breakdown: str, value) -> str:
        """Display name of ``value`` in a breakdown (sector, size_class, tier, ownership, city)."""
        if breakdown == "ownership" and f"ownership_{value}" in WORDS:
            return self.word(f"ownership_{value}")
        if breakdown == "city" and str(value).startswith("city"):
            return self.word("city_k", k=str(value)[len("city"):])
        if breakdown == "sector":
            for sector in SECTORS:
                if sector.name == value:
                    return sector.label if self.lang == "en" else sector.label_zh
        if breakdown in ("size_class", "tier") and value in WORDS:
            return self.word(str(value))
        return str(value)

"""Plain-words captions chosen from the model's state by explicit rules.

Each rule looks at a :class:`CaptionState` (the running policy's latest reporters, its
levers against the status quo's, the budget's payout and a typical firm's ledger) and
returns a caption key or None; :func:`captions` keeps the first :data:`MAX_CAPTIONS` that
fire, in the order of :data:`RULES`. The captions explain the results a class finds
surprising (subsidies that do not deepen ties, a retention lever with nothing to retain,
joint R&D that moves by whole ties, pro-rated budgets) as they happen, whatever preset or
slider produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from sim.app.text import LANGUAGES

MAX_CAPTIONS = 3
WILLINGNESS_GAP = 0.3
"""A gap in accepted upgrades (colleges minus firms) above this is called "hot and cold"."""
RECENT_YEARS = 2.0
"""A lever change this recent is pointed out."""
JOINT_TRAINING = 2


@dataclass(frozen=True)
class CaptionState:
    """What the rules read (all from the running model and its session).

    Attributes:
        year: years elapsed.
        levers, status_quo: lever values of the running policy and of the status quo.
        latest: the latest row of reporters (``sim.metrics.OUTPUTS``).
        payout: share of public claims paid in the last step (1 = all paid).
        firm_net: a medium firm's expected net payoff of a tie at each rung (CNY thousand).
        ties_per_100: per-100-firm value of one tie in this world.
        changes: ``(year, lever)`` of each lever change so far.

    """

    year: float
    levers: dict[str, Any]
    status_quo: dict[str, Any]
    latest: dict[str, float]
    payout: float
    firm_net: np.ndarray
    ties_per_100: float
    changes: list[tuple[float, str]] = field(default_factory=list)


def _raised(s: CaptionState, lever: str) -> bool:
    return s.levers[lever] > s.status_quo[lever]


def _deep_share(s: CaptionState) -> float:
    return s.latest.get("share_joint_training", 0.0) + s.latest.get("share_joint_rd", 0.0)


def recent_change(s: CaptionState) -> str | None:
    """A lever was moved in the last two years: point at the mark."""
    return "cap_recent_change" if any(s.year - y <= RECENT_YEARS for y, _ in s.changes) else None


def subsidies_stay_shallow(s: CaptionState) -> str | None:
    """Subsidies raised, yet the typical firm still loses money on joint training."""
    if _raised(s, "intern_subsidy") and s.firm_net[JOINT_TRAINING] < 0 <= s.firm_net[0]:
        return "cap_subsidies_shallow"
    return None


def nobody_to_retain(s: CaptionState) -> str | None:
    """Retention support raised while no tie has reached joint training (no apprentices)."""
    if _raised(s, "retention_support") and _deep_share(s) == 0:
        return "cap_nobody_to_retain"
    return None


def rd_needs_training_first(s: CaptionState) -> str | None:
    """R&D co-funding raised while no tie is at joint training or above."""
    if _raised(s, "rd_cofunding") and _deep_share(s) == 0:
        return "cap_rd_needs_training"
    return None


def budget_prorated(s: CaptionState) -> str | None:
    """Claims exceed the budget: every claim is paid only in part."""
    return "cap_budget_prorated" if s.payout < 1 - 1e-9 else None


def hot_colleges_cold_firms(s: CaptionState) -> str | None:
    """Colleges accept far more of the possible upgrades than firms."""
    gap = s.latest.get("college_willingness", np.nan) - s.latest.get("enterprise_willingness",
                                                                      np.nan)
    return "cap_hot_cold" if np.isfinite(gap) and gap > WILLINGNESS_GAP else None


def whole_ties(s: CaptionState) -> str | None:
    """Joint R&D exists: in a small world it moves in whole ties."""
    return "cap_whole_ties" if s.latest.get("joint_rd_per_100_firms", 0.0) > 0 else None


def firms_stop_at_internships(s: CaptionState) -> str | None:
    """The typical firm gains from an internship tie and loses on every deeper rung."""
    net = s.firm_net
    return "cap_stop_at_internship" if net[0] >= 0 and (net[1:] < 0).all() else None


RULES: tuple[Callable[[CaptionState], str | None], ...] = (
    recent_change, subsidies_stay_shallow, nobody_to_retain, rd_needs_training_first,
    budget_prorated, hot_colleges_cold_firms, whole_ties, firms_stop_at_internships)
"""The rules, most specific first."""

_TEXT: dict[str, tuple[str, str]] = {
    "cap_recent_change": ("You changed the policy at the vertical line: compare the lines "
                          "before and after it.",
                          "你在竖线处调整了政策:比较竖线前后的曲线。"),
    "cap_subsidies_shallow": ("Subsidies pay per intern: they widen participation but do not "
                              "make the deeper steps pay. A typical firm still loses "
                              "{loss:.0f} thousand CNY a year on a joint-training tie.",
                              "补贴按实习生人数发放:能扩大参与面,却不能让更深层的合作变得划算。"
                              "一家典型企业做联合培养每年仍亏损{loss:.0f}千元。"),
    "cap_nobody_to_retain": ("Service agreements protect apprentices from poaching, but no "
                             "tie has reached joint training: there is nobody to protect yet.",
                             "服务期协议保护学徒不被挖走,但还没有合作达到联合培养层级:"
                             "暂时没有需要保护的人。"),
    "cap_rd_needs_training": ("R&D co-funding helps only ties that can climb to joint R&D, "
                              "and no tie has reached joint training yet.",
                              "研发配套只帮助能升到联合研发的合作,而目前还没有合作达到联合培养。"),
    "cap_budget_prorated": ("The public budget is exhausted: every claim was paid only "
                            "{paid:.0%}, and firms expect less next time.",
                            "公共预算已用完:每项申领只支付了{paid:.0%},企业下次的预期也会降低。"),
    "cap_hot_cold": ("Hot colleges, cold firms: colleges accept {college:.0%} of possible "
                     "upgrades, firms {firm:.0%}.",
                     "校热企冷:院校接受了{college:.0%}的可行升级,企业只接受了{firm:.0%}。"),
    "cap_whole_ties": ("Joint R&D moves in whole ties: in this world one tie is "
                       "{step:.2f} per 100 firms.",
                       "联合研发按整数个变化:在这个模拟世界里,一个合作相当于每百家企业"
                       "{step:.2f}个。"),
    "cap_stop_at_internship": ("Why firms stop at internships: for a typical firm an "
                               "internship tie pays, every deeper rung costs more than it "
                               "brings (see the firm's ledger).",
                               "企业为何止步于实习:对一家典型企业来说,实习合作划算,更深的每一层"
                               "都是成本大于收益(见企业账本)。"),
}


def caption_keys(state: CaptionState) -> list[str]:
    """Keys of the rules that fire, first :data:`MAX_CAPTIONS`, in rule order."""
    keys = [key for rule in RULES if (key := rule(state)) is not None]
    return keys[:MAX_CAPTIONS]


def caption_text(key: str, state: CaptionState, lang: str) -> str:
    """The caption ``key`` in ``lang``, filled with numbers from ``state``."""
    text = _TEXT[key][LANGUAGES.index(lang)]
    return text.format(loss=-float(state.firm_net[JOINT_TRAINING]), paid=state.payout,
                       college=state.latest.get("college_willingness", 0.0),
                       firm=state.latest.get("enterprise_willingness", 0.0),
                       step=state.ties_per_100)


def captions(state: CaptionState, lang: str) -> list[str]:
    """The captions to show now."""
    return [caption_text(k, state, lang) for k in caption_keys(state)]


def caption_keys_all() -> tuple[str, ...]:
    """Every caption key (tests check both languages)."""
    return tuple(_TEXT)

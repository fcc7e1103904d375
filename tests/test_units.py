from sim.metrics import OUTPUT_INFO
from sim.params import PARAMS
from sim.units import UNITS_ZH, unit_text


def test_every_declared_unit_has_a_chinese_rendering():
    units = {p.unit for p in PARAMS.values()} | {info[1] for info in OUTPUT_INFO.values()}
    missing = sorted(units - set(UNITS_ZH))
    assert not missing, missing
    assert not set(UNITS_ZH) - units, "stale entries"


def test_unit_text():
    assert unit_text("CNY million per year", "zh") == "百万元/年"
    assert unit_text("CNY million per year", "en") == "CNY million per year"

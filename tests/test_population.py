"""The simulated population: size classes, members per agent, ownership, colleges' capacity."""

import numpy as np
import pytest

from sim.population import (
    CENSUS_SHARES,
    CENSUS_SME_EMPLOYMENT_SHARE,
    OWNERSHIP_SHARES,
    SIZE_CLASSES,
    cap_agents,
    class_agent_shares,
    class_counts,
    class_members,
    class_real_firms,
    college_capacity,
    draw_firms,
    service_funding_10m_share,
    size_class,
)


def test_size_classes_follow_the_statistical_thresholds():
    assert SIZE_CLASSES == ("micro", "small", "medium", "large")
    assert size_class(np.array([1, 19, 20, 299, 300, 999, 1000, 50_000])).tolist() == [
        0, 0, 1, 1, 2, 2, 3, 3]


def test_census_shares_are_mostly_micro_firms():
    assert CENSUS_SHARES.sum() == pytest.approx(1.0)
    assert CENSUS_SHARES[0] == pytest.approx(1543.9 / 1810.6, rel=1e-3)
    assert CENSUS_SHARES[3] == pytest.approx(0.002, abs=5e-4)


@pytest.mark.parametrize("n", [4, 10, 300, 1001])
@pytest.mark.parametrize("tilt", [0.0, 0.7, 1.0])
def test_class_counts_sum_to_n_with_every_class_present(n, tilt):
    counts = class_counts(n, class_agent_shares(tilt))
    assert counts.sum() == n and (counts >= 1).all()


def test_members_sum_to_the_real_firms_and_keep_the_census_mix():
    real = class_real_firms(300 * 405)
    assert real.sum() == 300 * 405
    assert real / real.sum() == pytest.approx(CENSUS_SHARES, abs=1e-4)
    counts = cap_agents(class_counts(300, class_agent_shares(0.7)), real)
    members = class_members(counts, real)
    for c in range(4):
        assert members[c].sum() == real[c] and members[c].min() >= 1
        assert members[c].max() - members[c].min() <= 1  # spread evenly within a class


def test_no_class_gets_more_agents_than_real_firms():
    # one real firm per agent: the sample is proportional, whatever the tilt
    real = class_real_firms(300)
    counts = cap_agents(class_counts(300, class_agent_shares(0.9)), real)
    assert counts.tolist() == real.tolist()
    assert counts.sum() == 300
    with pytest.raises(ValueError, match="at least as many real firms"):
        cap_agents(class_counts(300, class_agent_shares(0.7)), class_real_firms(200))


@pytest.mark.parametrize("scale", [1.0, 2.0, 405.0])
def test_drawn_members_are_whole_firms_summing_to_the_region(scale):
    d = draw_firms(np.random.default_rng(1), 300, tilt=0.7, scale=scale, size_min=2,
                   size_max=10_000, alpha=1.0)
    assert d.members.dtype.kind == "i" and (d.members >= 1).all()
    assert d.members.sum() == round(300 * scale)
    real = np.bincount(d.size_class, weights=d.members, minlength=4)
    assert real == pytest.approx(class_real_firms(round(300 * scale)))


def test_tilt_puts_enough_large_firms_in_a_small_region():
    proportional = class_counts(300, class_agent_shares(0.0))
    tilted = class_counts(300, class_agent_shares(0.7))
    assert proportional[3] <= 1
    assert tilted[3] >= 20 and tilted[2] >= 40


def test_drawn_firms_lie_in_their_class_and_reproduce_census_employment():
    rng = np.random.default_rng(3)
    d = draw_firms(rng, 100_000, tilt=0.7, scale=40.0, size_min=2, size_max=10_000, alpha=1.0)
    assert (size_class(d.employees) == d.size_class).all()
    emp = np.bincount(d.size_class, weights=d.employees * d.members)
    large_share = emp[3] / emp.sum()
    assert large_share == pytest.approx(1.0 - CENSUS_SME_EMPLOYMENT_SHARE, abs=0.03)


def test_ownership_matches_census_overall_and_rises_with_size():
    overall = CENSUS_SHARES @ OWNERSHIP_SHARES
    assert overall[1] == pytest.approx(0.013, abs=0.002)  # state-controlled 1.3%
    assert overall[2] == pytest.approx(0.012, abs=0.002)  # foreign incl. HK/Macao/Taiwan
    assert np.all(np.diff(OWNERSHIP_SHARES[:, 1]) > 0)
    rng = np.random.default_rng(5)
    d = draw_firms(rng, 50_000, tilt=1.0, scale=100.0, size_min=2, size_max=10_000, alpha=1.0)
    for c in range(4):
        got = np.bincount(d.ownership[d.size_class == c], minlength=3) / (d.size_class == c).sum()
        assert got == pytest.approx(OWNERSHIP_SHARES[c], abs=0.01)


def test_college_capacity_is_heavy_tailed_and_gives_the_reported_10m_share():
    rng = np.random.default_rng(11)
    tier = (rng.random(200_000) < 0.13).astype(int)
    cap = college_capacity(rng, tier, sigma=1.0, elite_shift=0.7)
    assert np.median(cap[tier == 0]) == pytest.approx(1.0, rel=0.02)
    assert np.mean(cap) > 1.4 * np.median(cap)  # heavy right tail
    share = service_funding_10m_share(cap * 2.5)
    assert 0.09 <= share <= 0.19  # 206 of ~1,486 colleges (Quality Annual Report 2022)


def test_service_funding_10m_share_counts_strictly_above_the_line():
    assert service_funding_10m_share(np.array([5.0, 10.0, 10.5, 160.5])) == 0.5
    assert service_funding_10m_share(np.array([])) == 0.0


def test_sector_contrast_scales_differences_around_the_mean():
    from sim.sectors import DRIFT_MULTIPLIER, FIRM_SHARES, contrasted

    assert contrasted(DRIFT_MULTIPLIER, 1.0) is not None
    assert np.array_equal(contrasted(DRIFT_MULTIPLIER, 1.0), DRIFT_MULTIPLIER)
    flat = contrasted(DRIFT_MULTIPLIER, 0.0)
    assert np.allclose(flat, np.average(DRIFT_MULTIPLIER, weights=FIRM_SHARES))
    double = contrasted(DRIFT_MULTIPLIER, 2.0)
    assert np.allclose(double - flat, 2.0 * (DRIFT_MULTIPLIER - flat))

"""Suite-wide settings: no test may depend on how fast this machine is today."""

from hypothesis import HealthCheck, settings

# Hypothesis fails an example that takes over 200 ms and warns about slow data generation by
# default: wall-clock budgets that a loaded CI machine breaks. Properties are checked, not speed.
settings.register_profile("ieisim", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ieisim")

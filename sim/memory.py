"""Memory a run needs, estimated from its world size, so that impossible worlds are refused.

Every world size inside the declared bounds is valid, but not every one fits in a machine:
5,000 colleges x 100,000 student agents x 500,000 enterprises would need about 140 GB. A run
(``ieisim run``) or a sweep (``ieisim sweep``, one run per worker at a time) whose estimate
exceeds the machine's memory is refused in one line with the estimate, instead of failing
with ``MemoryError`` (or being killed by the system) after minutes.

The estimate is linear in the agent counts: the peak resident memory of one run process
(interpreter and imports included) is ``BASE_BYTES`` plus bytes per student, teacher,
enterprise and college agent. For model version 2 (students as arrays) the coefficients come
from the VmHWM peaks of one-year status-quo runs measured on 2026-12-02 (Python 3.12) with
``benchmarks/bench_memory.py``: bytes per student and per college from the growth of the
worlds with 135,000 students and with 150 colleges x 10,000 firms (a least-squares fit over
the benchmark's 9 worlds put almost all of the second world's growth on its 150 colleges and
over-estimated it by 60%), per enterprise from the 100,000-firm world, per teacher from the
fit. On 2026-12-02 (Mesa agents and the networkx graph made only when read, sim/views.py)
the bytes per teacher and per enterprise were refitted with the same benchmark (least squares
over its 9 worlds: 250 and 253 B; the others unchanged). The test
``tests/test_memory.py`` checks the estimate against measured peaks at three world sizes.
Refit them (``benchmarks/bench_memory.py``) when the model's state changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from sim.errors import UsageError

BASE_BYTES = 182_000_000
"""Peak of a run process with an empty world: Python, numpy, pandas, Mesa and the model (B)."""
BYTES_PER_STUDENT = 274
"""Memory per student agent (B)."""
BYTES_PER_TEACHER = 250
"""Memory per teacher agent (B); refitted 2026-12-02 when Mesa views became on demand."""
BYTES_PER_ENTERPRISE = 180
"""Memory per enterprise agent, its ties included (B); refitted 2026-12-02 (no Mesa agent or
networkx node per firm in a headless run: 940 B before). Measured growth over a tiny world:
31.6-43.7 MB for 200,000 firms (two runs, the peak varies with the allocator), 21.4 MB for
100,000 (``benchmarks/bench_memory.py``); 180 B sits inside 30% of all three."""
BYTES_PER_COLLEGE = 5_000
"""Memory per college agent with its per-college tables (B)."""
MACHINE_SHARE = 0.9
"""Share of the machine's memory a sweep or run may plan to use (the rest: system, parent)."""
_CGROUP_LIMIT = Path("/sys/fs/cgroup/memory.max")
_MEMINFO = Path("/proc/meminfo")


def world_counts(values: Mapping[str, Any]) -> dict[str, int]:
    """Agent counts of a world from a scenario's flat values (dotted keys)."""
    colleges = int(values["world.n_colleges"])
    return {"colleges": colleges,
            "students": colleges * int(values["world.students_per_college"]),
            "teachers": colleges * int(values["world.teachers_per_college"]),
            "enterprises": int(values["world.n_enterprises"])}


def estimate_run_bytes(values: Mapping[str, Any]) -> int:
    """Estimated peak resident memory of one run process (B)."""
    n = world_counts(values)
    return int(BASE_BYTES + BYTES_PER_STUDENT * n["students"]
               + BYTES_PER_TEACHER * n["teachers"]
               + BYTES_PER_ENTERPRISE * n["enterprises"] + BYTES_PER_COLLEGE * n["colleges"])


def machine_bytes() -> int | None:
    """Physical memory of this machine, or its container's limit if lower (``None``: unknown)."""
    total = None
    try:
        for line in _MEMINFO.read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            total = None
    try:
        limit = _CGROUP_LIMIT.read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit)) if total else int(limit)
    except OSError:
        pass
    return total


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n < 1e11 else f"{n / 1e9:,.0f} GB"


def check_memory(values: Mapping[str, Any], workers: int = 1, what: str = "a run") -> int:
    """Refuse a world that does not fit in this machine; return the estimate per run (B).

    Args:
        values: the scenario's flat values (the largest world of a sweep).
        workers: runs held in memory at once (a sweep's worker processes).
        what: the subject of the message (``"a run of reform_package"``).

    Raises:
        UsageError: ``workers`` runs need more than :data:`MACHINE_SHARE` of the machine.

    """
    per_run = estimate_run_bytes(values)
    have = machine_bytes()
    if have is None or per_run * workers <= MACHINE_SHARE * have:
        return per_run
    n = world_counts(values)
    world = (f"{n['colleges']:,} colleges x {n['students'] // max(1, n['colleges']):,} "
             f"students, {n['enterprises']:,} enterprises")
    times = f" x {workers} workers" if workers > 1 else ""
    hint = ("use fewer workers (--workers) or a smaller world" if per_run <= MACHINE_SHARE * have
            else "use a smaller world with larger scale factors (e.g. fewer "
            "students_per_college and a larger student_scale)")
    raise UsageError(f"{what} ({world}) needs about {_gb(per_run)} of memory{times}; this "
                     f"machine has {_gb(have)}: {hint}")

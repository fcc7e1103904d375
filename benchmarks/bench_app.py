"""Server-side cost of one classroom step: model step plus re-render of the page.

The page is rendered in-process with ``solara.render`` and its Step button clicked, which
runs exactly what the server runs for a click (the model step, the re-render of every
component, the chart and network PNGs, the widget diff), minus the websocket. Target: median
<= 200 ms on this machine, in both modes (policy alone; side by side with the status quo).
Also reports the parts (model step(s), charts PNG, network PNG) and the memory a class of
open pages holds (each browser session has its own models and figures).

    python benchmarks/bench_app.py [--steps 20] [--sessions 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

TARGET_MS = 200.0


def _click_steps(compare: bool, steps: int) -> list[float]:
    import ipyvuetify as v
    import solara

    from sim.app.page import Page

    box, rc = solara.render(Page(), handle_error=False)
    try:
        if compare:
            rc.find(v.Switch).widget.v_model = True
        button = rc.find(v.Btn, children=["Step"]).widget
        button.click()  # warm-up: first-draw costs (fonts, caches) are not per-step costs
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            button.click()
            times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        rc.close()


def _parts(compare: bool, steps: int) -> dict[str, float]:
    from sim.app.charts import ChartBoard
    from sim.app.network_view import NetworkBoard
    from sim.app.page import network_title
    from sim.app.session import ClassroomSession

    session = ClassroomSession()
    session.set_compare(compare)
    charts = ChartBoard(compare, session.horizon_years, "en")
    network = NetworkBoard([(network_title(r, compare, "en"), session.layout(m))
                            for r, m in session.runs()], "en")
    parts: dict[str, list[float]] = {"model_step_ms": [], "charts_png_ms": [],
                                     "network_png_ms": []}
    for _ in range(steps):
        t0 = time.perf_counter()
        session.step()
        t1 = time.perf_counter()
        charts.render(session.timeseries())
        t2 = time.perf_counter()
        network.render([m.network for _, m in session.runs()])
        t3 = time.perf_counter()
        parts["model_step_ms"].append((t1 - t0) * 1000)
        parts["charts_png_ms"].append((t2 - t1) * 1000)
        parts["network_png_ms"].append((t3 - t2) * 1000)
    return {k: round(statistics.median(v), 1) for k, v in parts.items()}


def _memory_per_session(sessions: int) -> float:
    """Resident memory added per rendered page (MB), from ``sessions`` pages held at once."""
    import resource

    import solara

    from sim.app.page import Page

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20

    _, first = solara.render(Page(), handle_error=False)  # imports and caches out of the way
    before = rss_mb()
    contexts = [solara.render(Page(), handle_error=False)[1] for _ in range(sessions)]
    per_session = (rss_mb() - before) / sessions
    for rc in [first, *contexts]:
        rc.close()
    return round(per_session, 1)


def main(argv: list[str] | None = None) -> int:
    """Measure both modes; exit 1 if a median misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per mode")
    parser.add_argument("--sessions", type=int, default=30,
                        help="pages held at once for the memory estimate (a class)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results = {}
    for mode, compare in (("policy_alone", False), ("side_by_side", True)):
        times = _click_steps(compare, args.steps)
        results[mode] = {"median_ms": round(statistics.median(times), 1),
                         "p90_ms": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
                         "steps": len(times), **_parts(compare, args.steps)}
    ok = all(r["median_ms"] <= TARGET_MS for r in results.values())
    memory = _memory_per_session(args.sessions)
    if args.json:
        print(json.dumps({"target_ms": TARGET_MS, "ok": ok, **results,
                          "memory_mb_per_session": memory, "sessions": args.sessions}))
    else:
        for mode, r in results.items():
            print(f"{mode:13s} step + re-render median {r['median_ms']:6.1f} ms "
                  f"(p90 {r['p90_ms']:.1f}; model {r['model_step_ms']} ms, charts "
                  f"{r['charts_png_ms']} ms, network {r['network_png_ms']} ms) "
                  f"target <= {TARGET_MS:.0f} ms")
        print(f"memory: {memory} MB per open page ({args.sessions} pages held at once)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

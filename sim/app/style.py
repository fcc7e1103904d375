"""Colours shared by the app's charts and network view (drawn in the browser as SVG).

The app draws nothing with matplotlib any more; chart text uses the web font served with
the page (:mod:`sim.app.fonts`), so Chinese labels need no font on the server.
"""

from __future__ import annotations

RUNG_COLOURS: tuple[str, ...] = ("#9ecae1", "#4292c6", "#fd8d3c", "#d62728")
"""Colour of each rung, internship to joint R&D (light blue to red: deeper is hotter)."""
NO_TIE_COLOUR = "#c8c8c8"
"""Enterprises without any tie."""

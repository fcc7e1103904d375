"""New chart data sent straight to the browser's charts, outside the page's re-render.

Re-rendering a page with Solara walks every element of the part that changed (about a
quarter of a millisecond each), which made one step of one session cost some 80 ms of the
server's single interpreter. A step changes only the charts' data, so the page renders its
charts once (and again when the language, projector mode, side-by-side mode or the picked
firm change) and, after each step, a :class:`ChartFeed` computes the new ECharts options and
sets them on the chart widgets directly: one message per chart, no element tree walked.

While a page plays, the few texts that change at every step (the year, the version the
charts are drawn at, and once a simulated year the captions and the readout) arrive the same
way (text sources), so a playing page is not re-rendered at all; a click, a reset or a
pause re-renders what changed as before.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

Options = Callable[[], dict[str, dict]]
"""A source: computes ``{chart name: ECharts option}`` from the session's models now."""
Texts = Callable[[int], dict[str, dict[str, Any]]]
"""A text source: ``{widget name: {trait: value}}`` for the version (step count) given."""


class ChartFeed:
    """The chart widgets of one page, and where their options come from.

    Components register a source per group of charts (``lines``, ``ledger``, ``network``)
    when they render, and each chart widget once it exists; :meth:`push` recomputes a
    group's options and sends them, with the version the browser shows as the chart's
    ``data-rendered`` attribute.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._widgets: dict[str, Any] = {}
        self._sources: dict[str, Options] = {}
        self._texts: dict[str, Texts] = {}
        self.pushes = 0
        """Options sent so far (tests and the benchmark read it)."""

    def source(self, group: str, options: Options) -> None:
        """Set where the options of ``group``'s charts come from (replaces the last one)."""
        with self._lock:
            self._sources[group] = options

    def text_source(self, group: str, texts: Texts) -> None:
        """Set where the traits of ``group``'s text widgets come from (replaces the last)."""
        with self._lock:
            self._texts[group] = texts

    def attach(self, name: str, widget: Any) -> Callable[[], None]:
        """Send chart ``name``'s future options to ``widget``; return the detach function."""
        with self._lock:
            self._widgets[name] = widget

        def detach() -> None:
            with self._lock:
                if self._widgets.get(name) is widget:
                    del self._widgets[name]

        return detach

    def push(self, groups: tuple[str, ...], version: int) -> None:
        """Recompute the options (or texts) of ``groups`` and send them to their widgets."""
        with self._lock:
            for group in groups:
                texts = self._texts.get(group)
                if texts is not None:
                    self._send_texts(texts(version))
                source = self._sources.get(group)
                if source is None:
                    continue
                for name, option in source().items():
                    widget = self._widgets.get(name)
                    if widget is None:
                        continue
                    with widget.hold_sync():  # one message: the browser draws the version too
                        widget.option_version = version
                        widget.option = option
                    self.pushes += 1

    def _send_texts(self, values: dict[str, dict[str, Any]]) -> None:
        for name, traits in values.items():
            widget = self._widgets.get(name)
            if widget is None:
                continue
            with widget.hold_sync():
                for trait, value in traits.items():
                    setattr(widget, trait, value)
            self.pushes += 1

    def clear(self) -> None:
        """Forget every widget and source (the page is closing)."""
        with self._lock:
            self._widgets.clear()
            self._sources.clear()
            self._texts.clear()

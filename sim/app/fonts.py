"""The Chinese web font served with the page, and the page-wide font and size rules.

Browser-drawn charts use the viewer's fonts, and a classroom PC may have no Chinese font:
the page therefore loads Noto Sans SC from the npm package ``@fontsource/noto-sans-sc``,
served offline by solara's CDN proxy once ``python -m sim.app.assets install`` has put it in
the cache (the font is split into unicode-range files; the browser fetches only the ones its
text needs). Page text uses Roboto (Vuetify's font) with Noto Sans SC for Chinese glyphs.
"""

from __future__ import annotations

import solara

WEB_FONT_FAMILY = "Noto Sans SC"
WEB_FONT_CSS = "{{cdn}}/@fontsource/noto-sans-sc@5.2.6/400.css"
"""The font's stylesheet below solara's CDN path (``{{cdn}}``); read by :mod:`sim.app.assets`."""
CDN_URL = "./_solara/cdn"
"""Where the page's CDN proxy is served, relative to the page."""
PROJECTOR_ROOT_SIZE = "125%"
"""Root font size in projector mode: every rem-sized text and control grows with it."""


def font_css(projector: bool) -> str:
    """The page-wide style: the web font, and in projector mode a larger root font size."""
    css = (f'@import url("{WEB_FONT_CSS.replace("{{cdn}}", CDN_URL)}");\n'
           f".v-application {{ font-family: Roboto, '{WEB_FONT_FAMILY}', sans-serif; }}\n")
    if projector:
        css += f"html {{ font-size: {PROJECTOR_ROOT_SIZE}; }}\n"
    return css


@solara.component
def FontStyle(projector: bool):
    """Inject :func:`font_css` into the page."""
    solara.Style(font_css(projector))

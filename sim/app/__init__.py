"""The classroom web app (``ieisim app``): a Solara page over the cooperation model.

Modules: ``page`` (the Solara page), ``session`` (the models of one browser session),
``controls`` (sliders from the parameter declarations), ``presets`` (policy packages),
``charts`` and ``network_view`` (matplotlib views), ``style``, ``text`` (English/Chinese),
``assets`` (offline front-end files), ``cli`` (``ieisim app``).
"""

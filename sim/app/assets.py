"""Solara's front-end assets for offline classrooms: ``python -m sim.app.assets install``.

Solara's page loads its Vue bundle, requirejs and font-awesome (and, lazily, vue-grid-layout
and KaTeX) through its own CDN proxy (``/_solara/cdn/<package>@<version>/<file>``). The proxy
serves files from ``solara.server.settings.assets.proxy_cache_dir`` and fetches a missing one
from the internet, so offline a cold cache gives a blank page. The ``solara-assets`` package
on PyPI stops at 1.58.2 and does not match current solara, so instead of pinning an old solara
this module fills the cache with exactly the npm packages, at exactly the versions, that the
*installed* solara names in its page template and lazy loaders. Packages are fetched with
``npm pack`` (npm's own configured registry) and unpacked to ``<cache>/<package>@<version>/``,
the layout the proxy reads. Ranges such as ``vega@5`` (Altair charts) are not pinned by solara
and are skipped: the app uses the matplotlib backend.

Usage::

    python -m sim.app.assets install [--quiet] [--cache DIR]   # fetch what is missing
    python -m sim.app.assets check                              # exit 1 if anything is missing
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sim.errors import IeisimError

_SOURCES = (
    "server/templates/solara.html.j2",  # the page: Vue app bundle (vue 2 and vue 3), requirejs
    "widgets/vue/gridlayout.vue",       # lazily: vue-grid-layout (solara.GridDraggable)
    "widgets/vue/gridlayout_v3.vue",
    "components/markdown.py",           # lazily: KaTeX, mermaid (solara.Markdown)
)
"""Files of the installed solara package that name the CDN assets the browser loads."""

_CDN_PREFIX = r"(?:\{\{\s*cdn\s*\}\}|\$\{this\.getCdn\(\)\})"
_REF = re.compile(
    _CDN_PREFIX
    + r"/(?P<package>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>\d+\.\d+\.\d+(?:-[\w.]+)?)"
    + r"/(?P<path>[^\"'`\s]+)"
)
_MARKER = ".ieisim-complete"
"""Written last into a package folder, so an interrupted install is redone."""


@dataclass(frozen=True)
class Asset:
    """One file the browser requests from solara's CDN proxy."""

    package: str
    version: str
    path: str

    @property
    def spec(self) -> str:
        """``package@version`` as npm understands it."""
        return f"{self.package}@{self.version}"

    @property
    def url_path(self) -> str:
        """Path below ``/_solara/cdn/`` (and below the cache folder)."""
        return f"{self.spec}/{self.path}"


def _solara_root() -> Path:
    import solara

    return Path(solara.__file__).parent


def _substitute(path: str) -> str:
    """Fill the template variables that occur inside asset paths."""
    import ipywidgets

    return path.replace("{{ipywidget_major_version}}", ipywidgets.__version__.split(".")[0])


def required_assets() -> list[Asset]:
    """Every exactly-versioned CDN file the installed solara can ask for, in source order."""
    import solara.server.settings as server_settings

    texts = []
    root = _solara_root()
    for rel in _SOURCES:
        source = root / rel
        if source.exists():
            texts.append(source.read_text(encoding="utf-8"))
    texts.append("{{cdn}}" + server_settings.assets.fontawesome_path)
    found: dict[str, Asset] = {}
    for text in texts:
        for m in _REF.finditer(text):
            asset = Asset(m["package"], m["version"], _substitute(m["path"]))
            found.setdefault(asset.url_path, asset)
    return list(found.values())


def cache_dir() -> Path:
    """The folder solara's CDN proxy reads (``SOLARA_ASSETS_PROXY_CACHE_DIR`` overrides it)."""
    import solara.server.settings as server_settings

    return Path(server_settings.assets.proxy_cache_dir)


def missing(cache: Path | None = None) -> list[Asset]:
    """The required assets not present in ``cache`` (default: solara's cache folder)."""
    cache = cache or cache_dir()
    return [a for a in required_assets() if not (cache / a.url_path).is_file()]


def _npm_pack(spec: str, dest: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise IeisimError("npm not found: install it (e.g. apt-get install npm) to fetch "
                          "solara's front-end assets for offline use")
    proc = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", str(dest)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise IeisimError(f"npm pack {spec} failed: {tail}")
    tarballs = sorted(dest.glob("*.tgz"))
    if len(tarballs) != 1:
        raise IeisimError(f"npm pack {spec}: expected one tarball, found {len(tarballs)}")
    return tarballs[0]


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack the npm tarball's ``package/`` folder into ``target`` atomically."""
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        with tarfile.open(tarball) as tar:
            tar.extractall(staging, filter="data")
        inner = staging / "package"
        if not inner.is_dir():  # a few old packages use another top folder
            (inner,) = [p for p in staging.iterdir() if p.is_dir()]
        (inner / _MARKER).write_text(tarball.name + "\n", encoding="utf-8")
        from sim.outputs import swap_in

        swap_in(inner, target)  # the old copy stays until the new one is in place
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _derive_minified(path: Path) -> None:
    """Provide ``x.min.js`` from ``x.js`` when the package ships only the latter.

    The public CDN minifies any file on request, so solara may name a ``.min.js`` that is not
    in the npm package (``requirejs@2.3.6/require.min.js``); the unminified file is equivalent.
    """
    if path.is_file() or not path.name.endswith(".min.js"):
        return
    full = path.with_name(path.name.removesuffix(".min.js") + ".js")
    if full.is_file():
        shutil.copyfile(full, path)


def install(cache: Path | None = None, quiet: bool = False) -> list[str]:
    """Fetch every package with a missing asset into ``cache``; return the specs fetched.

    Raises:
        IeisimError: npm is missing, a fetch failed, or a package lacks a file solara names.

    """
    cache = cache or cache_dir()
    todo: dict[str, list[Asset]] = {}
    for asset in required_assets():
        folder = cache / asset.spec
        if not ((folder / _MARKER).is_file() and (cache / asset.url_path).is_file()):
            todo.setdefault(asset.spec, []).append(asset)
    fetched = []
    for spec, assets in todo.items():
        target = cache / spec
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="ieisim-npm-") as tmp:
            if not quiet:
                print(f"fetching {spec}", file=sys.stderr)
            _unpack(_npm_pack(spec, Path(tmp)), target)
        for asset in assets:
            _derive_minified(cache / asset.url_path)
        absent = [a.path for a in assets if not (cache / a.url_path).is_file()]
        if absent:
            raise IeisimError(f"{spec} has no {absent[0]} (named by solara's page template)")
        fetched.append(spec)
    if not quiet:
        print(f"solara assets ready in {cache} ({len(fetched)} package(s) fetched)",
              file=sys.stderr)
    return fetched


def main(argv: list[str] | None = None) -> int:
    """Command line: ``install [--quiet] [--cache DIR]`` or ``check [--cache DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m sim.app.assets", description=__doc__
                                     .split("\n\n")[0])
    parser.add_argument("action", choices=("install", "check"))
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: solara's proxy cache folder)")
    args = parser.parse_args(argv)
    try:
        if args.action == "install":
            install(args.cache, quiet=args.quiet)
            return 0
        absent = missing(args.cache)
        for asset in absent:
            print(f"missing: {asset.url_path}", file=sys.stderr)
        if not args.quiet:
            print(f"{len(required_assets()) - len(absent)} of {len(required_assets())} "
                  "assets present", file=sys.stderr)
        return 1 if absent else 0
    except IeisimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

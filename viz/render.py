"""Turning DOT into SVG/PNG/PDF with whatever renderer the machine has.

Graphviz's ``dot`` is used when it is installed (every format); otherwise the
pip-installable ``graphviz-pure`` command writes SVG and PNG, and PDF is drawn from its SVG by
:mod:`viz.slides` (svglib and ReportLab, also pip wheels), so ``pip install`` alone is enough
for every format. Both are looked for on ``PATH`` *and* beside the running Python
(``sys.executable``'s folder and the environment's scripts folder), so a virtual environment
works when it is not activated: its python run by path, a Jupyter kernel, an IDE. The
environment variable ``MINIGRAD_RENDERER`` (``dot`` or ``graphviz-pure``) forces one.

When no renderer can write a format, :class:`RendererNotFoundError` says exactly what to
install. A PNG whose pixel count would pass :data:`MAX_PIXELS` is refused before it is drawn,
with the settings that make it smaller. :class:`SafeDigraph` is a ``graphviz.Digraph`` whose
``.pipe()``, ``.render()`` and Jupyter display use the same renderer choice.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path
from typing import Any

import graphviz

from viz.slide_fit import exact_size, warn_if_illegible

PURE = "graphviz-pure"
RENDERERS = ("dot", PURE)
PURE_FORMATS = frozenset({"svg", "png"})
FORMATS = frozenset({"svg", "png", "pdf"})
ENV_RENDERER = "MINIGRAD_RENDERER"
DEFAULT_DPI = 96.0  # Graphviz's own PNG resolution
MAX_PIXELS = 89_000_000
"""The largest PNG :func:`render` draws. Pillow (and so matplotlib and most image viewers)
refuses or warns about bigger images, and a renderer asked for one can need tens of GB."""
INSTALL = (
    "install Graphviz (`apt-get install graphviz`, `brew install graphviz` or `conda install "
    "graphviz`), or `pip install graphviz-pure`"
)


class RendererNotFoundError(RuntimeError):
    """No installed renderer can write the requested format."""


class ImageTooLargeError(ValueError):
    """A raster image would be too large to draw or to open."""


def find_executable(name: str) -> str | None:
    """The path of the renderer ``name``: on ``PATH``, else beside the running Python.

    Examples
    --------
    >>> find_executable("no-such-renderer") is None
    True
    """
    found = shutil.which(name)
    if found:
        return found
    exe = name + (".exe" if os.name == "nt" else "")
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _candidates(renderer: str | None) -> list[str]:
    chosen = renderer or os.environ.get(ENV_RENDERER) or None
    if chosen is None:
        return list(RENDERERS)
    if chosen not in RENDERERS:
        source = "renderer" if renderer else ENV_RENDERER
        raise ValueError(f"{source}={chosen!r}: choose 'dot' or 'graphviz-pure'")
    return [chosen]


def renderer_command(fmt: str, renderer: str | None = None) -> list[str]:
    """The command line that turns DOT on stdin into ``fmt`` on stdout.

    Parameters
    ----------
    fmt : str
        ``"svg"``, ``"png"`` or ``"pdf"``.
    renderer : {"dot", "graphviz-pure"}, optional
        Force one renderer; by default the ``MINIGRAD_RENDERER`` environment variable, else
        ``dot`` if installed, else ``graphviz-pure``.

    Examples
    --------
    >>> renderer_command("svg")[-1]
    '-Tsvg'
    """
    if fmt not in FORMATS:
        raise ValueError(f"cannot render {fmt!r}: choose one of .svg, .png, .pdf")
    candidates = _candidates(renderer)
    for name in candidates:
        path = find_executable(name)
        if path and (name != PURE or fmt in PURE_FORMATS):
            return [path, f"-T{fmt}"]
    raise RendererNotFoundError(_missing_message(fmt, candidates))


def _missing_message(fmt: str, candidates: list[str]) -> str:
    forced = os.environ.get(ENV_RENDERER)
    if [n for n in candidates if find_executable(n)] == [PURE]:
        why = "Graphviz's `dot` is not installed"
        if forced == PURE and find_executable("dot"):
            why = f"{ENV_RENDERER}={forced} rules out Graphviz's `dot`"
        return (
            f"cannot render {fmt.upper()} with a command: graphviz-pure writes only SVG and "
            f"PNG, and {why}"
        )
    tried = " or ".join(f"`{n}`" for n in candidates)
    return (
        f"cannot render {fmt.upper()}: {tried} not found on PATH or beside {sys.executable}; "
        f"{INSTALL}"
    )


def pipe(source: str, fmt: str, renderer: str | None = None, dpi: float | None = None) -> bytes:
    """Render DOT ``source`` to ``fmt`` and return the bytes (``dpi`` only for PNG).

    A PNG is laid out as SVG first to learn its size: one above :data:`MAX_PIXELS` raises
    :class:`ImageTooLargeError` instead of asking the renderer for gigabytes.

    Examples
    --------
    >>> pipe("digraph { a -> b }", "svg")[:5]
    b'<?xml'
    """
    if fmt == "pdf" and dpi is None and not _has_command("pdf", renderer):
        from viz.slides import svg_to_pdf  # vector PDF from the SVG, no system library

        return svg_to_pdf([pipe(source, "svg", renderer)])
    command = renderer_command(fmt, renderer)
    if dpi is not None:
        if fmt != "png":
            raise ValueError(f"dpi applies to PNG only ({fmt.upper()} is resolution-free)")
        if dpi <= 0:
            raise ValueError(f"dpi must be positive, got {dpi}")
        command.append(f"-Gdpi={dpi:g}")
    if fmt == "png":
        check_pixels(svg_size_points(layout_svg(source, command[0])), dpi or DEFAULT_DPI)
    data = layout_svg(source, command[0]) if fmt == "svg" else _run(command, source, fmt)
    return exact_size(data, fmt, source, dpi or DEFAULT_DPI)


def layout_svg(source: str, program: str | None = None) -> bytes:
    """The SVG of DOT ``source`` laid out by ``program`` (default: the renderer for SVG).

    The last few layouts are kept: the size checks before a PNG or PDF, the legibility check
    of ``draw_graph(fit=...)`` and the SVG itself share one layout.
    """
    return _layout(program or renderer_command("svg")[0], source)


@lru_cache(maxsize=4)
def _layout(program: str, source: str) -> bytes:
    return _run([program, "-Tsvg"], source, "svg")


def _has_command(fmt: str, renderer: str | None) -> bool:
    try:
        renderer_command(fmt, renderer)
    except RendererNotFoundError:
        return False
    return True


def _run(command: list[str], source: str, fmt: str) -> bytes:
    done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{Path(command[0]).name} failed to render {fmt}: {message}")
    return done.stdout


_SVG_SIZE = re.compile(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', re.S)


def svg_size_points(svg: bytes) -> tuple[float, float]:
    """Width and height, in points, of an SVG written by Graphviz.

    Examples
    --------
    >>> svg_size_points(b'<svg width="144pt" height="72pt" viewBox="0 0 144 72">')
    (144.0, 72.0)
    """
    match = _SVG_SIZE.search(svg)
    if match is None:
        raise RuntimeError("the renderer wrote an SVG without a size in points")
    return float(match.group(1)), float(match.group(2))


def check_pixels(size_points: tuple[float, float], dpi: float) -> None:
    """Refuse a raster of ``size_points`` at ``dpi`` above :data:`MAX_PIXELS`, saying what to do.

    Examples
    --------
    >>> check_pixels((720.0, 720.0), 96)  # 960 × 960 pixels: fine
    >>> check_pixels((72000.0, 72000.0), 150)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    viz.render.ImageTooLargeError: a PNG of this graph would be 150000 × 150000 pixels ...
    """
    width, height = (round(p / 72 * dpi) for p in size_points)
    if width * height <= MAX_PIXELS:
        return
    raise ImageTooLargeError(
        f"a PNG of this graph would be {width} × {height} pixels ({width * height / 1e6:.0f} "
        f"megapixels at dpi={dpi:g}; the limit is {MAX_PIXELS / 1e6:.0f}): write .svg or .pdf "
        "instead, lower dpi=, show fewer steps with draw_graph(window=...), fold scopes with "
        'collapse="t=*", or fit it to a slide with fit="16:9"'
    )


def render(
    graph: graphviz.Digraph | str,
    path: str | Path,
    renderer: str | None = None,
    *,
    dpi: float | None = None,
) -> Path:
    """Write ``graph`` to ``path``; the format comes from the extension (.svg, .png, .pdf).

    Missing parent folders are created.

    Parameters
    ----------
    graph : graphviz.Digraph or str
        A :func:`viz.draw_graph` result, or DOT source.
    path : str or Path
        ``.svg``, ``.png`` or ``.pdf``; ``.dot``/``.gv`` write the DOT source itself.
    renderer : {"dot", "graphviz-pure"}, optional
        Force one renderer; by default the ``MINIGRAD_RENDERER`` environment variable, else
        ``dot`` if installed, else ``graphviz-pure``.
    dpi : float, optional
        Resolution of a PNG (Graphviz's default is 96); 150–200 gives sharp slides.
        SVG and PDF are vector formats and refuse it.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ImageTooLargeError
        A PNG would pass :data:`MAX_PIXELS`; the message says how to make it smaller.

    Warns
    -----
    IllegibleTextWarning
        A PNG or PDF whose smallest text would be under 8 pt on a 13.33-inch-wide slide
        (unless ``draw_graph(fit=...)`` said so already); the message says what to change.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> render("digraph { a -> b }", folder / "g.svg").read_bytes()[:5]
    b'<?xml'
    >>> render("digraph { a -> b }", folder / "new" / "g.png", dpi=192).read_bytes()[1:4]
    b'PNG'
    """
    path = Path(path)
    source = graph if isinstance(graph, str) else graph.source
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS | {"dot", "gv"}:
        raise ValueError(
            f"cannot tell the format of {str(path)!r}: end it in .svg, .png, .pdf or .dot"
        )
    data = source.encode("utf-8") if fmt in {"dot", "gv"} else pipe(source, fmt, renderer, dpi)
    if fmt in {"png", "pdf"} and getattr(graph, "checked_source", None) != source:
        # a PNG or a PDF cannot be zoomed: say so when its text is too small for a slide
        warn_if_illegible(layout_svg(source, renderer_command("svg", renderer)[0]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


class SafeDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with :func:`viz.render`'s choice of renderer.

    ``.pipe()``, ``.render()`` and the Jupyter display use ``dot`` or ``graphviz-pure``
    (found also beside the running Python), so they work without Graphviz installed. With no
    renderer at all the notebook display shows the DOT source instead of raising.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> g = SafeDigraph()
    >>> g.edge("a", "b")
    >>> g.pipe(format="svg")[:5]
    b'<?xml'
    >>> out = g.render(pathlib.Path(tempfile.mkdtemp()) / "g", format="png")
    >>> out.endswith("g.png")
    True
    """

    def pipe(  # type: ignore[override]
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: Any = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """Render to ``format`` (default: this graph's ``format``) and return the result."""
        _refuse_options(renderer=renderer, formatter=formatter, engine=engine)
        data = pipe(self.source, format or self.format)
        return data.decode(encoding) if encoding else data

    def render(  # type: ignore[override]
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: Any = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """Save the DOT source and render it beside it, as ``graphviz.Digraph.render`` does.

        Returns the rendered file's path, e.g. ``render("x", format="png")`` → ``"x.png"``.
        """
        _refuse_options(renderer=renderer, formatter=formatter, engine=engine)
        source_path, out = _render_paths(self, filename, directory, format, outfile)
        if raise_if_result_exists and out.exists():
            raise FileExistsError(f"{out} exists already (raise_if_result_exists=True)")
        if not cleanup:
            source_path.parent.mkdir(parents=True, exist_ok=True)
            source_path.write_text(self.source, encoding=self.encoding)
        render(self.source, out)
        if view:
            graphviz.view(out, quiet=quiet_view)
        return str(out)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        try:
            return {"image/svg+xml": self._repr_image_svg_xml()}
        except (RendererNotFoundError, RuntimeError):
            return {"text/plain": self.source}

    def _repr_image_svg_xml(self) -> str:
        return pipe(self.source, "svg").decode("utf-8")

    def _repr_svg_(self) -> str | None:
        try:
            return self._repr_image_svg_xml()
        except (RendererNotFoundError, RuntimeError):
            return None


def _refuse_options(**options: str | None) -> None:
    given = [f"{k}={v!r}" for k, v in options.items() if v is not None]
    if given:
        raise ValueError(
            f"{', '.join(given)}: minigrad's graphs render with Graphviz's dot layout and its "
            "default formatter; leave these out (choose the renderer program with "
            "viz.render(..., renderer=...) or the MINIGRAD_RENDERER environment variable)"
        )


def _render_paths(
    graph: graphviz.Digraph,
    filename: Any,
    directory: Any,
    fmt: str | None,
    outfile: Any,
) -> tuple[Path, Path]:
    """Where ``graphviz.Digraph.render`` would write the source and the rendered file."""
    if outfile is not None:
        out = Path(outfile)
        fmt = fmt or out.suffix.lstrip(".") or graph.format
        source = Path(filename) if filename is not None else out.with_suffix(".gv")
    else:
        fmt = fmt or graph.format
        source = Path(filename if filename is not None else graph.filename)
        out = Path(f"{source}.{fmt}")
    if directory is not None:
        source, out = Path(directory) / source, Path(directory) / out
    if out.suffix.lstrip(".").lower() != fmt.lower():
        out = out.with_name(f"{out.name}.{fmt}")
    return source, out

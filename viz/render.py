"""Turning DOT into SVG/PNG/PDF with whatever renderer the machine has.

Graphviz's ``dot`` is used when it is on ``PATH`` (every format); otherwise the
pip-installable ``graphviz-pure`` command (SVG and PNG), so ``pip install`` alone is enough
for the common formats. When neither can write a format, :class:`RendererNotFoundError` says
exactly what to install. :class:`SafeDigraph` is a ``graphviz.Digraph`` whose Jupyter
display uses the same fallback and shows the DOT text rather than crashing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import graphviz

PURE = "graphviz-pure"
PURE_FORMATS = frozenset({"svg", "png"})
FORMATS = frozenset({"svg", "png", "pdf"})
INSTALL = (
    "install Graphviz for SVG, PNG and PDF (`apt-get install graphviz`, `brew install "
    "graphviz` or `conda install graphviz`), or `pip install graphviz-pure` for SVG and PNG"
)


class RendererNotFoundError(RuntimeError):
    """No installed renderer can write the requested format."""


def renderer_command(fmt: str, renderer: str | None = None) -> list[str]:
    """The command line that turns DOT on stdin into ``fmt`` on stdout.

    Parameters
    ----------
    fmt : str
        ``"svg"``, ``"png"`` or ``"pdf"``.
    renderer : {"dot", "graphviz-pure"}, optional
        Force one renderer; by default ``dot`` if installed, else ``graphviz-pure``.

    Examples
    --------
    >>> renderer_command("svg")[-1]
    '-Tsvg'
    """
    if fmt not in FORMATS:
        raise ValueError(f"cannot render {fmt!r}: choose one of .svg, .png, .pdf")
    candidates = [renderer] if renderer else ["dot", PURE]
    for name in candidates:
        path = shutil.which(name)
        if path and (name != PURE or fmt in PURE_FORMATS):
            return [path, f"-T{fmt}"]
    raise RendererNotFoundError(_missing_message(fmt, candidates))


def _missing_message(fmt: str, candidates: list[str]) -> str:
    found = [n for n in candidates if shutil.which(n)]
    if found == [PURE]:
        return (
            f"cannot render {fmt.upper()}: graphviz-pure writes only SVG and PNG, and "
            "Graphviz's `dot` is not installed; install Graphviz (`apt-get install graphviz`, "
            "`brew install graphviz` or `conda install graphviz`) for PDF"
        )
    tried = " or ".join(f"`{n}`" for n in candidates)
    return f"cannot render {fmt.upper()}: {tried} not found on PATH; {INSTALL}"


def pipe(source: str, fmt: str, renderer: str | None = None, dpi: float | None = None) -> bytes:
    """Render DOT ``source`` to ``fmt`` and return the bytes (``dpi`` only for PNG).

    Examples
    --------
    >>> pipe("digraph { a -> b }", "svg")[:5]
    b'<?xml'
    """
    command = renderer_command(fmt, renderer)
    if dpi is not None:
        if fmt != "png":
            raise ValueError(f"dpi applies to PNG only ({fmt.upper()} is resolution-free)")
        if dpi <= 0:
            raise ValueError(f"dpi must be positive, got {dpi}")
        command.append(f"-Gdpi={dpi:g}")
    done = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{Path(command[0]).name} failed to render {fmt}: {message}")
    return done.stdout


def render(
    graph: graphviz.Digraph | str,
    path: str | Path,
    renderer: str | None = None,
    *,
    dpi: float | None = None,
) -> Path:
    """Write ``graph`` to ``path``; the format comes from the extension (.svg, .png, .pdf).

    Parameters
    ----------
    graph : graphviz.Digraph or str
        A :func:`viz.draw_graph` result, or DOT source.
    path : str or Path
        ``.svg``, ``.png`` or ``.pdf``; ``.dot``/``.gv`` write the DOT source itself.
    renderer : {"dot", "graphviz-pure"}, optional
        Force one renderer; by default ``dot`` if installed, else ``graphviz-pure``.
    dpi : float, optional
        Resolution of a PNG (Graphviz's default is 96); 150–200 gives sharp slides.
        SVG and PDF are vector formats and refuse it.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> render("digraph { a -> b }", folder / "g.svg").read_bytes()[:5]
    b'<?xml'
    >>> render("digraph { a -> b }", folder / "g.png", dpi=192).read_bytes()[1:4]
    b'PNG'
    """
    path = Path(path)
    source = graph if isinstance(graph, str) else graph.source
    fmt = path.suffix.lower().lstrip(".")
    if fmt in {"dot", "gv"}:
        path.write_text(source, encoding="utf-8")
        return path
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format of {str(path)!r}: end it in .svg, .png or .pdf")
    path.write_bytes(pipe(source, fmt, renderer, dpi))
    return path


class SafeDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose notebook display never raises for a missing ``dot``.

    It renders with ``dot`` or ``graphviz-pure``; with neither, it shows the DOT source.
    """

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

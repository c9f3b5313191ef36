"""viz.stepper: the page's content, and the page driven in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import minigrad
import viz
from minigrad import Tensor


def lecture() -> Tensor:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return f


def test_steps_follow_the_forward_then_the_backward_pass() -> None:
    page = viz.stepper(lecture())
    kinds = [s["kind"] for s in page.steps]
    assert kinds == ["start", "forward", "forward", "backward", "backward", "done"]
    assert page.steps[1]["title"].endswith("q = x + y")
    assert page.steps[3]["title"].endswith("f = q × z")
    rows = dict(map(tuple, page.steps[4]["rows"][:2]))
    assert rows["upstream"] == "∂L/∂q = -4"
    assert ["downstream", "∂L/∂x = -4"] in page.steps[4]["rows"]
    assert page.steps[3]["known"] == ["t4", "t3"] and "t0" in page.steps[4]["known"]


def test_page_is_one_file_with_nothing_to_fetch(tmp_path) -> None:
    path = tmp_path / "f.html"
    page = viz.stepper(lecture(), path)
    text = path.read_text(encoding="utf-8")
    assert text == page.html and text.startswith("<!DOCTYPE html>")
    no_namespaces = text.replace("http://www.w3.org/2000/svg", "").replace(
        "http://www.w3.org/1999/xlink", ""
    )
    assert "http" not in no_namespaces and "<!DOCTYPE svg" not in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)
    assert text.count("<svg") == 1 and "ArrowRight" in text and "ArrowLeft" in text


def test_jupyter_shows_the_page_in_an_iframe() -> None:
    shown = viz.stepper(lecture())._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "&lt;svg" in shown


def test_unnamed_tensors_are_named_as_stepping_names_them() -> None:
    x = Tensor(3.0, requires_grad=True, name="x")
    page = viz.stepper((x * x).sum())
    text = " ".join(s["title"] for s in page.steps)
    assert "#0 = x × x" in text and "#1" in text
    printed = [str(s) for s in minigrad.backward_steps((x * x).sum(), retain_graph=True)]
    assert "#0" in " ".join(printed)


# --- in a real browser ----------------------------------------------------------------------

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)


def _browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    return sync_api


@pytest.fixture
def page(tmp_path):
    sync_api = _browser()
    path = viz.stepper(lecture(), tmp_path / "stepper.html").save(tmp_path / "stepper.html")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 720})
        fetched: list[str] = []
        tab.on("request", lambda request: fetched.append(request.url))
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(path.as_uri())
        tab.fetched, tab.errors = fetched, errors  # type: ignore[attr-defined]
        yield tab
        browser.close()


def _lit(tab, kind: str) -> list[str]:
    return sorted(g.get_attribute("data-item") for g in tab.query_selector_all(f"g.node.{kind}"))


def test_arrow_keys_step_forward_then_backward_in_chromium(page, tmp_path) -> None:
    assert page.text_content("#count") == "1 / 6"
    page.keyboard.press("ArrowRight")
    assert page.text_content("#title").endswith("q = x + y")
    assert _lit(page, "active") == ["op2", "t2"] and _lit(page, "input") == ["t0", "t1"]
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    # backward step 2: the add node sends the upstream gradient -4 to both inputs
    assert page.text_content("#count") == "5 / 6"
    rows = page.inner_text("#rows")
    assert "upstream\t∂L/∂q = -4" in rows and "downstream\t∂L/∂x = -4" in rows
    assert "local\t∂q/∂x = 1" in rows
    assert _lit(page, "active") == ["op2", "t2"]
    texts = [t for t in page.query_selector_all("text.grad") if t.is_visible()]
    values = sorted(v for t in texts if (v := t.text_content().strip()) != "grad")
    assert values == ["-4", "-4", "-4", "1", "3"]  # q, x, y, f and z: all known by now
    page.hover("g.node[data-item=t0]")
    assert page.text_content("#hover").splitlines() == ["x  shape ()", "value -2", "grad  -4"]
    shot = page.screenshot(path=str(tmp_path / "stepper.png"))
    assert len(shot) > 10_000
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.text_content("#count") == "3 / 6"
    page.hover("g.node[data-item=t0]")
    assert page.text_content("#hover").endswith("grad  (not computed yet)")
    assert not [t for t in page.query_selector_all("text.grad") if t.is_visible()]
    assert page.fetched == [Path(page.url[len("file://") :]).as_uri()] and not page.errors


def test_buttons_step_too_in_chromium(page) -> None:
    page.click("#next")
    page.click("#next")
    assert page.text_content("#count") == "3 / 6"
    page.click("#prev")
    assert page.text_content("#count") == "2 / 6"
    page.click("#first")
    assert page.text_content("#count") == "1 / 6" and _lit(page, "active") == []
    page.keyboard.press("End")
    assert page.text_content("#title").startswith("backward done")


def test_steps_json_is_valid_in_the_page() -> None:
    html = viz.stepper(lecture()).html
    data = re.search(r"const DATA = (.*);\n", html).group(1)
    assert len(json.loads(data)["steps"]) == 6

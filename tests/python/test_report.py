"""tools/report and `sixparty report` (issue 17, item 3): one self-contained, offline HTML page
from a results file, opened in a real browser.

The browser test runs headless Chromium (Debian `chromium`): the page's script must run (it marks
the page ready), the browser must log nothing to the console (no script errors), the key
elements must be in the rendered page, and a screenshot must show a drawn page. Without Chromium
the browser test is skipped, unless SIXPARTY_REQUIRE_BROWSER=1 (the test command sets it, and its
set-up installs Chromium), when the skip is a failure.

Run: /usr/bin/python3 -m pytest tests/python/test_report.py
"""

import os
import re
import shutil
import subprocess

import pytest

from support import sixparty, tool

import sixparty_results as sr  # noqa: E402  (support put tools/ on the path)

RUNS = 20
TOP = 12


def report(*args):
    return tool("report", *args)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A paired status_quo/collapse file with its comparison, and its report."""
    d = tmp_path_factory.mktemp("report")
    h5 = d / "c.h5"
    r = sixparty("compare", "-n", RUNS, "-o", h5, "--force", "-q")
    assert r.returncode == 0, r.stderr
    page = d / "report.html"
    r = report(h5, "-o", page, "--top", TOP)
    assert r.returncode == 0, r.stderr
    return h5, page


def test_report_is_self_contained(compared):
    """nothing is fetched: no external scripts, styles, images or links; the figures are inline SVG"""
    _, page = compared
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""<(script|img|link|iframe)[^>]*\b(src|href)\s*=""", text, flags=re.I)
    # the only URLs are the SVG and XLink namespaces, which are names, not fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert text.count("<svg") == 5 and "<metadata>" not in text


def test_report_says_what_was_run_and_what_changes(compared):
    h5, page = compared
    text = page.read_text(encoding="utf-8")
    root = sr.metadata(h5)
    for s in ("status_quo", "collapse"):
        attrs = sr.metadata(h5, s)
        assert f"<b>{s}</b>" in text and str(attrs["seed"]) in text
    assert f"sixparty {root['sixparty_version']}" in text and root["git_revision"] in text
    assert "What was run" in text and "Provenance" in text and "what the scenario does not know" in text
    assert "patterns met" in text  # collapse declares P7 and P7b
    assert "Read with these limits" in text and "collapses on its own only rarely" in text
    # the first table holds the TOP largest effects, in the order sixparty compare sorts them
    cmp = sr.comparison(h5)
    first = text[text.index("<table class=\"sortable\">"):]
    first = first[:first.index("</table>")]
    assert first.count("<tr>") == TOP + 1
    eff = cmp["effect_size"].abs().fillna(-1).sort_values(ascending=False, kind="stable")
    shown = [float(v) for v in re.findall(r'<td class="num" data-value="([-0-9.e+]+)">[-0-9.]*</td></tr>', first)]
    assert shown == pytest.approx(list(eff.head(TOP)), rel=1e-9)
    assert "Monte Carlo error" in text and "5–95 % of runs" in text and f"Every row ({len(cmp)})" in text


def test_the_program_writes_the_same_page(compared, tmp_path):
    """sixparty report runs tools/report: the same bytes; its messages name the command"""
    h5, page = compared
    out = tmp_path / "r.html"
    r = sixparty("report", h5, "-o", out, "--top", TOP)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == page.read_bytes()
    r = sixparty("report", h5, "-o", out)
    assert r.returncode == 2 and "sixparty report: " in r.stderr and "--force" in r.stderr
    r = sixparty("report", h5, "-o", out, "--force")
    assert r.returncode == 0, r.stderr


def test_report_bad_input(compared, tmp_path):
    h5, _ = compared
    text = tmp_path / "x.txt"
    text.write_text("not a results file")
    cases = [([tmp_path / "missing.h5"], "no such file", 2),
             ([text], "not an HDF5 file", 2),
             ([h5, "--a", "status_quo", "--b", "nope"], "no scenario group 'nope'", 2)]
    for args, message, code in cases:
        out = tmp_path / "bad.html"
        r = report(*args, "-o", out)
        assert r.returncode == code, (args, r.stderr)
        assert message in r.stderr, (args, r.stderr)
        assert not out.exists()
    blocked = tmp_path / "file"
    blocked.write_text("")
    r = report(h5, "-o", blocked / "r.html")  # a file where a directory must be
    assert r.returncode == 3 and "cannot write" in r.stderr
    assert not list(tmp_path.glob("**/*.tmp*"))


def test_batch_report(tmp_path):
    """a batch file: the experiment, its factors, the sensitivity indices and their figures"""
    out = tmp_path / "b.h5"
    r = sixparty("batch", "tests/data/fuzz/batch_seed.yaml", "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    page = tmp_path / "b.html"
    r = report(out, "-o", page)
    assert r.returncode == 0, r.stderr
    text = page.read_text(encoding="utf-8")
    info = sr.experiment(out)
    assert f"sixparty experiment: {info['name']}" in text and "Factors" in text
    assert "no sensitivity indices" in text
    r = sixparty("sensitivity", out, "--resamples", "50")
    assert r.returncode == 0, r.stderr
    r = report(out, "-o", page, "--force")
    assert r.returncode == 0, r.stderr
    text = page.read_text(encoding="utf-8")
    assert "<h2>Sensitivity</h2>" in text and text.count("<svg") >= 2


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("SIXPARTY_REQUIRE_BROWSER") == "1":
            pytest.fail("no chromium, and SIXPARTY_REQUIRE_BROWSER=1 (tools/setup.sh --tests installs it)")
        pytest.skip("no chromium (Debian package chromium)")
    return exe


def headless(exe, *args):
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--enable-logging=stderr", "--v=0", *args], capture_output=True, text=True, timeout=120)


def console_lines(stderr):
    """What the page logged to the browser's console (script errors included)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_report_renders_in_a_browser(compared, tmp_path):
    exe = chromium()
    _, page = compared
    r = headless(exe, "--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    assert 'data-ready="yes"' in dom  # the inline script ran to its end
    assert console_lines(r.stderr) == []
    assert dom.count("<svg") == 5
    assert "collapse against status_quo" in dom and "<h2>Over time</h2>" in dom
    shot = tmp_path / "shot.png"
    r = headless(exe, "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri())
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    import matplotlib.image as mpimg
    img = mpimg.imread(shot)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1200
    assert img[..., :3].std() > 0.05  # a drawn page, not a blank one


def test_the_browser_check_sees_script_errors(tmp_path):
    """the console check can fail: a page with a script error is caught"""
    exe = chromium()
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    r = headless(exe, "--dump-dom", bad.as_uri())
    assert any("Uncaught ReferenceError" in line for line in console_lines(r.stderr))

"""The site builds strictly, and its numbers follow pricing.toml with no other edit.

Two builds: the repository as it is, and a temporary copy of it (docs, hooks, calculators, mkdocs.yml,
overrides) whose price file has ONE price changed, passed with ``CLAUDE_COST_PRICING``. Both use the same
prices date (``CLAUDE_COST_TODAY``), so the only difference between them is that price.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-12-04"  # pinned: the two builds must price the same day, whatever the clock says
MODEL = "claude-sonnet-5-5"  # the model whose input price the copy changes


def build(config_dir: Path, site: Path, pricing: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CLAUDE_COST_TODAY": DAY}
    env.pop("CLAUDE_COST_PRICING", None)
    if pricing is not None:
        env["CLAUDE_COST_PRICING"] = str(pricing)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=config_dir, env=env, capture_output=True, text=True, timeout=600,
    )


def _explain(result: subprocess.CompletedProcess) -> str:
    lines = [line[:400] for line in (result.stdout + result.stderr).splitlines() if not line.startswith("INFO")]
    return "mkdocs build --strict failed:\n" + "\n".join(lines[-30:])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, _explain(result)
    return out


def _current_rates(text: str, model_id: str) -> dict:
    raw = tomllib.loads(text, parse_float=Decimal)
    model = next(m for m in raw["models"] if m["id"] == model_id)
    return model["periods"][-1]


def _with_input_price(text: str, model_id: str, new: Decimal) -> str:
    """The price file with the input price of the model's latest period replaced (one line changed)."""
    start = text.index(f'id = "{model_id}"')
    end = text.find("\n[[models]]", start)
    end = len(text) if end < 0 else end
    block = text[start:end]
    cut = block.rindex("\ninput_per_mtok = ")
    line_end = block.index("\n", cut + 1)
    block = block[:cut] + f"\ninput_per_mtok = {new}" + block[line_end:]
    return text[:start] + block + text[end:]


def _copy_repo(copy: Path) -> Path:
    """What the site build reads, copied; node_modules (the pinned Pyodide) is linked, not copied."""
    for part in ("docs", "hooks", "calculators", "overrides"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("mkdocs.yml", "pricing.toml", "package.json"):
        shutil.copy2(ROOT / part, copy / part)
    if (ROOT / "node_modules").is_dir():
        (copy / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return copy


def _money(value: Decimal) -> str:
    """Three significant digits below a dollar (the site's rule, restated here independently)."""
    q = value.quantize(Decimal(1).scaleb(value.adjusted() - 2), rounding=ROUND_HALF_UP).normalize()
    return f"${q:f}" if len(f"{q:f}".split(".")[1]) >= 2 else f"${q:.2f}"


def _pages(site_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(site_dir)): p.read_text(encoding="utf-8") for p in site_dir.rglob("*.html")}


# ----------------------------------------------------------------------------------------------------------


def test_every_nav_page_is_built(site):
    for page in ("index.html", "guides/prompt-caching/index.html", "guides/model-routing/index.html",
                 "guides/batch-api/index.html", "guides/output-caps/index.html",
                 "guides/context-compression/index.html", "guides/cost-monitoring/index.html",
                 "reference/cost-model/index.html", "reference/pricing/index.html", "faq/index.html",
                 "conventions/index.html", "calculators/cost-calculator/index.html",
                 "calculators/recommender/index.html", "calculators/log-analyser/index.html"):
        assert (site / page).is_file(), page
    assert (site / "search" / "search_index.json").is_file()  # built-in search works offline


def test_no_shortcode_is_left_unrendered(site):
    for name, html in _pages(site).items():
        assert "<!-- cc:" not in html, f"{name}: a shortcode was not rendered"


def test_no_external_assets(site):
    external = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    for name, html in _pages(site).items():
        for m in external.finditer(html):
            tag = html[m.start(): html.find(">", m.start()) + 1]
            assert 'rel="canonical"' in tag or "rel=canonical" in tag, f"{name}: external asset {tag}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, name


def test_a_price_change_changes_the_site(site, tmp_path):
    text = (ROOT / "pricing.toml").read_text(encoding="utf-8")
    rates = _current_rates(text, MODEL)
    old_in, out = Decimal(rates["input_per_mtok"]), Decimal(rates["output_per_mtok"])
    new_in = old_in + 1
    changed = _with_input_price(text, MODEL, new_in)
    assert sum(a != b for a, b in zip(text.splitlines(), changed.splitlines(), strict=True)) == 1

    copy = _copy_repo(tmp_path / "repo")
    pricing = tmp_path / "pricing-changed.toml"
    pricing.write_text(changed, encoding="utf-8")

    result = build(copy, tmp_path / "site", pricing)
    assert result.returncode == 0, _explain(result)
    before, after = _pages(site), _pages(tmp_path / "site")

    # The lineup row on the pricing reference shows the new input price.
    row = re.compile(rf"<code>{MODEL}</code></td>\s*<td[^>]*>(\$[\d.,]+)</td>")
    assert row.search(before["reference/pricing/index.html"]).group(1) == f"${old_in:.2f}"
    assert row.search(after["reference/pricing/index.html"]).group(1) == f"${new_in:.2f}"

    # The home page's uncached turn on Sonnet: 5,200 input and 400 output tokens.
    old_turn = (5200 * old_in + 400 * out) / 1_000_000
    new_turn = (5200 * new_in + 400 * out) / 1_000_000
    assert _money(old_turn) in before["index.html"]
    assert _money(new_turn) in after["index.html"] and _money(new_turn) not in before["index.html"]

    # Pages that quote Sonnet's input price or price input on Sonnet changed too.
    for page in ("guides/prompt-caching/index.html", "faq/index.html", "reference/cost-model/index.html"):
        assert before[page] != after[page], f"{page} did not change with the price"


def test_a_bad_shortcode_fails_the_build_naming_page_and_line(tmp_path):
    copy = _copy_repo(tmp_path / "repo")
    faq = copy / "docs" / "faq.md"
    lines = faq.read_text(encoding="utf-8").splitlines()
    faq.write_text("\n".join(lines) + "\n\nOpus costs <!-- cc:price claude-opus-9 input -->.\n", encoding="utf-8")
    result = build(copy, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"faq.md:{len(lines) + 2}: cc:price: unknown model 'claude-opus-9'" in output, output[-2000:]


def test_logs_at_scale_page_shows_the_tested_sql(site):
    """The page includes docs/sql/cost_per_model_day.sql (the file tests/test_rates_sql.py runs in DuckDB and
    Spark) line for line, and the site serves the file itself."""
    import html

    page = (site / "guides" / "logs-at-scale" / "index.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    sql = (ROOT / "docs" / "sql" / "cost_per_model_day.sql").read_text(encoding="utf-8")
    lines = [line for line in sql.splitlines() if line.strip()]
    assert len(lines) > 20
    assert [line for line in lines if line not in text] == []
    assert "--8<--" not in text
    assert (site / "sql" / "cost_per_model_day.sql").read_text(encoding="utf-8") == sql

"""Loading and validating pricing files.

Each fixture in tests/broken_pricing/ is ``valid_minimal.toml`` with one mistake (three in
``three_mistakes.toml``). Its header says what it must produce, one line per problem:

    # expect: <key path>: <message>          the exact problem
    # expect-start: <text>                   a problem that starts with this text ({file} = the fixture path)
    # contains: <text>                       the previous problem contains this text
    # hint: <text>                           the previous problem's hint contains this text
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from pathlib import Path

import pytest

from calculators import PricingFileError, UnknownModelError, load_pricing, parse_pricing
from calculators.pricing import default_pricing_path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "broken_pricing"
VALID = FIXTURES / "valid_minimal.toml"
BROKEN = sorted(p for p in FIXTURES.glob("*.toml") if p.name != VALID.name)
ROOT_PRICING = HERE.parent / "pricing.toml"


def _expectations(path: Path) -> list[dict]:
    out: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            continue
        key, _, value = line[2:].partition(": ")
        value = value.replace("{file}", str(path))
        if key == "expect":
            out.append({"exact": value, "contains": [], "hints": []})
        elif key == "expect-start":
            out.append({"start": value, "contains": [], "hints": []})
        elif key == "contains":
            out[-1]["contains"].append(value)
        elif key == "hint":
            out[-1]["hints"].append(value)
    return out


def _meaningful_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def test_the_minimal_file_is_valid():
    pricing = load_pricing(VALID)
    assert [m.id for m in pricing.models] == ["claude-sonnet-9", "claude-haiku-1"]
    assert pricing.model("sonnet").id == "claude-sonnet-9"


def test_there_are_enough_broken_files():
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file(path):
    expected = _expectations(path)
    assert expected, f"{path.name} has no '# expect:' header"
    with pytest.raises(PricingFileError) as err:
        load_pricing(path)
    assert err.value.source == str(path)
    problems = err.value.problems
    lines = [f"{p.path}: {p.message}" for p in problems]
    assert len(lines) == len(expected), "\n".join(lines)
    for line, problem, want in zip(lines, problems, expected, strict=True):
        if "exact" in want:
            assert line == want["exact"]
        else:
            assert line.startswith(want["start"]), line
        for text in want["contains"]:
            assert text in line
        for text in want["hints"]:
            assert text in problem.hint


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_each_broken_file_differs_from_the_valid_one_by_its_mistake_only(path):
    diff = [d for d in difflib.ndiff(_meaningful_lines(VALID), _meaningful_lines(path)) if d[:1] in "+-"]
    # one edit is at most a few removed/added lines (a removed section is five)
    limit = 10 if path.name in ("three_mistakes.toml", "broken_missing_section.toml") else 2
    assert 0 < len(diff) <= limit, diff


def test_three_mistakes_give_three_problems():
    with pytest.raises(PricingFileError) as err:
        load_pricing(FIXTURES / "three_mistakes.toml")
    assert len(err.value.problems) == 3
    # the message lists them all, one per line after a summary
    assert str(err.value).count("\n") == 3


def test_all_problems_are_reported_in_one_pass():
    # six independent mistakes in one text: every one is reported
    text = VALID.read_text()
    for old, new in [('output_per_mtok = 15', 'output_per_mtok = -15'), ('input_per_mtok = 2\n', 'input_per_mtok = "2"\n'),
                     ('status = "current"', 'status = "active"'), ('sonnet = "claude-sonnet-9"', 'sonnet = "nope"'),
                     ('multiplier = 0.5', 'multiplier = 0'), ('new_vs_old = 1.3', 'new_vs_old = 1.3\nextra = 1')]:
        assert old in text
        text = text.replace(old, new, 1)
    with pytest.raises(PricingFileError) as err:
        parse_pricing(text, source="six.toml")
    assert sorted(p.path for p in err.value.problems) == sorted([
        "models[0].periods[0].output_per_mtok", "models[0].periods[1].input_per_mtok", "models[0].status",
        "families.sonnet", "batch.multiplier", "tokenizer.extra"])


def test_real_file_with_one_edit_reports_its_key_path():
    text = ROOT_PRICING.read_text(encoding="utf-8")
    # the Haiku 5.5 tier's output price, quoted
    old = "above_prompt_tokens = 100000\ninput_per_mtok = 0.50\noutput_per_mtok = 2.50"
    assert text.count(old) == 1
    with pytest.raises(PricingFileError) as err:
        parse_pricing(text.replace(old, old.replace("2.50", '"2.50"')))
    index = [m.id for m in load_pricing(ROOT_PRICING).models].index("claude-haiku-5-5")
    assert [p.path for p in err.value.problems] == [f"models[{index}].periods[0].tiers[0].output_per_mtok"]


def test_missing_file():
    with pytest.raises(PricingFileError) as err:
        load_pricing(FIXTURES / "does-not-exist.toml")
    assert "cannot read" in err.value.problems[0].message


def test_prices_are_decimals_never_floats():
    pricing = load_pricing(ROOT_PRICING)
    for m in pricing.models:
        for p in m.periods:
            for rates in [p.rates, *(t.rates for t in p.tiers)]:
                for value in vars(rates).values():
                    assert type(value) is Decimal
    # 0.10 parsed as a float would not be exactly one tenth
    assert pricing.model("claude-haiku-5-5").latest_period.rates.input * 10 == 1


# ----------------------------------------------------------------------------------------------------------
# Finding the file
# ----------------------------------------------------------------------------------------------------------


def test_checkout_finds_the_root_file(monkeypatch):
    monkeypatch.delenv("CLAUDE_COST_PRICING", raising=False)
    # a stale calculators/pricing.toml in the checkout would shadow the root file: there must not be one
    assert default_pricing_path().resolve() == ROOT_PRICING
    assert Path(load_pricing().path).resolve() == ROOT_PRICING


def test_environment_variable_overrides(monkeypatch):
    monkeypatch.setenv("CLAUDE_COST_PRICING", str(VALID))
    assert default_pricing_path() == VALID
    assert load_pricing().model("sonnet").id == "claude-sonnet-9"


def test_default_file_is_cached(monkeypatch):
    monkeypatch.delenv("CLAUDE_COST_PRICING", raising=False)
    assert load_pricing() is load_pricing()


# ----------------------------------------------------------------------------------------------------------
# Model lookup
# ----------------------------------------------------------------------------------------------------------


def test_lookup_is_exact_not_substring(pricing):
    for name in ("claude-sonnet", "sonnet-4-6", "claude-sonnet-4", "claude-opus-4-6-20260205", "opus-5-5"):
        with pytest.raises(UnknownModelError):
            pricing.model(name)
    assert pricing.find("claude-sonnet") is None
    assert pricing.find(" Claude-Sonnet-4-6 ").id == "claude-sonnet-4-6"


def test_unknown_model_suggestions(pricing):
    with pytest.raises(UnknownModelError) as err:
        pricing.model("claude-opus-4-5-2025110")
    assert err.value.suggestions[0] == "claude-opus-4-5-20251101"
    with pytest.raises(UnknownModelError) as err:
        pricing.model("zzzz")
    assert err.value.suggestions == []
    assert "claude-cost models" in str(err.value)


def test_active_and_current_models(pricing):
    day = dt.date(2026, 12, 4)
    assert all(m.status_on(day) != "retired" for m in pricing.active_models(day))
    assert {m.status_on(day) for m in pricing.current_models(day)} == {"current"}
    retired = sum(m.status_on(day) == "retired" for m in pricing.models)
    assert len(pricing.active_models(day)) + retired == len(pricing.models)


def test_a_deprecated_model_is_retired_from_its_scheduled_day():
    import dataclasses

    from calculators import load_pricing

    retired = load_pricing().model("claude-sonnet-4-5")  # status = "retired", retired = 2026-11-30
    assert retired.status == "retired"
    assert retired.status_on(dt.date(2026, 11, 29)) == "deprecated"  # still served the day before
    assert retired.status_on(dt.date(2026, 11, 30)) == "retired"
    # The same model as it was written before the day came: deprecated, with the scheduled date.
    scheduled = dataclasses.replace(retired, status="deprecated", retired=None, retires=dt.date(2026, 11, 30))
    assert scheduled.status_on(dt.date(2026, 11, 29)) == "deprecated"
    assert scheduled.status_on(dt.date(2026, 11, 30)) == "retired"
    assert [m.active_on(dt.date(2026, 11, d)) for m in (retired, scheduled) for d in (29, 30)] == \
        [True, False, True, False]


# ----------------------------------------------------------------------------------------------------------
# Files that are not clean UTF-8 TOML: one clear problem each, never a traceback
# ----------------------------------------------------------------------------------------------------------


def _one_problem(path: Path) -> str:
    with pytest.raises(PricingFileError) as err:
        load_pricing(path)
    assert len(err.value.problems) == 1
    return str(err.value.problems[0])


def test_a_byte_order_mark_is_named(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.read_bytes())
    assert "byte-order mark (BOM)" in _one_problem(path) and "without a BOM" in _one_problem(path)


def test_a_latin_1_byte_names_its_line(tmp_path):
    text = VALID.read_bytes().replace(b'name = "Claude Haiku 1"', b'name = "Claude Ha\xefku 1"')
    path = tmp_path / "latin1.toml"
    path.write_bytes(text)
    line = text[: text.index(b"\xef")].count(b"\n") + 1
    assert _one_problem(path).startswith(f"{path}:{line}: byte 0xef is not UTF-8")


def test_a_nesting_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert "nested too deeply" in _one_problem(path)


def test_a_huge_file_is_refused_before_parsing(tmp_path, monkeypatch):
    import calculators.pricing as pricing_module

    monkeypatch.setattr(pricing_module, "MAX_PRICING_BYTES", 1000)
    assert "larger than" in _one_problem(VALID)


def test_check_reports_file_problems_and_review_problems_in_one_run(tmp_path, capsys):
    # One structural problem (a zero output price on Sonnet 9) and one review problem on the other model (a
    # checked date after the day of the run): both are printed by the same `check`.
    from calculators.cli import main

    text = VALID.read_text(encoding="utf-8")
    text = text.replace("output_per_mtok = 15\n", "output_per_mtok = 0\n", 1)
    text = text.replace('us_inference = false\nsource = "https://platform.claude.com/docs/en/about-claude/pricing"\n'
                        "checked = 2026-11-24", 'us_inference = false\nsource = "https://platform.claude.com/docs/en/'
                        'about-claude/pricing"\nchecked = 2026-12-31', 1)
    path = tmp_path / "two.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--no-base", "--today", "2026-12-04"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any("models[0].periods[0].output_per_mtok: price is zero" in line for line in out), out
    assert any("models[1].checked: claude-haiku-1: 2026-12-31 is in the future" in line for line in out), out

"""The Skills Browser (calculators.skills): what loads always and on demand, hand-worked tokens and costs,
warnings and what trimming saves, bad input, and the CLI and the bridge giving the same answer.

Expected money is worked out by hand from the prices of 2026-12-04 (the suite's pinned day) in pricing.toml:
Claude Sonnet 5.5 at 2 (input), 2.50 (5-minute cache write) and 0.10 (cache read) dollars per million tokens,
and the newer tokenizer's factor of 1.3. Token estimates follow the recommender's character rates (hundredths of
a token, low-high): letters and digits 25-36, punctuation 50-100, line breaks 20-100. A month is 30 days.
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PINNED_TODAY

from calculators import bridge, cli
from calculators.errors import InputError
from calculators.skills import CLAUDE_MD_WARN_TOKENS, analyse, parse_frontmatter, plan_reads

REPO = Path(__file__).resolve().parent.parent
DAY = PINNED_TODAY.isoformat()

SKILL = "---\nname: pdf\ndescription: Fill PDF forms.\n---\nUse pdftk.\n"


def report(files: dict, **kw) -> dict:
    kw.setdefault("turns_per_day", 100)
    kw.setdefault("gap_minutes", 1)
    return analyse(files, at=DAY, **kw).to_json()


def item(r: dict, path: str) -> dict:
    return next(it for it in r["items"] if it["path"] == path)


def row(r: dict, model: str = "claude-sonnet-5-5") -> dict:
    return next(c for c in r["costs"] if c["model"] == model)


# ----------------------------------------------------------------------------------------------------------
# Frontmatter
# ----------------------------------------------------------------------------------------------------------


def test_frontmatter_forms():
    text = ("---\nname: 'release notes'\ndescription: >\n  Write release notes.\n  Use for changelogs.\n"
            "paths:\n  - \"web/**/*.tsx\"\n  - api/*.py\ntools: [Read, Grep]\ndisable-model-invocation: true  # yes\n"
            "---\nBody\n")
    fields, body, problem = parse_frontmatter(text)
    assert fields == {"name": "release notes", "description": "Write release notes. Use for changelogs.",
                      "paths": ["web/**/*.tsx", "api/*.py"], "tools": ["Read", "Grep"],
                      "disable-model-invocation": "true"}
    assert body == "Body\n" and problem == ""


def test_frontmatter_absent_or_unclosed():
    assert parse_frontmatter("# Title\n") == (None, "# Title\n", "")
    fields, _, problem = parse_frontmatter("---\nname: x\n")
    assert fields is None and "closing ---" in problem


# ----------------------------------------------------------------------------------------------------------
# What is read, and what loads when
# ----------------------------------------------------------------------------------------------------------


def test_plan_reads_only_what_claude_code_loads():
    paths = ["CLAUDE.md", "src/app.py", "src/CLAUDE.md", "node_modules/x/CLAUDE.md", ".claude/skills/a/SKILL.md",
             ".claude/skills/a/ref.md", ".claude/commands/go.md", ".claude/agents/r.md", ".claude/rules/t.md",
             ".claude/settings.json", ".mcp.json", "gh.tools.json", "docs/guide.md", ".git/HEAD"]
    plan = plan_reads(paths)
    assert set(plan["read"]) == {"CLAUDE.md", "src/CLAUDE.md", ".claude/skills/a/SKILL.md", ".claude/skills/a/ref.md",
                                 ".claude/commands/go.md", ".claude/agents/r.md", ".claude/rules/t.md",
                                 ".claude/settings.json", ".mcp.json", "gh.tools.json"}
    assert plan["skipped"] == 2 and plan["listed"] == len(paths)


def test_a_dot_claude_folder_is_recognised():
    plan = plan_reads(["skills/a/SKILL.md", "CLAUDE.md", "projects/x/log.jsonl"], root_name=".claude")
    assert set(plan["read"]) == {"skills/a/SKILL.md", "CLAUDE.md"}
    r = report({"skills/a/SKILL.md": SKILL, "CLAUDE.md": "Use pnpm.\n"}, root_name=".claude")
    assert r["layout"] == "a .claude folder"
    assert item(r, "CLAUDE.md")["loads"] == "always"


def test_skill_tokens_by_hand():
    # Always: "pdf: Fill PDF forms." = letters p,d,f + Fill + PDF + forms = 15, punctuation ": ." = 2:
    # low 15x0.25 + 2x0.5 = 4.75 -> 4; high 15x0.36 + 2 = 7.4 -> 8; mid (4 + 8 + 1) // 2 = 6.
    # On demand: "Use pdftk.\n" = 8 letters, 1 full stop, 1 line break: low 2 + 0.5 + 0.2 = 2.7 -> 2;
    # high 2.88 + 1 + 1 = 4.88 -> 5; mid 4.
    r = report({".claude/skills/pdf/SKILL.md": SKILL})
    it = item(r, ".claude/skills/pdf/SKILL.md")
    assert (it["kind"], it["loads"], it["name"], it["description"]) == ("skill", "always", "pdf", "Fill PDF forms.")
    assert it["always_range"] == {"low": 4, "mid": 6, "high": 8}
    assert it["on_demand_range"] == {"low": 2, "mid": 4, "high": 5}
    assert r["always_tokens_total"] == 6 and r["on_demand_tokens_total"] == 4


def test_referenced_files_load_with_the_skill_and_others_do_not():
    body = "---\nname: pdf\ndescription: Fill PDF forms.\n---\nSee [forms](forms.md).\n"
    files = {".claude/skills/pdf/SKILL.md": body, ".claude/skills/pdf/forms.md": "Use pdftk.\n",
             ".claude/skills/pdf/notes.md": "private notes " * 50}
    it = item(report(files), ".claude/skills/pdf/SKILL.md")
    from calculators.recommend import estimate_tokens

    assert it["on_demand_tokens"] == (estimate_tokens("See [forms](forms.md).\n") + estimate_tokens("Use pdftk.\n")).mid
    assert "1 other file(s) SKILL.md does not mention" in it["detail"]


def test_memory_files_rules_and_imports():
    files = {
        "CLAUDE.md": "Use pnpm.\nSee @docs/arch.md for the layout.\n",
        "docs/arch.md": "Three services.\n",
        "web/CLAUDE.md": "React only.\n",
        ".claude/rules/api.md": "---\npaths:\n  - \"api/**\"\n---\nValidate input.\n",
        ".claude/rules/style.md": "Short functions.\n",
        "CLAUDE.local.md": "My sandbox is at localhost:9000.\n",
    }
    r = report(files)
    loads = {it["path"]: it["loads"] for it in r["items"]}
    assert loads == {"CLAUDE.md": "always", "CLAUDE.local.md": "always", "docs/arch.md": "always",
                     ".claude/rules/style.md": "always", ".claude/rules/api.md": "on demand",
                     "web/CLAUDE.md": "on demand"}
    assert "imported by CLAUDE.md" in item(r, "docs/arch.md")["detail"]
    assert item(r, "web/CLAUDE.md")["always_tokens"] == 0 and item(r, "web/CLAUDE.md")["on_demand_tokens"] > 0


def test_an_import_that_was_not_read_is_asked_for():
    r = report({"CLAUDE.md": "See @docs/arch.md.\n"}, paths=["CLAUDE.md", "docs/arch.md"])
    assert r["need"] == ["docs/arch.md"]
    r = report({"CLAUDE.md": "See @docs/arch.md.\n", "docs/arch.md": "Three services.\n"},
               paths=["CLAUDE.md", "docs/arch.md"])
    assert r["need"] == [] and item(r, "docs/arch.md")["loads"] == "always"


def test_commands_and_agents():
    files = {
        ".claude/commands/deploy.md": "---\ndescription: Deploy to staging\ndisable-model-invocation: true\n---\nRun make.\n",
        ".claude/commands/review.md": "Review the staged changes.\n\nRun git diff.\n",
        ".claude/agents/sql.md": "---\nname: sql\ndescription: Reviews SQL.\n---\nYou review SQL.\n",
        ".claude/agents/bare.md": "You do things.\n",
    }
    r = report(files)
    assert item(r, ".claude/commands/deploy.md")["loads"] == "on demand"
    assert item(r, ".claude/commands/deploy.md")["always_tokens"] == 0
    review = item(r, ".claude/commands/review.md")
    assert review["description"] == "Review the staged changes." and review["always_tokens"] > 0
    assert item(r, ".claude/agents/sql.md")["name"] == "sql"
    assert [w["id"] for w in item(r, ".claude/agents/bare.md")["warnings"]] == ["no-frontmatter"]


def test_mcp_tools_with_and_without_tool_search():
    tools = json.dumps({"tools": [{"name": "create_issue", "description": "Create an issue.",
                                   "inputSchema": {"type": "object"}}]})
    files = {".mcp.json": json.dumps({"mcpServers": {"github": {}, "sentry": {}}}), "github.tools.json": tools}
    on = report(files)
    off = report(files, mcp_tool_search=False)
    gh_on, gh_off = item(on, "github.tools.json"), item(off, "github.tools.json")
    from calculators.recommend import estimate_tokens

    assert gh_on["always_tokens"] == estimate_tokens("create_issue").mid
    assert gh_off["always_tokens"] == gh_on["on_demand_tokens"] > gh_on["always_tokens"]
    assert item(on, ".mcp.json → sentry")["loads"] == "not counted"
    assert not any(it["path"] == ".mcp.json → github" for it in on["items"])  # its tool list stands for it


def test_entered_mcp_tokens_count_exactly():
    r = report({"CLAUDE.md": "Use pnpm.\n"}, mcp_tokens="12,000")
    entered = item(r, "(MCP tool definitions, entered)")
    assert entered["always_range"] == {"low": 12000, "mid": 12000, "high": 12000}


# ----------------------------------------------------------------------------------------------------------
# Costs and savings (by hand)
# ----------------------------------------------------------------------------------------------------------


def test_monthly_cost_by_hand():
    # "Use pnpm.\n": 7 letters, 1 full stop, 1 line break: low 1.75 + 0.5 + 0.2 = 2.45 -> 2; high 2.52 + 1 + 1 =
    # 4.52 -> 5. On Sonnet 5.5 (x1.3): 2.6 -> 3 and 6.5 -> 7, mid (3 + 7 + 1) // 2 = 5 tokens a turn.
    # 100 turns a day x 30 days = 3,000 turns. Uncached: 5 x 3,000 x 2 / 1,000,000 = 0.03.
    # Cached: turns 1 minute apart hit the 5-minute cache with probability 1 - e^-5 = 0.9933, capped at
    # 1 - 1/100 = 0.99 (the day's first turn writes). Per turn: 0.99 x 5 x 0.10 + 0.01 x 5 x 2.50 = 0.495 +
    # 0.125 = 0.62 per million; x 3,000 = 1,860 per million = 0.00186.
    r = report({"CLAUDE.md": "Use pnpm.\n"})
    sonnet = row(r)
    assert r["workload"]["cache_hit_rate"] == "0.99" and r["workload"]["turns_per_month"] == "3000"
    assert sonnet["tokens"] == 5
    assert Decimal(sonnet["monthly_uncached"]["usd"]) == Decimal("0.03")
    assert Decimal(sonnet["monthly_cached"]["usd"]) == Decimal("0.00186")
    assert sonnet["monthly_uncached"]["display"] == "$0.03"


def test_long_description_warning_and_its_saving_by_hand():
    # Listed text "s: " + 400 x "a": 401 letters, 1 colon: low 100.25 + 0.5 -> 100, high 144.36 + 1 = 145.36 ->
    # 146, mid 123. Cut to 300 characters: 301 letters: low 75.25 + 0.5 -> 75, high 108.36 + 1 -> 110, mid 93.
    # Saving 123 - 93 = 30 tokens (older tokenizer) -> 39 on Sonnet 5.5.
    # A month at 100 turns a day: uncached 39 x 3,000 x 2 / 1,000,000 = 0.234;
    # cached 3,000 x (0.99 x 39 x 0.10 + 0.01 x 39 x 2.50) = 3,000 x 4.836 per million = 0.014508.
    skill = "---\nname: s\ndescription: " + "a" * 400 + "\n---\nBody\n"
    r = report({".claude/skills/s/SKILL.md": skill})
    (warning,) = item(r, ".claude/skills/s/SKILL.md")["warnings"]
    assert warning["id"] == "long-description" and warning["saving_tokens"] == 30
    assert Decimal(warning["saving_monthly"]["uncached"]["usd"]) == Decimal("0.234")
    assert Decimal(warning["saving_monthly"]["cached"]["usd"]) == Decimal("0.014508")
    assert r["tokens_saved_total"] == 30
    assert Decimal(row(r)["saving_uncached"]["usd"]) == Decimal("0.234")


def test_description_over_the_format_limit():
    skill = "---\nname: s\ndescription: " + "word " * 230 + "\n---\nBody\n"
    (warning,) = item(report({".claude/skills/s/SKILL.md": skill}), ".claude/skills/s/SKILL.md")["warnings"]
    assert warning["id"] == "description-too-long" and "1,024" in warning["message"]


def test_large_claude_md_warning():
    text = ("Keep functions short and name them after what they return. " * 200).strip() + "\n"
    it = item(report({"CLAUDE.md": text}), "CLAUDE.md")
    (warning,) = it["warnings"]
    assert warning["id"] == "large-claude-md"
    assert warning["saving_tokens"] == it["always_tokens"] - CLAUDE_MD_WARN_TOKENS > 0


def test_duplicated_instructions_are_flagged_on_the_later_file():
    line = "- Run the tests with `make test` before every commit."
    r = report({"CLAUDE.md": f"# Project\n{line}\nUse pnpm.\n", ".claude/rules/testing.md": f"{line}\nTest first.\n"})
    assert item(r, "CLAUDE.md")["warnings"] == []
    (warning,) = item(r, ".claude/rules/testing.md")["warnings"]
    assert warning["id"] == "duplicate-instructions" and "CLAUDE.md" in warning["message"]
    from calculators.recommend import estimate_tokens

    assert warning["saving_tokens"] == estimate_tokens(line).mid


def test_skill_without_frontmatter_and_folder_without_skill_md():
    r = report({".claude/skills/runbook/SKILL.md": "# Runbook\n\nRestart the worker.\n\nThen check.\n",
                ".claude/skills/empty/notes.md": "notes\n"})
    runbook = item(r, ".claude/skills/runbook/SKILL.md")
    assert [w["id"] for w in runbook["warnings"]] == ["no-frontmatter"]
    assert runbook["description"] == "Restart the worker."
    assert [w["id"] for w in item(r, ".claude/skills/empty/")["warnings"]] == ["no-skill-md"]


# ----------------------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------------------


def test_nothing_recognisable_is_a_clear_error():
    with pytest.raises(InputError) as exc:
        report({"src/app.py": "print(1)\n", "README.md": "# x\n"})
    assert "nothing Claude Code loads was found" in str(exc.value) and exc.value.field == "folder"
    with pytest.raises(InputError) as exc:
        report({".claude/settings.json": "{}"})
    assert "only settings files" in str(exc.value)
    with pytest.raises(InputError, match="the folder is empty"):
        report({})


def test_binary_files_are_reported_not_counted():
    r = report({"CLAUDE.md": "Use pnpm.\n", ".claude/agents/x.md": b"\x00\x01\x02binary"})
    assert any(".claude/agents/x.md (a binary file): not counted" in n for n in r["notes"])
    assert not any(it["path"] == ".claude/agents/x.md" for it in r["items"])


def test_bad_options_are_reported_together():
    response = bridge.call("skills", {"files": {"CLAUDE.md": "x"}, "turns_per_day": "-1", "gap_minutes": "soon",
                                      "model": "gpt-4", "mcp_tokens": "1.5"})
    assert not response["ok"]
    assert {e["field"] for e in response["errors"]} == {"turns_per_day", "gap_minutes", "model", "mcp_tokens"}
    response = bridge.call("skills", {"files": ["CLAUDE.md"]})
    assert response["errors"][0]["field"] == "files"


def test_a_huge_file_is_cut_and_says_so(monkeypatch):
    from calculators import skills

    monkeypatch.setattr(skills, "MAX_FILE_CHARS", 100)
    r = report({"CLAUDE.md": "Use pnpm. " * 50})
    assert any("only its first 100 were counted" in n for n in r["notes"])


# ----------------------------------------------------------------------------------------------------------
# The CLI and the bridge agree
# ----------------------------------------------------------------------------------------------------------


def write_example(root: Path) -> dict:
    inputs = page_inputs()
    for rel, text in inputs["files"].items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return inputs


def page_inputs() -> dict:
    text = (REPO / "docs/calculators/skills-browser.md").read_text(encoding="utf-8")
    m = re.search(r"data-calc=\"skills-browser\"[^>]*data-inputs='([^']*)'", text)
    assert m
    return json.loads(html.unescape(m.group(1)))


def test_cli_json_interface_and_bridge_agree(tmp_path, capsys):
    root = tmp_path / "northwind-shop"
    inputs = write_example(root)
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "CLAUDE.md").write_text("not loaded\n")
    code = cli.main(["skills", str(root), "--json", "--turns-per-day", "300"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    # The interface outside checks rely on (DESIGN.md).
    assert {"items", "always_tokens_total"} <= set(data)
    assert all({"path", "kind", "always_tokens", "on_demand_tokens"} <= set(it) for it in data["items"])
    # The total is the middle of the summed ranges (not the sum of the middles, which rounds differently).
    low = sum(it["always_range"]["low"] for it in data["items"])
    high = sum(it["always_range"]["high"] for it in data["items"])
    assert data["always_tokens_total"] == (low + high + 1) // 2
    assert not any("node_modules" in it["path"] for it in data["items"])
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                   and "node_modules" not in p.parts)
    response = bridge.call("skills", {**inputs, "paths": paths, "turns_per_day": 300}, today=PINNED_TODAY)
    assert response["ok"], response
    assert response["result"]["items"] == data["items"]
    assert response["result"]["costs"] == data["costs"]
    assert response["result"]["always_tokens_total"] == data["always_tokens_total"]


def test_cli_report_and_errors(tmp_path, capsys):
    write_example(tmp_path / "shop")
    assert cli.main(["skills", str(tmp_path / "shop")]) == 0
    out = capsys.readouterr().out
    assert "Always loaded: about" in out and "Warnings (3;" in out
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "app.py").write_text("print(1)\n")
    assert cli.main(["skills", str(tmp_path / "plain")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing Claude Code loads was found" in err
    assert cli.main(["skills", str(tmp_path / "missing")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert cli.main(["skills", str(tmp_path / "shop"), "--gap-minutes", "x"]) == 1
    assert "--gap-minutes:" in capsys.readouterr().err


def test_the_page_example_shows_each_kind_and_warning():
    inputs = page_inputs()
    response = bridge.call("skills", inputs, today=PINNED_TODAY)
    assert response["ok"], response
    r = response["result"]
    assert r["need"] == []
    assert {it["kind"] for it in r["items"]} == {"claude-md", "skill", "command", "agent", "mcp-tools", "other"}
    assert {w["id"] for it in r["items"] for w in it["warnings"]} == {
        "duplicate-instructions", "long-description", "no-frontmatter"}
    plan = bridge.call("skills_plan", {"paths": inputs["paths"], "root_name": inputs["root_name"]})
    # The page's files are what a dropped folder would send: the plan's files plus the import it asks for.
    assert set(inputs["files"]) == set(plan["result"]["read"]) | {"docs/architecture.md"}

"""Every Python code block in docs/ runs.

The blocks of one page run in order in one namespace (a page may build on an earlier block), from the
repository root, with the repository's pricing.toml. A block preceded by
``<!-- cc:skip-test reason="..." -->`` (it calls the Anthropic API) is compiled but not run, and reported as
skipped with its reason.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\n`]*)$")
SKIP = re.compile(r'^\s*<!--\s*cc:skip-test\s+reason="(?P<reason>[^"]+)"\s*-->\s*$')
PYTHON = {"python", "py", "python3", "pycon"}


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # line of the opening fence
    code: str
    skip: str | None  # the reason, for blocks that are not run

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"


def python_blocks(text: str, page: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent = m.group("fence"), m.group("indent")
        lang = m.group("info").strip().split(" ")[0].strip("{}.").lower() if m.group("info").strip() else ""
        start = i
        body = []
        i += 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if close and close.group("fence")[0] == fence[0] and len(close.group("fence")) >= len(fence) \
                    and not close.group("info").strip():
                break
            body.append(lines[i])
            i += 1
        i += 1
        if lang not in PYTHON:
            continue
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        skip = SKIP.match(lines[prev]) if prev >= 0 else None
        code = textwrap.dedent("\n".join(line[len(indent):] if line.startswith(indent) else line for line in body))
        blocks.append(Block(page, start + 1, code, skip.group("reason") if skip else None))
    return blocks


ALL = {str(p.relative_to(DOCS)): python_blocks(p.read_text(encoding="utf-8"), str(p.relative_to(DOCS)))
       for p in sorted(DOCS.rglob("*.md"))}
RUN = {page: [b for b in blocks if b.skip is None] for page, blocks in ALL.items()}
SKIPPED = [b for blocks in ALL.values() for b in blocks if b.skip is not None]


def test_the_docs_have_code_to_run():
    assert sum(len(b) for b in RUN.values()) >= 10
    assert SKIPPED, "the guides show API calls; they should be marked, not silently missing"


@pytest.mark.parametrize("page", sorted(p for p, b in RUN.items() if b))
def test_page_code_runs(page, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CLAUDE_COST_PRICING", raising=False)
    namespace: dict = {"__name__": f"docs_{page.replace('/', '_').removesuffix('.md')}"}
    for block in RUN[page]:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(block.code, block.name, "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"{block.name}: the code block raised {type(exc).__name__}: {exc}\n{block.code}")
        assert out.getvalue().strip(), f"{block.name}: a docs example should print what it computes"


@pytest.mark.parametrize("block", SKIPPED, ids=lambda b: b.name)
def test_skipped_blocks_compile(block):
    compile(block.code, block.name, "exec")  # a marked block must still be valid Python
    pytest.skip(f"{block.name}: {block.skip}")


def test_block_parser():
    text = ('intro\n\n<!-- cc:skip-test reason="calls the API" -->\n```python\nimport anthropic\n```\n\n'
            '1. step\n\n    ```python\n    x = 1\n    print(x)\n    ```\n\n```bash\necho hi\n```\n')
    blocks = python_blocks(text, "p.md")
    assert [(b.line, b.skip) for b in blocks] == [(4, "calls the API"), (10, None)]
    assert blocks[1].code == "x = 1\nprint(x)"

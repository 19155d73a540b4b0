"""The Cost Calculator page declares its mount point with the calculator's own default inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calculators.scenarios import DEFAULT_INPUTS

PAGE = Path(__file__).resolve().parent.parent / "docs" / "calculators" / "cost-calculator.md"


def test_the_page_mount_point_uses_the_default_inputs():
    text = PAGE.read_text(encoding="utf-8")
    mounts = re.findall(r"<div data-calc=\"cost-calculator\" data-handler=\"calculator\" data-inputs='([^']*)'></div>",
                        text)
    assert len(mounts) == 1
    assert json.loads(mounts[0]) == DEFAULT_INPUTS

"""The wheel ships pricing.toml, and an installed package finds its own copy.

The wheel is built from this checkout with hatchling (the project's build backend, installed by
`make test`), unpacked into a temporary directory, and used from a process whose working directory is
somewhere else and whose only route to `calculators` is that directory.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd += ["--no-build-isolation", "--no-index"]  # offline: the backend is already installed
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    proc = subprocess.run([*cmd, str(REPO)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(dist.glob("claude_cost-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_the_root_pricing_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "calculators/pricing.toml" in names
        assert zf.read("calculators/pricing.toml") == (REPO / "pricing.toml").read_bytes()
        for module in ("__init__", "__main__", "pricing", "cost", "cli", "bridge"):
            assert f"calculators/{module}.py" in names
        assert not any(n.startswith(("tests/", "docs/", "hooks/")) for n in names)
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
        metadata = zf.read(f"{dist_info}/METADATA").decode()
    assert "claude-cost = calculators.cli:run" in entry_points
    # standard library only: every declared requirement belongs to an extra (dev, or fast: the optional parsers and
    # DuckDB, which writes the parquet rate table)
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert requires and all(any(f"extra == {q}{x}{q}" in line for x in ("dev", "fast") for q in "'\"")
                            for line in requires)
    fast = sorted(line.split()[1].split(">")[0] for line in requires if "fast" in line.split(";")[1])
    assert fast == ["duckdb", "msgspec", "orjson"]


_PROBE = r"""
import json, sys
import calculators
from calculators.pricing import default_pricing_path, load_pricing
from calculators import price
pricing = load_pricing()
print(json.dumps({
    "package": calculators.__file__,
    "default_path": str(default_pricing_path()),
    "loaded_path": pricing.path,
    "models": len(pricing.models),
    "total": str(price("claude-sonnet-4-6", input=2000, output=500, at="2026-11-01").total),
}))
"""


def _unpack(wheel: Path, where: Path) -> Path:
    site = where / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


def _env(site: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_COST_PRICING", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    return env


def test_unpacked_wheel_finds_its_own_pricing_file(wheel, tmp_path):
    site = _unpack(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # -S: no site-packages, so the editable install of this checkout cannot be picked up instead
    proc = subprocess.run([sys.executable, "-S", "-c", _PROBE], capture_output=True, text=True, cwd=elsewhere,
                          env=_env(site), timeout=60)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    packaged = site / "calculators" / "pricing.toml"
    assert Path(found["package"]).parent == site / "calculators"
    assert Path(found["default_path"]) == packaged
    assert Path(found["loaded_path"]) == packaged
    assert found["models"] >= 20
    # 2,000 x $3 + 500 x $15 = 13,500 micro-dollars
    assert found["total"] == "0.0135"


def test_unpacked_wheel_cli(wheel, tmp_path):
    site = _unpack(wheel, tmp_path)
    proc = subprocess.run([sys.executable, "-S", "-m", "calculators", "check"], capture_output=True, text=True,
                          cwd=tmp_path, env=_env(site), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(str(site / "calculators" / "pricing.toml"))
    assert "OK" in proc.stdout


def test_unpacked_wheel_without_pricing_file_says_so(wheel, tmp_path):
    site = _unpack(wheel, tmp_path)
    (site / "calculators" / "pricing.toml").unlink()
    proc = subprocess.run([sys.executable, "-S", "-m", "calculators", "models"], capture_output=True, text=True,
                          cwd=tmp_path, env=_env(site), timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "CLAUDE_COST_PRICING" in proc.stderr

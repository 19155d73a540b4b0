"""Generate realistic Claude Code session logs for benchmarks and the streaming-memory test.

Writes ``OUT/projects/<project>/<session>.jsonl`` until about ``--mb`` megabytes are written. Each session
is a conversation: user prompts, assistant responses written as several lines per response (one per content
block, the way Claude Code streams them: same message.id and requestId, the last line with the final
output count), tool results, sidechain (subagent) turns, summary lines and the odd ``<synthetic>`` message.
Lines are 0.5 to 8 KB. Models and dates are ones pricing.toml prices (and that ccusage knows).

    python bench/gen_claude_code_logs.py OUT --mb 100 [--seed 1]

Prints a JSON summary (files, bytes, lines, unique requests).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

MODELS = [  # (model id, weight)
    ("claude-sonnet-4-5-20250929", 5),
    ("claude-opus-4-6", 2),
    ("claude-sonnet-4-6", 4),
    ("claude-haiku-4-5-20251001", 2),
]
WORDS = ("the cache read input tokens cost model request session prompt output function return value error "
         "test file path line json parse stream usage assistant user tool result bytes fast slow price day "
         "month team budget saving batch route haiku sonnet opus quote \" backslash \\ brace { } [ ] usage: "
         "\"usage\":{ \"model\":\"x\" newline\n tab\t unicode é 中文 🙂").split(" ")


def text_of(rng: random.Random, size: int) -> str:
    out, n = [], 0
    while n < size:
        w = rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128)))


def line_size(rng: random.Random) -> int:
    """Content size so that lines land between about 0.5 and 8 KB, most of them small."""
    return int(min(7600, max(120, rng.lognormvariate(6.9, 0.9))))


def session_lines(rng: random.Random, session: str, cwd: str, start: datetime, stats: dict):
    t = start
    parent = None
    model = rng.choices([m for m, _ in MODELS], [w for _, w in MODELS])[0]
    base = {"isSidechain": False, "userType": "external", "cwd": cwd, "sessionId": session, "version": "1.0.98",
            "gitBranch": "main"}
    cached = 0
    for _turn in range(rng.randint(3, 40)):
        side = rng.random() < 0.12
        t += timedelta(seconds=rng.choice((2, 5, 20, 60, 200, 400, 900, 2400)))
        u = uid(rng)
        yield {"parentUuid": parent, **base, "isSidechain": side, "type": "user",
               "message": {"role": "user", "content": text_of(rng, line_size(rng))},
               "uuid": u, "timestamp": t.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        parent = u
        if rng.random() < 0.01:
            yield {"parentUuid": parent, **base, "type": "assistant", "uuid": uid(rng),
                   "timestamp": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                   "message": {"id": uid(rng), "type": "message", "role": "assistant", "model": "<synthetic>",
                               "content": [{"type": "text", "text": "API Error: overloaded"}],
                               "stop_reason": "stop_sequence", "stop_sequence": "",
                               "usage": {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                                         "cache_read_input_tokens": 0}},
                   "isApiErrorMessage": True}
            stats["synthetic"] += 1
            continue
        mid = "msg_" + uid(rng).replace("-", "")[:24]
        rid = "req_" + uid(rng).replace("-", "")[:24]
        blocks = rng.randint(1, 4)
        new = rng.randint(50, 6000)
        one_hour = rng.random() < 0.2
        w = new if rng.random() < 0.8 else 0
        usage = {"input_tokens": rng.randint(1, 30), "cache_creation_input_tokens": w,
                 "cache_read_input_tokens": cached,
                 "cache_creation": {"ephemeral_5m_input_tokens": 0 if one_hour else w,
                                    "ephemeral_1h_input_tokens": w if one_hour else 0},
                 "output_tokens": rng.randint(20, 4000), "service_tier": "standard"}
        if rng.random() < 0.03:
            usage["server_tool_use"] = {"web_search_requests": rng.randint(1, 3), "web_fetch_requests": 0}
        cached += w
        stats["requests"] += 1
        for b in range(blocks):
            t += timedelta(milliseconds=rng.randint(100, 3000))
            last = b == blocks - 1
            u2 = dict(usage)
            if not last:
                u2["output_tokens"] = rng.randint(1, max(1, usage["output_tokens"] // 3))
            if rng.random() < 0.5:
                content = [{"type": "text", "text": text_of(rng, line_size(rng))}]
            else:
                content = [{"type": "tool_use", "id": "toolu_" + uid(rng)[:20], "name": "Edit",
                            "input": {"file_path": "/src/app.py", "old_string": text_of(rng, line_size(rng) // 2),
                                      "new_string": text_of(rng, 60)}}]
            u = uid(rng)
            yield {"parentUuid": parent, **base, "isSidechain": side,
                   "message": {"id": mid, "type": "message", "role": "assistant", "model": model,
                               "content": content, "stop_reason": "tool_use" if last else None,
                               "stop_sequence": None, "usage": u2},
                   "requestId": rid, "type": "assistant", "uuid": u,
                   "timestamp": t.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
            parent = u
        if rng.random() < 0.3:
            t += timedelta(seconds=1)
            u = uid(rng)
            yield {"parentUuid": parent, **base, "type": "user",
                   "message": {"role": "user", "content": [{"tool_use_id": "toolu_x", "type": "tool_result",
                                                            "content": text_of(rng, line_size(rng))}]},
                   "uuid": u, "timestamp": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                   "toolUseResult": {"stdout": text_of(rng, 80), "stderr": "", "interrupted": False}}
            parent = u
    yield {"type": "summary", "summary": text_of(rng, 60), "leafUuid": parent}


def generate(out: Path, mb: float, seed: int = 1) -> dict:
    rng = random.Random(seed)
    target = int(mb * 1_000_000)
    stats = {"files": 0, "bytes": 0, "lines": 0, "requests": 0, "synthetic": 0}
    start = datetime(2026, 4, 1, tzinfo=UTC)
    while stats["bytes"] < target:
        project = out / "projects" / f"-home-dev-project-{rng.randint(1, 12)}"
        project.mkdir(parents=True, exist_ok=True)
        session = uid(rng)
        day = start + timedelta(days=rng.randint(0, 200), seconds=rng.randint(0, 80000))
        with open(project / f"{session}.jsonl", "w", encoding="utf-8") as fh:
            for obj in session_lines(rng, session, str(project), day, stats):
                text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
                fh.write(text)
                stats["bytes"] += len(text.encode("utf-8"))
                stats["lines"] += 1
        stats["files"] += 1
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output directory")
    ap.add_argument("--mb", type=float, default=100, help="approximate size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    stats = generate(Path(args.out), args.mb, args.seed)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The recommendation itself: estimate, detect, route, plan every current model, and the browser entry points."""

from __future__ import annotations

import datetime as _dt
import html
import json
from dataclasses import dataclass, replace
from decimal import Decimal

from ..cost import _PLATFORM_NAMES, TOOL_CHOICES, TOOLS, PriceError, dstr, parse_at, price, tool_overhead
from ..errors import InputError
from ..forms import form_date, form_number
from ..present import future_prices_note
from ..present import money_json as _money
from ..present import usd_display as _usd
from ..pricing import ENDPOINTS, PLATFORMS, Model, Pricing, UnknownModelError, load_pricing
from .features import Features, Segment, detect_features
from .plan import Plan, RecommendWorkload, Shape, _assumed_output, _pct, _plan, simulate_conversation, workload_cost
from .rules import _TIER_INDEX, RULES, TIERS, _tier, route, tier_models
from .settings import KEEP_TURNS, LONG_CONVERSATION_TURNS, MODES, REPEATS
from .tokens import ZERO_TOKENS, estimate_tokens

# ----------------------------------------------------------------------------------------------------------
# The recommendation
# ----------------------------------------------------------------------------------------------------------


class RecommendInputError(InputError):
    """Bad input to the recommender; ``errors`` is a list of (field, message) pairs."""


@dataclass
class Recommendation:
    data: dict

    @property
    def model(self) -> str | None:
        return self.data["model"]

    def to_json(self) -> dict:
        return self.data


def _clean(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("\x00", "").replace("\r\n", "\n")


def _split_documents(user: str) -> tuple[str, str]:
    """(documents, question): the user message up to its last paragraph, and that paragraph."""
    body = user.rstrip()
    cut = body.rfind("\n\n")
    if cut <= 0:
        return "", user
    return user[:cut], user[cut:]


#: The model a prompt is taken to run on today when the user does not say (a family shortcut of pricing.toml).
DEFAULT_CURRENT_MODEL = "sonnet"


def recommend(prompt: str = "", *, system: str = "", tools: str = "",
              workload: RecommendWorkload | None = None, at: object,
              pricing: Pricing | None = None, current_model: str | None = None) -> Recommendation:
    """Analyse a prompt and workload: features, routing, levers and monthly costs on every current model.

    ``current_model`` is the model the prompt runs on today (any spelling :meth:`Pricing.resolve` accepts;
    default :data:`DEFAULT_CURRENT_MODEL`): the saving is measured against sending everything to it without
    any lever. Pasted tool definitions (``tools``) add ``custom`` to the workload's tool set, so the tool-use
    system prompt is counted.

    Raises:
        RecommendInputError: the prompt is empty (all of system, prompt and tools are blank), or the current
            model is unknown or has no price on the day (field ``current_model``).
        PriceError: a platform and endpoint that do not go together (field ``endpoint``).
    """
    pricing = pricing or load_pricing()
    wl = workload or RecommendWorkload()
    day = parse_at(at)
    system, prompt, tools = _clean(system), _clean(prompt), _clean(tools)
    if tools.strip() and "custom" not in wl.tool_set:
        wl = replace(wl, tool_set=(*wl.tool_set, "custom"))
    default = pricing.model(DEFAULT_CURRENT_MODEL)
    try:
        current = pricing.resolve(current_model or DEFAULT_CURRENT_MODEL).model
    except UnknownModelError as exc:
        raise RecommendInputError([("current_model", str(exc))]) from None
    if current.period_at(day) is None:
        raise RecommendInputError([("current_model", f"{current.name} has no price on {day}: choose the model "
                                                     f"you use now among those priced on that day")])
    if not (system.strip() or prompt.strip() or tools.strip()):
        raise RecommendInputError([("prompt", "the prompt is empty: paste a system prompt, a user message or "
                                              "both (tool definitions alone are not a prompt)")])
    if not (system.strip() or prompt.strip()):
        raise RecommendInputError([("prompt", "only tool definitions were given: paste the system prompt or a "
                                              "user message too")])

    segments = []
    if tools.strip():
        segments.append(Segment.of("tool definitions", tools))
    if system.strip():
        segments.append(Segment.of("system prompt", system))
    if prompt.strip():
        segments.append(Segment.of("user message", prompt))
    by_name = {s.name: s for s in segments}
    feats = detect_features(segments, wl.turns, wl.tool_set)

    # Token ranges on the older tokenizer: prefix (repeated) and the rest.
    tools_t = by_name["tool definitions"].tokens if "tool definitions" in by_name else ZERO_TOKENS
    system_t = by_name["system prompt"].tokens if "system prompt" in by_name else ZERO_TOKENS
    user_t = by_name["user message"].tokens if "user message" in by_name else ZERO_TOKENS
    docs_t = ZERO_TOKENS
    if wl.repeats == "system_and_documents" and prompt and wl.turns <= 1:
        docs, question = _split_documents(prompt)
        docs_t = estimate_tokens(docs)
        user_t = estimate_tokens(question)
    prefix_t = tools_t + system_t + docs_t if wl.repeats != "none" else ZERO_TOKENS
    rest_t = user_t + (ZERO_TOKENS if wl.repeats != "none" else tools_t + system_t)
    total_old = tools_t + system_t + docs_t + user_t

    expected_known = wl.output_tokens is not None
    if wl.output_tokens is not None:
        expected, expected_why = wl.output_tokens, "given"
    else:
        expected, expected_why = _assumed_output(feats, user_t.mid)

    tier, fired = route(feats)
    tiers = tier_models(pricing, day)
    notes: list[str] = []
    if not tiers:
        raise PriceError("no current, generally available model is priced on this day", "at")

    def factor(m: Model) -> Decimal:
        return pricing.tokenizer_inflation if m.new_tokenizer else Decimal(1)

    def shape(m: Model, pick: str = "mid") -> Shape:
        f = factor(m)
        pre = getattr(prefix_t.scaled(f), pick)
        rest = getattr(rest_t.scaled(f), pick)
        return Shape(pre, rest, expected)

    def overhead(m: Model) -> int:
        """The input tokens the request's tools add on ``m`` (the tool-use system prompt and each tool)."""
        return tool_overhead(m, wl.tool_set, tool_choice=wl.tool_choice, pricing=pricing).total

    def fits(m: Model) -> tuple[bool, int]:
        """Whether the largest request (prompt, tools' tokens and output) fits the model's context window."""
        compress = wl.turns >= LONG_CONVERSATION_TURNS
        conv = simulate_conversation(max(1, wl.turns), *_astuple(shape(m)), compress)
        need = conv.max_prompt + overhead(m) + min(expected, m.max_output or expected)
        return (m.context_window is None or need <= m.context_window), need

    # Tier -> model; fall back to a tier whose model exists, then to one whose context window fits.
    chosen_tier = tier if tier in tiers else next(
        (t.id for t in TIERS[_TIER_INDEX[tier]:] if t.id in tiers),
        next(t.id for t in reversed(TIERS) if t.id in tiers))
    if chosen_tier != tier:
        notes.append(f"no current model serves the {_tier(tier).label.lower()} tier; using the "
                     f"{_tier(chosen_tier).label.lower()} tier")
    model = tiers[chosen_tier]
    # A platform and endpoint that do not go together (Foundry has no regional endpoints) is the user's to fix:
    # the cost model's own rule says so, against the endpoint field, before any model is priced.
    placement = price(model, output=1, at=day, pricing=pricing, platform=wl.platform, endpoint=wl.endpoint)
    ok, need = fits(model)
    too_long = None
    if not ok:
        bigger = [t for t in TIERS if t.id in tiers and fits(tiers[t.id])[0]]
        if bigger:
            alt = min(bigger, key=lambda t: abs(_TIER_INDEX[t.id] - _TIER_INDEX[chosen_tier]))
            for row in fired:
                if row["decisive"]:
                    row["decisive"] = False
                    row["overridden"] = f"{model.name}'s context window is too small for the request"
            fired.append({"id": "context-window", "kind": "escalate", "tier": alt.id,
                          "when": "the request does not fit the chosen model's context window",
                          "why": f"about {need:,} tokens are needed; {model.name} takes "
                                 f"{model.context_window:,}", "decisive": True})
            chosen_tier, model = alt.id, tiers[alt.id]
        else:
            windows = sorted({m.context_window for m in pricing.current_models(day) if m.context_window})
            too_long = (f"the request needs about {need:,} tokens (prompt plus output, on the newer tokenizer), "
                        f"more than the largest context window of any current model "
                        f"({windows[-1]:,} tokens): split the document or retrieve only the relevant parts")

    tokens_json = {
        "older_tokenizer": total_old.to_json(),
        "newer_tokenizer": total_old.scaled(pricing.tokenizer_inflation).to_json(),
        "inflation": dstr(pricing.tokenizer_inflation),
        "segments": [{"name": s.name, "chars": s.counts.total, **s.tokens.to_json()} for s in segments],
        "repeated_prefix": prefix_t.to_json(),
        "output": expected, "output_source": "given" if expected_known else f"assumed: {expected_why}",
        "tool_overhead": _overhead_json(model, wl, pricing),
        "note": ("An estimate from the text's characters, not a count: Anthropic's tokenizer is not available "
                 "offline. Prices use the middle of the range. Models with the newer tokenizer (Claude Opus 4.7 "
                 f"and later) count about {_pct(pricing.tokenizer_inflation - 1)} more tokens for the same "
                 "text; that is applied per model. "
                 + ("Tools add their own input tokens on every request (see below), priced per model."
                    if wl.tool_set else
                    "Tool definitions or Anthropic-defined tools would add a tool-use system prompt; this "
                    "request has none.")),
    }
    base = {
        "at": day.isoformat(),
        "pricing_checked": pricing.last_checked.isoformat(),
        "workload": wl.to_json(),
        "tokens": tokens_json,
        "features": [f.to_json() for f in feats.values()],
        "tier": chosen_tier,
        "tier_label": _tier(chosen_tier).label,
        "rules": fired,
        "rule_table": [r.to_json() for r in RULES],
        "tiers": [{"id": t.id, "label": t.label, "use": t.use,
                   "model": tiers[t.id].id if t.id in tiers else None} for t in TIERS],
        "notes": notes,
        "current_model": current.id,
        "current_model_name": current.name,
        "placement": {"platform": placement.platform, "endpoint": placement.endpoint,
                      "display": _placement_display(placement.platform, placement.endpoint)},
        "model_choices": [{"id": m.id, "name": m.name} for m in _choices(pricing, day, current)],
        "default_current_model": {"id": default.id, "name": default.name},
    }
    notes.extend(placement.notes)
    if "custom" in wl.tool_set and tools.strip():
        notes.append("The pasted tool definitions count as your own tools: the tool-use system prompt of "
                     f"tool_choice {wl.tool_choice} is added to every request.")
    if "binary" in feats:
        notes.append(feats["binary"].detail)
    if too_long:
        return Recommendation({**base, "model": None, "model_name": None, "error": too_long,
                               "runner_up": None, "levers": [], "costs": [], "saving": None, "code": None})

    plan = _plan(model, shape(model), wl, feats, pricing, day, expected_known, expected_why,
                 prefix_t.scaled(factor(model)).low)

    # Monthly cost on every current model (and the user's current one), with and without the same levers.
    costs = []
    compared = list(pricing.current_models(day))
    if current not in compared:
        compared.append(current)
    for m in compared:
        row = {"model": m.id, "model_name": m.name, "family": m.family, "availability": m.availability,
               "recommended": m.id == model.id, "current": m.id == current.id}
        try:
            if m.period_at(day) is None:
                raise PriceError(f"{m.name} has no price on {day}")
            fit, need_m = fits(m)
            if not fit:
                raise PriceError(f"about {need_m:,} tokens do not fit its {m.context_window:,}-token window")
            p = _plan(m, shape(m), wl, feats, pricing, day, expected_known, expected_why,
                      prefix_t.scaled(factor(m)).low)
            assert p.baseline is not None and p.with_levers is not None  # _plan always sets both
            before = workload_cost(m, p.baseline, wl, at=day, pricing=pricing)
            after = workload_cost(m, p.with_levers, wl, at=day, pricing=pricing)
            row.update(without_levers=_money(before.monthly), with_levers=_money(after.monthly),
                       per_request_with_levers=_money(after.per_request),
                       prompt_tokens=p.baseline.prompt_tokens, tool_tokens=overhead(m),
                       levers=[lv["id"] for lv in p.levers if lv.get("applies") and lv["id"] != "output_cap"],
                       _before=before.monthly, _after=after.monthly)
            if m.context_window is None:
                row["note"] = "context window not published"
        except PriceError as exc:
            row.update(without_levers=None, with_levers=None, reason=str(exc), _before=None, _after=None)
        if m.availability not in ("", "general"):
            row["note"] = f"{m.availability} availability: not recommended"
        if m not in pricing.current_models(day):
            row["note"] = f"{m.status_on(day)}: your current model, compared but never recommended"
        costs.append(row)
    rec_row = next(r for r in costs if r["model"] == model.id)
    saving = _saving(next(r for r in costs if r["model"] == current.id), rec_row)
    lo_plan = _plan(model, shape(model, "low"), wl, feats, pricing, day, True, "", 0)
    hi_plan = _plan(model, shape(model, "high"), wl, feats, pricing, day, True, "", 0)
    # The cheapest and dearest outcome over the low, middle and high token estimates. Not always the low and
    # high estimates themselves: a prefix at the low end may fall below the minimum cacheable length.
    outcomes = [workload_cost(model, p.with_levers, wl, at=day, pricing=pricing).monthly
                for p in (lo_plan, plan, hi_plan) if p.with_levers is not None]
    monthly_range = {"low": _money(min(outcomes)), "high": _money(max(outcomes))}
    costs.sort(key=lambda r: (r["_after"] is None, r["_after"] or 0, r["model"]))
    for r in costs:
        r.pop("_before")
        r.pop("_after")

    runner = _runner_up(chosen_tier, tiers, costs, fired, feats, model)
    code = _code(model, plan, wl, system, prompt, tools)
    return Recommendation({
        **base,
        "model": model.id,
        "model_name": model.name,
        "error": None,
        "runner_up": runner,
        "levers": plan.levers,
        "costs": costs,
        "monthly_range": monthly_range,
        "saving": saving,
        "code": code,
    })


def _saving(cur: dict, rec: dict) -> dict:
    """The recommendation with its levers against everything on the user's current model without any lever.

    ``saving_monthly`` is negative when the recommendation costs more (a prompt that needs a bigger model than
    the one in use); ``direction`` says which (``saves``, ``costs_more`` or ``same``) and ``amount`` is the
    difference without its sign, for display."""
    out = {
        "baseline_model": cur["model"], "baseline_model_name": cur["model_name"],
        "recommended_monthly": _money(rec["_after"]),
        "recommended_without_levers": _money(rec["_before"]),
        "levers_saving_monthly": _money(rec["_before"] - rec["_after"]),
    }
    if cur["_before"] is None:
        return {**out, "baseline_monthly": None, "saving_monthly": None, "amount": None, "saving_percent": None,
                "direction": None,
                "label": f"Your current model, {cur['model_name']}, cannot run this workload ({cur['reason']})"}
    diff = cur["_before"] - rec["_after"]
    direction = "saves" if diff > 0 else "costs_more" if diff < 0 else "same"
    label = {"saves": "Saved against everything on {} without levers",
             "costs_more": "Extra against everything on {} without levers",
             "same": "The same as everything on {} without levers"}[direction].format(cur["model_name"])
    return {**out, "baseline_monthly": _money(cur["_before"]), "saving_monthly": _money(diff),
            "amount": _money(abs(diff)), "direction": direction, "label": label,
            "saving_percent": _pct(abs(diff) / cur["_before"]) if cur["_before"] else "0%"}


def _choices(pricing: Pricing, day: _dt.date, current: Model) -> list[Model]:
    """The models the form offers as "the model you use now": every model priced on the day."""
    models = [m for m in pricing.models if m.period_at(day) is not None]
    if current not in models:
        models.append(current)
    return models


def _placement_display(platform: str, endpoint: str) -> str:
    name = _PLATFORM_NAMES[platform]
    return name[0].upper() + name[1:] + (", regional endpoint" if endpoint == "regional" else "")


def _overhead_json(model: Model, wl: RecommendWorkload, pricing: Pricing) -> dict:
    """What the request's tools add on ``model``: the tool-use system prompt and each Anthropic-defined tool."""
    o = tool_overhead(model, wl.tool_set, tool_choice=wl.tool_choice, pricing=pricing)
    parts = ([f"the tool-use system prompt ({o.system_prompt:,} tokens for tool_choice {wl.tool_choice})"]
             if o.system_prompt else []) + [f"{t.replace('_', ' ')} ({n:,})" for t, n in o.tools]
    text = (f"On {model.name} the tools add {o.total:,} input tokens to every request: " + ", ".join(parts)
            + "; counted as uncached input." if o.total else "")
    return {"model": model.id, "system_prompt": o.system_prompt, "tools": [{"tool": t, "tokens": n}
                                                                          for t, n in o.tools],
            "total": o.total, "text": " ".join(filter(None, [text, *o.notes]))}


def _astuple(s: Shape) -> tuple[int, int, int]:
    return s.prefix, s.user, s.output


def _runner_up(tier: str, tiers: dict[str, Model], costs: list[dict], fired: list[dict], feats: Features,
               model: Model) -> dict | None:
    idx = _TIER_INDEX[tier]
    below = [t for t in TIERS[:idx] if t.id in tiers and tiers[t.id].id != model.id]
    above = [t for t in TIERS[idx + 1:] if t.id in tiers and tiers[t.id].id != model.id]
    cost = {r["model"]: r for r in costs}
    mine = cost[model.id]
    if below:
        t = below[-1]
        m = tiers[t.id]
        deciding = [r for r in fired if r.get("decisive") and r["kind"] == "escalate"]
        why = ("rule " + ", ".join(f"`{r['id']}` ({r['when']})" for r in deciding) +
               f" asks for at least the {_tier(tier).label.lower()} tier") if deciding else \
            f"no rule moves this prompt down to the {t.label.lower()} tier"
    elif above:
        t = above[0]
        m = tiers[t.id]
        why = (f"no rule asks for the {t.label.lower()} tier (no code, reasoning cues, tools or long document "
               f"that needs it), so it would cost more for no gain")
    else:
        return None
    other = cost.get(m.id, {})
    diff = None
    if other.get("with_levers") and mine.get("with_levers"):
        d = Decimal(other["with_levers"]["usd"]) - Decimal(mine["with_levers"]["usd"])
        diff = {"usd": dstr(d), "display": _usd(abs(d)), "cheaper": d < 0}
    return {"model": m.id, "model_name": m.name, "tier": t.id, "why": why, "monthly_difference": diff,
            "monthly_with_levers": other.get("with_levers")}


# ----------------------------------------------------------------------------------------------------------
# Request code (Python SDK)
# ----------------------------------------------------------------------------------------------------------


def _literal(text: str, path: str) -> str:
    """A Python expression for ``text``: the literal itself when short, else a read of the file it goes in."""
    if len(text) <= 4000:
        if ("\n" in text and '"""' not in text and "\\" not in text and not text.endswith('"')
                and all(c.isprintable() or c == "\n" for c in text)):
            return '"""' + text + '"""'  # keeps the prompt's lines readable
        return repr(text)
    return f'Path("{path}").read_text(encoding="utf-8")  # {len(text):,} characters: save them to {path}'


def _code(model: Model, plan: Plan, wl: RecommendWorkload, system: str, prompt: str, tools: str) -> dict:
    """Ready-to-paste Python SDK code for the recommendation: model, max_tokens, cache_control, stop sequence,
    and for offline work the Message Batches form."""
    cache = None
    if plan.ttl == "5m":
        cache = '{"type": "ephemeral"}'
    elif plan.ttl == "1h":
        cache = '{"type": "ephemeral", "ttl": "1h"}'
    has_system, has_tools = bool(system.strip()), bool(tools.strip())
    named = [t.replace("_", " ") for t in wl.tool_set if t != "custom"]
    multi = wl.turns > 1
    docs, question = _split_documents(prompt) if wl.repeats == "system_and_documents" and not multi else ("", "")
    docs_cached = cache is not None and bool(docs)
    try:
        json.loads(tools)
        tools_ok = True
    except (ValueError, RecursionError):
        tools_ok = False
    texts = [system if has_system else "", tools if has_tools else "",
             *((docs, question) if docs_cached else (prompt,))]
    lines = ["import anthropic"]
    if has_tools:
        lines.append("import json")
    if any(len(t) > 4000 for t in texts) or (has_tools and not tools_ok):
        lines.append("from pathlib import Path")
    client, model_id = _client(model, wl)
    lines += ["", client, ""]
    if has_system:
        lines.append(f"SYSTEM_PROMPT = {_literal(system, 'system_prompt.txt')}")
    if has_tools:
        if tools_ok:
            lines.append(f"TOOLS = json.loads({_literal(tools, 'tools.json')})")
        else:
            lines.append('TOOLS = json.loads(Path("tools.json").read_text(encoding="utf-8"))  # the pasted tool '
                         'definitions are not valid JSON: save a valid tools array there')
        if cache and not has_system and not docs_cached:
            lines.append(f'TOOLS[-1]["cache_control"] = {cache}  # caches every tool definition')
    if named:
        if not has_tools:
            lines.append("TOOLS = []")
        lines.append(f"# Add the entries of the Anthropic-defined tools you use ({', '.join(named)}) to TOOLS, with "
                     "the tool type\n# their documentation gives for this model.")
    if plan.stop:
        tag = plan.stop[2:-1]
        lines.append(f"# In the prompt, ask for the answer inside <{tag}>…</{tag}>; generation stops at {plan.stop} "
                     f"(which is not returned).")
    lines.append("")
    params = [f'model="{model_id}"', f"max_tokens={plan.cap}"]
    if has_system:
        if cache and not docs_cached:
            params.append(f'system=[{{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {cache}}}]')
        else:
            params.append("system=SYSTEM_PROMPT")
    if has_tools or named:
        params.append("tools=TOOLS")
        if wl.tool_choice == "tool":
            params.append('tool_choice={"type": "tool", "name": "YOUR_TOOL"}')
        elif wl.tool_choice != "auto":
            params.append(f'tool_choice={{"type": "{wl.tool_choice}"}}')
    if docs_cached:
        params.append('messages=[{"role": "user", "content": [\n'
                      f'            {{"type": "text", "text": documents, "cache_control": {cache}}},  '
                      '# caches tools, system and documents\n'
                      '            {"type": "text", "text": question},\n        ]}]')
        signature, call_args = "documents: str, question: str", "documents, question"
    elif multi:
        params.append('messages=history + [{"role": "user", "content": user_message}]')
        signature, call_args = "history: list, user_message: str", "history, user_message"
    else:
        params.append('messages=[{"role": "user", "content": user_message}]')
        signature, call_args = "user_message: str", "user_message"
    if plan.stop:
        params.append(f'stop_sequences=["{plan.stop}"]')
    lines.append(f"def build_params({signature}) -> dict:")
    lines.append("    return dict(")
    lines += [f"        {p}," for p in params]
    lines += ["    )", ""]
    if docs_cached:
        lines.append(f"documents = {_literal(docs, 'documents.txt')}")
        lines.append(f"question = {_literal(question.strip(), 'question.txt')}")
    else:
        lines.append(f"user_message = {_literal(prompt, 'user_message.txt')}")
    if multi:
        lines.append('history = []  # earlier turns: {"role": "user", ...} and {"role": "assistant", ...} messages')
    if plan.batch:
        lines += [
            "",
            "# Offline work: send the requests as one batch (billed at the batch price) and collect the results",
            "# when it has ended (within 24 hours).",
            "def submit(requests: list[tuple]) -> str:",
            "    batch = client.messages.batches.create(requests=[",
            '        {"custom_id": f"req-{n}", "params": build_params(*args)} for n, args in enumerate(requests)',
            "    ])",
            "    return batch.id",
            "",
            "",
            "def results(batch_id: str) -> dict | None:",
            '    if client.messages.batches.retrieve(batch_id).processing_status != "ended":',
            "        return None  # not finished yet: try again later",
            "    return {r.custom_id: r.result for r in client.messages.batches.results(batch_id)}",
            "",
            "",
            f"batch_id = submit([({call_args},)])  # one tuple of arguments per request",
        ]
    else:
        lines += [
            "",
            f"response = client.messages.create(**build_params({call_args}))",
            "print(response.content[0].text)",
            "print(response.usage)  # cache_creation_input_tokens and cache_read_input_tokens show the cache at work",
        ]
    if plan.compress:
        lines += ["", f"# Long conversations: keep the last {KEEP_TURNS} turns in `history` and replace older ones "
                      f"with a summary", "# (ask the model for one), so each turn resends less history."]
    return {"python": "\n".join(lines) + "\n", "batch": plan.batch}


def _client(model: Model, wl: RecommendWorkload) -> tuple[str, str]:
    """The client line of the request code and the model id to send, for the workload's platform."""
    ids = dict(model.platform_ids)
    if wl.platform == "bedrock" and "bedrock" in ids:
        # A global inference profile for global endpoints; a geographic profile (us., eu., ...) is regional.
        mid = f"global.{ids['bedrock']}" if wl.endpoint == "global" else f"us.{ids['bedrock']}"
        return ("client = anthropic.AnthropicBedrock()  # AWS credentials and region from the environment"
                + ("" if wl.endpoint == "global" else "; use the profile prefix of your geography (us., eu., ...)"),
                mid)
    if wl.platform == "vertex" and "vertex" in ids:
        region = "global" if wl.endpoint == "global" else "us-east5"
        return (f'client = anthropic.AnthropicVertex(region="{region}", project_id="YOUR_PROJECT")'
                + ("" if wl.endpoint == "global" else "  # or your region"), ids["vertex"])
    if wl.platform == "foundry":
        return ("client = anthropic.Anthropic()  # Microsoft Foundry: use the SDK's Foundry client with your "
                "resource and deployment instead", model.id)
    note = "" if wl.platform == "anthropic" else f"  # no {wl.platform} id is known for {model.name}"
    return "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY" + note, model.id


# ----------------------------------------------------------------------------------------------------------
# Input parsing shared by the bridge and the CLI
# ----------------------------------------------------------------------------------------------------------


def _parse_inputs(inputs: dict) -> tuple[str, str, str, RecommendWorkload, object, str, list[tuple[str, str]]]:
    """(system, prompt, tools, workload, at, current_model, errors) from the form's or the CLI's fields."""
    errors: list[tuple[str, str]] = []

    def text(name: str) -> str:
        v = inputs.get(name, "")
        if v is None:
            return ""
        if not isinstance(v, str):
            errors.append((name, "must be text"))
            return ""
        return v

    def number(name: str, default: Decimal, label: str, minimum: Decimal = Decimal(0),
               whole: bool = False, maximum: Decimal = Decimal(10) ** 12) -> Decimal:
        got = form_number(inputs.get(name), name, label, errors, lo=minimum, hi=maximum, whole=whole, default=default)
        return default if got is None else got

    def choice(name: str, options: tuple[str, ...], default: str) -> str:
        v = inputs.get(name, "") or default
        v = str(v).strip().lower().replace("-", "_").replace("+", "_and_")
        if v == "system_and_docs":
            v = "system_and_documents"
        if v not in options:
            errors.append((name, f"choose one of: {', '.join(options)}"))
            return default
        return v

    system, prompt, tools = text("system"), text("prompt"), text("tools")
    per_day = number("requests_per_day", Decimal(1000), "requests per day", maximum=Decimal(10) ** 12)
    gap = number("gap_minutes", Decimal(1), "the gap between requests", maximum=Decimal(10) ** 7)
    turns = number("turns", Decimal(1), "turns", Decimal(1), whole=True, maximum=Decimal(10_000))
    raw_out = inputs.get("output_tokens", "")
    out: int | None = None
    if not (raw_out is None or (isinstance(raw_out, str) and raw_out.strip().lower() in ("", "unknown"))):
        o = number("output_tokens", Decimal(0), "expected output length", Decimal(1), whole=True,
                   maximum=Decimal(1_000_000))
        out = int(o) if o else None
    repeats = choice("repeats", REPEATS, "system")
    mode = choice("mode", MODES, "interactive")
    platform = choice("platform", PLATFORMS, "anthropic")
    endpoint = choice("endpoint", ENDPOINTS, "global")
    tool_choice = choice("tool_choice", TOOL_CHOICES, "auto")
    tool_set = _tool_set(inputs.get("tool_set"), errors)
    current = inputs.get("current_model") or ""
    if not isinstance(current, str):
        errors.append(("current_model", "must be a model id"))
        current = ""
    at = form_date(inputs.get("at"), errors)
    wl = RecommendWorkload(per_day, repeats, gap, mode, out, int(turns), platform, endpoint, tool_set, tool_choice)
    return system, prompt, tools, wl, at, current.strip(), errors


def _tool_set(value: object, errors: list[tuple[str, str]]) -> tuple[str, ...]:
    """The tools of the request: a list of names or names separated by commas (``text editor`` = ``text_editor``)."""
    if value is None or value == "" or value is False:
        return ()
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        names = list(value)
    else:
        errors.append(("tool_set", "tools must be a list of tool names or names separated by commas"))
        return ()
    names = [n.strip().lower().replace(" ", "_").replace("-", "_") for n in names if n.strip()]
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        errors.append(("tool_set", f"unknown tool {unknown[0][:24]!r}: choose from {', '.join(TOOLS)}"))
        return ()
    return tuple(t for t in TOOLS if t in names)


#: The browser bridge words messages for the recommender's form (see calculators.bridge).
FORM_WORDS = {
    "give --output-tokens to set it": "fill in \u201cExpected output (tokens)\u201d to set it",
}


def bridge_recommend(inputs: dict, today: _dt.date) -> dict:
    """Browser entry point: the form's fields in, the recommendation as JSON out (``at`` defaults to today)."""
    system, prompt, tools, wl, at, current, errors = _parse_inputs(inputs)
    if errors:
        raise InputError(errors)
    try:
        result = recommend(prompt, system=system, tools=tools, workload=wl, at=at or today,
                           current_model=current).to_json()
    except RecommendInputError as exc:
        raise InputError(exc.errors) from None
    pricing = load_pricing()
    future = future_prices_note(parse_at(at or today), today,
                                max(p.effective_from for m in pricing.models for p in m.periods))
    if future:
        result["notes"] = [*result.get("notes", []), future]
    return result


# ----------------------------------------------------------------------------------------------------------
# Prerendered HTML (the page shows real figures before Pyodide loads)
# ----------------------------------------------------------------------------------------------------------


def prerender_html(name: str, inputs: dict, result: dict) -> str:
    e = html.escape
    if result.get("error"):
        return f'<p class="rec-error" data-testid="recommend-error">{e(result["error"])}</p>'
    s = result["saving"]
    rows = "".join(
        f'<tr><td>{e(r["model_name"])}</td>'
        f'<td>{e(r["without_levers"]["display"]) if r.get("without_levers") else "—"}</td>'
        f'<td>{e(r["with_levers"]["display"]) if r.get("with_levers") else "—"}</td></tr>'
        for r in result["costs"])
    against = (f'{e(s["label"])}: <span data-testid="saving-usd" data-value="{e(s["saving_monthly"]["usd"])}" '
               f'data-direction="{e(s["direction"])}">{e(s["amount"]["display"])}</span> '
               f'({e(s["saving_percent"])}).' if s["saving_monthly"] else f'{e(s["label"])}.')
    return (
        f'<p>Recommended: <strong data-testid="recommended-model" data-value="{e(result["model"])}">'
        f'{e(result["model_name"])}</strong> ({e(result["tier_label"].lower())} tier). '
        f'Monthly with levers: <span data-testid="monthly-usd" data-value="{e(s["recommended_monthly"]["usd"])}">'
        f'{e(s["recommended_monthly"]["display"])}</span>. {against}</p>'
        f'<table><thead><tr><th>Model</th><th>Monthly, no levers</th><th>Monthly, with levers</th></tr></thead>'
        f'<tbody>{rows}</tbody></table>'
    )

"""The Prompt-Pricing Recommender: labelled example prompts, rules, levers, hand-checked savings, edge cases, CLI.

Expected tiers and levers below were decided by reading each prompt, not by running the code. Money figures
are worked out by hand from the prices in pricing.toml, with the arithmetic in a comment.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from calculators import bridge
from calculators.cost import rates_at
from calculators.pricing import load_pricing, parse_pricing
from calculators.recommend import (
    DEFAULT_INPUTS,
    RULES,
    Feature,
    Features,
    RecommendInputError,
    RecommendWorkload,
    TokenRange,
    cache_hit_rate,
    estimate_tokens,
    recommend,
    route,
    rule_table_markdown,
    simulate_conversation,
)

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "recommend_cases"
POLICY = (CASES / "ticket_policy.txt").read_text(encoding="utf-8")  # about 750 tokens: above 512, cacheable
AT = "2026-11-25"


# ----------------------------------------------------------------------------------------------------------
# Building blocks for the example prompts
# ----------------------------------------------------------------------------------------------------------


def prose(n_paragraphs: int, topic: str = "the river town") -> str:
    """Neutral filler text (no cue words), for long documents."""
    sentences = [
        f"The archive of {topic} holds letters written by ferrymen, millers and schoolteachers.",
        "In the spring floods the lower streets were closed and the market moved to the church square.",
        "A stone bridge replaced the wooden one after the winter when the ice broke three of its piers.",
        "The mill changed hands four times and ground grain, then bark, then paper pulp.",
        "Most families kept a garden behind the house and sold apples at the autumn fair.",
        "The railway arrived late, and the station sat on the hill a mile from the water.",
        "Records from the parish list births, marriages and the names of ships registered at the quay.",
        "Photographs from the period show carts, barges and children standing on the towpath.",
    ]
    out = []
    for p in range(n_paragraphs):
        out.append(" ".join(sentences[(p + k) % len(sentences)] for k in range(6)))
    return "\n\n".join(out)


PY_FILE = '''```python
import json
from pathlib import Path


def load_orders(path):
    data = json.loads(Path(path).read_text())
    return [o for o in data if o["status"] != "cancelled"]


class OrderTotals:
    def __init__(self, orders):
        self.orders = orders

    def total(self):
        return sum(o["amount"] for o in self.orders)
```'''

DIFF = '''diff --git a/app/payments.py b/app/payments.py
--- a/app/payments.py
+++ b/app/payments.py
@@ -12,7 +12,9 @@ def charge(customer, amount):
-    if amount > 0:
+    if amount >= 0:
         gateway.charge(customer.card, amount)
+    log.info("charged %s", amount)
     return True
'''

MULTI_FILE = '''Files:
- src/billing/invoice.py
- src/billing/tax.py
- src/api/routes.py
- tests/test_invoice.py

```python
# src/billing/invoice.py
from .tax import vat_for

def invoice_total(lines):
    return sum(l.amount for l in lines) + vat_for(lines)
```

```python
# src/api/routes.py
from billing.invoice import invoice_total

def get_invoice(request):
    return {"total": invoice_total(request.lines)}
```'''

TOOLS = json.dumps([
    {"name": "search_orders", "description": "Find orders by customer email.",
     "input_schema": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}},
    {"name": "issue_refund", "description": "Refund an order.",
     "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}}}},
    {"name": "send_email", "description": "Email the customer.",
     "input_schema": {"type": "object", "properties": {"body": {"type": "string"}}}},
])

CODING_TOOLS = json.dumps([
    {"name": "read_file", "description": "Read a file in the repository.",
     "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}}},
    {"name": "write_file", "description": "Write a file.",
     "input_schema": {"type": "object", "properties": {"path": {"type": "string"},
                                                       "content": {"type": "string"}}}},
    {"name": "run_tests", "description": "Run the test suite and return the output.",
     "input_schema": {"type": "object", "properties": {}}},
])


# ----------------------------------------------------------------------------------------------------------
# Labelled examples: (id, kind, inputs, expected tier, expected applied levers besides the output cap)
# ----------------------------------------------------------------------------------------------------------

# Workloads used below.
BUSY = {"requests_per_day": 20000, "repeats": "system", "gap_minutes": 1}        # 5-minute cache
SPREAD = {"requests_per_day": 300, "repeats": "system", "gap_minutes": 20}      # 1-hour cache
RARE = {"requests_per_day": 10, "repeats": "system", "gap_minutes": 180}        # too far apart to cache
OFFLINE = {"mode": "offline", "requests_per_day": 5000, "repeats": "system", "gap_minutes": 1}
NO_REPEAT = {"repeats": "none"}

EXAMPLES = [
    # --- classification -------------------------------------------------------------------------------
    ("cls-tickets", "classification",
     {"system": POLICY + "\n\nClassify the message into one of: billing, meter, outage, other. "
                         "Respond only with the category.", "prompt": "My bill doubled this month??", **BUSY},
     "small", {"caching"}),
    ("cls-sentiment", "classification",
     {"prompt": "Classify the sentiment of this review as positive, negative or neutral: 'The tent leaks.'",
      **NO_REPEAT}, "small", set()),
    ("cls-spam-offline", "classification",
     {"system": POLICY + "\n\nLabel each forum post as spam or not spam. Answer yes or no.",
      "prompt": "Cheap watches!!! click here", **OFFLINE}, "small", {"caching", "batch"}),
    ("cls-intent-rare", "classification",
     {"system": POLICY + "\n\nTriage the message: which category does the customer's intent belong to?",
      "prompt": "I am moving house next week.", **RARE}, "small", set()),
    ("cls-spanish", "classification",
     {"prompt": "Por favor, clasifica este mensaje del cliente en una de las categorías: facturación, envío o "
                "devoluciones. El paquete no ha llegado y es la segunda vez que pasa.", **NO_REPEAT},
     "small", set()),
    # --- extraction ------------------------------------------------------------------------------------
    ("ext-invoice", "extraction",
     {"system": "Extract the invoice number, date, total and supplier name. Return valid JSON with those "
                "fields and nothing else.", "prompt": "INVOICE 2291 from Acme Ltd, 3 March 2026, total 41.20 GBP",
      **NO_REPEAT}, "small", set()),
    ("ext-entities", "extraction",
     {"prompt": "Find all the named entities (people, places, organisations) in this paragraph and list all "
                "of them: Maria Lopez flew from Lisbon to meet the board of Northwind in Oslo.", **NO_REPEAT},
     "small", set()),
    ("ext-policy-cached", "extraction",
     {"system": POLICY + "\n\nExtract the account number, meter serial and reading date from the message. "
                         "Output JSON only.",
      "prompt": "Account 7012345678, meter AB12345678, reading taken 04/11/2026: 23145", **SPREAD},
     "small", {"caching"}),
    ("ext-batch", "extraction",
     {"system": POLICY + "\n\nPull out the customer's postcode and phone number as key-value pairs.",
      "prompt": "Call me on 07700 900123, I live at CF10 1AA.", **OFFLINE}, "small", {"caching", "batch"}),
    # --- templated rewrite -----------------------------------------------------------------------------
    ("rw-translate", "templated rewrite",
     {"prompt": "Translate into French: Your parcel has been dispatched and will arrive on Thursday.",
      **NO_REPEAT}, "small", set()),
    ("rw-template", "templated rewrite",
     {"system": "Rewrite the note below as a polite email using this template: Dear {{name}}, ... Kind "
                "regards, {{agent}}.", "prompt": "tell him the refund is late, sorry", **NO_REPEAT},
     "small", set()),
    ("rw-proofread", "templated rewrite",
     {"prompt": "Proofread and fix the grammar: their going to the store tomorow to by apples.",
      **NO_REPEAT}, "small", set()),
    ("rw-tone-cached", "templated rewrite",
     {"system": POLICY + "\n\nRephrase the agent's draft reply in plain English with a warm tone.",
      "prompt": "Your standing charge is applied per diem irrespective of consumption.", **BUSY},
     "small", {"caching"}),
    ("rw-summary", "templated rewrite",
     {"prompt": "Summarise this meeting transcript in five bullet points:\n\n"
                + "We met about next year's budget and the new office lease. " * 40, **NO_REPEAT},
     "small", set()),
    # --- code review -----------------------------------------------------------------------------------
    ("cr-diff", "code review",
     {"prompt": "Review this diff for bugs:\n\n" + DIFF, **NO_REPEAT}, "standard", set()),
    ("cr-file", "code review",
     {"system": "You are a careful code reviewer.", "prompt": "Please review this file:\n\n" + PY_FILE,
      **NO_REPEAT}, "standard", set()),
    ("cr-security-deep", "code review",
     {"prompt": "Do a security review of this diff. Think step by step about the root cause of the "
                "vulnerability and explain the trade-offs of each fix.\n\n" + DIFF, **NO_REPEAT},
     "advanced", set()),
    ("cr-batch", "code review",
     {"system": POLICY + "\n\nYou also review small code changes to our billing scripts.",
      "prompt": "Review this pull request diff:\n\n" + DIFF, **OFFLINE}, "standard", {"caching", "batch"}),
    # --- multi-file refactor ---------------------------------------------------------------------------
    ("mf-refactor", "multi-file refactor",
     {"prompt": "Refactor the invoice code so tax is computed in one place across files:\n\n" + MULTI_FILE,
      **NO_REPEAT}, "advanced", set()),
    ("mf-rename", "multi-file refactor",
     {"prompt": "Rename invoice_total to compute_invoice_total in src/billing/invoice.py, src/api/routes.py "
                "and tests/test_invoice.py, and update every import.\n\n" + PY_FILE, **NO_REPEAT},
     "advanced", set()),
    ("mf-migrate", "multi-file refactor",
     {"prompt": "Migrate these modules from json to orjson across the codebase:\n\n" + MULTI_FILE,
      "output_tokens": 3000, **NO_REPEAT}, "advanced", set()),
    ("mf-offline", "multi-file refactor",
     {"system": POLICY, "prompt": "Refactor the billing package:\n\n" + MULTI_FILE, **OFFLINE},
     "advanced", {"caching", "batch"}),
    # --- long-document question answering --------------------------------------------------------------
    ("doc-qa", "long-document QA",
     {"prompt": "<document>\n" + prose(60) + "\n</document>\n\nWhen did the railway arrive in the town?",
      **NO_REPEAT}, "standard", set()),
    ("doc-qa-cached", "long-document QA",
     {"prompt": "<document>\n" + prose(60) + "\n</document>\n\nWho wrote the letters in the archive?",
      "repeats": "system_and_documents", "requests_per_day": 2000, "gap_minutes": 2}, "standard", {"caching"}),
    ("doc-analysis", "long-document QA",
     {"prompt": prose(60) + "\n\nAnalyse the implications of the bridge rebuild for the town's trade and "
                            "compare them with the arrival of the railway; justify your conclusions.",
      **NO_REPEAT}, "advanced", set()),
    ("doc-extract", "long-document QA",
     {"prompt": prose(60) + "\n\nExtract every place name mentioned above as a JSON list.", **NO_REPEAT},
     "small", set()),
    # --- agentic multi-step ----------------------------------------------------------------------------
    ("ag-support", "agentic multi-step",
     {"system": "You are a support agent. Use the tools to find the order, plan the next step, and keep going "
                "until the customer's problem is solved.", "tools": TOOLS,
      "prompt": "I never received order 5521 and want my money back.", **NO_REPEAT}, "advanced", set()),
    ("ag-tools-only", "agentic multi-step",
     {"system": "Answer the customer's question. You can look up orders.", "tools": TOOLS,
      "prompt": "Where is my order?", **NO_REPEAT}, "standard", set()),
    ("ag-research", "agentic multi-step",
     {"prompt": "You are an autonomous research agent. Search the web for the three most cited papers on "
                "river flood modelling, evaluate their methods step by step and write a plan for a follow-up "
                "study.", **NO_REPEAT}, "advanced", set()),
    ("ag-coder", "agentic multi-step",
     {"system": "You are an autonomous coding agent working in a repository. Plan the change, reason about "
                "the trade-offs, edit the files, run the tests and iterate until they pass.",
      "tools": CODING_TOOLS, "prompt": "Move the VAT logic out of the invoice module:\n\n" + MULTI_FILE,
      **NO_REPEAT}, "frontier", set()),
    ("ag-long-chat", "agentic multi-step",
     {"system": "You are a support agent. Use the tools, plan each step and keep going until done.",
      "tools": TOOLS, "prompt": "Where is my refund for order 5521?", "turns": 14, **NO_REPEAT},
     "advanced", {"compression"}),
    # --- chit-chat -------------------------------------------------------------------------------------
    ("chat-hello", "chit-chat", {"prompt": "Hey! How are you doing today?", **NO_REPEAT}, "small", set()),
    ("chat-joke", "chit-chat", {"prompt": "Tell me a joke about penguins, something fun.", **NO_REPEAT},
     "small", set()),
    ("chat-companion", "chit-chat",
     {"system": "You are a friendly companion for casual small talk.", "prompt": "Hi there",
      **NO_REPEAT}, "small", set()),
    ("chat-long", "chit-chat",
     {"system": POLICY + "\n\nYou are also happy to make friendly small talk.",
      "prompt": "Hello, how are you?", "turns": 12, **BUSY}, "small", {"caching", "compression"}),
    # --- general work (no rule fires but the default) --------------------------------------------------
    ("gen-question", "general",
     {"prompt": "What should I pack for a three-day hike in the Lake District in October?", **NO_REPEAT},
     "standard", set()),
    ("gen-letter", "general",
     {"prompt": "Write a short letter to my landlord asking for the boiler to be repaired.", **NO_REPEAT},
     "standard", set()),
]

TIER_MODEL = {"small": "haiku", "standard": "sonnet", "advanced": "opus", "frontier": "fable"}


def run_example(inputs: dict) -> dict:
    inputs = {"at": AT, **inputs}
    response = bridge.call("recommend", inputs)
    assert response["ok"], response
    return response["result"]


def test_there_are_enough_labelled_examples_of_every_kind():
    kinds = {}
    for _id, kind, *_ in EXAMPLES:
        kinds[kind] = kinds.get(kind, 0) + 1
    assert len(EXAMPLES) >= 30
    for kind in ("classification", "extraction", "templated rewrite", "code review", "multi-file refactor",
                 "long-document QA", "agentic multi-step", "chit-chat"):
        assert kinds.get(kind, 0) >= 3, kind


@pytest.mark.parametrize("case_id,kind,inputs,tier,levers", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_labelled_example(case_id, kind, inputs, tier, levers):
    result = run_example(inputs)
    pricing = load_pricing()
    assert result["tier"] == tier, (result["rules"], [f["id"] for f in result["features"]])
    assert result["model"] == pricing.model(TIER_MODEL[tier]).id
    applied = {lv["id"] for lv in result["levers"] if lv["applies"]}
    assert applied == levers | {"output_cap"}
    # Every fired rule is in the documented table (or is the context-window check), and one decided.
    table = {r.id for r in RULES}
    assert all(r["id"] in table for r in result["rules"])
    assert any(r["decisive"] for r in result["rules"])
    # Every feature shows evidence.
    assert all(f["evidence"] for f in result["features"])


# ----------------------------------------------------------------------------------------------------------
# Token estimate
# ----------------------------------------------------------------------------------------------------------


def test_token_estimate_by_hand():
    # "The quick brown fox jumps over the lazy dog." has 35 letters and 1 punctuation mark, no newlines.
    # low  = 35 x 0.25 + 1 x 0.5 = 9.25 -> 9 ; high = 35 x 0.36 + 1 x 1.0 = 13.6 -> 14 ; mid = (9+14+1)//2 = 12
    assert estimate_tokens("The quick brown fox jumps over the lazy dog.") == TokenRange(9, 14)
    assert estimate_tokens("The quick brown fox jumps over the lazy dog.").mid == 12
    # 4 CJK characters: low 4 x 0.7 = 2.8 -> 2 ; high 4 x 1.5 = 6
    assert estimate_tokens("你好世界") == TokenRange(2, 6)
    # "def f():\n    return 1\n": letters/digits d,e,f,f,r,e,t,u,r,n,1 = 11; punctuation ( ) : = 3;
    # whitespace runs: 2 newlines + 2 double spaces = 4.
    # low = 11x0.25 + 3x0.5 + 4x0.2 = 2.75 + 1.5 + 0.8 = 5.05 -> 5 ; high = 3.96 + 3 + 4 = 10.96 -> 11
    assert estimate_tokens("def f():\n    return 1\n") == TokenRange(5, 11)
    assert estimate_tokens("") == TokenRange(0, 0)


def test_newer_tokenizer_inflation_comes_from_the_pricing_file():
    pricing = load_pricing()
    result = run_example({"prompt": "a" * 4000, "repeats": "none"})
    # 4000 letters: low 4000 x 0.25 = 1000, high 4000 x 0.36 = 1440 on the older tokenizer, mid 1220;
    # x1.3 -> 1300 .. 1872 on the newer one, mid (1300 + 1872 + 1) // 2 = 1586.
    assert pricing.tokenizer_inflation == Decimal("1.3")
    assert result["tokens"]["older_tokenizer"] == {"low": 1000, "mid": 1220, "high": 1440}
    assert result["tokens"]["newer_tokenizer"] == {"low": 1300, "mid": 1586, "high": 1872}
    assert "not available offline" in result["tokens"]["note"]


# ----------------------------------------------------------------------------------------------------------
# Hand-checked money
# ----------------------------------------------------------------------------------------------------------


def _sonnet_rates():
    r = rates_at("claude-sonnet-5-5", AT)
    # The figures below assume Sonnet 5.5 at $2 input, $10 output, $0.10 cache read, $2.50 5-minute write.
    assert (r.input, r.output, r.cache_read, r.cache_write_5m) == (2, 10, Decimal("0.10"), Decimal("2.50"))
    return r


def test_caching_saving_by_hand():
    _sonnet_rates()
    result = run_example({"system": "a" * 4000, "prompt": "b" * 400, "output_tokens": 200,
                          "requests_per_day": 1000, "repeats": "system", "gap_minutes": 1})
    assert result["model"] == "claude-sonnet-5-5"  # no feature: the default rule
    # Tokens on the newer tokenizer: system 4000 letters -> 1300..1872, mid 1586; user 400 letters ->
    # 100..144 older -> 130..188 newer (144 x 1.3 = 187.2, rounded up), mid (130 + 188 + 1) // 2 = 159.
    # Output 200. 30,000 requests a month (1,000 a day x 30).
    # Without levers: (1586 + 159) x $2/M + 200 x $10/M = 0.00349 + 0.002 = $0.00549 -> x 30,000 = $164.70
    # Hit rate with a 1-minute mean gap and a 5-minute TTL: 1 - e^-5 = 0.993262... -> 0.9933
    #   (below the cap 1 - 1/1000 = 0.999).
    # With caching, per request: 159 x 2/M + 200 x 10/M + 0.9933 x 1586 x 0.10/M + 0.0067 x 1586 x 2.50/M
    #   = 0.000318 + 0.002 + 0.00015753738 + 0.0000265655 = 0.00250210288 -> x 30,000 = $75.0630864
    # Saving = 164.70 - 75.0630864 = $89.6369136
    caching = next(lv for lv in result["levers"] if lv["id"] == "caching")
    assert caching["applies"] and caching["ttl"] == "5m" and caching["cache_hit_rate"] == "0.9933"
    assert Decimal(caching["saving_monthly"]["usd"]) == Decimal("89.6369136")
    rec = next(r for r in result["costs"] if r["model"] == "claude-sonnet-5-5")
    assert Decimal(rec["without_levers"]["usd"]) == Decimal("164.7")
    assert Decimal(rec["with_levers"]["usd"]) == Decimal("75.0630864")
    assert result["saving"]["recommended_monthly"]["usd"] == "75.0630864"


def test_batch_saving_by_hand():
    _sonnet_rates()
    result = run_example({"system": "a" * 4000, "prompt": "b" * 400, "output_tokens": 200,
                          "requests_per_day": 1000, "repeats": "system", "gap_minutes": 1, "mode": "offline"})
    # Same workload as above through the Batch API: every token at 50%: 75.0630864 x 0.5 = $37.5315432,
    # so batch saves 75.0630864 - 37.5315432 = $37.5315432 on top of caching.
    batch = next(lv for lv in result["levers"] if lv["id"] == "batch")
    assert Decimal(batch["saving_monthly"]["usd"]) == Decimal("37.5315432")
    assert result["saving"]["recommended_monthly"]["usd"] == "37.5315432"
    assert "batches.create" in result["code"]["python"]


PLAIN = {"prompt": "a" * 4000, "output_tokens": 100, "requests_per_day": 100, "repeats": "none"}


def test_saving_against_the_current_model_by_hand():
    r = rates_at("claude-fable-5-2", AT)
    assert (r.input, r.output) == (8, 40)  # Fable 5.2: $8 input, $40 output
    # The current model may be given in any spelling (here a gateway's).
    result = run_example({**PLAIN, "current_model": "anthropic/claude-fable-5.2"})
    # 3,000 requests/month of 1,586 input + 100 output tokens (newer tokenizer, mid).
    # Fable 5.2, no levers: (1586 x 8 + 100 x 40)/M = 0.012688 + 0.004 = 0.016688 -> x 3,000 = $50.064
    # Sonnet 5.5 (recommended, nothing to cache or batch): (1586 x 2 + 100 x 10)/M = 0.004172 -> $12.516
    # Saving = 50.064 - 12.516 = $37.548 = 75% (both prices are in a 4:1 ratio)
    s = result["saving"]
    assert result["current_model"] == s["baseline_model"] == "claude-fable-5-2"
    assert Decimal(s["baseline_monthly"]["usd"]) == Decimal("50.064")
    assert Decimal(s["recommended_monthly"]["usd"]) == Decimal("12.516")
    assert Decimal(s["saving_monthly"]["usd"]) == Decimal("37.548")
    assert s["direction"] == "saves" and s["amount"] == s["saving_monthly"]
    assert s["saving_percent"] == "75%"
    assert [r["model"] for r in result["costs"] if r["current"]] == ["claude-fable-5-2"]


def test_saving_defaults_to_the_standard_model_not_the_dearest():
    result = run_example(PLAIN)
    sonnet = load_pricing().model("sonnet").id
    # The default current model is the family shortcut "sonnet"; the prompt also lands on it, with no lever that
    # applies: the saving is 0, not the gap to the most expensive model.
    assert result["model"] == result["current_model"] == result["saving"]["baseline_model"] == sonnet
    assert Decimal(result["saving"]["saving_monthly"]["usd"]) == 0
    assert result["saving"]["direction"] == "same"


def test_a_recommendation_dearer_than_the_current_model_says_so():
    r = rates_at("claude-haiku-5-5", AT)
    assert (r.input, r.output) == (Decimal("0.10"), Decimal("0.50"))
    result = run_example({**PLAIN, "current_model": "haiku"})
    # Haiku 5.5, no levers: (1586 x 0.10 + 100 x 0.50)/M = 0.0001586 + 0.00005 = 0.0002086 -> x 3,000 = $0.6258
    # Sonnet 5.5 (recommended): $12.516, so it costs 12.516 - 0.6258 = $11.8902 more, 11.8902 / 0.6258 = 1900%.
    s = result["saving"]
    assert s["direction"] == "costs_more"
    assert Decimal(s["saving_monthly"]["usd"]) == Decimal("-11.8902")
    assert Decimal(s["amount"]["usd"]) == Decimal("11.8902")
    assert s["saving_percent"] == "1900%"
    assert s["label"].startswith("Extra against everything on Claude Haiku 5.5")


def test_a_current_model_that_is_no_longer_current_is_compared_but_not_recommended():
    result = run_example({**PLAIN, "current_model": "claude-opus-5"})
    row = next(r for r in result["costs"] if r["model"] == "claude-opus-5")
    assert row["current"] and not row["recommended"] and "never recommended" in row["note"]
    # Opus 5 at $5 / $25: (1586 x 5 + 100 x 25)/M = 0.00793 + 0.0025 = 0.01043 -> x 3,000 = $31.29
    assert Decimal(result["saving"]["baseline_monthly"]["usd"]) == Decimal("31.29")
    assert "claude-opus-5" in {m["id"] for m in result["model_choices"]}


def test_unknown_or_unpriced_current_model_is_an_error_on_its_field():
    response = bridge.call("recommend", {**PLAIN, "at": AT, "current_model": "claude-sonnet-4-5.bogus"})
    assert not response["ok"] and response["errors"][0]["field"] == "current_model"
    assert "claude-cost models" not in response["errors"][0]["message"]  # worded for the form
    response = bridge.call("recommend", {**PLAIN, "at": "2026-01-04", "current_model": "claude-sonnet-5-5"})
    assert not response["ok"] and response["errors"][0]["field"] == "current_model"
    assert "no price on 2026-01-04" in response["errors"][0]["message"]


def test_regional_endpoint_costs_ten_percent_more_by_hand():
    result = run_example({**PLAIN, "current_model": "claude-fable-5-2", "platform": "vertex",
                          "endpoint": "regional"})
    # Sonnet 5.5 and Fable 5.2 are released after 2025-09-29, so both pay the regional premium (x 1.1):
    # Sonnet 12.516 x 1.1 = $13.7676; Fable 50.064 x 1.1 = $55.0704; saving 55.0704 - 13.7676 = $41.3028.
    s = result["saving"]
    assert Decimal(s["recommended_monthly"]["usd"]) == Decimal("13.7676")
    assert Decimal(s["baseline_monthly"]["usd"]) == Decimal("55.0704")
    assert Decimal(s["saving_monthly"]["usd"]) == Decimal("41.3028")
    assert result["workload"]["platform"] == "vertex" and result["workload"]["endpoint"] == "regional"
    assert result["placement"]["display"] == "Google Cloud Vertex AI, regional endpoint"
    assert 'AnthropicVertex(region="us-east5"' in result["code"]["python"]
    # Global endpoints on Bedrock cost the Claude API's prices.
    result = run_example({**PLAIN, "platform": "bedrock"})
    assert Decimal(result["saving"]["recommended_monthly"]["usd"]) == Decimal("12.516")
    assert 'model="global.anthropic.claude-sonnet-5-5"' in result["code"]["python"]


def test_platform_without_regional_endpoints_is_refused_on_the_endpoint_field():
    response = bridge.call("recommend", {**PLAIN, "at": AT, "platform": "foundry", "endpoint": "regional"})
    assert not response["ok"]
    assert response["errors"][0]["field"] == "endpoint" and "no regional endpoints" in response["errors"][0]["message"]
    response = bridge.call("recommend", {**PLAIN, "at": AT, "platform": "azure"})
    assert not response["ok"] and response["errors"][0]["field"] == "platform"


def test_tools_in_the_request_add_their_tokens_by_hand():
    t = load_pricing().tools
    assert dict(t.tool_tokens)["text_editor"] == 700 and dict(t.tool_tokens)["bash"] == 244
    assert t.bash_newer_tokens == 325 and "claude-opus-5" in t.bash_newer_models
    result = run_example({**PLAIN, "current_model": "claude-opus-5", "tool_set": "bash, text editor",
                          "tool_choice": "any"})
    assert result["workload"]["tool_set"] == ["bash", "text_editor"]
    # The tools make the task agentic: the `tools` rule keeps it on the standard tier (Sonnet 5.5).
    assert "tools" in {r["id"] for r in result["rules"]} and result["model"] == "claude-sonnet-5-5"
    # Sonnet 5.5: no published tool-use system prompt; bash 244 + text editor 700 = 944 more input tokens:
    #   ((1586 + 944) x 2 + 100 x 10)/M = 0.00506 + 0.001 = 0.00606 -> x 3,000 = $18.18
    # Opus 5 (current): tool-use system prompt for tool_choice any 406, bash on Opus 5 325, text editor 700
    #   = 1,431 more: ((1586 + 1431) x 5 + 100 x 25)/M = 0.015085 + 0.0025 = 0.017585 -> x 3,000 = $52.755
    # Saving 52.755 - 18.18 = $34.575
    s = result["saving"]
    assert Decimal(s["recommended_monthly"]["usd"]) == Decimal("18.18")
    assert Decimal(s["baseline_monthly"]["usd"]) == Decimal("52.755")
    assert Decimal(s["saving_monthly"]["usd"]) == Decimal("34.575")
    overhead = result["tokens"]["tool_overhead"]
    assert overhead["total"] == 944 and overhead["system_prompt"] is None
    assert "publishes no tool-use system prompt" in overhead["text"]
    rows = {r["model"]: r for r in result["costs"]}
    assert rows["claude-opus-5"]["tool_tokens"] == 1431 and rows["claude-sonnet-5-5"]["tool_tokens"] == 944
    assert 'tool_choice={"type": "any"}' in result["code"]["python"]
    # The same on the library's own price(): one request on Sonnet 5.5 with those tools.
    from calculators.cost import price
    one = price("claude-sonnet-5-5", input=1586, output=100, tools=("bash", "text_editor"), tool_choice="any",
                at=AT)
    assert one.total * 3000 == Decimal("18.18")


def test_pasted_tool_definitions_count_as_custom_tools():
    tools = json.dumps([{"name": "lookup_order", "description": "Find an order by number",
                         "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}}])
    result = run_example({**PLAIN, "tools": tools, "current_model": "claude-opus-5"})
    assert result["workload"]["tool_set"] == ["custom"]
    rows = {r["model"]: r for r in result["costs"]}
    # custom adds the tool-use system prompt only: 286 on Opus 5 (tool_choice auto), nothing published on Sonnet 5.5
    assert rows["claude-opus-5"]["tool_tokens"] == 286 and rows["claude-sonnet-5-5"]["tool_tokens"] == 0
    assert any("tool-use system prompt" in n for n in result["notes"])


def test_no_evidence_line_is_repeated():
    for inputs in (DEFAULT_INPUTS, {"prompt": "Refactor src/a.py, src/b.py and src/c.py; classify each, "
                                              "classify every label into exactly one category"}):
        result = run_example(inputs)
        for f in result["features"]:
            places = [e["where"] for e in f["evidence"]]
            assert len(places) == len(set(places)), (f["id"], places)
    cls = next(f for f in run_example(DEFAULT_INPUTS)["features"] if f["id"] == "classification")
    # Line 3 holds "Classify", "exactly one of" and "categories": one entry shows them together.
    line3 = next(e["text"] for e in cls["evidence"] if e["where"] == "system prompt, line 3")
    assert "Classify" in line3 and "exactly one of these categories" in line3


def test_hit_rate_and_ttl_choice():
    # 1 - e^(-60/20) = 1 - 0.049787 = 0.950213 -> 0.9502 (1-hour TTL, 20-minute gap)
    assert cache_hit_rate(60, Decimal(20), Decimal(1000)) == Decimal("0.9502")
    # Capped at 1 - 1/requests_per_day: 10 a day -> at most 0.9
    assert cache_hit_rate(5, Decimal("0.1"), Decimal(10)) == Decimal("0.9")
    result = run_example({"system": POLICY, "prompt": "hello there friend", **SPREAD})
    caching = next(lv for lv in result["levers"] if lv["id"] == "caching")
    assert caching["ttl"] == "1h" and caching["cache_hit_rate"] == "0.9502"
    assert '"ttl": "1h"' in result["code"]["python"]
    result = run_example({"system": POLICY, "prompt": "hello there friend", **RARE})
    caching = next(lv for lv in result["levers"] if lv["id"] == "caching")
    assert not caching["applies"] and "1 hour" in caching["detail"]


def test_prefix_below_minimum_cacheable_length_is_not_cached():
    result = run_example({"system": "Be brief.", "prompt": "What is a kilowatt hour?", **BUSY})
    caching = next(lv for lv in result["levers"] if lv["id"] == "caching")
    assert not caching["applies"]
    assert "minimum cacheable length of 512" in caching["detail"]
    assert "cache_control" not in result["code"]["python"]


def test_conversation_compression_by_hand():
    # 10 turns, prefix 100, user 50, output 50; compaction once 8 turns are in the history.
    # Turns 1..8 send 150, 250, ..., 850 (sum 4,000). After turn 8 the oldest 4 turns (400 tokens) become an
    # 80-token summary (400 x 0.2) in one extra call (input 400, output 80). Turn 9 sends 100+80+400+50 = 630,
    # turn 10 sends 100+80+500+50 = 730. Input 4,000 + 400 + 630 + 730 = 5,760 -> 576 per turn;
    # output 10 x 50 + 80 = 580 -> 58 per turn.
    c = simulate_conversation(10, 100, 50, 50, True)
    assert (c.prompt_per_request, c.output_per_request, c.summary_calls, c.max_prompt) == (576, 58, 1, 850)
    # Without compression turns 9 and 10 send 950 and 1,050: (4,000 + 950 + 1,050)/10 = 600.
    c = simulate_conversation(10, 100, 50, 50, False)
    assert (c.prompt_per_request, c.output_per_request, c.max_prompt) == (600, 50, 1050)


def test_levers_add_up_to_the_total_saving():
    result = run_example({"system": POLICY, "prompt": "Tell me a joke about meters", "turns": 16,
                          "mode": "offline", "requests_per_day": 3000, "gap_minutes": 2})
    applied = [lv for lv in result["levers"] if lv["applies"]]
    assert {lv["id"] for lv in applied} == {"compression", "caching", "batch", "output_cap"}
    total = sum(Decimal(lv["saving_monthly"]["usd"]) for lv in applied)
    assert total == Decimal(result["saving"]["levers_saving_monthly"]["usd"])
    assert all(Decimal(lv["saving_monthly"]["usd"]) > 0 for lv in applied if lv["id"] != "output_cap")


def test_every_current_model_is_costed_with_and_without_levers():
    result = run_example(DEFAULT_INPUTS)
    pricing = load_pricing()
    assert {r["model"] for r in result["costs"]} == {m.id for m in pricing.current_models(dt.date.fromisoformat(AT))}
    for row in result["costs"]:
        assert Decimal(row["with_levers"]["usd"]) <= Decimal(row["without_levers"]["usd"])
    limited = [r for r in result["costs"] if r["availability"] == "limited"]
    assert all("not recommended" in r["note"] for r in limited)
    assert result["saving"]["baseline_model"] not in {r["model"] for r in limited}
    assert result["runner_up"]["model"] == pricing.model("sonnet").id
    assert "no rule" in result["runner_up"]["why"]
    # The range spans the low, middle and high token estimates; the middle one is what the table shows.
    low, high = (Decimal(result["monthly_range"][k]["usd"]) for k in ("low", "high"))
    assert low <= Decimal(result["saving"]["recommended_monthly"]["usd"]) <= high


def test_runner_up_names_the_deciding_rule():
    result = run_example({"prompt": "Review this diff for bugs:\n\n" + DIFF, "repeats": "none"})
    assert result["model"] == load_pricing().model("sonnet").id
    ru = result["runner_up"]
    assert ru["model"] == load_pricing().model("haiku").id
    assert "`code`" in ru["why"]
    assert ru["monthly_difference"]["cheaper"] is True


def test_output_cap_and_stop_sequence():
    result = run_example({"system": "Classify the text into one of: a, b. Respond only with the label.",
                          "prompt": "text", "output_tokens": 10, "repeats": "none"})
    cap = next(lv for lv in result["levers"] if lv["id"] == "output_cap")
    # 10 expected tokens x 1.5 = 15 (two significant digits already).
    assert cap["max_tokens"] == 15 and cap["stop_sequence"] == "</label>"
    assert "max_tokens = 15 (1.5 × 10)" in cap["detail"]
    assert "max_tokens=15" in result["code"]["python"]
    assert 'stop_sequences=["</label>"]' in result["code"]["python"]
    haiku = rates_at("claude-haiku-5-5", AT)
    # Worst case without a cap: 128,000 output tokens x haiku output rate; with it: 15 tokens.
    m = load_pricing().model("haiku")
    assert Decimal(cap["worst_case_before"]["usd"]) == m.max_output * haiku.output / 1_000_000
    assert Decimal(cap["worst_case_after"]["usd"]) == 15 * haiku.output / 1_000_000


@pytest.mark.parametrize(("expected", "cap", "words"), [
    (6000, 9000, "max_tokens = 9,000 (1.5 × 6,000)"),  # 6,000 x 1.5 = 9,000 (not 16,000)
    (1500, 2300, "max_tokens = 2,300 (1.5 × 1,500 = 2,250, rounded up)"),  # 2,250 -> two digits: 2,300
    (333, 500, "max_tokens = 500 (1.5 × 333 = 499.5, rounded up)"),  # 333 x 1.5 = 499.5 -> 500
])
def test_output_cap_and_its_words_agree(expected, cap, words):
    result = run_example({**PLAIN, "output_tokens": expected})
    lever = next(lv for lv in result["levers"] if lv["id"] == "output_cap")
    assert lever["max_tokens"] == cap
    assert words in lever["detail"]


class _FakeAnthropic:
    """Stands in for the SDK: records what the generated code sends."""

    sent: list = []

    def __init__(self):
        fake = self

        class Messages:
            def create(self, **params):
                fake.sent.append(("create", params))
                return types.SimpleNamespace(content=[types.SimpleNamespace(text="ok")], usage={})

            class batches:  # mirrors client.messages.batches
                @staticmethod
                def create(requests):
                    fake.sent.append(("batch", requests))
                    return types.SimpleNamespace(id="batch-1")

        self.messages = Messages()


def run_generated(code: str, tmp_path, monkeypatch) -> list:
    import types as _types

    monkeypatch.setitem(sys.modules, "anthropic", _types.SimpleNamespace(Anthropic=_FakeAnthropic))
    monkeypatch.chdir(tmp_path)
    _FakeAnthropic.sent = []
    exec(compile(code, "<generated>", "exec"), {"__name__": "generated"})
    return _FakeAnthropic.sent


def test_generated_code_sends_the_recommended_request(tmp_path, monkeypatch):
    result = run_example(DEFAULT_INPUTS)
    cap = next(lv for lv in result["levers"] if lv["id"] == "output_cap")
    (kind, params), = run_generated(result["code"]["python"], tmp_path, monkeypatch)
    assert kind == "create"
    assert params["model"] == result["model"] and params["max_tokens"] == cap["max_tokens"]
    assert params["system"][0]["text"] == DEFAULT_INPUTS["system"]
    assert params["system"][0]["cache_control"] == {"type": "ephemeral"}  # 5-minute TTL: the default
    assert params["messages"] == [{"role": "user", "content": DEFAULT_INPUTS["prompt"]}]
    assert params["stop_sequences"] == ["</label>"]


def test_generated_batch_code_with_documents_and_tools(tmp_path, monkeypatch):
    question = "When was the bridge rebuilt?"
    inputs = {"system": POLICY, "tools": TOOLS, "prompt": prose(4) + "\n\n" + question, "mode": "offline",
              "repeats": "system_and_documents", "gap_minutes": 20, "requests_per_day": 500}
    result = run_example(inputs)
    (kind, requests), = run_generated(result["code"]["python"], tmp_path, monkeypatch)
    assert kind == "batch" and len(requests) == 1
    params = requests[0]["params"]
    assert params["tools"] == json.loads(TOOLS) and params["system"] == POLICY
    documents, asked = params["messages"][0]["content"]
    assert documents["cache_control"] == {"type": "ephemeral", "ttl": "1h"}  # 20-minute gap -> 1-hour TTL
    assert documents["text"] + "\n\n" + asked["text"] == inputs["prompt"]


def test_generated_code_is_valid_python():
    for inputs in (DEFAULT_INPUTS, {"system": POLICY, "prompt": "x", **OFFLINE},
                   {"system": POLICY, "tools": TOOLS, "prompt": "x", "turns": 12},
                   {"prompt": prose(3) + "\n\nWho wrote the letters?", "repeats": "system_and_documents"},
                   {"system": "x" * 5000, "prompt": "y", "tools": CODING_TOOLS},
                   {"system": 'ends with a quote "', "prompt": 'a """ b\\n', "tools": "not json"}):
        code = run_example(inputs)["code"]["python"]
        compile(code, "<generated>", "exec")


# ----------------------------------------------------------------------------------------------------------
# Rules
# ----------------------------------------------------------------------------------------------------------


def _feats(**scores):
    return Features({k: Feature(k, k, v, ()) for k, v in scores.items()})


def test_route_semantics():
    assert route(_feats())[0] == "standard"
    assert route(_feats(classification=2))[0] == "small"
    assert route(_feats(classification=2, code=3))[0] == "standard"  # escalation beats demotion
    assert route(_feats(reasoning=4))[0] == "advanced"
    assert route(_feats(reasoning=3))[0] == "standard"
    assert route(_feats(code=3, multi_file=3))[0] == "advanced"
    assert route(_feats(agentic=3, code=3, multi_file=3, reasoning=4))[0] == "frontier"
    tier, fired = route(_feats(classification=2, code=3))
    assert [r["id"] for r in fired] == ["default", "code"]  # the demotion's own condition excludes code
    tier, fired = route(_feats(code=3, multi_file=3))
    lower = next(r for r in fired if r["id"] == "code")
    assert lower["overridden"] and not lower["decisive"]
    assert next(r for r in fired if r["id"] == "multi-file-code")["decisive"]


def test_rule_table_is_documented():
    table = rule_table_markdown()
    for r in RULES:
        assert f"`{r.id}`" in table
        assert r.when and r.why


def test_evidence_points_at_the_line():
    result = run_example({"system": "Be kind.\nBe brief.\nClassify the message as spam or not.",
                          "prompt": "hello", "repeats": "none"})
    cls = next(f for f in result["features"] if f["id"] == "classification")
    assert cls["evidence"][0]["where"] == "system prompt, line 3"


def test_cue_words_inside_a_long_pasted_document_are_ignored():
    middle = prose(30) + "\n\nWe had to plan and design a complex strategy and analyse the trade-offs.\n\n" + prose(30)
    result = run_example({"prompt": middle + "\n\nWhen was the bridge built?", "repeats": "none"})
    assert "reasoning" not in {f["id"] for f in result["features"]}


def test_language_feature():
    result = run_example({"prompt": "请把这段话翻译成英文：我们明天上午十点在车站见面。", "repeats": "none"})
    lang = next(f for f in result["features"] if f["id"] == "language")
    assert "Chinese" in lang["evidence"][0]["text"]
    result = run_example({"prompt": "Der Kunde ist mit der Lieferung nicht zufrieden und die Rechnung ist "
                                    "falsch, das ist nicht gut und der Fahrer war zu spät.", "repeats": "none"})
    assert next(f for f in result["features"] if f["id"] == "language")["detail"] == "German"


# ----------------------------------------------------------------------------------------------------------
# Edge cases
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("inputs", [{}, {"prompt": ""}, {"prompt": "   \n\t "}, {"system": "\x00\x00"}])
def test_empty_prompt_is_a_clear_error(inputs):
    response = bridge.call("recommend", inputs)
    assert not response["ok"]
    assert response["errors"][0]["field"] == "prompt"
    assert "empty" in response["errors"][0]["message"]


def test_tools_alone_are_not_a_prompt():
    response = bridge.call("recommend", {"tools": TOOLS})
    assert not response["ok"] and "tool definitions" in response["errors"][0]["message"]


def test_bad_workload_fields_are_reported_per_field():
    response = bridge.call("recommend", {"prompt": "hi", "requests_per_day": "lots", "repeats": "always",
                                         "turns": "0", "gap_minutes": "-3", "output_tokens": "1.5",
                                         "mode": "later", "at": "yesterday"})
    assert not response["ok"]
    fields = {e["field"] for e in response["errors"]}
    assert fields == {"requests_per_day", "repeats", "turns", "gap_minutes", "output_tokens", "mode", "at"}


def test_unknown_output_length_is_accepted():
    for value in ("", "unknown", None):
        result = run_example({"prompt": "Classify as spam or not: win money", "output_tokens": value,
                              "repeats": "none"})
        assert result["tokens"]["output_source"].startswith("assumed")


def test_prompt_beyond_every_context_window_is_reported():
    text = (ROOT / "pricing.toml").read_text(encoding="utf-8")
    small = parse_pricing(text.replace("context_window = 1000000", "context_window = 2000"), "small.toml")
    rec = recommend("a" * 20_000, workload=RecommendWorkload(repeats="none"), at=AT, pricing=small)
    # 20,000 letters -> 5,000..7,200 older, 6,500..9,360 newer tokens: more than 2,000 on every model.
    assert rec.model is None
    assert "more than the largest context window" in rec.data["error"]
    assert rec.data["costs"] == [] and rec.data["levers"] == []


def test_prompt_beyond_every_context_window_with_the_real_file():
    # 3.6 million letters (18 per repeat): mid 0.305 tokens a letter -> 1,098,000 older, x 1.3 = about
    # 1,427,000 newer-tokenizer tokens, more than the 1,000,000-token window of every current model.
    words = "flood meadow harbour " * 200_000
    rec = recommend(words, workload=RecommendWorkload(repeats="none"), at=AT)
    assert rec.model is None and "context window" in rec.data["error"]


def test_binary_input_does_not_crash():
    blob = bytes(range(256)) * 200
    result = run_example({"prompt": blob.decode("utf-8", errors="replace"), "repeats": "none"})
    assert "binary" in {f["id"] for f in result["features"]}
    garbage = random.Random(5).randbytes(60_000).decode("latin-1")
    run_example({"prompt": garbage, "system": garbage[:3000], "tools": garbage[:500]})
    run_example({"prompt": "x" * 200_000})             # one 200 KB word
    run_example({"prompt": "a/" * 100_000 + ".py"})    # a path-like 200 KB token


def test_recommend_input_error_for_library_callers():
    with pytest.raises(RecommendInputError):
        recommend("", at=AT)
    with pytest.raises(TypeError, match="'at'"):  # the day is a required argument: the library reads no clock
        recommend("a prompt")  # type: ignore[call-arg]


# ----------------------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------------------


def cli(*args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    p = subprocess.run([sys.executable, "-m", "calculators", "recommend", *args], input=data,
                       capture_output=True, cwd=ROOT, timeout=60)
    return subprocess.CompletedProcess(p.args, p.returncode, p.stdout.decode(), p.stderr.decode())


def test_cli_json_shape_from_stdin():
    p = cli("--json", "--at", AT, "--repeats", "none", stdin="Classify this email as spam or not spam: WIN")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["model"] == load_pricing().model("haiku").id
    assert isinstance(out["rules"], list) and {"id", "kind", "tier", "when", "why"} <= set(out["rules"][0])
    assert isinstance(out["levers"], list) and {"id", "label", "applies", "detail", "saving_monthly"} <= set(
        out["levers"][0])
    assert all(isinstance(lv["saving_monthly"]["usd"], str) for lv in out["levers"])


def test_cli_files_and_flags(tmp_path):
    (tmp_path / "system.txt").write_text(POLICY, encoding="utf-8")
    (tmp_path / "user.txt").write_text("Which category: my meter is broken", encoding="utf-8")
    (tmp_path / "tools.json").write_text(TOOLS, encoding="utf-8")
    p = cli("--json", "--at", AT, "--system-file", str(tmp_path / "system.txt"), "--prompt-file",
            str(tmp_path / "user.txt"), "--tools-file", str(tmp_path / "tools.json"), "--offline",
            "--requests-per-day", "2,000", "--gap-minutes", "3", "--output-tokens", "50", "--turns", "1")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {lv["id"] for lv in out["levers"] if lv["applies"]} == {"caching", "batch", "output_cap"}
    assert out["workload"]["requests_per_month"] == "60000"
    text = cli("--at", AT, "--prompt-file", str(tmp_path / "user.txt"))
    assert text.returncode == 0 and "Recommended:" in text.stdout and "Runner-up:" in text.stdout


def test_cli_platform_tools_and_current_model_flags_match_the_bridge():
    args = {"platform": "bedrock", "endpoint": "regional", "tool_set": "bash,computer_use", "tool_choice": "any",
            "current_model": "global.anthropic.claude-fable-5-2"}
    p = cli("--json", "--at", AT, "--repeats", "none", "--output-tokens", "100", "--requests-per-day", "100",
            "--platform", "bedrock", "--endpoint", "regional", "--tools", "bash,computer_use", "--tool-choice",
            "any", "--current-model", args["current_model"], stdin="a" * 4000)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    want = run_example({**PLAIN, **args})
    assert out["workload"] == want["workload"]
    assert out["workload"]["platform"] == "bedrock" and out["workload"]["endpoint"] == "regional"
    assert out["workload"]["tool_set"] == ["bash", "computer_use"] and out["workload"]["tool_choice"] == "any"
    assert out["saving"] == want["saving"] and out["saving"]["baseline_model"] == "claude-fable-5-2"
    # Sonnet 5.5 on a regional endpoint with bash (244) and computer use (4,500): (1586 + 4744) x 2 x 1.1 / M
    #   + 100 x 10 x 1.1 / M = 0.013926 + 0.0011 = 0.015026 -> x 3,000 = $45.078
    assert Decimal(out["saving"]["recommended_monthly"]["usd"]) == Decimal("45.078")
    text = cli("--at", AT, "--platform", "vertex", "--current-model", "haiku", stdin="a" * 4000)
    assert text.returncode == 0 and "Google Cloud Vertex AI" in text.stdout
    assert "your current model" in text.stdout and "/month more" in text.stdout
    bad = cli("--at", AT, "--platform", "foundry", "--endpoint", "regional", stdin="hello")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "--endpoint" in bad.stderr
    bad = cli("--at", AT, "--current-model", "claude-sonnet-4-5.bogus", stdin="hello")
    assert bad.returncode == 1 and "--current-model" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_errors_are_one_line():
    p = cli("--json", stdin="")
    assert p.returncode == 1 and "empty" in p.stderr and "Traceback" not in p.stderr
    p = cli("--prompt-file", "/nonexistent/prompt.txt")
    assert p.returncode == 1 and "cannot read prompt file" in p.stderr and "Traceback" not in p.stderr
    p = cli("--turns", "zero", stdin="hello")
    assert p.returncode == 1 and "--turns" in p.stderr and "Traceback" not in p.stderr
    p = cli(stdin=bytes(range(256)) * 50)
    assert p.returncode == 0 and "Traceback" not in p.stderr


def test_cli_prompt_beyond_context_window_exits_non_zero(tmp_path):
    text = (ROOT / "pricing.toml").read_text(encoding="utf-8")
    small = tmp_path / "small.toml"
    small.write_text(text.replace("context_window = 1000000", "context_window = 2000"), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "calculators", "--pricing", str(small), "recommend", "--json"],
                       input=b"a" * 20_000, capture_output=True, cwd=ROOT, timeout=60)
    assert p.returncode == 1
    assert json.loads(p.stdout)["model"] is None
    assert b"context window" in p.stderr


# ----------------------------------------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------------------------------------


def test_page_documents_the_rule_table_and_mounts_the_default_inputs():
    import re
    from html.parser import HTMLParser

    page = (ROOT / "docs" / "calculators" / "recommender.md").read_text(encoding="utf-8")
    assert rule_table_markdown() in page, "regenerate the rule table on the page from RULES"
    div = re.search(r"<div data-calc=\"recommender\"[^>]*></div>", page)
    assert div, "the page must mount the recommender"

    class Attrs(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.attrs = dict(attrs)

    parser = Attrs()
    parser.feed(div.group())
    assert parser.attrs["data-handler"] == "recommend"
    assert json.loads(parser.attrs["data-inputs"]) == DEFAULT_INPUTS


# ----------------------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=3000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(system=_TEXT, prompt=_TEXT, repeats=st.sampled_from(["none", "system", "system_and_documents"]),
       mode=st.sampled_from(["interactive", "offline"]), turns=st.integers(1, 40),
       gap=st.sampled_from(["0", "0.5", "3", "5", "20", "60", "90"]), per_day=st.integers(0, 100_000),
       output=st.sampled_from(["", "1", "50", "4000"]))
def test_any_text_and_workload_gives_a_consistent_answer(system, prompt, repeats, mode, turns, gap, per_day, output):
    response = bridge.call("recommend", {"system": system, "prompt": prompt, "repeats": repeats, "mode": mode,
                                         "turns": turns, "gap_minutes": gap, "requests_per_day": per_day,
                                         "output_tokens": output, "at": AT})
    if not (system.replace("\x00", "").strip() or prompt.replace("\x00", "").strip()):
        assert not response["ok"] and response["errors"][0]["field"] == "prompt"
        return
    assert response["ok"], response
    r = response["result"]
    current = {m.id for m in load_pricing().current_models(dt.date.fromisoformat(AT))}
    assert r["model"] in current
    # No lever makes anything dearer, and the per-lever savings add up to the levers' total.
    for row in r["costs"]:
        assert Decimal(row["with_levers"]["usd"]) <= Decimal(row["without_levers"]["usd"])
    savings = [Decimal(lv["saving_monthly"]["usd"]) for lv in r["levers"] if lv["applies"]]
    assert all(x >= 0 for x in savings)
    assert sum(savings) == Decimal(r["saving"]["levers_saving_monthly"]["usd"])
    s = r["saving"]
    assert Decimal(s["saving_monthly"]["usd"]) == Decimal(s["baseline_monthly"]["usd"]) - Decimal(
        s["recommended_monthly"]["usd"])
    json.dumps(r)  # JSON-ready


def test_prerendered_html_shows_the_python_figures():
    from calculators.recommend import prerender_html

    result = run_example(DEFAULT_INPUTS)
    out = prerender_html("recommend", DEFAULT_INPUTS, result)
    assert f'data-testid="recommended-model" data-value="{result["model"]}"' in out
    assert f'data-value="{result["saving"]["recommended_monthly"]["usd"]}"' in out
    assert result["saving"]["saving_monthly"]["display"] in out
    error = prerender_html("recommend", {}, {**result, "error": "too long <for> any window"})
    assert "too long &lt;for&gt; any window" in error


def test_a_request_too_big_for_the_chosen_tier_moves_to_one_that_fits():
    # Give the small model a 5,000-token window: a 20,000-letter classification prompt (6,500..9,360 tokens on
    # the newer tokenizer) no longer fits it, so the nearest tier whose model fits (standard) takes it.
    text = (ROOT / "pricing.toml").read_text(encoding="utf-8")
    haiku = load_pricing().model("haiku").id
    block = text.index(f'id = "{haiku}"')
    cw = text.index("context_window = 1000000", block)
    small = parse_pricing(text[:cw] + "context_window = 5000" + text[cw + len("context_window = 1000000"):],
                          "small-haiku.toml")
    rec = recommend("Classify the sentiment of each line. " + "b" * 20_000,
                    workload=RecommendWorkload(repeats="none"), at=AT, pricing=small).data
    assert rec["model"] == small.model("sonnet").id
    rules = {r["id"]: r for r in rec["rules"]}
    assert rules["context-window"]["decisive"] and not rules["simple-pattern-task"]["decisive"]
    row = next(r for r in rec["costs"] if r["model"] == haiku)
    assert row["with_levers"] is None and "window" in row["reason"]

"""The Prompt-Pricing Recommender: from a prompt and a workload to a model, its levers and a monthly cost.

Everything here is deterministic and explainable: no machine learning and no network. The steps are

1. **Token estimate.** Anthropic's tokenizer is not available offline, so the token count is estimated from
   the characters of the text as a range (:func:`estimate_tokens`). The heuristics are calibrated to the
   older tokenizer; models with ``new_tokenizer = true`` get the pricing file's ``[tokenizer] new_vs_old``
   factor on top (about 30% more tokens for the same text).
2. **Features.** Cue words and structural patterns, each reported with the evidence that triggered it
   (:func:`detect_features`). Cue words are looked for in the instructions only: the whole system prompt and
   tool definitions when short, and the first and last few thousand characters of a long text (where
   instructions sit around pasted material), so a pasted contract that says "plan" does not make the task
   look like planning. Structural checks (code lines, file names, size) read the whole text.
3. **Rules.** :data:`RULES` is the routing table: each rule maps features to a tier. Escalations beat
   demotions, and among escalations the highest tier wins. Tiers resolve to current models through the
   family shortcuts in ``pricing.toml`` (:data:`TIERS`).
4. **Levers and costs.** Caching, batch, an output cap with a stop sequence and conversation compression,
   each priced with :func:`calculators.cost.price_workload` on every current model, with and without the
   levers.

The package reads as that pipeline: ``tokens`` (step 1), ``features`` (2), ``rules`` (the tables of steps 2
and 3: cue words, tiers and routing rules, the module a contributor edits to change a recommendation),
``plan`` (4) and ``pipeline`` (:func:`recommend` and the browser entry point :func:`bridge_recommend`).
``settings`` holds the constants. The command line lives in ``calculators._cli_recommend``.
"""

from .features import Feature, Features, detect_features
from .pipeline import FORM_WORDS, Recommendation, RecommendInputError, bridge_recommend, prerender_html, recommend
from .plan import ASSUMED_OUTPUT, RecommendWorkload, cache_hit_rate, simulate_conversation
from .rules import RULES, TIERS, route, rule_table_markdown
from .settings import DAYS_PER_MONTH, DEFAULT_INPUTS
from .tokens import ZERO_TOKENS, TokenRange, estimate_tokens

__all__ = [
    "FORM_WORDS",
    "ASSUMED_OUTPUT",
    "ZERO_TOKENS",
    "DAYS_PER_MONTH",
    "DEFAULT_INPUTS",
    "Feature",
    "Features",
    "RULES",
    "RecommendInputError",
    "RecommendWorkload",
    "Recommendation",
    "TIERS",
    "TokenRange",
    "bridge_recommend",
    "cache_hit_rate",
    "detect_features",
    "estimate_tokens",
    "prerender_html",
    "recommend",
    "route",
    "rule_table_markdown",
    "simulate_conversation",
]

"""Filters of the usage-log analyser: only one model, one session and/or one project.

Each filter is an exact match (never a substring):

* **model**: a model id or any spelling :meth:`calculators.pricing.Pricing.find` knows (an alias, a Bedrock or
  Vertex id...); a record matches when its own model resolves to the same model, whatever its spelling. A model
  no price knows (an unpriced record) matches only its own spelling.
* **session**: the record's session (:data:`~calculators.logs.records.F_SESSION`: the Claude Code session id,
  the API key or workspace of a report row, the caller of a Bedrock record); ``(none)`` matches records
  without one.
* **project**: the record's project (:data:`~calculators.logs.records.F_PROJECT`: the Claude Code project,
  that is the ``cwd`` the session ran in or else the folder under ``projects/`` that holds the log; the
  workspace of an Admin API usage report or Console CSV row); ``(none)`` matches records without one.

:class:`Filter` decides per record (:meth:`Filter.keeps`, called by
:meth:`calculators.logs.analysis.Analysis.feed` before a record is priced) and counts what every record
would have offered (:attr:`Filter.seen`), so the report can list the values to choose from and a value that
matches nothing is an error naming the nearest ones.
"""

from __future__ import annotations

import difflib

from ..errors import PriceError
from ..pricing import Pricing
from .records import F_MODEL, F_PROJECT, F_SESSION, short

__all__ = ["FILTER_FIELDS", "NONE", "Filter"]

#: The filters, by their option name (the CLI's --model, --session, --project; the bridge's fields).
FILTER_FIELDS = ("model", "session", "project")
#: What a record without a session or project is listed (and chosen) as.
NONE = "(none)"
#: The report lists at most this many values of each filter (the most frequent first).
MAX_CHOICES = 500


class Filter:
    """The filters of one analysis (``None`` or ``""``: that filter is off)."""

    def __init__(self, model: str | None = None, session: str | None = None, project: str | None = None):
        for name, value in (("model", model), ("session", session), ("project", project)):
            if value is not None and not isinstance(value, str):
                raise PriceError(f"--{name} must be a string, got {short(value)}", name)
            if value and len(value) > 2000:
                raise PriceError(f"--{name} {short(value)} is longer than any {name} a log holds", name)
        self.model = model.strip() if model and model.strip() else None
        self.session = session or None
        self.project = project or None
        self.active = bool(self.model or self.session or self.project)
        self._models: dict[str, str] = {}  # a model as a log spells it -> the id it is listed and matched by
        self._want_model: str | None = None
        self._pricing: Pricing | None = None
        #: records seen per value of each filter (whether they were kept or not), filled while filtering
        self.seen: dict[str, dict[str, int]] = {name: {} for name in FILTER_FIELDS}
        self.left_out = 0

    def bind(self, pricing: Pricing) -> None:
        """Resolve the model filter with ``pricing`` (before the first record)."""
        self._pricing = pricing
        self._models.clear()
        if self.model:
            m = pricing.find(self.model)
            self._want_model = m.id if m is not None else self.model

    def model_key(self, raw: str) -> str:
        """The id a model spelling is listed and matched by (its own spelling when no price knows it)."""
        key = self._models.get(raw)
        if key is None:
            m = self._pricing.find(raw) if self._pricing is not None else None
            key = self._models[raw] = m.id if m is not None else raw
        return key

    def keeps(self, r: tuple) -> bool:
        """Whether the report keeps record ``r`` (counted in :attr:`seen` and :attr:`left_out` either way)."""
        seen = self.seen
        mk = self.model_key(r[F_MODEL])
        sk = r[F_SESSION] or NONE
        pk = r[F_PROJECT] or NONE
        for name, key in (("model", mk), ("session", sk), ("project", pk)):
            d = seen[name]
            d[key] = d.get(key, 0) + 1
        if (self._want_model is not None and mk != self._want_model) or (self.session and sk != self.session) \
                or (self.project and pk != self.project):
            self.left_out += 1
            return False
        return True

    def reset(self) -> None:
        self.seen = {name: {} for name in FILTER_FIELDS}
        self.left_out = 0

    def check(self) -> None:
        """Raise a PriceError for a filter whose value no record has, naming the nearest values the logs hold
        (a typing mistake should not give an empty report)."""
        for name, want in (("model", self._want_model), ("session", self.session), ("project", self.project)):
            if want is None or want in self.seen[name]:
                continue
            values = list(self.seen[name])
            if not values:
                continue  # (nothing was read at all: the report says so)
            near = difflib.get_close_matches(want, values, n=3, cutoff=0) if len(values) < 5000 else []
            said = short(self.model if name == "model" else want, 80)
            if name == "model" and self.model != want:
                said += f" ({want})"  # what the spelling resolved to
            raise PriceError(f"--{name} {said}: no record has this {name}; nearest in these logs: "
                             + ", ".join(short(v, 80) for v in near) + f" ({len(values):,} {name}s in all)", name)

    def choices(self, kept_counts: dict[str, dict[str, int]]) -> dict[str, list[str]]:
        """The values to choose from, most records first: those seen while filtering, else ``kept_counts``
        (the report's own, when no filter is on)."""
        out = {}
        for name in FILTER_FIELDS:
            counts = self.seen[name] if self.active else kept_counts[name]
            out[name] = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CHOICES]]
        return out

    def to_json(self) -> dict:
        """What the report says about the filters."""
        return {"model": self.model, "model_id": self._want_model if self.model else None, "session": self.session,
                "project": self.project, "left_out": self.left_out}

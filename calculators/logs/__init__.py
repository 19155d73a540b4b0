"""The usage-log analyser: real logs in, the true cost and what each lever would have saved out.

Inputs (auto-detected per file; ``--format`` overrides): JSON Lines of Messages API responses,
``{model, usage, timestamp}`` objects or bare ``usage`` objects (with ``--default-model``); streaming event logs
(``message_start`` + cumulative ``message_delta`` usage, raw or as server-sent ``data:`` lines); Claude Code
session logs (directory trees of ``*.jsonl``); Admin API usage-report and cost-report pages; Console CSV
exports. Amazon Bedrock model-invocation logs (JSON Lines as CloudWatch Logs or S3 deliver them, also
CloudWatch Logs export lines and subscription payloads). Any file may be gzipped (told by its first bytes).

Rules, in one place:

* **Streaming duplicates.** Claude Code writes one line per content block of a response, all with the same
  ``message.id`` and ``requestId``. Records with the same (message id, request id) are one request; the copy
  kept is the most complete one: the highest ``output_tokens``, then the most input-side tokens (uncached +
  cache writes + cache reads), then web searches; between equal copies the first one read is kept. Records
  without a message id are never merged. API responses and streamed messages are merged by message ``id``.
* **Dated prices.** Each record is priced by the price period in force on the UTC day of its own timestamp,
  so history does not move when prices change. Records without a timestamp use ``--at`` (default today) and
  are counted in the notes.
* **Unknown models** are never priced at $0: they are listed under ``unpriced`` with their token counts.
  Model names are matched exactly (id or alias), never by substring.
* ``<synthetic>`` **model** records are messages Claude Code makes up locally (API errors, interrupted turns);
  no API call was made, so they are skipped and counted as ``synthetic``, whatever usage they carry.
* Lines that cannot be read are counted and the first 20 listed as file:line with the reason; analysis
  goes on. Every line is accounted for: records + malformed + ignored + synthetic + blank = lines (in Admin
  API reports, each result row counts as a line). Token counts are JSON integers up to
  :data:`calculators.logs.records.MAX_TOKENS` per bucket; money sums are exact (whole femto-dollars, and a
  100-digit decimal context for the report).
* Paths that cannot be read are listed under ``skipped`` with the reason; the rest is read. ``-`` is standard
  input; inputs that are not regular files are read up to a cap, and the notes say when it cut them short.
* A big file of JSON Lines is read in byte ranges by several processes; a file that holds streaming events
  (sequential: a message's events follow each other) is read in one piece, so the result never depends on
  where the ranges fall.

The modules, by job: :mod:`~calculators.logs.records` (the record layout, exact money, de-duplication),
:mod:`~calculators.logs.usage` (the usage object), :mod:`~calculators.logs.jsonl`, :mod:`~calculators.logs.bedrock`
and :mod:`~calculators.logs.documents` (parsing per format), :mod:`~calculators.logs.reader` (finding, planning and
reading inputs: the one :class:`~calculators.logs.reader.ChunkReader`), :mod:`~calculators.logs.workers` (the
worker processes), :mod:`~calculators.logs.prices` (pre-pricing), :mod:`~calculators.logs.filters` (only one
model, session or project), :mod:`~calculators.logs.analysis` (the
analysis and what-ifs), :mod:`~calculators.logs.report` (text and JSON) and :mod:`~calculators.logs.session`
(the browser). The command line is :mod:`calculators._cli_analyze`.
"""


from __future__ import annotations

from .analysis import Analysis, Options
from .reader import STREAM_LIMIT, analyze_paths, expand_paths
from .records import FORMATS, MAX_TOKENS, Collector, Record
from .report import json_text, render_text

__all__ = ["FORMATS", "MAX_TOKENS", "STREAM_LIMIT", "Analysis", "Collector", "Options", "Record", "analyze_paths",
           "expand_paths", "json_text", "render_text"]

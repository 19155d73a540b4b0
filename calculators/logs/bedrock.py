"""Amazon Bedrock model-invocation logs: the JSON records Bedrock writes to CloudWatch Logs or S3.

The schema is AWS's (https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html): one
JSON object per invocation with ``schemaType: "ModelInvocationLog"``, ``timestamp``, ``requestId``,
``modelId``, ``region``, ``operation``, ``input.inputTokenCount``, ``input.cacheReadInputTokenCount``,
``input.cacheWriteInputTokenCount``, ``output.outputTokenCount`` and, when bodies are logged, the request and
response bodies (``input.inputBodyJson``, ``output.outputBodyJson``). Read as JSON Lines (one record a line, as
S3 delivery writes them); gzip is unpacked by :mod:`calculators.logs.reader` (the command line) or the page, and
CloudWatch Logs export lines and subscription payloads are unwrapped by :mod:`calculators.logs.jsonl`.

Rules:

* **Which usage.** For InvokeModel the response body is Anthropic's Messages response, whose ``usage`` splits
  cache writes into 5-minute and 1-hour writes: it is preferred when present. InvokeModelWithResponseStream
  logs the body as a list of stream events: ``message_start`` usage updated by the cumulative
  ``message_delta`` usage. Otherwise (Converse, or bodies not logged) Bedrock's own counts are used, and
  every cache write counts as a 5-minute write.
* **Which model.** ``modelId`` holds what the caller sent: a model id, an inference profile id (``us.``,
  ``global.`` ... prefixes decide the endpoint) or an ARN. A ``foundation-model/<id>`` or
  ``inference-profile/<id>`` ARN is read as its id. An application inference profile ARN does not say which
  model it runs: such records are unpriced, with that reason. The id is then matched exactly by
  :meth:`calculators.pricing.Pricing.resolve`, which also gives the platform (bedrock) and the endpoint.
* A record with an ``errorCode`` and no token counts was not billed: it is counted as ignored.
* The same ``requestId`` read twice (a log delivered to both CloudWatch Logs and S3) is one request.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import PriceError
from ..usage_object import token_count
from .records import BadLine, make_record, str_or_none
from .usage import usage_values

__all__ = ["SCHEMA_TYPE", "model_of", "parse_record", "unpriced_reason"]

SCHEMA_TYPE = "ModelInvocationLog"
_APP_PROFILE = "application-inference-profile/"
_ARN_PARTS = ("foundation-model/", "inference-profile/")


def model_of(model_id: str) -> str:
    """The model id inside a Bedrock ``modelId``: an ARN's resource id, else the value itself."""
    if model_id.startswith("arn:"):
        for part in _ARN_PARTS:
            i = model_id.find(":" + part)
            if i < 0:
                i = model_id.find("/" + part)  # (never seen, but harmless)
            if i >= 0:
                return model_id[i + 1 + len(part):]
    return model_id


def unpriced_reason(model: str) -> str | None:
    """Why a Bedrock model string cannot be priced, when the reason is particular to Bedrock (else None)."""
    if model.startswith("arn:") and _APP_PROFILE in model:
        return ("an application inference profile ARN does not say which model it runs: these records cannot be "
                "priced (log with the model's inference profile id, or price them by hand)")
    return None


def _count(obj: Mapping, key: str, where: str) -> int:
    """A Bedrock token count (``inputTokenCount``...) by the usage object's rules for a count."""
    try:
        return token_count(obj, key, where)
    except PriceError as exc:
        raise BadLine(str(exc)) from None


def _body_usage(body: object) -> dict | None:
    """Anthropic's usage object from a logged response body (a Messages response, or a list of stream events),
    or None when the body has none (Converse's usage has other names; bodies may not be logged)."""
    if isinstance(body, dict):
        u = body.get("usage")
        return dict(u) if isinstance(u, dict) and "input_tokens" in u else None
    if not isinstance(body, list):
        return None
    usage: dict | None = None
    for event in body:
        if not isinstance(event, dict):
            continue
        typ = event.get("type")
        if typ == "message_start":
            msg = event.get("message")
            u = msg.get("usage") if isinstance(msg, dict) else None
            if isinstance(u, dict):
                usage = dict(u)
        elif typ == "message_delta" and usage is not None:
            u = event.get("usage")
            if isinstance(u, dict):
                for k, v in u.items():  # cumulative: the newest value replaces the older one
                    if v is not None:
                        usage[k] = v
    return usage if usage is not None and "input_tokens" in usage else None


def parse_record(obj: dict, file: str, line: int, pos: int, out: list) -> bool:
    """Read one invocation log record; append its record to ``out``. False when it was not billed (an error
    without token counts); raises BadLine when it cannot be read."""
    raw = obj.get("modelId")
    if not isinstance(raw, str) or not raw:
        raise BadLine("invocation log record without modelId")
    inp, outp = obj.get("input"), obj.get("output")
    if inp is None:
        inp = {}
    if outp is None:
        outp = {}
    if not isinstance(inp, dict) or not isinstance(outp, dict):
        raise BadLine("invocation log record whose input or output is not an object")
    usage = _body_usage(outp.get("outputBodyJson"))
    if usage is not None:
        uv = usage_values(usage)
    else:
        counts = (inp.get("inputTokenCount"), outp.get("outputTokenCount"))
        if counts == (None, None):
            if obj.get("errorCode") is not None:
                return False
            raise BadLine("invocation log record without token counts (input.inputTokenCount, "
                          "output.outputTokenCount)")
        uv = (_count(inp, "inputTokenCount", "input."), _count(inp, "cacheWriteInputTokenCount", "input."), 0,
              _count(inp, "cacheReadInputTokenCount", "input."), _count(outp, "outputTokenCount", "output."), 0,
              False, "global", False, None)
    rid = str_or_none(obj.get("requestId"))
    identity = obj.get("identity")
    caller = str_or_none(identity.get("arn")) if isinstance(identity, dict) else None
    out.append(make_record(file, line, str_or_none(obj.get("timestamp")), model_of(raw), uv, caller,
                           (rid, "bedrock") if rid else None, False, None, "request", pos))
    return True

"""Settings of the recommender: volumes, conversation compression and the form's defaults."""

from __future__ import annotations

from ..compression import SUMMARY_RATIO  # noqa: F401 (re-exported)
from ..cost import DAYS_PER_MONTH  # noqa: F401 (re-exported: the recommender's month is the cost model's)

#: Conversations with at least this many turns count as long (the compression lever applies).
LONG_CONVERSATION_TURNS = 10
#: Compression keeps this many recent turns verbatim ...
KEEP_TURNS = 4
#: ... and, each time this many older turns have piled up, folds them into a summary (of SUMMARY_RATIO of what
#: it replaces: the one assumption of calculators.compression, which simulates the conversation).
COMPACT_EVERY = 4
#: A text segment with at least this many tokens (older tokenizer, midpoint) is a long document.
LONG_DOCUMENT_TOKENS = 10_000
#: Texts longer than this are scanned for cue words only in their first and last ``_WINDOW`` characters.
_WINDOW = 4_000

REPEATS = ("none", "system", "system_and_documents")
MODES = ("interactive", "offline")

#: What the page opens with (the page's ``data-inputs`` repeats these).
DEFAULT_INPUTS = {
    "system": (
        "You are the support-ticket triage assistant for Northwind Outfitters, an online shop selling outdoor "
        "clothing and camping gear in Europe and North America.\n\n"
        "Classify each customer message into exactly one of these categories:\n"
        "- billing: charges, refunds of payments, invoices, VAT receipts, payment methods, promo codes that "
        "did not apply at checkout.\n"
        "- shipping: delivery times, tracking numbers, lost or damaged parcels, changing a delivery address, "
        "customs duties and carriers.\n"
        "- returns: sending items back, exchanges for another size or colour, return labels, the 60-day "
        "return window, refunds for returned items.\n"
        "- product_question: sizing, materials, care instructions, compatibility of parts, stock and "
        "restock dates, warranty coverage of a product.\n"
        "- account: logging in, passwords, email changes, newsletter preferences, deleting an account, "
        "loyalty points.\n"
        "- other: anything else, including praise, complaints about staff and messages with no request.\n\n"
        "Rules:\n"
        "1. If a message fits two categories, choose the one the customer needs acted on first.\n"
        "2. A refund for an item that was sent back is returns; a refund for a duplicate or wrong charge "
        "is billing.\n"
        "3. Ignore greetings, signatures and quoted earlier emails.\n"
        "4. Messages in other languages are classified the same way.\n\n"
        "Examples:\n"
        "Message: My tent arrived with a broken pole, can I get a replacement? -> returns\n"
        "Message: Where is my parcel? The tracking page has not changed for a week. -> shipping\n"
        "Message: Is the Alpine jacket warm enough for -20 degrees? -> product_question\n"
        "Message: I cannot log in since I changed my email address. -> account\n\n"
        "Respond only with the category name inside <label></label> tags, with no other text."
    ),
    "prompt": "Hi, I was charged twice for order #48213 last week. Can you refund the second payment?",
    "tools": "",
    "requests_per_day": 20000,
    "repeats": "system",
    "gap_minutes": 1,
    "mode": "interactive",
    "output_tokens": "",
    "turns": 1,
    "at": "",
    "current_model": "",
    "platform": "anthropic",
    "endpoint": "global",
    "tool_set": "",
    "tool_choice": "auto",
}

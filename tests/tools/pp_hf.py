"""The real Hugging Face daily-papers files of ../shared/data, as tests read them."""

import ast
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("PAPERPULSE_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
HF_DAILY = os.path.join(SHARED, "hf-daily-papers-json", "daily")


def hf_items(day):
    """The real HF file of `day` ("2026-06-30"), its Python-repr items (the
    2024-12 files) parsed as HF sent them."""
    with open(os.path.join(HF_DAILY, day + ".json"), encoding="utf-8") as f:
        raw = json.load(f)
    return [ast.literal_eval(x) if isinstance(x, str) else x for x in raw]

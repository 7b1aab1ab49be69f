"""Shared test vectors for the C2PA unstructured-text wrapper (C2PA 2.3/2.4 Annex A.8).

Runs the Python reference implementation `c2pa-text` 3.0.0 (MIT) over fixed inputs and writes
tests/fixtures/c2pa-text-vectors.json, which tests/unit/c2pa-text-wrapper.test.ts checks our
TypeScript wrapper (lib/c2pa/text-wrapper.ts) against. Deterministic: same output every run.

    python3 -m venv /tmp/c2pa-text-venv
    /tmp/c2pa-text-venv/bin/pip install c2pa-text==3.0.0
    /tmp/c2pa-text-venv/bin/python scripts/c2pa-text-vectors.py
"""

import json
import random
import sys
from importlib.metadata import version
from pathlib import Path

import c2pa_text

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "c2pa-text-vectors.json"

TEXTS = [
    "",
    "Plain ASCII sentence.",
    "The council voted on Tuesday. Two members abstained.",
    # Decomposed (NFD) accents: the reference normalises the host text to NFC.
    "Cafe\u0301 na\u0308ive re\u0301sume\u0301.",
    "Emoji \U0001F600 and CJK \u6f22\u5b57, Greek \u03b1\u03b2\u03b3.",
    "Line one.\nLine two.\r\nTabs\tand  spaces  ",
    # A text that already carries a variation selector of its own (an emoji presentation selector).
    "A heart \u2764\ufe0f stays.",
]


def manifests():
    rng = random.Random(20261203)
    yield "empty", b""
    yield "one-low-byte", b"\x00"
    yield "one-high-byte", b"\xff"
    yield "all-byte-values", bytes(range(256))
    yield "random-64", bytes(rng.randrange(256) for _ in range(64))
    yield "random-1000", bytes(rng.randrange(256) for _ in range(1000))
    yield "jumbf-like", bytes.fromhex("0000001e6a756d62000000166a756d6463327061001100108000aa00389b7103")


def main():
    vectors = {"reference": f"c2pa-text {version('c2pa-text')}", "python": sys.version.split()[0], "embed": [], "padded": [], "decode": [], "reject": []}
    named = list(manifests())
    for ti, text in enumerate(TEXTS):
        for name, data in named:
            # The long manifests once (with one text) keep the fixture small.
            if len(data) > 100 and ti != 2:
                continue
            wrapped = c2pa_text.embed_manifest(text, data)
            vectors["embed"].append({"text": text, "manifest": name, "manifestHex": data.hex(), "wrapped": wrapped, "wrapper": c2pa_text.encode_wrapper(data)})
            info = c2pa_text.find_wrapper_info(wrapped)
            extracted, clean = c2pa_text.extract_manifest(wrapped)
            vectors["decode"].append({
                "wrapped": wrapped,
                "manifestHex": info[0].hex(),
                "wrapperStartByte": info[1],
                "wrapperLengthByte": info[2],
                "clean": clean,
            })
            assert extracted == data
    for name, data in named:
        worst = c2pa_text.worst_case_wrapper_byte_length(len(data))
        for extra in (0, 3, 4, 7):
            target = worst + extra
            padded = c2pa_text.encode_wrapper_padded(data, target)
            vectors["padded"].append({"manifest": name, "manifestHex": data.hex(), "worstCase": worst, "target": target, "wrapper": padded})
    # A wrapper placed mid-text (the reference finds it anywhere) and texts with no valid wrapper.
    mid = "Before. " + c2pa_text.encode_wrapper(b"mid") + "After."
    info = c2pa_text.find_wrapper_info(mid)
    vectors["decode"].append({"wrapped": mid, "manifestHex": info[0].hex(), "wrapperStartByte": info[1], "wrapperLengthByte": info[2], "clean": c2pa_text.extract_manifest(mid)[1]})
    good = c2pa_text.encode_wrapper(b"abc")
    bad_magic = "\ufeff" + "".join(c2pa_text._byte_to_vs(b) for b in b"C2PATXX\x00\x01\x00\x00\x00\x03abc")
    bad_version = "\ufeff" + "".join(c2pa_text._byte_to_vs(b) for b in b"C2PATXT\x00\x02\x00\x00\x00\x03abc")
    truncated = good[:-1]
    short = good[:10]
    for label, text in (("no wrapper", "Just text."), ("wrong magic", "x" + bad_magic), ("unsupported version", "x" + bad_version), ("truncated payload", "x" + truncated), ("too short", "x" + short)):
        assert c2pa_text.find_wrapper_info(text) is None, label
        vectors["reject"].append({"label": label, "text": text, "clean": c2pa_text.extract_manifest(text)[1]})
    double = "a" + good + "b" + good
    try:
        c2pa_text.find_wrapper_info(double)
        raise AssertionError("two wrappers must be refused")
    except ValueError:
        vectors["multiple"] = [double]
    OUT.write_text(json.dumps(vectors, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(vectors['embed'])} embed, {len(vectors['padded'])} padded, {len(vectors['decode'])} decode, {len(vectors['reject'])} reject)")


if __name__ == "__main__":
    main()

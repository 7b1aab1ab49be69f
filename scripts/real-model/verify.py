#!/usr/bin/env python3
"""Reference side of the proof that the converted folder is the SmolLM2-135M-Instruct GGUF.

For each prompt (chat-templated with the GGUF's template), greedy decoding:
  - reference: transformers (PyTorch) loading the GGUF directly;
  - optional second reference: llama.cpp via llama-cpp-python, if it is importable (--llama-cpp);
  - onnxruntime on the exported onnx/model.onnx (fp32) with our own KV-cache loop, which must
    give the same token ids as the reference (exit status 1 if not);
  - onnxruntime on the quantized files: q4 (the GGUF's own 4-bit codes) must match too; q8 and
    q4f16 are informational (how many of the first 32 tokens match fp32).
Also checks the folder's tokenizer.json/tokenizer_config.json (loaded with transformers as a
plain folder) template the prompts to the same ids as the GGUF tokenizer, and that a left-padded
batch of two prompts through the fp32 graph gives the same tokens as each prompt alone.

Writes DIR/verify-expected.json (prompts, prompt ids, expected ids; no timestamps) that
verify-transformersjs.ts compares against.

Usage: python verify.py --gguf FILE.gguf --model-dir DIR [--llama-cpp]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

PROMPTS = [
    "Continue: The city council met on Monday to",
    "Rephrase this sentence in a more formal tone: The meeting got pushed back because lots of people couldn't make it.",
    "Fix the grammar: She don't like the apples that was on the table, and they was too expensive anyway.",
    "Write a short headline for this news text: Volunteers planted 500 trees along the river on Saturday, doubling the shade in the park before the summer heat arrives.",
    "Shorten this sentence: In light of the fact that the weather was extremely bad, we made the decision to stay inside the house for the whole day.",
]
MAX_NEW_TOKENS = 32
QUANT_FILES = {"q8": "onnx/model_quantized.onnx", "q4": "onnx/model_q4.onnx", "q4f16": "onnx/model_q4f16.onnx"}
# q4 keeps the GGUF's own 4-bit codes (see convert_smollm2.py), so it must decode like fp32.
MUST_MATCH = {"q4"}


def chat_ids(tokenizer, prompt: str) -> list[int]:
    enc = tokenizer.apply_chat_template(
        [{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True, return_dict=True
    )
    return list(enc["input_ids"])


def reference_transformers(gguf_path: Path, prompts_ids: list[list[int]], eos: int) -> list[list[int]]:
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32)
    model.eval()
    outs = []
    with torch.no_grad():
        for ids in prompts_ids:
            x = torch.tensor([ids], dtype=torch.long)
            y = model.generate(
                input_ids=x,
                attention_mask=torch.ones_like(x),
                max_new_tokens=MAX_NEW_TOKENS,
                do_sample=False,
                eos_token_id=eos,
                pad_token_id=eos,
            )
            outs.append(y[0, len(ids):].tolist())
    return outs


def reference_llama_cpp(gguf_path: Path, prompts_ids: list[list[int]], eos: int) -> list[list[int]] | None:
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    llm = Llama(model_path=str(gguf_path), n_ctx=1024, n_threads=2, seed=0, verbose=False, logits_all=False)
    outs = []
    for ids in prompts_ids:
        llm.reset()
        got: list[int] = []
        for tok in llm.generate(ids, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, reset=True):
            if tok == eos:
                got.append(tok)
                break
            got.append(tok)
            if len(got) >= MAX_NEW_TOKENS:
                break
        outs.append(got)
    return outs


class OrtDecoder:
    def __init__(self, path: Path):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.past = [i for i in self.sess.get_inputs() if i.name.startswith("past_key_values.")]
        self.kv_dtype = np.float16 if self.past[0].type == "tensor(float16)" else np.float32

    def step(self, ids: np.ndarray, mask: np.ndarray, past: dict | None):
        b = ids.shape[0]
        pos = np.cumsum(mask, axis=1) - 1
        pos[mask == 0] = 1
        pos = pos[:, -ids.shape[1]:].astype(np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "position_ids": pos}
        if past is None:
            for i in self.past:
                n_kv, head_dim = i.shape[1], i.shape[3]
                feeds[i.name] = np.zeros((b, n_kv, 0, head_dim), dtype=self.kv_dtype)
        else:
            feeds.update(past)
        names = [o.name for o in self.sess.get_outputs()]
        res = dict(zip(names, self.sess.run(names, feeds)))
        new_past = {k.replace("present.", "past_key_values."): v for k, v in res.items() if k.startswith("present.")}
        return res["logits"], new_past

    def greedy(self, prompts_ids: list[list[int]], eos: int, pad: int) -> list[list[int]]:
        """Greedy decoding of a (left-padded) batch."""
        width = max(len(p) for p in prompts_ids)
        ids = np.array([[pad] * (width - len(p)) + p for p in prompts_ids], dtype=np.int64)
        mask = np.array([[0] * (width - len(p)) + [1] * len(p) for p in prompts_ids], dtype=np.int64)
        outs: list[list[int]] = [[] for _ in prompts_ids]
        done = [False] * len(prompts_ids)
        past = None
        for _ in range(MAX_NEW_TOKENS):
            logits, past = self.step(ids, mask, past)
            nxt = logits[:, -1, :].astype(np.float32).argmax(axis=-1)
            for b, t in enumerate(nxt.tolist()):
                if not done[b]:
                    outs[b].append(t)
                    done[b] = t == eos
            if all(done):
                break
            ids = np.where(np.array(done), pad, nxt).astype(np.int64)[:, None]
            mask = np.concatenate([mask, np.ones((len(prompts_ids), 1), dtype=np.int64)], axis=1)
        return outs


def prefix_match(a: list[int], b: list[int], n: int = MAX_NEW_TOKENS) -> int:
    k = 0
    for x, y in zip(a[:n], b[:n]):
        if x != y:
            break
        k += 1
    return k


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True, type=Path)
    ap.add_argument("--model-dir", required=True, type=Path)
    ap.add_argument("--llama-cpp", action="store_true", help="also compare with llama-cpp-python (if importable)")
    args = ap.parse_args()
    d: Path = args.model_dir
    ok = True

    from transformers import AutoTokenizer

    t0 = time.time()
    tok_gguf = AutoTokenizer.from_pretrained(str(args.gguf.parent), gguf_file=args.gguf.name)
    tok_dir = AutoTokenizer.from_pretrained(str(d))
    gen_cfg = json.loads((d / "generation_config.json").read_text())
    eos, pad = gen_cfg["eos_token_id"], gen_cfg["pad_token_id"]
    prompts_ids = [chat_ids(tok_gguf, p) for p in PROMPTS]
    for p, ids in zip(PROMPTS, prompts_ids):
        if chat_ids(tok_dir, p) != ids:
            print(f"FAIL tokenizer: the folder's tokenizer templates {p!r} differently from the GGUF's")
            ok = False

    ref = reference_transformers(args.gguf, prompts_ids, eos)
    print(f"reference (transformers, PyTorch, GGUF): {time.time() - t0:.1f}s")

    result: dict = {
        "model": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "max_new_tokens": MAX_NEW_TOKENS,
        "eos_token_id": eos,
        "reference": "transformers (PyTorch) greedy on the GGUF; onnxruntime fp32 on onnx/model.onnx agrees",
        "cases": [],
        "comparisons": {},
    }

    lcp = reference_llama_cpp(args.gguf, prompts_ids, eos) if args.llama_cpp else None
    t1 = time.time()
    fp32 = OrtDecoder(d / "onnx/model.onnx")
    if args.llama_cpp:
        if lcp is None:
            print("llama-cpp-python not importable: skipped")
        else:
            # llama.cpp multiplies Q4_1 weights with activations quantized to 8 bits, so it is not
            # float-exact; where it departs, report the fp32 logit margin between the two choices.
            same = [prefix_match(a, b) for a, b in zip(ref, lcp)]
            equal = all(a == b for a, b in zip(ref, lcp))
            margins = []
            for ids, a, b in zip(prompts_ids, ref, lcp):
                k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
                if k is None:
                    continue
                x = np.array([ids + a[:k]], dtype=np.int64)
                logits, _ = fp32.step(x, np.ones_like(x), None)
                row = logits[0, -1].astype(np.float32)
                rank = int((row > row[b[k]]).sum())
                margins.append({"position": k, "ours": a[k], "llama_cpp": b[k], "fp32_logit_margin": round(float(row[a[k]] - row[b[k]]), 4), "llama_cpp_choice_rank_in_fp32": rank + 1})
            result["comparisons"]["llama_cpp_vs_transformers"] = {"identical": equal, "prefix_match": same, "first_departures": margins}
            print(f"llama.cpp vs transformers: {'IDENTICAL' if equal else 'differ'} (prefix match {same})")
            for m in margins:
                print(f"   departs at token {m['position']}: fp32 logit margin {m['fp32_logit_margin']}, llama.cpp's token is fp32's #{m['llama_cpp_choice_rank_in_fp32']}")

    got = [fp32.greedy([ids], eos, pad)[0] for ids in prompts_ids]
    equal = all(a == b for a, b in zip(ref, got))
    ok &= equal
    result["comparisons"]["ort_fp32_vs_transformers"] = {"identical": equal, "prefix_match": [prefix_match(a, b) for a, b in zip(ref, got)]}
    print(f"onnxruntime fp32 vs transformers: {'IDENTICAL' if equal else 'DIFFER'} ({time.time() - t1:.1f}s)")

    batch = fp32.greedy(prompts_ids[:2], eos, pad)
    bequal = batch == ref[:2]
    ok &= bequal
    result["comparisons"]["ort_fp32_left_padded_batch_vs_single"] = {"identical": bequal}
    print(f"onnxruntime fp32, left-padded batch of 2 vs single: {'IDENTICAL' if bequal else 'DIFFER'}")
    del fp32

    quant: dict[str, list[list[int]]] = {}
    for name, rel in QUANT_FILES.items():
        if not (d / rel).exists():
            continue
        dec = OrtDecoder(d / rel)
        quant[name] = [dec.greedy([ids], eos, pad)[0] for ids in prompts_ids]
        same = [prefix_match(a, b) for a, b in zip(ref, quant[name])]
        equal = quant[name] == ref
        result["comparisons"][f"ort_{name}_vs_fp32"] = {"identical": equal, "prefix_match": same}
        if name in MUST_MATCH:
            ok &= equal
        note = " (required identical)" if name in MUST_MATCH else ""
        print(f"onnxruntime {name} vs fp32: {'IDENTICAL' if equal else 'differ'}{note}; first-{MAX_NEW_TOKENS} prefix match per prompt {same}")
        del dec

    for i, (p, ids) in enumerate(zip(PROMPTS, prompts_ids)):
        case = {
            "prompt": p,
            "prompt_ids": ids,
            "expected_ids": ref[i],
            "expected_text": tok_gguf.decode(ref[i], skip_special_tokens=True),
        }
        for name, outs in quant.items():
            case[f"ort_{name}_ids"] = outs[i]
        if lcp is not None:
            case["llama_cpp_ids"] = lcp[i]
        result["cases"].append(case)
        print(f"  [{i}] {p[:60]!r} -> {case['expected_text']!r}")

    (d / "verify-expected.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

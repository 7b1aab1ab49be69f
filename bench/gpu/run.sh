#!/usr/bin/env bash
# Runs the engine benchmark on this machine's GPU with what bench/gpu/pack.sh put in .bench-gpu/
# (this machine needs no Node, Chromium or network: Linux x86-64 with a Vulkan-capable GPU driver).
#   bash bench/gpu/run.sh unpack                   take the parts present; unpack complete archives
#   bash bench/gpu/run.sh probe                    what WebGPU adapter Chromium gets here
#   bash bench/gpu/run.sh bench [--sized] [bench/engine.ts options, e.g. --runs 10 --out DIR]
#       --sized: also build the Qwen2.5-0.5B-size stand-in (bench/make-sized-model.ts) and bench it
# In this checkout it links node_modules and .wxt to the unpacked copies where they are missing and
# replaces .output/chrome-mv3 with the packed build.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=/var/tmp/ledgerline-bench-gpu
mkdir -p "$root"

# Parts may arrive over several transfers: each is moved to a store outside the work tree, and an
# archive is unpacked once its parts, joined, match archives.sha256 (again when that changes).
unpack() {
  local store=$root/parts
  mkdir -p "$store"
  [ -f .bench-gpu/archives.sha256 ] && cp .bench-gpu/archives.sha256 "$store/"
  for part in .bench-gpu/*.part-*; do [ -e "$part" ] && mv "$part" "$store/"; done
  for archive in chromium runtime extras extension; do
    local expected actual
    expected=$(awk -v f="$archive.tar.xz" '$2 == f {print $1}' "$store/archives.sha256")
    [ -n "$expected" ] && [ "$(cat "$root/.$archive" 2>/dev/null)" = "$expected" ] && continue
    actual=$(cat "$store/$archive.tar.xz.part-"* 2>/dev/null | sha256sum | cut -d' ' -f1) || true # no parts yet
    if [ -n "$expected" ] && [ "$actual" = "$expected" ]; then
      [ "$archive" = extension ] && rm -rf "$root/extension"
      cat "$store/$archive.tar.xz.part-"* | xz -T0 -d | tar -C "$root" -xf - && echo "$expected" > "$root/.$archive"
      echo "unpacked $archive"
    else
      echo "waiting for more parts of $archive"
    fi
  done
}

environment() {
  for archive in chromium runtime extras extension; do [ -e "$root/.$archive" ] || { echo "not unpacked yet: $archive" >&2; exit 1; }; done
  export PATH="$root/node/bin:$PATH"
  # The server may have no Vulkan loader: make Chromium's own copy the one found by name too.
  [ -e "$root/lib/libvulkan.so.1" ] || ln -s ../chromium/libvulkan.so.1 "$root/lib/libvulkan.so.1"
  export LD_LIBRARY_PATH="$root/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export CHROMIUM_PATH="$root/chromium/chromium"
  # Chromium aborts when fontconfig finds no font at all.
  printf '<?xml version="1.0"?>\n<fontconfig><dir>%s</dir><cachedir>%s</cachedir></fontconfig>\n' "$root/fonts" "$root/fontconfig-cache" > "$root/fonts.conf"
  export FONTCONFIG_FILE="$root/fonts.conf"
  # The GPU's Vulkan driver, where a container mounts it outside the loader's default places.
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
  done
  if [ -d /usr/local/nvidia/lib64 ]; then export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64"; fi
  [ -e node_modules ] || ln -s "$root/node_modules" node_modules
  [ -e .wxt ] || ln -s "$root/wxt" .wxt
  mkdir -p .output
  rm -rf .output/chrome-mv3 && cp -a "$root/extension" .output/chrome-mv3
}

probe() {
  DEBUG=pw:browser node node_modules/tsx/dist/cli.mjs bench/gpu/probe.ts 2> "$root/probe-browser.log" | tee "$root/probe.txt"
  echo "Chromium's log about the GPU (count, line):"
  grep -aiE 'dawn|webgpu|vulkan|adapter|icd' "$root/probe-browser.log" | grep -v '<launching>' | sed -e 's/.*\]\[err\] //' -e 's/^\[[0-9:/.]*//' | cut -c1-240 |
    sort | uniq -c | sort -rn | head -40 || true
  local found
  found=$(sed -n 's/^LEDGERLINE_WEBGPU_ARGS=//p' "$root/probe.txt")
  if [ -n "$found" ]; then export LEDGERLINE_WEBGPU_ARGS="$found"; fi
}

case "${1:-}" in
  unpack) unpack ;;
  probe) unpack; environment; probe ;;
  bench)
    shift
    unpack; environment; probe
    models=()
    if [ "${1:-}" = "--sized" ]; then
      shift
      [ -n "${LEDGERLINE_WEBGPU_ARGS:-}" ] || { echo "no GPU adapter (see the probe above): not building the stand-in" >&2; exit 1; }
      # The dtype the engine will pick: q4f16 where the adapter has shader-f16, else q4.
      variant=q4; grep -F -- "$LEDGERLINE_WEBGPU_ARGS\"" "$root/probe.txt" | grep -q '"adapter":{[^}]*"shaderF16":true' && variant=q4f16
      node node_modules/tsx/dist/cli.mjs bench/make-sized-model.ts bench/models --variants "$variant"
      models=(--model bench/models/ledgerline-bench/qwen2.5-0.5b-size)
    fi
    node node_modules/tsx/dist/cli.mjs bench/engine.ts "${models[@]}" "$@" --backends gpu  # an earlier --backends wins
    ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac

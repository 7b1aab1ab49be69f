#!/usr/bin/env bash
# Packs what `bench/engine.ts --backends gpu` needs into .bench-gpu/, for a Linux x86-64 GPU
# server that has no Node, no Chromium and no network (bench/gpu/run.sh unpacks and runs it).
# Run here, on Debian with its `chromium` installed, after `LEDGERLINE_ENGINE_LAB=1 npx wxt build`.
#   bash bench/gpu/pack.sh [chromium] [runtime] [extras] [extension]     (default: all four)
#   chromium.tar.xz   Debian's Chromium binary
#   runtime.tar.xz    the rest of Chromium and the libraries it links (not glibc, which the server
#                     has, newer), Node, the modules the bench imports
#   extras.tar.xz     a font for Chromium (it aborts without one) and the modules that
#                     bench/make-sized-model.ts imports
#   extension.tar.xz  the built extension with its engine lab page (repack it alone after a change)
# Each archive is split into parts of at most 60 MiB (.part-00, -01, ...), for transfers that cap
# size, and .bench-gpu/archives.sha256 lists the whole archives: run.sh unpacks an archive once
# all its parts have arrived, in any number of transfers.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.bench-gpu
archives=("$@")
[ ${#archives[@]} -gt 0 ] || archives=(chromium runtime extras extension)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
chromium_dir=/usr/lib/chromium

stage_chromium() {
  mkdir -p "$stage/chromium/chromium"
  cp -a "$chromium_dir/chromium" "$stage/chromium/chromium/"
}

stage_runtime() {
  local dir=$stage/runtime
  mkdir -p "$dir/chromium/locales" "$dir/lib" "$dir/node/bin"
  cp -a "$chromium_dir"/{chrome_100_percent.pak,chrome_200_percent.pak,chrome_crashpad_handler,icudtl.dat,resources.pak,snapshot_blob.bin,v8_context_snapshot.bin,libvulkan.so.1,libvk_swiftshader.so,vk_swiftshader_icd.json} "$dir/chromium/"
  cp -a "$chromium_dir/locales/en-US.pak" "$dir/chromium/locales/"
  # Shared libraries Chromium links (and the GL dispatch libraries a Vulkan driver may need), less glibc and the C++ runtime.
  { ldd "$chromium_dir/chromium" "$chromium_dir/chrome_crashpad_handler" | awk '/=> \//{print $3}'
    ls /lib/x86_64-linux-gnu/{libGLdispatch.so.0,libGLX.so.0,libEGL.so.1,libOpenGL.so.0} 2>/dev/null || true
  } | sort -u | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' |
    while read -r lib; do cp -L "$lib" "$dir/lib/"; done
  cp -L "$(command -v node)" "$dir/node/bin/node"
  for m in playwright-core tsx esbuild @esbuild/linux-x64 sirv mrmime totalist @polka/url; do
    mkdir -p "$(dirname "$dir/node_modules/$m")" && cp -a "node_modules/$m" "$dir/node_modules/$m"
  done
  cp -a .wxt "$dir/wxt" # tsconfig.json extends .wxt/tsconfig.json
}

stage_extras() {
  local dir=$stage/extras
  mkdir -p "$dir/fonts"
  cp -L /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$dir/fonts/"
  for m in onnx-proto protobufjs @protobufjs long; do
    mkdir -p "$(dirname "$dir/node_modules/$m")" && cp -a "node_modules/$m" "$dir/node_modules/$m"
  done
}

stage_extension() {
  [ -f .output/chrome-mv3/engine-lab.html ] || { echo "build first: LEDGERLINE_ENGINE_LAB=1 npx wxt build" >&2; exit 1; }
  mkdir -p "$stage/extension"
  cp -a .output/chrome-mv3 "$stage/extension/extension"
}

touch "$out/archives.sha256"
for archive in "${archives[@]}"; do
  "stage_$archive"
  rm -f "$out/$archive.tar.xz.part-"*
  tar -C "$stage/$archive" -cf - . | nice -n 19 xz -T0 -6 > "$stage/$archive.tar.xz"
  { grep -v " $archive.tar.xz\$" "$out/archives.sha256" || true; (cd "$stage" && sha256sum "$archive.tar.xz"); } > "$stage/sums"
  mv "$stage/sums" "$out/archives.sha256"
  split -b 60M -d "$stage/$archive.tar.xz" "$out/$archive.tar.xz.part-"
done
ls -l "$out"

#!/usr/bin/env bash
# Packs what `bench/engine.ts --backends gpu` needs into .bench-gpu/, for a Linux x86-64 GPU
# server that has no Node, no Chromium and no network (bench/gpu/run.sh unpacks and runs it).
# Run here, on Debian with its `chromium` installed, after `LEDGERLINE_ENGINE_LAB=1 npx wxt build`.
#   chromium.tar.xz  Debian's Chromium binary
#   runtime.tar.xz   the rest of Chromium and the libraries it links (not glibc, which the server
#                    has, newer), Node, the modules the bench imports, the built extension with
#                    its engine lab page
# Each archive is split into parts of at most 60 MiB (.part-00, -01, ...), for transfers that cap
# size, and .bench-gpu/archives.sha256 lists the whole archives: run.sh unpacks an archive once
# all its parts have arrived, in any number of transfers.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.bench-gpu
stage=$(mktemp -d)
packed=$(mktemp -d)
trap 'rm -rf "$stage" "$packed"' EXIT
[ -f .output/chrome-mv3/engine-lab.html ] || { echo "build first: LEDGERLINE_ENGINE_LAB=1 npx wxt build" >&2; exit 1; }
mkdir -p "$out" "$stage/chromium/locales" "$stage/lib" "$stage/node/bin" "$stage/extension"

chromium_dir=/usr/lib/chromium
cp -a "$chromium_dir"/{chrome_100_percent.pak,chrome_200_percent.pak,chrome_crashpad_handler,icudtl.dat,resources.pak,snapshot_blob.bin,v8_context_snapshot.bin,libvulkan.so.1,libvk_swiftshader.so,vk_swiftshader_icd.json} "$stage/chromium/"
cp -a "$chromium_dir/locales/en-US.pak" "$stage/chromium/locales/"

# Shared libraries Chromium links (and the GL dispatch libraries a Vulkan driver may need), less glibc and the C++ runtime.
{ ldd "$chromium_dir/chromium" "$chromium_dir/chrome_crashpad_handler" | awk '/=> \//{print $3}'
  ls /lib/x86_64-linux-gnu/{libGLdispatch.so.0,libGLX.so.0,libEGL.so.1,libOpenGL.so.0} 2>/dev/null || true
} | sort -u | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' |
  while read -r lib; do cp -L "$lib" "$stage/lib/"; done

cp -L "$(command -v node)" "$stage/node/bin/node"
for m in playwright-core tsx esbuild @esbuild/linux-x64 sirv mrmime totalist @polka/url; do
  mkdir -p "$(dirname "$stage/node_modules/$m")" && cp -a "node_modules/$m" "$stage/node_modules/$m"
done
cp -a .output/chrome-mv3/. "$stage/extension/"
cp -a .wxt "$stage/wxt"  # tsconfig.json extends .wxt/tsconfig.json

rm -f "$out"/*.part-* "$out/archives.sha256"
tar -C "$(dirname "$chromium_dir")" -cf - chromium/chromium | nice -n 19 xz -T0 -6 > "$packed/chromium.tar.xz"
tar -C "$stage" -cf - . | nice -n 19 xz -T0 -6 > "$packed/runtime.tar.xz"
for archive in chromium runtime; do
  (cd "$packed" && sha256sum "$archive.tar.xz") >> "$out/archives.sha256"
  split -b 60M -d "$packed/$archive.tar.xz" "$out/$archive.tar.xz.part-"
done
ls -l "$out"

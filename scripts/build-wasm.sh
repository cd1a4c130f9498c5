#!/usr/bin/env bash
# Builds the `huimin` npm package into pkg/ (git-ignored): the core compiled
# to wasm32-unknown-unknown, wasm-bindgen glue for Node (CommonJS, loads the
# .wasm synchronously) and for browsers (ES module), a wasm-opt-imised .wasm
# for each, the hand-written entry points and type declarations of js/.
#
#   npm run build            (or: bash scripts/build-wasm.sh)
#
# Installs what is missing: the rustup target, wasm-bindgen-cli at exactly the
# version of the wasm-bindgen crate in Cargo.lock, and the npm dev
# dependencies (wasm-opt comes from the `binaryen` package: no root needed).
# When the compiled .wasm, the tools and the flags are unchanged, wasm-bindgen
# and wasm-opt are skipped, so a re-run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=wasm32-unknown-unknown
OUT=pkg
FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue
  --strip-debug --strip-producers)
# Two builds of the same code: Node's tuned for speed (an analyst's batch of
# 100 000 cases), the browser's for size (it is downloaded). Each line:
# name, cargo profile (Cargo.toml), wasm-bindgen target, wasm-opt options
# (comma-separated), the glue's extension (the nodejs glue is CommonJS, the
# package an ES one), and the crate's features: the browser's embeds the
# shipped packs already checked and compiled, without their test cases
# (`compiled-packs`, from the file `huimin compile` writes below; its
# runTests() on them says so), so that its Engine.withDefaultPacks() only
# decodes them: on a fresh visit it took the page 7 ms instead of 40, and
# the first result came 38 ms sooner (docs/web-form.md, Loading, item 8).
# The browser's wasm-opt does not merge a function into its only caller
# (--one-caller-inline-max-function-size=0): merged, the packs' checker was
# one 74 KB function. A browser compiles a function on its first call, the
# whole of it (most of that one is never run: errors, test cases), and
# recompiles the hot ones with its optimising compiler on another thread,
# which for that one took 100-300 ms of a core while the page started. Not
# merging made the first result come 37 ms earlier and be painted 68 ms
# earlier (median of 15 paired fresh visits), and the file 24 KB smaller
# compressed (docs/web-form.md, Loading).
VARIANTS=(
  "node wasm-node nodejs -O3 cjs -"
  "web wasm web -Oz,--one-caller-inline-max-function-size=0 js compiled-packs"
)

step() { printf '==> %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------
if ! rustup target list --installed | grep -qx "$TARGET"; then
  step "rustup target add $TARGET"
  rustup target add "$TARGET"
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  echo "error: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  step "cargo install wasm-bindgen-cli --version $bindgen_version"
  # --locked can fail when the registry index lacks one of the CLI's locked
  # dependencies; the CLI's own version is what must match, so retry unlocked.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked ||
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# node_modules/.package-lock.json is npm's record of what it installed.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (wasm-opt from the binaryen package, and the test tools)"
  npm ci --no-audit --no-fund
fi
wasm_opt=node_modules/.bin/wasm-opt

# ---- the shipped packs, compiled for the browser's build -------------------
# By the command line of this same commit (the encoding is this build's own:
# build.rs refuses a file compiled from other packs). Replaced only when its
# bytes change, since build.rs watches it: a new file means a new wasm.
target_dir=${CARGO_TARGET_DIR:-target}
mkdir -p "$target_dir"
compiled=$target_dir/huimin-packs.bin
step "cargo run -- compile --output $compiled"
cargo run --quiet --bin huimin -- compile --output "$compiled.new"
if cmp -s "$compiled.new" "$compiled"; then rm "$compiled.new"; else mv "$compiled.new" "$compiled"; fi
HUIMIN_COMPILED_PACKS=$(cd "$(dirname "$compiled")" && pwd)/$(basename "$compiled")
export HUIMIN_COMPILED_PACKS

# ---- compile, bind, optimise -----------------------------------------------
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for variant in "${VARIANTS[@]}"; do
  read -r name profile bindgen_target opt_options ext features <<<"$variant"
  IFS=, read -r -a opt <<<"$opt_options"
  feature_flags=()
  [ "$features" = - ] || feature_flags=(--features "$features")
  step "[$name] cargo build --lib --profile $profile --target $TARGET ${feature_flags[*]}"
  cargo build --lib --profile "$profile" --target "$TARGET" "${feature_flags[@]}"
  input=$target_dir/$TARGET/$profile/huimin.wasm
  # wasm-bindgen and wasm-opt take a minute or two: skip them when their
  # input, the tools and the flags are what made the files in pkg/.
  stamp=$(
    {
      sha256sum "$input" | cut -d' ' -f1
      wasm-bindgen --version
      "$wasm_opt" --version
      echo "$bindgen_target ${opt[*]} ${FEATURES[*]}"
    } | sha256sum | cut -d' ' -f1
  )
  if [ -f "$OUT/.stamp-$name" ] && [ "$(cat "$OUT/.stamp-$name")" = "$stamp" ] &&
    [ -f "$OUT/huimin_${name}_bg.wasm" ] && [ -f "$OUT/huimin_$name.$ext" ]; then
    step "[$name] wasm-bindgen and wasm-opt: up to date"
    continue
  fi
  rm -f "$OUT/.stamp-$name"
  step "[$name] wasm-bindgen --target $bindgen_target"
  wasm-bindgen --target "$bindgen_target" --no-typescript --out-name "huimin_$name" \
    --out-dir "$tmp/$name" "$input"
  step "[$name] wasm-opt ${opt[*]}"
  "$wasm_opt" "${opt[@]}" "${FEATURES[@]}" "$tmp/$name/huimin_${name}_bg.wasm" \
    -o "$OUT/huimin_${name}_bg.wasm"
  cp "$tmp/$name/huimin_$name.js" "$OUT/huimin_$name.$ext"
  echo "$stamp" >"$OUT/.stamp-$name"
done

# ---- entry points, types, manifest (cheap: always) ---------------------------
cp js/node.cjs js/node.js js/web.js js/huimin.d.ts "$OUT/"
cp js/huimin.d.ts "$OUT/huimin.d.cts"
cp docs/npm-package.md "$OUT/README.md"
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
cat >"$OUT/package.json" <<EOF
{
  "name": "huimin",
  "version": "$version",
  "description": "Eligibility calculator for social programs in Jing'an District, Shanghai (WebAssembly)",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "engines": { "node": ">=20" },
  "main": "./node.cjs",
  "module": "./web.js",
  "browser": "./web.js",
  "types": "./huimin.d.ts",
  "exports": {
    ".": {
      "node": {
        "import": { "types": "./huimin.d.ts", "default": "./node.js" },
        "require": { "types": "./huimin.d.cts", "default": "./node.cjs" }
      },
      "types": "./huimin.d.ts",
      "default": "./web.js"
    },
    "./huimin_web_bg.wasm": "./huimin_web_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": ["huimin_node_bg.wasm", "huimin_node.cjs", "huimin_web_bg.wasm", "huimin_web.js",
    "node.cjs", "node.js", "web.js", "huimin.d.ts", "huimin.d.cts", "README.md"],
  "sideEffects": false
}
EOF

for name in node web; do
  f=$OUT/huimin_${name}_bg.wasm
  step "$f: $(wc -c <"$f") bytes, $(gzip -9c "$f" | wc -c) gzip -9"
done

#!/usr/bin/env bash
# The benchmark and the determinism check, compiled to wasm32 and run under node.
#
#   crates/sim/bench-wasm/run.sh                    # (a) 1000:100 and (b) 10000:1000
#   crates/sim/bench-wasm/run.sh 50000:1000         # any REPLICAS:WORKERS cases
#   BENCH_CASES=none crates/sim/bench-wasm/run.sh   # only the determinism check (CI)
#   BENCH_GROWTH=plain crates/sim/bench-wasm/run.sh # dlmalloc's own 64 KiB heap growth
#   BENCH_PROFILE=perf crates/sim/bench-wasm/run.sh # opt-level 3 instead of the page's "z"
#
# Needs the wasm32-unknown-unknown target, the wasm-bindgen CLI matching the workspace pin
# (0.2.130) and node >= 18. Exits non-zero if the wasm hash differs from the native one.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$target_dir/bench-wasm"
profile="${BENCH_PROFILE:-release}"
cargo build --profile "$profile" -p timonel-sim --example bench_wasm --target wasm32-unknown-unknown
wasm-bindgen --target nodejs --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/$profile/examples/bench_wasm.wasm"
# The generated glue is CommonJS; the repository root declares "type": "module".
echo '{ "type": "commonjs" }' > "$out/package.json"
cases=("$@")
if [ "${BENCH_CASES:-}" = "none" ]; then
  cases=("none")
fi
if [ "${cases[0]:-}" = "none" ]; then
  BENCH_WASM_DIR="$out" node "$root/crates/sim/bench-wasm/run.mjs" --check-only
else
  BENCH_WASM_DIR="$out" node "$root/crates/sim/bench-wasm/run.mjs" "${cases[@]}"
fi

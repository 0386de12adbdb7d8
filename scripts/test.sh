#!/usr/bin/env bash
# Runs every test Timonel has, installing what is missing first: formatting, clippy, the native
# tests of the whole workspace, the components in headless Chromium (wasm-bindgen-test), a
# release build, the end-to-end tests against dist/ and the size report. Keeps going after a
# failure, then ends with one line counting tests across all layers: `N passed, N failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" --browser
set +e
cd "$ROOT"

passed=0
failed=0
failures=()
LOG="$(mktemp -d)"

# Adds the counts of every `test result:` line (cargo test, wasm-bindgen-test-runner).
count_rust() {
  local p f
  p=$(grep -oE 'test result: [A-Za-z]+\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -oE '[0-9]+ failed' <(grep 'test result:' "$1") | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}

# Adds the counts of node's test runner (`# pass N`, `# fail N`).
count_node() {
  local p f
  p=$(awk '/^# pass /{s+=$3} END {print s+0}' "$1")
  f=$(awk '/^# fail /{s+=$3} END {print s+0}' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

# stage NAME COUNTER COMMAND...: runs a stage, shows its output, counts its tests. A stage
# without tests of its own (COUNTER "-") counts as one test. A stage that fails without a
# failing test to show for it counts one failure.
stage() {
  local name="$1" counter="$2"; shift 2
  say "$name"
  local out="$LOG/$name.log" before_failed=$failed
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]}
  case "$counter" in
    rust) count_rust "$out" ;;
    node) count_node "$out" ;;
    -) if [[ $status == 0 ]]; then passed=$((passed + 1)); fi ;;
  esac
  if [[ $status != 0 ]]; then
    failures+=("$name")
    [[ $failed == "$before_failed" ]] && failed=$((failed + 1))
  fi
  return "$status"
}

stage fmt - cargo fmt --all --check
stage clippy - cargo clippy --workspace --all-targets --locked -- -D warnings
stage clippy-wasm - cargo clippy -p timonel-web --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
stage native-tests rust cargo test --workspace --locked
CHROMEDRIVER="$(command -v chromedriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  stage browser-tests rust cargo test -p timonel-web --target wasm32-unknown-unknown --locked
# The same seed and requests give the same cluster natively and in wasm32 (under node).
stage wasm-determinism - env BENCH_CASES=none crates/sim/bench-wasm/run.sh
if stage release-build - trunk build --release --offline; then
  stage e2e-tests node node --test --test-reporter=tap --test-concurrency=1 e2e/
  stage size-report - node scripts/size-report.mjs dist
else
  failures+=("e2e-tests (no build)" "size-report (no build)")
  failed=$((failed + 2))
fi

say "Summary"
if [[ ${#failures[@]} -gt 0 ]]; then
  echo "failed stages: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

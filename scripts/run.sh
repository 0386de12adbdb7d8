#!/usr/bin/env bash
# Runs the playground: installs what is missing, builds, and serves it at
# http://127.0.0.1:8080 (ADDRESS and PORT override; `--dev` for a faster, larger debug build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
mode=(--release)
[[ "${1:-}" == "--dev" ]] && mode=()
say "Serving Timonel at http://${ADDRESS:-127.0.0.1}:${PORT:-8080}/ (Ctrl-C stops it)"
exec trunk serve "${mode[@]}" --offline --address "${ADDRESS:-127.0.0.1}" --port "${PORT:-8080}" --no-autoreload

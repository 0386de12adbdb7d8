#!/usr/bin/env bash
# Runs the playground: installs what is missing, builds, and serves it at
# http://127.0.0.1:8080 (ADDRESS and PORT override). `--dev` makes a faster, larger debug
# build; any other arguments go to `trunk serve` (for example `--dist some/folder`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
mode=(--release)
if [[ "${1:-}" == "--dev" ]]; then
  mode=()
  shift
fi
say "Serving Timonel at http://${ADDRESS:-127.0.0.1}:${PORT:-8080}/ (Ctrl-C stops it)"
exec trunk serve "${mode[@]}" --offline --no-autoreload \
  --address "${ADDRESS:-127.0.0.1}" --port "${PORT:-8080}" "$@"

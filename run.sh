#!/usr/bin/env bash
# The main job: opens the workbench on a model (default: ../shared/models/stories260K).
# Without a display it runs the same analysis headless and prints it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
model="${1:-$here/../shared/models/stories260K}"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$here/build/app/qkov-workbench" "$model"
fi
echo "run.sh: no display; showing the model headless (qkov inspect)." >&2
exec "$here/build/app/qkov" inspect "$model"

#!/usr/bin/env bash
# The main job: the workbench on a model (default: ../shared/models/stories260K)
# with the two example tasks loaded and the analysis run. Without a display the
# same analysis runs headless (`qkov analyze`) and prints its summary and the
# paths of the session file and PDF figures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
model="${1:-$here/../shared/models/stories260K}"
task_a="$here/resources/examples/stories.txt"
task_b="$here/resources/examples/numbers.txt"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$here/build/app/qkov-workbench" "$model" --task-a "$task_a" --task-b "$task_b" --run
fi
out="${XDG_DATA_HOME:-$HOME/.local/share}/qkov/run"
mkdir -p "$out"
echo "run.sh: no display; running the analysis headless (qkov analyze)." >&2
exec "$here/build/app/qkov" analyze "$model" --task-a "stories=$task_a" --task-b "numbers=$task_b" \
  --out "$out/stories260K.qkov" --csv "$out/top_conflicts.csv" --pdf "$out/figures"

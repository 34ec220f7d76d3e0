#!/usr/bin/env bash
# The main job: the workbench on the embedded demo model (docs/DEMO.md), with
# its two tasks loaded and the analysis run. The demo is trained on first use
# (about a minute on 2 cores) into the XDG data folder and reused afterwards.
# Without a display the same analysis runs headless (`qkov analyze`) and
# prints its summary and the paths of the session file and PDF figures.
#
#   ./run.sh            the demo
#   ./run.sh MODEL      another model, with the bundled example tasks
#                       (resources/examples/stories.txt and numbers.txt)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/build/app"
data="${XDG_DATA_HOME:-$HOME/.local/share}/qkov"
has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }

if [ $# -ge 1 ]; then
  model="$1"
  name="$(basename "$model")"
  task_a="stories=$here/resources/examples/stories.txt"
  task_b="numbers=$here/resources/examples/numbers.txt"
  if has_display; then
    exec "$bin/qkov-workbench" "$model" --task-a "${task_a#*=}" --task-b "${task_b#*=}" --run
  fi
else
  if has_display; then
    exec "$bin/qkov-workbench" --demo --run
  fi
  model="$data/demo"
  name="demo"
  "$bin/qkov" demo --out "$model"
  task_a="repeat=$model/task_a.txt"
  task_b="add=$model/task_b.txt"
fi

out="$data/run"
mkdir -p "$out"
echo "run.sh: no display; running the analysis headless (qkov analyze)." >&2
exec "$bin/qkov" analyze "$model" --task-a "$task_a" --task-b "$task_b" \
  --out "$out/$name.qkov" --csv "$out/$name-top-conflicts.csv" --pdf "$out/$name-figures"

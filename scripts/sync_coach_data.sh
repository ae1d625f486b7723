#!/usr/bin/env bash
# Copy the data engineers' current labelled files into this worktree (not committed:
# they land through their own branches). For coach-model work before the merge.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/voicepractice/coach/data/labelled"
mkdir -p "$dest"
for wt in /work/wt/coach-data-a /work/wt/coach-data-b; do
  src="$wt/src/voicepractice/coach/data/labelled"
  [ -d "$src" ] && cp -p "$src"/*.jsonl "$src"/sources-*.tsv "$dest"/ 2>/dev/null || true
done
ls "$dest" | wc -l

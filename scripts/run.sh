#!/usr/bin/env bash
# Quick start: install what is missing, build, and run `chunkarr stats` with a progress bar.
#   scripts/run.sh                       # on data/sample.h5 (written once: ~300 MB, shuffle+gzip)
#   scripts/run.sh FILE[:PATH] [stats options]
#   scripts/run.sh --threads 2           # the sample file, with extra stats options
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" --target chunkarr_cli

build_dir="${CHUNKARR_BUILD_DIR:-build}"
[[ "$build_dir" == /* ]] || build_dir="$root/$build_dir"
exe="$build_dir/chunkarr"

if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
  # A file of the user's: its path is relative to the directory run.sh was started from.
  target="$1"
  shift
else
  cd "$root"
  target="data/sample.h5"
  if [ ! -e "$target" ]; then
    mkdir -p data
    echo "run.sh: writing the sample file $target (a few hundred MB, once)"
    /usr/bin/python3 scripts/make_sample.py "$target" --size-mb 300 --compression gzip
  fi
fi

# FILE[:PATH]: the whole argument when it names a file, otherwise split at the last ':'.
file="$target"
if [ ! -e "$target" ] && [[ "$target" == *:* ]]; then
  file="${target%:*}"
fi

# A progress bar on stderr unless the caller chose --progress or --no-progress.
progress=(--progress)
for a in "$@"; do
  case "$a" in --progress|--no-progress) progress=() ;; esac
done

echo "\$ chunkarr info $file"
"$exe" info "$file"
echo
stats_args=("$target" ${progress[@]+"${progress[@]}"} "$@")
echo "\$ chunkarr stats ${stats_args[*]}"
"$exe" stats "${stats_args[@]}"

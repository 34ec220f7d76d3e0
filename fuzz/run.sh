#!/usr/bin/env bash
# Runs one fuzz target with the settings of fuzz/README.md:
#   fuzz/run.sh <build dir> <target> [runs (default 1000000)] [extra libFuzzer flags...]
# The working corpus grows in <build>/fuzz/corpus/<target> (seeded from
# <build>/fuzz/seeds/<target>); crashes land in <build>/fuzz/artifacts/.
set -euo pipefail
build=$1 target=$2 runs=${3:-1000000}
shift $(( $# < 3 ? $# : 3 ))
case $target in
  safetensors|session)             max_len=16384 ;;
  tokenizer_json)                  max_len=16384 ;;
  llama2c_checkpoint|llama2c_tokenizer) max_len=8192 ;;
  *)                               max_len=4096 ;;
esac
fuzz="$build/fuzz"
mkdir -p "$fuzz/corpus/$target" "$fuzz/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$fuzz/fuzz_$target" "$fuzz/corpus/$target" "$fuzz/seeds/$target" \
    -runs="$runs" -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/${target}-" "$@"

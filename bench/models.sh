#!/usr/bin/env bash
# Latency of every benchmarked model, Ledge and ONNX Runtime alternating in one process
# (`ledge bench --compare-ort`), at 1 and 2 threads; prints the Markdown table of BENCHMARKS.md and
# keeps each run's JSON under bench/results/.
#
#   bench/models.sh [THREADS...]        (default: 1 2)
#
# Needs: ./ledge (JDK 25), ../shared/onnx-tests/light, `./ledge fetch silero-vad openwakeword`.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=("$@")
[ $# -gt 0 ] || threads=(1 2)
light=../shared/onnx-tests/light
cache=${LEDGE_HOME:-$HOME/.cache/ledge}/packages
out=bench/results
mkdir -p "$out"

# name | model | extra bench arguments (the small models get long warm-ups: the JIT needs
# hundreds of calls before every kernel is compiled)
models=(
  "resnet50|$light/light_resnet50.onnx|--warmup 30 --runs 20"
  "squeezenet|$light/light_squeezenet.onnx|--warmup 300 --runs 50"
  "shufflenet|$light/light_shufflenet.onnx|--warmup 300 --runs 50"
  "densenet121|$light/light_densenet121.onnx|--warmup 30 --runs 20"
  "inception_v1|$light/light_inception_v1.onnx|--warmup 30 --runs 20"
  "inception_v2|$light/light_inception_v2.onnx|--warmup 30 --runs 20"
  "bvlc_alexnet|$light/light_bvlc_alexnet.onnx|--warmup 100 --runs 20"
  "zfnet512|$light/light_zfnet512.onnx|--warmup 10 --runs 20"
  "vgg19|$light/light_vgg19.onnx|--warmup 5 --runs 10"
  "silero_vad (per chunk, state carried)|$cache/silero-vad-1.0.3/weights/silero_vad.onnx|--warmup 2000 --runs 1000 --shape input=1x576 --input sr=bench/inputs/silero_sr_16000.npy --input state=bench/inputs/silero_state_zeros.npy --carry stateN=state"
  "oww melspectrogram|$cache/openwakeword-0.1.1/models/melspectrogram.onnx|--warmup 2000 --runs 1000 --shape input=1x1760"
  "oww embedding|$cache/openwakeword-0.1.1/models/embedding_model.onnx|--warmup 500 --runs 300"
)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| model | threads | Ledge load ms | ORT load ms | Ledge median ms | ORT median ms | Ledge p90 ms | ORT p90 ms | Ledge alloc B/run | Ledge/ORT |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for t in "${threads[@]}"; do
  for entry in "${models[@]}"; do
    IFS='|' read -r name file extra <<<"$entry"
    slug=$(echo "$name" | cut -d' ' -f1-2 | tr ' ' '_')
    # shellcheck disable=SC2086
    res=$(./ledge bench "$file" --threads "$t" --compare-ort $extra --json "$out/${slug}_t$t.json" 2>&1) || {
      echo "| $name | $t | failed: $(echo "$res" | tail -1) |"
      continue
    }
    echo "$res" | awk -v name="$name" -v t="$t" '
      /^ledge:/ {ll=$3; lm=$6; lp=$9; la=$12}
      /^ort:/   {ol=$3; om=$6; op=$9}
      /^ratio:/ {r=$2}
      END {printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | **%s** |\n", name, t, ll, ol, lm, om, lp, op, la, r}'
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Training throughput of Ledge and PyTorch side by side: LeNet-5 (or --arch mlp) on the canonical
# MNIST split, batch 64, SGD momentum 0.9, lr 0.05, 1 and 2 threads. Each engine trains EPOCHS epochs;
# the first is warm-up (JIT, allocator); the median and the best samples/s of the others are reported
# (on a shared machine the best epoch is the closest to an idle core).
#
#   bench/train_throughput.sh [lenet5|mlp] [EPOCHS]
#
# Needs: ./ledge (JDK 25), Debian's python3-torch, `./ledge fetch mnist`.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-lenet5}
epochs=${2:-4}
py=/usr/bin/python3

rates() { # stdin: lines with "N samples/s"; skips the first (warm-up) epoch; prints "median best"
  grep -oE '[0-9]+ +samples/s' | awk 'NR>1 {print $1}' | sort -n |
    awk '{a[NR]=$1} END {if (NR==0) print "0 0"; else if (NR%2) print a[(NR+1)/2], a[NR]; else print (a[NR/2]+a[NR/2+1])/2, a[NR]}'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(${py} -c 'import torch; print("torch", torch.__version__)')"
echo "BLAS used by PyTorch (libblas.so.3): $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3) (install libopenblas0-pthread for an optimized one)"
printf '%-8s %-8s %14s %14s %14s %14s %8s %8s\n' arch threads ledge-median torch-median \
  ledge-best torch-best ratio-med ratio-best
for t in 1 2; do
  ledge=$(./ledge train --arch "$arch" --data mnist --epochs "$epochs" --batch 64 --optimizer sgd \
    --lr 0.05 --momentum 0.9 --seed 1 --threads "$t" --out /tmp/ledge-throughput.onnx --no-progress 2>&1 |
    grep -E '^epoch [0-9]+/' | rates)
  torch=$(${py} bench/train_lenet_torch.py --arch "$arch" --threads "$t" --epochs "$epochs" 2>&1 |
    grep -E '^epoch' | rates)
  read -r lm lb <<<"$ledge"
  read -r tm tb <<<"$torch"
  rm_=$(awk -v a="$lm" -v b="$tm" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
  rb=$(awk -v a="$lb" -v b="$tb" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
  printf '%-8s %-8s %14s %14s %14s %14s %8s %8s\n' "$arch" "$t" "$lm" "$tm" "$lb" "$tb" "$rm_" "$rb"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

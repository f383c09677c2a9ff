#!/usr/bin/python3
"""gradlab's benchmark workloads in PyTorch, for side-by-side timing with `gradlab bench`.

Each --workload is the same network, data and training as a gradlab spec (bench/compare.sh runs each
beside its spec):

  sigmoid    the reference workload of `gradlab bench` without a spec: 784 -> 7 x 128 sigmoid -> 10,
             PyTorch's default nn.Linear initialisation (gradlab's `pytorch-default`), SGD lr 0.01,
             batch 512 (--batch 64 for the batch-64 reference; sigmoid-512 and sigmoid-64 are aliases),
             all 60000 training images
  relu       examples/m05/relu.yaml: ReLU units, weights N(0, 0.05^2) and zero biases (every layer), SGD lr 0.01
  adam       examples/m05/adam.yaml: the sigmoid network trained with Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8)
  skip       examples/m05/skip.yaml: the sigmoid network with skips [[1, 3], [4, 7]]: the output of hidden layer 1
             (after its sigmoid) is added to that of layer 3, which feeds layer 4; layer 4's to layer 7's
  batchnorm  examples/m05/batchnorm.yaml: BatchNorm1d (eps 1e-5, momentum 0.1, affine) between each linear layer and
             its sigmoid, weights N(0, 0.05^2) and zero biases, SGD lr 0.01
  lstm       examples/rnn/fashion-lstm.yaml: each image as 28 rows of 28 pixels, LSTM 64 and a linear head on its
             last state, Adam lr 0.005, batch 64, seed 1, the embedded subset (5000 training images)
  gru        examples/rnn/fashion-gru.yaml: the same with a GRU 64
  resnet20   examples/resnet/resnet20.yaml on the embedded subset: images 1x28x28, ResNet-20 in the CIFAR form (3x3 stem
             of 16 channels, three stages of 3 basic blocks at 16/32/64 channels, stride-2 transitions with 1x1 conv + BN
             projections, global average pooling, linear head), convolutions without bias, BatchNorm2d (eps 1e-5,
             momentum 0.1), PyTorch's default initialisation (gradlab's pytorch-default), SGD lr 0.05, batch 128;
             2 torch threads by default (PyTorch's fastest setting for convolutions here)

The m05 workloads train on the 54000 images their spec keeps after its 6000-image validation split, at batch 512,
seed 42. The recurrent workloads start as gradlab's recurrent layers do: input weights U(-1/sqrt(28), 1/sqrt(28))
(`pytorch-default` on the input fan), each gate's [64, 64] block of W_hh a random orthogonal matrix, biases zero
except the LSTM's forget-gate input bias (1.0); the head is PyTorch's default nn.Linear. Pixels are / 255 (gradlab's
IDX reader), the batches a shuffled copy per epoch, float32. No evaluation (gradlab's is not timed either).

One warm-up epoch, then --epochs timed epochs; prints the median samples/s (--json: one JSON object).

Threads: torch.set_num_threads(--threads) (default 1, PyTorch's fastest setting on the 2-core development machine);
OpenBLAS reads OPENBLAS_NUM_THREADS (and OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) from the environment when the process
starts: set or unset them in the command that runs this script, as bench/compare.sh does.
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
EMBEDDED_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine", "src", "main", "resources",
                             "io", "gradlab", "engine", "data", "fashion-mnist-subset")

# name -> the spec it mirrors and its settings. data: "full" reads --data (the spec's subset: full, or the reference's
# full data), "embedded" the embedded subset (the spec's subset: embedded, which gradlab keeps even with --data).
WORKLOADS = {
    "sigmoid": dict(spec=None, net="mlp", act="sigmoid", init="pytorch-default", opt="sgd", lr=0.01, batch=512,
                    train=60000, seed=42, data="full"),
    "relu": dict(spec="examples/m05/relu.yaml", net="mlp", act="relu", init="normal", opt="sgd", lr=0.01, batch=512,
                 train=54000, seed=42, data="full"),
    "adam": dict(spec="examples/m05/adam.yaml", net="mlp", act="sigmoid", init="pytorch-default", opt="adam", lr=0.001,
                 batch=512, train=54000, seed=42, data="full"),
    "skip": dict(spec="examples/m05/skip.yaml", net="skip", act="sigmoid", init="pytorch-default", opt="sgd", lr=0.01,
                 batch=512, train=54000, seed=42, data="full"),
    "batchnorm": dict(spec="examples/m05/batchnorm.yaml", net="batchnorm", act="sigmoid", init="normal", opt="sgd",
                      lr=0.01, batch=512, train=54000, seed=42, data="full"),
    "lstm": dict(spec="examples/rnn/fashion-lstm.yaml", net="lstm", opt="adam", lr=0.005, batch=64, train=5000,
                 seed=1, data="embedded"),
    "gru": dict(spec="examples/rnn/fashion-gru.yaml", net="gru", opt="adam", lr=0.005, batch=64, train=5000, seed=1,
                data="embedded"),
    "resnet20": dict(spec="examples/resnet/resnet20.yaml", net="resnet", depth=20, opt="sgd", lr=0.05, batch=128,
                     train=5000, seed=42, data="embedded", threads=2),
}
ALIASES = {"sigmoid-512": ("sigmoid", 512), "sigmoid-64": ("sigmoid", 64), "reference": ("sigmoid", None)}
HIDDEN = [128] * 7
SKIPS = [(1, 3), (4, 7)]
RNN_HIDDEN = 64
STEPS = 28


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


def build(torch, w):
    """The network of workload w, initialised as gradlab initialises its spec."""
    nn = torch.nn

    def linear(i, o):
        layer = nn.Linear(i, o)  # PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias
        if w.get("init") == "normal":  # gradlab's {id: normal, std: 0.05}: N(0, 0.05^2) weights, zero biases
            nn.init.normal_(layer.weight, 0.0, 0.05)
            nn.init.zeros_(layer.bias)
        return layer

    def act():
        return nn.ReLU() if w.get("act") == "relu" else nn.Sigmoid()

    net = w["net"]
    if net in ("mlp", "batchnorm"):
        layers, width = [], 784
        for h in HIDDEN:
            layers.append(linear(width, h))
            if net == "batchnorm":
                layers.append(nn.BatchNorm1d(h, eps=1e-5, momentum=0.1, affine=True))
            layers.append(act())
            width = h
        layers.append(linear(width, 10))
        return nn.Sequential(*layers)
    if net == "skip":
        return SkipMlp(torch, linear, act)
    if net in ("lstm", "gru"):
        return Recurrent(torch, net)
    if net == "resnet":
        return ResNet(torch, w["depth"])
    raise ValueError(net)


def ResNet(torch, depth, width=16, residual=True):
    """gradlab's resnet architecture: the CIFAR ResNet of He et al. (2016) with option-B projections, on 1x28x28."""
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = None
            if residual and (stride != 1 or cin != cout):
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            h = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            if residual:
                h = h + (x if self.shortcut is None else self.shortcut(x))
            return torch.relu(h)

    class _ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            n = (depth - 2) // 6
            self.stem = nn.Sequential(nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
            blocks, cin = [], width
            for stage in range(3):
                cout = width << stage
                for i in range(n):
                    blocks.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                    cin = cout
            self.blocks = nn.Sequential(*blocks)
            self.head = nn.Linear(cin, 10)

        def forward(self, x):
            h = self.blocks(self.stem(x.view(x.shape[0], 1, 28, 28)))
            return self.head(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(h, 1), 1))

    return _ResNet()


def SkipMlp(torch, linear, act):
    """gradlab's skip-mlp: h_k = block_k(h_{k-1}) + sum of h_f over skips (f, k); the output is head(h_L)."""

    class _SkipMlp(torch.nn.Module):
        def __init__(self):
            super().__init__()
            widths = [784] + HIDDEN
            self.blocks = torch.nn.ModuleList(
                torch.nn.Sequential(linear(widths[i], widths[i + 1]), act()) for i in range(len(HIDDEN)))
            self.head = linear(HIDDEN[-1], 10)
            self.into = {}
            for f, t in SKIPS:
                self.into.setdefault(t, []).append(f)

        def forward(self, x):
            h = [x]
            for k, block in enumerate(self.blocks, start=1):
                out = block(h[k - 1])
                for f in self.into.get(k, []):
                    out = out + h[f]
                h.append(out)
            return self.head(h[-1])

    return _SkipMlp()


def Recurrent(torch, cell):
    """rnn-net with one LSTM or GRU layer of 64 units over 28 steps of 28 features, a linear head on the last state."""

    class _Recurrent(torch.nn.Module):
        def __init__(self):
            super().__init__()
            kind = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
            self.rnn = kind(STEPS, RNN_HIDDEN, batch_first=True)
            self.head = torch.nn.Linear(RNN_HIDDEN, 10)
            gates = 4 if cell == "lstm" else 3
            with torch.no_grad():
                bound = 1.0 / (STEPS ** 0.5)  # pytorch-default on the input fan (28 features per step)
                self.rnn.weight_ih_l0.uniform_(-bound, bound)
                for g in range(gates):
                    torch.nn.init.orthogonal_(self.rnn.weight_hh_l0[g * RNN_HIDDEN:(g + 1) * RNN_HIDDEN])
                self.rnn.bias_ih_l0.zero_()
                self.rnn.bias_hh_l0.zero_()
                if cell == "lstm":  # gate order i, f, g, o: the forget gate's input bias starts at 1.0
                    self.rnn.bias_ih_l0[RNN_HIDDEN:2 * RNN_HIDDEN].fill_(1.0)

        def forward(self, x):
            out, _ = self.rnn(x.view(x.shape[0], STEPS, STEPS))
            return self.head(out[:, -1, :])

    return _Recurrent()


def flops_per_sample(w):
    """2mnk of the dense products as gradlab counts them (forward and weight gradient of every dense layer, input
    gradient of all but the first); None for the recurrent and convolutional workloads, as gradlab reports them."""
    if w["net"] in ("lstm", "gru", "resnet"):
        return None
    widths = [784] + HIDDEN + [10]
    mn = [widths[i] * widths[i + 1] for i in range(len(widths) - 1)]
    return sum(2 * x * (2 if i == 0 else 3) for i, x in enumerate(mn))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog="workloads: " + ", ".join(
        list(WORKLOADS) + list(ALIASES)), formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", default="sigmoid", help="which network (default: sigmoid, the reference)")
    ap.add_argument("--batch", type=int, default=None, help="samples per step (default: the workload's)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default 1; 2 for resnet20)")
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up epoch (median)")
    ap.add_argument("--train-size", type=int, default=None, help="samples per epoch (default: the workload's)")
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: the workload's)")
    ap.add_argument("--seed", type=int, default=None, help="(default: the workload's)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="the full FashionMNIST IDX folder (workloads on the full data)")
    ap.add_argument("--embedded-data", default=EMBEDDED_DATA, help="gradlab's embedded subset (the recurrent workloads)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    name = args.workload
    batch = args.batch
    if name in ALIASES:
        name, alias_batch = ALIASES[name]
        batch = batch or alias_batch
    if name not in WORKLOADS:
        print(f"unknown workload '{args.workload}'; known: {', '.join(list(WORKLOADS) + list(ALIASES))}", file=sys.stderr)
        return 2
    w = WORKLOADS[name]
    batch = batch or w["batch"]
    lr = args.lr if args.lr is not None else w["lr"]
    seed = args.seed if args.seed is not None else w["seed"]

    try:
        import numpy as np
        import torch
    except ImportError as e:
        print(f"PyTorch is not installed ({e}): apt-get install -y python3-torch", file=sys.stderr)
        return 3

    threads = args.threads or w.get("threads", 1)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    data_dir = args.data if w["data"] == "full" else args.embedded_data
    dims, pixels = read_idx(find(data_dir, "train-images-idx3-ubyte"))
    _, labels = read_idx(find(data_dir, "train-labels-idx1-ubyte"))
    n = min(args.train_size or w["train"], dims[0])
    # the spec's validation split takes a random hold-out; which images remain does not change the speed
    keep = np.random.default_rng(seed).permutation(dims[0])[:n] if n < dims[0] else np.arange(n)
    x = torch.from_numpy(np.frombuffer(pixels, dtype=np.uint8).reshape(dims[0], -1)[keep].astype(np.float32) / 255.0)
    y = torch.from_numpy(np.frombuffer(labels, dtype=np.uint8)[keep].astype(np.int64))

    model = build(torch, w)
    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    if w["opt"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr)

    def epoch():
        perm = torch.randperm(n)
        start = time.perf_counter()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=False)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        return n / (time.perf_counter() - start), loss.item()

    epoch()  # warm-up
    timed = [epoch() for _ in range(args.epochs)]
    rates = [r for r, _ in timed]
    median = statistics.median(rates)
    flops = flops_per_sample(w)
    result = {
        "framework": f"pytorch {torch.__version__}",
        "workload": args.workload,
        "spec": w["spec"],
        "batch": batch,
        "threads": threads,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "samples": n,
        "samples_per_second": round(median, 1),
        "gflops": round(median * flops / 1e9, 2) if flops else None,
        "flops_per_sample": flops,
        "runs": [round(r, 1) for r in rates],
        "final_loss": timed[-1][1],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch {torch.__version__}: {args.workload}, batch {batch}, {n} samples per epoch, torch threads {threads}, "
              f"OPENBLAS_NUM_THREADS={result['openblas_num_threads']}, OPENBLAS_CORETYPE={result['openblas_coretype']}: "
              f"{median:,.0f} samples/s" + (f" ({result['gflops']} GFLOP/s)" if flops else "") + f", runs {result['runs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Cross-checks gradlab's weight export of a convolutional network against PyTorch.

gradlab trains a small ResNet (`resnet`, depth 8, width 4: stem, three basic blocks, two of them
with 1x1 projections; the embedded FashionMNIST subset, one epoch), exports its weights as
safetensors (`gradlab export`: convolution weights [out, in, kh, kw], BatchNorm2d scale and shift as
`weight`/`bias`, `running_mean`/`running_var`, and `num_batches_tracked` as an int64 scalar) and writes
its logits in evaluation mode on test samples (`gradlab predict`). PyTorch loads the file into the
same network built from nn.Conv2d, nn.BatchNorm2d and nn.Linear, numbered as gradlab numbers its
layers, with `load_state_dict(strict=True)` (every name and shape, nothing missing or extra), and
must give the same logits. Every BatchNorm2d's `num_batches_tracked` must be the number of training
steps gradlab took (one training-mode forward pass per step).

    /usr/bin/python3 interop/resnet_roundtrip.py [--gradlab bin/gradlab] [--depth 8] [--width 4] [--residual true|false]
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_roundtrip import ROOT, compare, gradlab, read_safetensors  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


EMBEDDED_TRAIN = 5000  # training images of the embedded FashionMNIST subset
BATCH = 64


class Numbered(nn.Module):
    """Modules registered as "0", "1", ... and run in order, with an optional residual add before the last one."""

    def __init__(self, modules, shortcut=None, residual=False):
        super().__init__()
        self.count = len(modules)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)
        self.shortcut = shortcut
        self.residual = residual

    def forward(self, x):
        mods = [getattr(self, str(i)) for i in range(self.count)]
        if not self.residual:
            for m in mods:
                x = m(x)
            return x
        # a basic block: conv1 bn1 act conv2 bn2 [shortcut-conv shortcut-bn] act
        body = mods[4](mods[3](mods[2](mods[1](mods[0](x)))))
        skip = x if self.count == 6 else mods[6](mods[5](x))
        return mods[-1](body + skip)


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)


def block(cin, cout, stride, residual):
    mods = [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)]
    if residual and (stride != 1 or cin != cout):
        mods += [nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout)]
    mods.append(nn.ReLU())
    return Numbered(mods, residual=residual)


class Net(nn.Module):
    """gradlab's resnet architecture laid out as gradlab names it: layers.0 stem, .1 BN, .2 ReLU, blocks, pool, head."""

    def __init__(self, depth, width, residual, classes):
        super().__init__()
        n = (depth - 2) // 6
        mods = [nn.Conv2d(1, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        cin = width
        for stage in range(3):
            cout = width << stage
            for i in range(n):
                mods.append(block(cin, cout, 2 if stage > 0 and i == 0 else 1, residual))
                cin = cout
        mods += [GlobalAvgPool(), nn.Linear(cin, classes)]
        self.layers = Numbered(mods)

    def forward(self, x):
        return self.layers(x.view(x.shape[0], 1, 28, 28))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gradlab", default=os.path.join(ROOT, "bin", "gradlab"), help="the gradlab launcher")
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--width", type=int, default=4)
    parser.add_argument("--residual", default="true", choices=["true", "false"])
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--work", help="a folder for the files (default: a temporary folder)")
    args = parser.parse_args()
    cmd = [args.gradlab]
    work = args.work or tempfile.mkdtemp(prefix="gradlab-resnet-interop-")
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)

    spec = os.path.join(work, "resnet-interop.yaml")
    with open(spec, "w") as f:
        f.write("name: resnet-interop\n"
                "data: {source: {id: fashion-mnist, subset: embedded}}\n"
                "model: {architecture: {id: resnet, depth: %d, width: %d, residual: %s}}\n"
                "training: {epochs: 1, batch-size: %d, optimizer: {id: adam, lr: 0.01}, seed: 3}\n"
                % (args.depth, args.width, args.residual, BATCH))
    run_dir = gradlab(cmd, "run", spec, "--out", os.path.join(work, "runs"), "--quiet").strip().splitlines()[-1]
    weights = os.path.join(work, "gradlab-weights.safetensors")
    gradlab(cmd, "export", run_dir, "--out", weights)
    predicted = os.path.join(work, "gradlab-logits.safetensors")
    gradlab(cmd, "predict", run_dir, "--samples", str(args.samples), "--out", predicted)
    state, _ = read_safetensors(weights)
    outputs, _ = read_safetensors(predicted)
    classes = outputs["logits"].shape[1]
    net = Net(args.depth, args.width, args.residual == "true", classes)
    try:
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, strict=True)
    except RuntimeError as e:
        print("the export does not load with strict=True: %s" % e)
        return 1
    tracked = {k: v for k, v in state.items() if k.endswith("num_batches_tracked")}
    counts = sorted({int(v) for v in tracked.values()})
    kinds = sorted({str(v.dtype) + str(list(v.shape)) for v in tracked.values()})
    print("%-52s %d layers, %s, value(s) %s" % ("  num_batches_tracked", len(tracked), ", ".join(kinds), counts))
    steps = -(-EMBEDDED_TRAIN // BATCH)  # one epoch; the last batch is partial
    if not tracked or counts != [steps] or kinds != ["torch.int64[]"]:
        print("every BatchNorm2d must carry num_batches_tracked = %d (the training steps) as an int64 scalar" % steps)
        return 1
    net.eval()
    with torch.no_grad():
        torch_logits = net(outputs["inputs"].float())
    ok = compare("gradlab resnet weights in PyTorch (%d samples)" % args.samples, outputs["logits"], torch_logits, args.tolerance)
    labels = outputs["labels"].reshape(-1).long()
    print("%-52s %.3f" % ("  accuracy of those samples in PyTorch", (torch_logits.argmax(1) == labels).float().mean().item()))
    print("files in " + work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

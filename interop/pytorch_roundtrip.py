#!/usr/bin/env python3
"""Cross-checks gradlab's weight export and import against PyTorch.

1. gradlab trains a small MLP (embedded FashionMNIST subset, one epoch), exports its weights as
   safetensors (`gradlab export`) and writes its logits on test samples (`gradlab predict`);
   PyTorch loads the file into an nn.Sequential held in `layers` (strict names and shapes) and must
   give the same logits within the tolerance.
2. PyTorch makes a freshly initialised model of the same shape, saves it as safetensors (written by
   hand below, so the `safetensors` package is not needed) together with random inputs; gradlab
   loads it (`gradlab predict SPEC --weights ... --inputs ...`) and must give PyTorch's logits.

Needs PyTorch (Debian: apt-get install -y python3-torch, then run with /usr/bin/python3) and a built
gradlab (mvn -B package -DskipTests in the project root). Exit code 0 when both directions agree.

    /usr/bin/python3 interop/pytorch_roundtrip.py [--gradlab bin/gradlab] [--activation sigmoid|tanh|relu]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("pytorch_roundtrip: PyTorch is not installed for " + sys.executable
             + ": apt-get install -y python3-torch and run this script with /usr/bin/python3")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def read_safetensors(path):
    """The tensors of a safetensors file (F32, F64, I64) and its metadata, without the safetensors package."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, entry in header.items():
        dtype, size = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        tensors[name] = flat.reshape(entry["shape"]).clone()
    return tensors, meta


def write_safetensors(path, tensors, meta=None):
    """Writes F32/F64 tensors as safetensors: 8-byte little-endian header size, JSON header, raw data."""
    header = {"__metadata__": meta or {"format": "pt"}}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code = {torch.float32: "F32", torch.float64: "F64"}[t.dtype]
        raw = t.numpy().astype("<f4" if code == "F32" else "<f8").tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


class Net(nn.Module):
    """An MLP as gradlab's `mlp` architecture lays it out: Linear, activation, ..., Linear, in `layers`."""

    def __init__(self, widths, activation):
        super().__init__()
        modules = []
        for i in range(len(widths) - 1):
            modules.append(nn.Linear(widths[i], widths[i + 1]))
            if i < len(widths) - 2:
                modules.append(ACTIVATIONS[activation]())
        self.layers = nn.Sequential(*modules)

    def forward(self, x):
        return self.layers(x)


def gradlab(cmd, *args):
    result = subprocess.run(cmd + list(args), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("pytorch_roundtrip: gradlab " + " ".join(args) + " failed (exit " + str(result.returncode) + "):\n"
                 + result.stderr)
    return result.stdout


def compare(what, expected, actual, tolerance):
    diff = (expected.double() - actual.double()).abs().max().item()
    ok = diff <= tolerance
    print("%-52s max |difference| = %.3g  %s" % (what, diff, "ok" if ok else "FAILED (tolerance %g)" % tolerance))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gradlab", default=os.path.join(ROOT, "bin", "gradlab"), help="the gradlab launcher")
    parser.add_argument("--activation", default="sigmoid", choices=sorted(ACTIVATIONS))
    parser.add_argument("--hidden", default="64,32", help="hidden widths, comma-separated")
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--work", help="a folder for the files (default: a temporary folder)")
    args = parser.parse_args()
    cmd = [args.gradlab]
    hidden = [int(w) for w in args.hidden.split(",")]
    work = args.work or tempfile.mkdtemp(prefix="gradlab-interop-")
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)

    spec = os.path.join(work, "interop.yaml")
    with open(spec, "w") as f:
        f.write("name: interop\n"
                "data: {source: {id: fashion-mnist, subset: embedded}}\n"
                "model: {architecture: {id: mlp, hidden: [%s], activation: %s}}\n"
                "training: {epochs: 1, batch-size: 128, optimizer: {id: sgd, lr: 0.1}, seed: 3}\n"
                % (", ".join(str(w) for w in hidden), args.activation))

    # 1. gradlab -> PyTorch
    run_dir = gradlab(cmd, "run", spec, "--out", os.path.join(work, "runs"), "--quiet").strip().splitlines()[-1]
    weights = os.path.join(work, "gradlab-weights.safetensors")
    gradlab(cmd, "export", run_dir, "--out", weights)
    predicted = os.path.join(work, "gradlab-logits.safetensors")
    gradlab(cmd, "predict", run_dir, "--samples", str(args.samples), "--out", predicted)
    state, _ = read_safetensors(weights)
    outputs, _ = read_safetensors(predicted)
    inputs = outputs["inputs"]
    widths = [inputs.shape[1]] + hidden + [state["layers.%d.weight" % (2 * len(hidden))].shape[0]]
    net = Net(widths, args.activation)
    net.load_state_dict(state, strict=True)
    with torch.no_grad():
        torch_logits = net(inputs.float())
    ok = compare("gradlab weights in PyTorch (%d samples)" % args.samples, outputs["logits"], torch_logits, args.tolerance)
    labels = outputs["labels"].reshape(-1).long()
    print("%-52s %.3f" % ("  accuracy of those samples in PyTorch", (torch_logits.argmax(1) == labels).float().mean().item()))

    # 2. PyTorch -> gradlab
    torch.manual_seed(1234)
    fresh = Net(widths, args.activation)
    torch_weights = os.path.join(work, "torch-weights.safetensors")
    write_safetensors(torch_weights, fresh.state_dict())
    x = torch.randn(args.samples, widths[0])
    torch_inputs = os.path.join(work, "torch-inputs.safetensors")
    write_safetensors(torch_inputs, {"inputs": x})
    back = os.path.join(work, "gradlab-on-torch.safetensors")
    gradlab(cmd, "predict", spec, "--weights", torch_weights, "--inputs", torch_inputs, "--out", back)
    with torch.no_grad():
        expected = fresh(x)
    got, _ = read_safetensors(back)
    ok = compare("PyTorch weights in gradlab (%d random inputs)" % args.samples, expected, got["logits"], args.tolerance) and ok

    print("files in " + work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

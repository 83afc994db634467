"""The bench's MLP step in PyTorch, one thread, driven by `pnpm bench` over stdin/stdout.

Usage: python3 torch_mlp.py DIR, where DIR holds the shared initial parameters and batch as raw
little-endian float32 files (meta.json names their shapes; see bench/src/pytorch.ts). The model is
the one every contender runs: h = relu(x·W + b) per hidden layer, W stored [in, out];
loss = mean over the batch of −Σ y log softmax(z); Adam with η = 1e-3, β₁ = 0.9, β₂ = 0.999,
ε = 1e-8 added to √v̂ (PyTorch's placement, the bench's `epsilonPlacement: 'outside'`).

Protocol, one JSON object per line: after loading it prints {"ready": true, "torch": version,
"threads": n, "blas": library path, "initial_loss": ℓ}; then each request {"what": "step" | "forward", "ms": t,
"min_calls": c} runs one block of calls, timed here (at least t ms and c calls), and is answered
with {"per_second": rate, "first": losses of the first two calls}; {"what": "reset"} puts the
parameters back to the initial ones and replaces the optimiser with a fresh Adam (no moments, step
count 0), answered with {"reset": true}; {"what": "quit"} ends it.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def load(folder, name, shape):
    data = np.fromfile(os.path.join(folder, name), dtype="<f4")
    return torch.from_numpy(data.reshape(shape).copy())


def blas_library():
    """The BLAS library this process loaded (Debian's torch uses whichever libblas.so.3 the system selects)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
        blas = sorted(p for p in paths if "libblas" in p) or sorted(paths)
        return blas[0] if blas else "unknown"
    except OSError:
        return "unknown"


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    layers, batch = meta["layers"], meta["batch"]
    x = load(folder, "x.f32", (batch, layers[0]))
    labels = load(folder, "y.f32", (batch, layers[-1])).argmax(dim=1)
    modules = []
    for l in range(len(layers) - 1):
        linear = torch.nn.Linear(layers[l], layers[l + 1])
        with torch.no_grad():
            # nn.Linear keeps W as [out, in] and computes x·Wᵀ: the same product as x·W with W [in, out].
            linear.weight.copy_(load(folder, f"W{l}.f32", (layers[l], layers[l + 1])).t())
            linear.bias.copy_(load(folder, f"b{l}.f32", (layers[l + 1],)))
        modules.append(linear)
        if l + 2 < len(layers):
            modules.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*modules)
    initial = [p.detach().clone() for p in model.parameters()]
    adam = lambda: torch.optim.Adam(model.parameters(), lr=meta["lr"], betas=(0.9, 0.999), eps=1e-8)
    optimizer = adam()

    def reset():
        nonlocal optimizer
        with torch.no_grad():
            for p, p0 in zip(model.parameters(), initial):
                p.copy_(p0)
        optimizer = adam()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    def forward():
        with torch.no_grad():
            return F.cross_entropy(model(x), labels).item()

    reply = lambda obj: print(json.dumps(obj), flush=True)
    reply({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "initial_loss": forward()})
    for line in sys.stdin:
        request = json.loads(line)
        if request["what"] == "quit":
            break
        if request["what"] == "reset":
            reset()
            reply({"reset": True})
            continue
        run = step if request["what"] == "step" else forward
        calls, first = 0, []
        start = time.perf_counter()
        while True:
            loss = run()
            if calls < 2:
                first.append(loss)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed * 1000 >= request["ms"] and calls >= request["min_calls"]:
                break
        reply({"per_second": calls / elapsed, "first": first})


main()

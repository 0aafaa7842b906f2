#!/usr/bin/env python3
"""Reference numbers for the probe tests, from PyTorch (run with the fixture venv).

Trains the elastic-net softmax probe exactly as NeuroX / the Pitfalls code do (mean cross-entropy
+ λ1·Σ|W| + λ2·sqrt(ΣW²), Adam, minibatches in order) from given initial weights on a small
synthetic dataset, and writes everything to Tests/CoreTests/Fixtures/probes/linear-probe.json.
"""
import json, pathlib
import numpy as np
import torch

out = pathlib.Path(__file__).resolve().parent.parent / "Tests/CoreTests/Fixtures/probes"
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)
n, d, c = 150, 8, 3
centers = rng.normal(0, 1.5, size=(c, d))
labels = rng.integers(0, c, size=n)
features = (centers[labels] + rng.normal(0, 1, size=(n, d))).astype(np.float32)
bound = 1 / np.sqrt(d)
w0 = rng.uniform(-bound, bound, size=(c, d)).astype(np.float32)
b0 = rng.uniform(-bound, bound, size=c).astype(np.float32)
settings = dict(lambda1=0.001, lambda2=0.01, epochs=3, batch_size=32, learning_rate=0.01)

linear = torch.nn.Linear(d, c)
with torch.no_grad():
    linear.weight.copy_(torch.tensor(w0)); linear.bias.copy_(torch.tensor(b0))
optimizer = torch.optim.Adam(linear.parameters(), lr=settings["learning_rate"])
x = torch.tensor(features); y = torch.tensor(labels)
for epoch in range(settings["epochs"]):
    for start in range(0, n, settings["batch_size"]):
        xb, yb = x[start:start + settings["batch_size"]], y[start:start + settings["batch_size"]]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(linear(xb), yb)
        loss = loss + settings["lambda1"] * linear.weight.abs().sum() + settings["lambda2"] * torch.sqrt((linear.weight ** 2).sum())
        loss.backward()
        optimizer.step()

json.dump({
    "source": f"torch {torch.__version__}",
    "features": features.tolist(), "labels": labels.tolist(), "classes": c,
    "initial_weights": w0.tolist(), "initial_bias": b0.tolist(), "settings": settings,
    "final_weights": linear.weight.detach().numpy().tolist(), "final_bias": linear.bias.detach().numpy().tolist(),
}, open(out / "linear-probe.json", "w"))
print("wrote", out / "linear-probe.json")

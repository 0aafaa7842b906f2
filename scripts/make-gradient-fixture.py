#!/usr/bin/env python3
"""torch.autograd's gradient at one site of the tiny Gemma-3-shaped GGUF, for `GradientTests`.

    PYTHONPATH=… /work/venv/bin/python scripts/make-gradient-fixture.py   (torch, transformers, gguf, accelerate)

Loads the tiny GGUF that `workbench tiny-model` writes (as scripts/make-decoder-fixtures does) into transformers' Gemma 3 (dequantised to
float32), runs each sequence alone, with block 3's output (hidden state 3, the residual stream) made
a leaf of the graph by a forward hook and, at position 1, gated as the bench's intervention step does:
h' = (1 - sigmoid(g)) * h + sigmoid(g) * b. Loss = sum over the sequences of logit(a) - logit(b) at the
last position. Writes expected/gemma3-tiny/gradient.json: the ids, the site, the entries, g, b, the
loss, d loss / d h' (every position, after the edit) and d loss / d g.
"""
import json, os, subprocess, tempfile

import numpy as np
import torch
from transformers import AutoModelForCausalLM

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CoreTests", "Fixtures")


def main():
    folder = tempfile.mkdtemp(prefix="gemma3-tiny-")
    workbench = os.environ.get("WORKBENCH") or os.path.join(FIXTURES, "..", "..", "..", ".build", "release", "workbench")
    subprocess.run([workbench, "tiny-model", "--out", os.path.join(folder, "model.gguf")], check=True)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file="model.gguf", dtype=torch.float32).eval()
    model.requires_grad_(False)
    rng = np.random.default_rng(20261205)
    vocab, width, layer, position, entries = model.config.vocab_size, model.config.hidden_size, 3, 1, [3, 17]
    sequences = [[2] + [int(x) for x in rng.integers(4, vocab, size=n - 1)] for n in [7, 11, 4]]
    gate = torch.tensor(rng.uniform(-2, 2, size=width), dtype=torch.float32, requires_grad=True)
    baseline = torch.tensor(rng.uniform(-1, 1, size=width), dtype=torch.float32)
    edited_states = []

    def hook(_module, _inputs, output):
        h = output[0] if isinstance(output, tuple) else output
        m = torch.sigmoid(gate)
        edited = torch.cat([h[:, :position], ((1 - m) * h[:, position] + m * baseline)[:, None], h[:, position + 1:]], dim=1)
        edited.retain_grad()
        edited_states.append(edited)
        return (edited,) + tuple(output[1:]) if isinstance(output, tuple) else edited

    handle = model.model.layers[layer - 1].register_forward_hook(hook)
    loss = 0
    for ids in sequences:
        logits = model(torch.tensor([ids]), use_cache=False).logits[0, -1]
        loss = loss + logits[entries[0]] - logits[entries[1]]
    loss.backward()
    handle.remove()
    record = {
        "note": "torch.autograd on the tiny GGUF (scripts/make-gradient-fixture.py): block 3's output gated at position 1 by "
                "(1 - sigmoid(g)) h + sigmoid(g) b; loss = sum over sequences of logit(a) - logit(b) at the last position",
        "ids": sequences, "site": layer, "position": position, "vocabulary": entries,
        "gate": [float(x) for x in gate.detach()], "baseline": [float(x) for x in baseline],
        "loss": float(loss.detach()),
        "state_gradient": [[round(float(x), 9) for x in s.grad[0].reshape(-1)] for s in edited_states],
        "gate_gradient": [float(x) for x in gate.grad],
    }
    out = os.path.join(FIXTURES, "expected", "gemma3-tiny", "gradient.json")
    with open(out, "w") as f:
        json.dump(record, f)
    print(out, "loss", record["loss"])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""torch.autograd's weight gradients for the tiny LSTM fixture, for LSTMTrainingTests.

Loads Tests/CoreTests/Fixtures/lstm/lstm-tiny (model.safetensors) into Gulordava et al.'s RNNModel
(nn.Embedding -> nn.LSTM -> nn.Linear; dropout 0), runs one truncated-BPTT segment of two streams
from a given non-zero h and c (detached, as main.py's repackage_hidden), takes the mean
cross-entropy over the full vocabulary and writes the loss, the final state and the gradient of
every parameter (PyTorch's names) to lstm-tiny-training.json beside the folder.

Usage: make-lstm-training-fixture.py [FIXTURE_DIR]   (default Tests/CoreTests/Fixtures/lstm)
"""
import json, pathlib, sys
import torch
import torch.nn as nn
from safetensors.torch import load_file


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/CoreTests/Fixtures/lstm")
    folder = root / "lstm-tiny"
    config = json.loads((folder / "config.json").read_text())
    weights = load_file(str(folder / "model.safetensors"))
    vocab, width, layers = config["vocab_size"], config["hidden_size"], config["num_layers"]
    encoder = nn.Embedding(vocab, width)
    rnn = nn.LSTM(width, width, layers)
    decoder = nn.Linear(width, vocab)
    encoder.weight.data.copy_(weights["encoder.weight"])
    for name, parameter in rnn.named_parameters():
        parameter.data.copy_(weights[f"rnn.{name}"])
    decoder.weight.data.copy_(weights["decoder.weight"])
    decoder.bias.data.copy_(weights["decoder.bias"])
    streams = [[2, 8, 10, 2, 11, 13], [3, 4, 14, 2, 5, 27]]
    inputs = torch.tensor([s[:-1] for s in streams]).t()          # [time, batch]
    targets = torch.tensor([s[1:] for s in streams]).t()
    generator = torch.Generator().manual_seed(7)
    h0 = torch.rand(layers, 2, width, generator=generator) - 0.5
    c0 = torch.rand(layers, 2, width, generator=generator) * 2 - 1
    output, (h, c) = rnn(encoder(inputs), (h0, c0))
    logits = decoder(output)
    # Rows of our packed batch are stream-major (stream 0's words, then stream 1's): transpose first.
    loss = nn.functional.cross_entropy(logits.transpose(0, 1).reshape(-1, vocab), targets.t().reshape(-1))
    loss.backward()
    gradients = {"encoder.weight": encoder.weight.grad, "decoder.weight": decoder.weight.grad, "decoder.bias": decoder.bias.grad}
    for name, parameter in rnn.named_parameters():
        gradients[f"rnn.{name}"] = parameter.grad
    result = {
        "streams": streams,
        "initial_hidden": h0.tolist(), "initial_cell": c0.tolist(),
        "final_hidden": h.tolist(), "final_cell": c.tolist(),
        "loss": loss.item(),
        "gradients": {name: [round(v, 9) for v in g.reshape(-1).tolist()] for name, g in sorted(gradients.items())},
    }
    (root / "lstm-tiny-training.json").write_text(json.dumps(result) + "\n")
    print(f"wrote {root / 'lstm-tiny-training.json'} (loss {loss.item():.6f})")


if __name__ == "__main__":
    main()

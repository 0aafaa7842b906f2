#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench gradient`: one intervention step with autograd.

Reads the JSON the workbench writes: {"kind": "gemma3" | "lstm", "gguf": PATH | "folder": PATH,
"layer": L, "position": P, "ids": [[id, ...], ...] (16 sentences, 8-12 tokens), "targets": [a, b],
"gate": [g_1..g_D], "baseline": [b_1..b_D]}. The step: the batch (right-padded, with an attention
mask for Gemma) runs with hidden state L at position P of every sentence replaced by
(1 - sigmoid(g)) * h + sigmoid(g) * b; loss = mean over sentences of logit(a) - logit(b) at each
sentence's last real position; backward to g.

Gemma 3: the GGUF in transformers (dequantised to float32), a forward hook on decoder layer L - 1
(hidden state L); logits of the two entries only (the final-normed state at the last positions times
those two rows of the tied head, then the softcap if the config has one): the cheapest head PyTorch
can use, as ours does.

LSTM: the workbench's folder (config.json + model.safetensors in PyTorch's names); layer 1 runs as
nn.LSTM over positions 0..P, its h at P is gated and carried as the initial state into positions
P+1.., so later steps of layer 1 see the edit (as the workbench's recurrent edit does); layer 2, then
the decoder's two rows.

OpenMP's threads wait passively (OMP_WAIT_POLICY=PASSIVE unless set): on a machine whose cores are
shared with other work, spinning threads cost PyTorch 3-10x here; passive waiting is its better setting.

Prints {"rounds_ms_per_step": [...], "loss": x, "gate_gradient": [...], "load_seconds": s,
"threads": t} as JSON on the last line. With --serve (how the workbench alternates rounds with its
own): prints {"loss", "gate_gradient", "load_seconds", "threads"} once loaded, then for each line read
from standard input times one round of --steps steps and prints {"ms_per_step": x}; ends at EOF.
"""
import argparse, json, os, sys, time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # before torch starts OpenMP

import torch
import torch.nn as nn


def gemma_step(spec):
    from transformers import AutoModelForCausalLM
    folder, name = os.path.split(os.path.abspath(spec["gguf"]))
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    base, head = model.model, model.get_output_embeddings().weight
    cap = getattr(model.config, "final_logit_softcapping", None)
    ids, lengths = pad(spec["ids"])
    mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).long()
    position, layer = spec["position"], spec["layer"]
    rows = head[spec["targets"]]                                  # [2, hidden]
    last = lengths - 1
    state = {}

    def hook(module, inputs, output):
        h = output[0] if isinstance(output, tuple) else output
        m = torch.sigmoid(state["g"])
        edited = h.clone()
        edited[:, position] = (1 - m) * h[:, position] + m * state["b"]
        return (edited,) + tuple(output[1:]) if isinstance(output, tuple) else edited

    base.layers[layer - 1].register_forward_hook(hook)

    def step(g, b):
        state["g"], state["b"] = g, b
        hidden = base(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
        logits = hidden[torch.arange(len(last)), last] @ rows.T      # [sentences, 2]
        if cap:
            logits = torch.tanh(logits / cap) * cap
        loss = (logits[:, 0] - logits[:, 1]).mean()
        loss.backward()
        return loss
    return step


def lstm_step(spec):
    from safetensors.torch import load_file
    folder = spec["folder"]
    config = json.load(open(os.path.join(folder, "config.json")))
    weights = load_file(os.path.join(folder, "model.safetensors"))
    width = config["hidden_size"]
    assert config["num_layers"] == 2 and spec["layer"] == 1
    embedding = nn.Embedding.from_pretrained(weights["encoder.weight"], freeze=True)
    layers = []
    for k in range(2):
        lstm = nn.LSTM(width, width, batch_first=True)
        for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
            getattr(lstm, kind + "_l0").data.copy_(weights[f"rnn.{kind}_l{k}"])
        lstm.requires_grad_(False)
        layers.append(lstm)
    decoder_rows = weights["decoder.weight"][spec["targets"]]        # [2, hidden]
    decoder_bias = weights["decoder.bias"][spec["targets"]]
    ids, lengths = pad(spec["ids"])
    position, last = spec["position"], lengths - 1

    def step(g, b):
        x = embedding(ids)
        first, (h, c) = layers[0](x[:, :position + 1])                 # positions 0..P
        m = torch.sigmoid(g)
        edited = (1 - m) * first[:, position] + m * b
        rest, _ = layers[0](x[:, position + 1:], (edited[None], c))   # P+1.. start from the edited h
        out1 = torch.cat([first[:, :position], edited[:, None], rest], dim=1)
        out2, _ = layers[1](out1)
        logits = out2[torch.arange(len(last)), last] @ decoder_rows.T + decoder_bias
        loss = (logits[:, 0] - logits[:, 1]).mean()
        loss.backward()
        return loss
    return step


def pad(sequences):
    longest = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), longest, dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in sequences])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    spec = json.load(open(args.input))
    started = time.perf_counter()
    step = {"gemma3": gemma_step, "lstm": lstm_step}[spec["kind"]](spec)
    load_seconds = time.perf_counter() - started
    b = torch.tensor(spec["baseline"], dtype=torch.float32)

    def fresh_gate():
        return torch.tensor(spec["gate"], dtype=torch.float32, requires_grad=True)

    g = fresh_gate()
    loss = step(g, b)                                                  # warm-up, and the values checked
    result_loss, gradient = float(loss.detach()), g.grad.tolist()

    def timed_round():
        start = time.perf_counter()
        for _ in range(args.steps):
            step(fresh_gate(), b)
        return (time.perf_counter() - start) / args.steps * 1000

    if args.serve:
        print(json.dumps({"loss": result_loss, "gate_gradient": gradient, "load_seconds": load_seconds,
                          "threads": args.threads}), flush=True)
        for _ in sys.stdin:
            print(json.dumps({"ms_per_step": timed_round()}), flush=True)
        return
    rounds = [timed_round() for _ in range(args.repeats)]
    print(json.dumps({"rounds_ms_per_step": rounds, "loss": result_loss, "gate_gradient": gradient,
                      "load_seconds": load_seconds, "threads": args.threads}))


if __name__ == "__main__":
    main()

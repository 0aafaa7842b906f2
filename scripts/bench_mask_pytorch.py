#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench mask`: one Hard Concrete training step of De Cao et al.'s
sparse intervention with autograd, on the batch the workbench used.

Reads the JSON the workbench writes: {"kind": "gemma3" | "lstm", "gguf": PATH | "folder": PATH,
"layer": L (the residual site: hidden state L), "ids": [[id, ...], ...], "edit_rows": [r_s, ...] (the
subject's row of each example), "preferred": [d_s, ...], "alternative": [t_s, ...], "gates": [z_s,i ...]
(examples x width, for the check), "baseline": [b_1..b_D], "settings": {tau, l, r, gate_lr,
baseline_lr, alpha, multiplier_lr, multiplier_start, multiplier_max, kl_weight, gamma_start,
gamma_bound}}.

The objective, as the workbench's GatedRun computes it: hidden state L at each example's edit row
replaced by (1 - z) * h + z * b; per example L_ratio = exp(min(logit d - logit t, 10)) at the last
row (its gradient is the ratio's also above the cap, as ours) plus kl_weight * KL(p_original ||
p_intervened) averaged over the rows from the edit row to the last, full vocabulary; the mean over
the batch. A training step: gates drawn from Hard Concrete(gamma) (u ~ U(0, 1)), the unedited run for
KL (no grad), the edited run, the loss plus lambda * sum P(z != 0), backward to gamma and b, Adam on
each (gamma clamped to +-bound), lambda by RMSprop ascent.

Gemma 3: the GGUF in transformers (dequantised to float32), a forward hook on decoder layer L - 1;
the head (tied embedding, softcap if the config has one) on the rows the loss reads only.
LSTM: the workbench's folder; layer 1 as nn.LSTMCell over the time steps with the edit at each
example's own step (later steps and layer 2 see it), layer 2 as nn.LSTM, the decoder on the rows read.

Prints {"loss", "gate_gradient", "baseline_gradient", "load_seconds", "threads"} once loaded (the
objective with the given gates), then for each line read from standard input times --steps training
steps on the batch and prints {"ms_per_step": x, "forward_ms": f, "backward_ms": b, "optimizer_ms": o}
(the phases' means over the round); ends at EOF. OMP_WAIT_POLICY=PASSIVE unless set (see
bench_gradient_pytorch.py).
"""
import argparse, json, math, os, sys, time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # before torch starts OpenMP

import torch
import torch.nn as nn

CAP = 10.0


def pad(sequences):
    longest = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), longest, dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in sequences])


def changed_rows(spec):
    """(example, position) of every row the loss reads: edit row .. last, per example."""
    pairs = []
    for s, (sequence, row) in enumerate(zip(spec["ids"], spec["edit_rows"])):
        pairs += [(s, p) for p in range(row, len(sequence))]
    index = torch.tensor(pairs)
    return index[:, 0], index[:, 1]


def objective(spec, logits_of):
    """loss(z, b) and loss without KL reference, given logits_of(z, b, edit) -> [rows, vocab] on the changed rows."""
    examples, positions = changed_rows(spec)
    count = len(spec["ids"])
    last = torch.tensor([len(s) - 1 for s in spec["ids"]])
    target_rows = torch.tensor([int(((examples == s) & (positions == last[s])).nonzero()) for s in range(count)])
    rows_per_example = torch.bincount(examples, minlength=count).float()
    d, t = torch.tensor(spec["preferred"]), torch.tensor(spec["alternative"])
    weight = spec["settings"]["kl_weight"]

    def loss(z, b):
        with torch.no_grad():
            reference = torch.log_softmax(logits_of(None, None), dim=-1)
        logits = logits_of(z, b)
        target = logits[target_rows]
        delta = target[torch.arange(count), d] - target[torch.arange(count), t]
        capped = delta - (delta - CAP).clamp(min=0).detach()      # value min(delta, 10), gradient 1
        ratio = torch.exp(capped)
        if weight > 0:
            intervened = torch.log_softmax(logits, dim=-1)
            row_kl = (reference.exp() * (reference - intervened)).sum(-1)
            kl = torch.zeros(count).index_add(0, examples, row_kl) / rows_per_example
            return (ratio + weight * kl).mean()
        return ratio.mean()
    return loss


def gemma_logits(spec):
    from transformers import AutoModelForCausalLM
    folder, name = os.path.split(os.path.abspath(spec["gguf"]))
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    base, head = model.model, model.get_output_embeddings().weight
    cap = getattr(model.config, "final_logit_softcapping", None)
    ids, lengths = pad(spec["ids"])
    mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).long()
    edit_rows = torch.tensor(spec["edit_rows"])
    examples, positions = changed_rows(spec)
    state = {}

    def hook(module, inputs, output):
        if state.get("z") is None:
            return output
        h = output[0] if isinstance(output, tuple) else output
        z, b = state["z"], state["b"]
        every = torch.arange(h.shape[0])
        edited = h.clone()
        edited[every, edit_rows] = (1 - z) * h[every, edit_rows] + z * b
        return (edited,) + tuple(output[1:]) if isinstance(output, tuple) else edited

    base.layers[spec["layer"] - 1].register_forward_hook(hook)

    def logits_of(z, b):
        state["z"], state["b"] = z, b
        hidden = base(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
        logits = hidden[examples, positions] @ head.T
        return torch.tanh(logits / cap) * cap if cap else logits
    return logits_of


def lstm_logits(spec):
    from safetensors.torch import load_file
    folder = spec["folder"]
    config = json.load(open(os.path.join(folder, "config.json")))
    weights = load_file(os.path.join(folder, "model.safetensors"))
    width = config["hidden_size"]
    assert config["num_layers"] == 2 and spec["layer"] == 1, "the anchor edits layer 1 of a 2-layer LSTM"
    embedding = nn.Embedding.from_pretrained(weights["encoder.weight"], freeze=True)
    cell = nn.LSTMCell(config["embedding_size"], width)
    cell.weight_ih.data.copy_(weights["rnn.weight_ih_l0"]); cell.weight_hh.data.copy_(weights["rnn.weight_hh_l0"])
    cell.bias_ih.data.copy_(weights["rnn.bias_ih_l0"]); cell.bias_hh.data.copy_(weights["rnn.bias_hh_l0"])
    cell.requires_grad_(False)
    upper = nn.LSTM(width, width, batch_first=True)
    for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
        getattr(upper, kind + "_l0").data.copy_(weights[f"rnn.{kind}_l1"])
    upper.requires_grad_(False)
    decoder_weight, decoder_bias = weights["decoder.weight"], weights["decoder.bias"]
    ids, lengths = pad(spec["ids"])
    edit_rows = torch.tensor(spec["edit_rows"])
    examples, positions = changed_rows(spec)

    def logits_of(z, b):
        x = embedding(ids)
        count, steps = ids.shape
        h, c = torch.zeros(count, width), torch.zeros(count, width)
        outputs = []
        for step in range(steps):
            h, c = cell(x[:, step], (h, c))
            if z is not None:
                here = (edit_rows == step)[:, None]
                h = torch.where(here, (1 - z) * h + z * b, h)
            outputs.append(h)
        out2, _ = upper(torch.stack(outputs, dim=1))
        return out2[examples, positions] @ decoder_weight.T + decoder_bias
    return logits_of


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    spec = json.load(open(args.input))
    started = time.perf_counter()
    logits_of = {"gemma3": gemma_logits, "lstm": lstm_logits}[spec["kind"]](spec)
    loss_of = objective(spec, logits_of)
    load_seconds = time.perf_counter() - started
    count, width = len(spec["ids"]), len(spec["baseline"])

    # The check: the objective and its gradients at the workbench's gates and b.
    z = torch.tensor(spec["gates"], dtype=torch.float32).reshape(count, width).requires_grad_(True)
    b = torch.tensor(spec["baseline"], dtype=torch.float32, requires_grad=True)
    loss = loss_of(z, b)
    loss.backward()
    print(json.dumps({"loss": float(loss.detach()), "gate_gradient": z.grad.flatten().tolist(),
                      "baseline_gradient": b.grad.tolist(), "load_seconds": load_seconds, "threads": args.threads}), flush=True)

    # Training steps on the same batch.
    settings = spec["settings"]
    tau, low, high = settings["tau"], settings["l"], settings["r"]
    gamma = torch.full((width,), float(settings["gamma_start"]), requires_grad=True)
    baseline = torch.zeros(width, requires_grad=True)
    optimizers = [torch.optim.Adam([gamma], lr=settings["gate_lr"]), torch.optim.Adam([baseline], lr=settings["baseline_lr"])]
    multiplier, mean_square = float(settings["multiplier_start"]), 0.0
    shift = tau * math.log(-low / high)

    def step():
        nonlocal multiplier, mean_square
        clock = time.perf_counter()
        u = torch.rand(count, width).clamp(1e-6, 1 - 1e-6)
        s = torch.sigmoid((torch.log(u) - torch.log(1 - u) + gamma) / tau)
        gates = (s * (high - low) + low).clamp(0, 1)
        expected = torch.sigmoid(gamma - shift).sum()
        total = loss_of(gates, baseline) + multiplier * expected
        forward = time.perf_counter()
        for optimizer in optimizers:
            optimizer.zero_grad()
        total.backward()
        backward = time.perf_counter()
        for optimizer in optimizers:
            optimizer.step()
        with torch.no_grad():
            gamma.clamp_(-settings["gamma_bound"], settings["gamma_bound"])
        violation = float(expected.detach()) - settings["alpha"] * width
        mean_square = 0.99 * mean_square + 0.01 * violation * violation
        multiplier = min(settings["multiplier_max"], max(0.0, multiplier + settings["multiplier_lr"] * violation / (math.sqrt(mean_square) + 1e-8)))
        done = time.perf_counter()
        return forward - clock, backward - forward, done - backward

    step()   # warm-up
    for _ in sys.stdin:
        phases = [step() for _ in range(args.steps)]
        means = [sum(p[i] for p in phases) / len(phases) * 1000 for i in range(3)]
        print(json.dumps({"ms_per_step": sum(means), "forward_ms": means[0], "backward_ms": means[1], "optimizer_ms": means[2]}), flush=True)


if __name__ == "__main__":
    main()

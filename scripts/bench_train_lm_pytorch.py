#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench train-lm`: Gulordava et al.'s word-level LSTM LM
(nn.Embedding -> dropout -> nn.LSTM -> dropout -> nn.Linear) trained as PyTorch's
word_language_model main.py does (truncated BPTT with the hidden state detached between segments,
mean cross-entropy over the full vocabulary, clip_grad_norm_, plain SGD p -= lr * grad), on the same
token ids, sizes, batch and BPTT length as the workbench side, timed in the same run.

Reads IDS (whitespace-separated token ids); prints JSON on its last line: training words per second
(best of --repeats rounds of --segments segments after --warmup), and the seconds per stage.
"""
import argparse, json, sys, time
import torch
import torch.nn as nn


class RNNModel(nn.Module):
    def __init__(self, ntoken, width, layers, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, width)
        self.rnn = nn.LSTM(width, width, layers, dropout=dropout)
        self.decoder = nn.Linear(width, ntoken)
        self.encoder.weight.data.uniform_(-0.1, 0.1)
        self.decoder.weight.data.uniform_(-0.1, 0.1)
        self.decoder.bias.data.zero_()

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        output, hidden = self.rnn(emb, hidden)
        return self.decoder(self.drop(output)), hidden


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", required=True)
    parser.add_argument("--vocab", type=int, required=True)
    parser.add_argument("--width", type=int, default=200)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--bptt", type=int, default=35)
    parser.add_argument("--lr", type=float, default=20)
    parser.add_argument("--clip", type=float, default=0.25)
    parser.add_argument("--segments", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    ids = torch.tensor([int(t) for t in open(args.ids).read().split()], dtype=torch.long)
    n = ids.numel() // args.batch
    data = ids[: n * args.batch].view(args.batch, -1).t().contiguous()  # batchify: [n, batch]
    model = RNNModel(args.vocab, args.width, args.layers, args.dropout)
    model.train()
    criterion = nn.CrossEntropyLoss()
    needed = (args.warmup + args.segments) * args.bptt + 1
    assert data.size(0) >= needed, f"{data.size(0)} rows of ids, need {needed}"

    def segment(i):
        length = min(args.bptt, data.size(0) - 1 - i)
        return data[i:i + length], data[i + 1:i + 1 + length].reshape(-1)

    def zero():
        shape = (args.layers, args.batch, args.width)
        return (torch.zeros(shape), torch.zeros(shape))

    def run(count, stages):
        hidden = zero()
        words = 0
        for k in range(count):
            x, y = segment(k * args.bptt)
            hidden = tuple(h.detach() for h in hidden)
            model.zero_grad()
            t0 = time.perf_counter()
            output, hidden = model(x, hidden)
            loss = criterion(output.view(-1, args.vocab), y)
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(p.grad, alpha=-args.lr)
            t3 = time.perf_counter()
            stages["forward + loss"] += t1 - t0
            stages["backward"] += t2 - t1
            stages["clip + SGD update"] += t3 - t2
            words += y.numel()
        return words

    run(args.warmup, {"forward + loss": 0.0, "backward": 0.0, "clip + SGD update": 0.0})
    best, best_stages = None, None
    for _ in range(args.repeats):
        stages = {"forward + loss": 0.0, "backward": 0.0, "clip + SGD update": 0.0}
        start = time.perf_counter()
        words = run(args.segments, stages)
        seconds = time.perf_counter() - start
        if best is None or seconds < best[1]:
            best, best_stages = (words, seconds), stages
    words, seconds = best
    json.dump({"words_per_second": words / seconds, "seconds": seconds, "words": words, "stages": best_stages,
               "threads": torch.get_num_threads(), "torch": torch.__version__}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench probe`: the elastic-net softmax probe as NeuroX and the
Pitfalls code train it (mean cross-entropy + λ1·Σ|W| + λ2·sqrt(ΣW²), Adam, minibatches), on the
same features the workbench wrote, timed in the same run.

Reads DIR/train_x.npy, train_y.npy, dev_x.npy, dev_y.npy and DIR/order.json (a neuron ranking);
prints JSON: seconds for one probe on all neurons, its dev accuracy, and seconds for a fresh probe
on the top k neurons for every k in 1..K.
"""
import argparse, json, sys, time
import numpy as np
import torch


def train(x, y, classes, epochs, batch, lr, l1, l2, seed):
    torch.manual_seed(seed)
    model = torch.nn.Linear(x.shape[1], classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n = x.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
            loss = loss + l1 * model.weight.abs().sum() + l2 * torch.sqrt((model.weight ** 2).sum())
            loss.backward()
            optimizer.step()
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--max-k", type=int, default=150)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    load = lambda name: np.load(f"{args.dir}/{name}.npy")
    x, y = torch.tensor(load("train_x")), torch.tensor(load("train_y")).long()
    dx, dy = torch.tensor(load("dev_x")), torch.tensor(load("dev_y")).long()
    order = json.load(open(f"{args.dir}/order.json"))
    classes = int(max(y.max(), dy.max()) + 1)
    settings = dict(epochs=10, batch=32, lr=0.01, l1=0.001, l2=0.01, seed=1)
    start = time.perf_counter()
    model = train(x, y, classes, **settings)
    one = time.perf_counter() - start
    with torch.no_grad():
        accuracy = float((model(dx).argmax(1) == dy).float().mean())
    start = time.perf_counter()
    for k in range(1, args.max_k + 1):
        columns = torch.tensor(order[:k])
        train(x[:, columns], y, classes, **settings)
    every_k = time.perf_counter() - start
    json.dump({"one_probe_seconds": one, "dev_accuracy": accuracy, "every_k_seconds": every_k,
               "max_k": args.max_k, "threads": torch.get_num_threads()}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

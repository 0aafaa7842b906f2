#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench extract`: the same work on the same token ids.

Reads {"sentences": [{"ids": [...], "spans": [[start, end], ...]}]} written by the workbench,
runs transformers' BertModel/XLMRobertaModel on length-sorted padded batches with every hidden
state, takes each word's mean over its subwords (one batched matmul per batch), and prints
{"tokens": N, "seconds": S, "tokens_per_second": R, "threads": T} as JSON.
"""
import argparse, json, sys, time

import torch
from transformers import AutoModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sentences = json.load(open(args.input))["sentences"]
    model = AutoModel.from_pretrained(args.model).eval()
    pad = model.config.pad_token_id or 0
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]["ids"]))
    tokens = sum(len(s["ids"]) for s in sentences)
    checksum = 0.0
    start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), args.batch):
            batch = [sentences[i] for i in order[b:b + args.batch]]
            longest = max(len(s["ids"]) for s in batch)
            most_words = max(len(s["spans"]) for s in batch)
            ids = torch.full((len(batch), longest), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), longest), dtype=torch.long)
            pool = torch.zeros((len(batch), most_words, longest))
            for row, s in enumerate(batch):
                ids[row, :len(s["ids"])] = torch.tensor(s["ids"])
                mask[row, :len(s["ids"])] = 1
                for w, (lo, hi) in enumerate(s["spans"]):
                    pool[row, w, lo:hi] = 1.0 / (hi - lo)
            out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            states = torch.stack(out.hidden_states)            # [layers, batch, seq, hidden]
            words = torch.matmul(pool.unsqueeze(0), states)     # [layers, batch, words, hidden]
            checksum += float(words[:, :, 0, 0].sum())
    seconds = time.perf_counter() - start
    json.dump({"tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / seconds,
               "threads": torch.get_num_threads(), "checksum": checksum}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

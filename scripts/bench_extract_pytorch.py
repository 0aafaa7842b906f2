#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench extract`: the same work on the same token ids.

Reads {"sentences": [{"ids": [...], "spans": [[start, end], ...]}]} written by the workbench,
runs transformers' BertModel/XLMRobertaModel on length-sorted padded batches with every hidden
state, takes each word's mean over its subwords (one batched matmul per batch), and prints
{"tokens": N, "seconds": S, "tokens_per_second": R, "threads": T, "peak_rss_bytes": B} as JSON.

With --out DIR it also writes what the workbench's side writes, the way it writes it: one float32
.npy file per hidden state, [words, hidden], created at full size, each sentence's word vectors
written at their corpus rows with one pwrite, writeback started every 16 MB per file
(sync_file_range, as the workbench's writer does), fsync at the end (all inside the timing).
"""
import argparse, ctypes, json, os, resource, sys, time

import numpy as np
import torch
from transformers import AutoModel


def start_writeback(fd):
    """sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) through libc (Python's os lacks it)."""
    if LIBC is not None:
        LIBC.sync_file_range(fd, ctypes.c_int64(0), ctypes.c_int64(0), ctypes.c_uint(2))


try:
    LIBC = ctypes.CDLL(None, use_errno=True)
    LIBC.sync_file_range
except (OSError, AttributeError):
    LIBC = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", help="folder for one .npy file per hidden state (optional)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    sentences = json.load(open(args.input))["sentences"]
    model = AutoModel.from_pretrained(args.model).eval()
    pad = model.config.pad_token_id or 0
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]["ids"]))
    tokens = sum(len(s["ids"]) for s in sentences)
    first_rows, rows = [], 0
    for s in sentences:
        first_rows.append(rows)
        rows += len(s["spans"])
    checksum = 0.0
    files = None
    start = time.perf_counter()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        hidden = model.config.hidden_size
        files = []
        for layer in range(model.config.num_hidden_layers + 1):
            path = os.path.join(args.out, f"layer-{layer:02d}.npy")
            with open(path, "wb") as handle:
                np.lib.format.write_array_header_1_0(handle, {"descr": "<f4", "fortran_order": False, "shape": (rows, hidden)})
                data_offset = handle.tell()
            fd = os.open(path, os.O_WRONLY)
            os.ftruncate(fd, data_offset + rows * hidden * 4)
            files.append(fd)
        unsynced = [0] * len(files)
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
            if files is not None:
                values = words.numpy()
                for row, i in enumerate(order[b:b + args.batch]):
                    count = len(sentences[i]["spans"])
                    for layer, fd in enumerate(files):
                        block = values[layer, row, :count].tobytes()
                        os.pwrite(fd, block, data_offset + first_rows[i] * hidden * 4)
                        unsynced[layer] += len(block)
                        if unsynced[layer] >= 16 << 20:
                            start_writeback(fd)
                            unsynced[layer] = 0
    if files is not None:
        for fd in files:
            os.fsync(fd)
            os.close(fd)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # Linux: kilobytes
    json.dump({"tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / seconds,
               "threads": torch.get_num_threads(), "checksum": checksum, "peak_rss_bytes": peak}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

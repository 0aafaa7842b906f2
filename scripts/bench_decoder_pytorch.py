#!/usr/bin/env python3
"""PyTorch anchor for `workbench bench decoder`: Gemma 3 prompt processing on the same token ids.

Reads {"groups": {"128": [[id, ...], ...], "512": [...]}} written by the workbench (prompts grouped
by length), loads the GGUF into transformers' Gemma 3 (dequantised to float32, as the workbench
does), and runs the base model (no output head) on one prompt at a time with every hidden state
returned, `repeats` rounds per group, best round kept. Prints {"groups": {"128": {"tokens": N,
"seconds": S, "tokens_per_second": R, "rounds": [...]}, ...}, "load_seconds": L, "threads": T,
"peak_rss_bytes": B} as JSON on the last line.
"""
import argparse, json, os, resource, time

import torch
from transformers import AutoModelForCausalLM


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gguf", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    groups = json.load(open(args.input))["groups"]
    started = time.perf_counter()
    folder, name = os.path.split(os.path.abspath(args.gguf))
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    base = model.model
    load_seconds = time.perf_counter() - started
    results = {}
    checksum = 0.0
    with torch.inference_mode():
        first = next(iter(groups.values()))[0]
        base(torch.tensor([first[:16]]), output_hidden_states=True, use_cache=False)   # warm-up
        for length, prompts in groups.items():
            tokens = sum(len(p) for p in prompts)
            rounds = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                for ids in prompts:
                    out = base(torch.tensor([ids]), output_hidden_states=True, use_cache=False)
                    checksum += float(out.hidden_states[-1][0, -1, 0])
                rounds.append(time.perf_counter() - start)
            best = min(rounds)
            results[length] = {"tokens": tokens, "seconds": best, "tokens_per_second": tokens / best, "rounds": rounds}
    print(json.dumps({"groups": results, "load_seconds": load_seconds, "threads": args.threads, "checksum": checksum,
                      "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()

"""Reference fixtures for the decoders (Gemma 3), made with the `gguf` package and transformers.

    scripts/make-decoder-fixtures [--real GGUF]

1. Has `workbench tiny-model` (`TinyGemma3`, built with `swift build` when $WORKBENCH is not given) write
   the tiny random Gemma-3-shaped GGUF into a temporary folder: 7 blocks (global attention at block 5,
   sliding window 6 elsewhere), GQA 2:1, head_dim 256 wider than the 32-wide residual stream, weights in
   F32, F16, BF16, Q8_0, Q5_0 and Q4_1, norms stored as llama.cpp stores them (1 + w), a small
   SentencePiece vocabulary with byte fallback. The tests write the same file themselves; its SHA-1 is
   recorded so they know the references were computed on it.
2. Loads it into transformers' Gemma 3 (`from_pretrained(folder, gguf_file=…)`, dequantised to
   float32) and saves, for a few id sequences (some longer than the window), the embedding output,
   every block's output (forward hooks: the residual stream before the final norm) and the logits.
3. With --real, the same for a few sentences through the real Gemma 3 270M (ids from its tokenizer),
   keeping only the last position's logits for the vocabulary entries listed in the JSON.
"""
import argparse, hashlib, importlib.metadata, json, os, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "CoreTests", "Fixtures")


def write_tiny(folder):
    """The tiny model as `workbench tiny-model` writes it (TinyGemma3: seeded SplitMix64 weights), so the
    tests can generate the same file instead of keeping it in the repository. Returns its path and SHA-1."""
    workbench = os.environ.get("WORKBENCH") or os.path.join(ROOT, ".build", "release", "workbench")
    if not os.path.exists(workbench):
        subprocess.run(["swift", "build", "-c", "release", "--product", "workbench"], cwd=ROOT, check=True)
    path = os.path.join(folder, "model.gguf")
    subprocess.run([workbench, "tiny-model", "--out", path, "--force"], check=True)
    with open(path, "rb") as f:
        return path, hashlib.sha1(f.read()).hexdigest()


def load_transformers(folder, name):
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.eval()
    return model


def run(model, ids, vocabulary=None):
    """Embedding output, every block's output (before the final norm) and the logits."""
    import torch
    captured = []
    hooks = [layer.register_forward_hook(lambda _m, _i, out: captured.append((out[0] if isinstance(out, tuple) else out).detach()))
             for layer in model.model.layers]
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_hidden_states=True, use_cache=False)
    for hook in hooks:
        hook.remove()
    states = [out.hidden_states[0][0]] + [state[0] for state in captured]
    logits = out.logits[0]
    if vocabulary is not None:
        logits = logits[-1:, vocabulary]
    return np.stack([s.numpy() for s in states]).astype(np.float32), logits.numpy().astype(np.float32)


def versions():
    import torch, transformers, gguf
    return f"transformers {transformers.__version__} / torch {torch.__version__} / gguf {importlib.metadata.version('gguf')}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", help="the real Gemma 3 270M GGUF (also its sentences' fixtures)")
    args = parser.parse_args()
    rng = np.random.default_rng(20261203)
    folder = tempfile.mkdtemp(prefix="gemma3-tiny-")
    path, sha1 = write_tiny(folder)
    model = load_transformers(folder, "model.gguf")
    vocab = model.config.vocab_size
    config = model.config
    assert config.layer_types[5] == "full_attention" and config.layer_types[0] == "sliding_attention", config.layer_types
    assert config.sliding_window == 6 and config.head_dim == 256 and config.query_pre_attn_scalar == 256, config
    out_dir = os.path.join(FIXTURES, "expected", "gemma3-tiny")
    os.makedirs(out_dir, exist_ok=True)
    sequences = []
    for index, length in enumerate([1, 5, 6, 7, 13, 24]):
        ids = [2] + [int(x) for x in rng.integers(4, vocab, size=length - 1)]
        states, logits = run(model, ids)
        stem = f"s{index:02d}"
        np.save(os.path.join(out_dir, stem + ".hidden.npy"), states)
        np.save(os.path.join(out_dir, stem + ".logits.npy"), logits)
        sequences.append({"id": stem, "ids": ids, "arrays": f"gemma3-tiny/{stem}"})
    record = {"model": "gemma3-tiny", "source": versions(), "gguf": "workbench tiny-model (TinyGemma3, seed 20261203)",
              "gguf_sha1": sha1,
              "num_hidden_states": config.num_hidden_layers + 1, "hidden_size": config.hidden_size,
              "vocab_size": vocab, "note": "hidden states: embedding output, then each block's output before the final norm (forward hooks)",
              "sequences": sequences}
    with open(os.path.join(FIXTURES, "expected", "gemma3-tiny.json"), "w") as f:
        json.dump(record, f, indent=1)
    print(f"wrote {path} ({os.path.getsize(path)} bytes) and {len(sequences)} sequences", file=sys.stderr)

    if args.real:
        from transformers import AutoTokenizer
        real_folder, real_name = os.path.split(os.path.abspath(args.real))
        tokenizer = AutoTokenizer.from_pretrained(real_folder, gguf_file=real_name)
        model = load_transformers(real_folder, real_name)
        sentences = ["The keys to the cabinet", "The author that the guards like", "La clé de l'armoire",
                     "Die Schlüssel zum Schrank sind"]
        compare = ["▁is", "▁are", "▁was", "▁were", "▁est", "▁sont"]
        vocabulary = [tokenizer.convert_tokens_to_ids(t) for t in compare]
        out_dir = os.path.join(FIXTURES, "expected", "gemma3-270m")
        os.makedirs(out_dir, exist_ok=True)
        records = []
        for index, text in enumerate(sentences):
            ids = tokenizer(text)["input_ids"]
            states, logits = run(model, ids, vocabulary)
            stem = f"s{index:02d}"
            # Every hidden state of the last position only (the fixture stays small).
            np.save(os.path.join(out_dir, stem + ".last.npy"), states[:, -1, :])
            np.save(os.path.join(out_dir, stem + ".logits.npy"), logits)
            records.append({"id": stem, "text": text, "ids": ids, "arrays": f"gemma3-270m/{stem}"})
        with open(os.path.join(FIXTURES, "expected", "gemma3-270m.json"), "w") as f:
            json.dump({"model": "gemma3-270m", "source": versions(), "gguf": real_name, "vocabulary": vocabulary,
                       "vocabulary_tokens": compare, "hidden_size": model.config.hidden_size,
                       "num_hidden_states": model.config.num_hidden_layers + 1,
                       "note": "last position only: every hidden state (embedding, then each block's output before the final norm) and the logits of the listed vocabulary entries",
                       "sentences": records}, f, indent=1)
        print(f"wrote the real model's fixtures for {len(records)} sentences", file=sys.stderr)


if __name__ == "__main__":
    main()

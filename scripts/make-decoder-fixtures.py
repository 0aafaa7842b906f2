"""Reference fixtures for the decoders (Gemma 3), made with the `gguf` package and transformers.

    scripts/make-decoder-fixtures [--real GGUF]

1. Writes a tiny random Gemma-3-shaped GGUF (Tests/CoreTests/Fixtures/models/gemma3-tiny/model.gguf):
   7 blocks (global attention at block 5, sliding window 6 elsewhere), GQA 2:1, head_dim 256 wider
   than the 32-wide residual stream, weights in F32, F16, BF16, Q8_0, Q5_0 and Q4_1, norms stored as
   llama.cpp stores them (1 + w), a small SentencePiece vocabulary with byte fallback.
2. Loads it into transformers' Gemma 3 (`from_pretrained(folder, gguf_file=…)`, dequantised to
   float32) and saves, for a few id sequences (some longer than the window), the embedding output,
   every block's output (forward hooks: the residual stream before the final norm) and the logits.
3. With --real, the same for a few sentences through the real Gemma 3 270M (ids from its tokenizer),
   keeping only the last position's logits for the vocabulary entries listed in the JSON.
"""
import argparse, importlib.metadata, json, os, sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "CoreTests", "Fixtures")


def tiny_vocabulary():
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
    types = [3, 3, 3, 2]
    scores = [0.0, 0.0, 0.0, 0.0]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>"); types.append(6); scores.append(0.0)
    pieces = ["▁", "e", "t", "a", "o", "h", "s", "r", "n", "i", "▁t", "he", "▁the", "▁a", "ke", "ys", "▁keys",
              "▁to", "▁ca", "bi", "net", "▁cabinet", "▁are", "▁is", "▁The", "▁k", "ey", "▁c", "ab", "in",
              "ar", "re", "▁ar", "▁i", "st", "▁s", "er", "on", "le", "<start_of_turn>"]
    for rank, piece in enumerate(pieces):
        tokens.append(piece); types.append(4 if piece.startswith("<") else 1); scores.append(-float(rank))
    return tokens, scores, types


def write_tiny(path, rng):
    import gguf
    from gguf import GGMLQuantizationType as T
    hidden, layers, ffn, heads, kv_heads, head_dim, window = 32, 7, 256, 2, 1, 256, 6
    tokens, scores, types = tiny_vocabulary()
    vocab = len(tokens)
    writer = gguf.GGUFWriter(path, "gemma3")
    writer.add_context_length(64)
    writer.add_embedding_length(hidden)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_sliding_window(window)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(2); writer.add_eos_token_id(1); writer.add_unk_token_id(3); writer.add_pad_token_id(0)
    writer.add_add_bos_token(True); writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)

    def add(name, array, qtype):
        array = array.astype(np.float32)
        if qtype in (T.F32,):
            writer.add_tensor(name, array)
        elif qtype == T.F16:
            writer.add_tensor(name, array.astype(np.float16))
        else:
            data = gguf.quants.quantize(array, qtype)
            writer.add_tensor(name, data, raw_shape=data.shape, raw_dtype=qtype)

    def normal(*shape, scale):
        return rng.standard_normal(shape).astype(np.float32) * scale

    def norm(size):  # stored as llama.cpp's converter stores it: 1 + w
        return 1.0 + normal(size, scale=0.2)

    add("token_embd.weight", normal(vocab, hidden, scale=0.5), T.Q8_0)
    add("output_norm.weight", norm(hidden), T.F32)
    kinds = [T.Q8_0, T.Q5_0, T.Q4_1, T.F16, T.BF16, T.F32, T.Q8_0]
    for i in range(layers):
        kind = kinds[i]
        p = f"blk.{i}."
        add(p + "attn_norm.weight", norm(hidden), T.F32)
        add(p + "attn_q.weight", normal(heads * head_dim, hidden, scale=0.3), kind)
        add(p + "attn_k.weight", normal(kv_heads * head_dim, hidden, scale=0.3), kind)
        add(p + "attn_v.weight", normal(kv_heads * head_dim, hidden, scale=0.3), kind)
        add(p + "attn_q_norm.weight", norm(head_dim), T.F32)
        add(p + "attn_k_norm.weight", norm(head_dim), T.F32)
        add(p + "attn_output.weight", normal(hidden, heads * head_dim, scale=0.05), kind)
        add(p + "post_attention_norm.weight", norm(hidden), T.F32)
        add(p + "ffn_norm.weight", norm(hidden), T.F32)
        add(p + "ffn_gate.weight", normal(ffn, hidden, scale=0.3), kind)
        add(p + "ffn_up.weight", normal(ffn, hidden, scale=0.3), kind)
        add(p + "ffn_down.weight", normal(hidden, ffn, scale=0.08), kind)
        add(p + "post_ffw_norm.weight", norm(hidden), T.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return vocab


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
    return f"transformers {transformers.__version__} / torch {torch.__version__} / gguf {importlib.metadata.version("gguf")}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", help="the real Gemma 3 270M GGUF (also its sentences' fixtures)")
    args = parser.parse_args()
    rng = np.random.default_rng(20261203)
    folder = os.path.join(FIXTURES, "models", "gemma3-tiny")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.gguf")
    vocab = write_tiny(path, rng)
    model = load_transformers(folder, "model.gguf")
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
    record = {"model": "gemma3-tiny", "source": versions(), "gguf": "models/gemma3-tiny/model.gguf",
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

"""torch.autograd's gradients through the tiny encoders, for EncoderGradientTests.

For each tiny masked LM (bert-cased-tiny, xlmr-tiny) and a prompt with one mask token, the loss
logit[mask, a] - logit[mask, b] and its gradient with respect to every hidden state (residual:l,
l = 0 the embeddings' output) and every block's MLP inner activation after GELU (mlp:l), written as
small JSON under Tests/CoreTests/Fixtures/expected/encoder-gradients/. Tests read the JSON; they
never run Python.

    /work/venv/bin/python scripts/make-encoder-gradient-fixtures.py
"""
import json
from pathlib import Path

import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "Tests/CoreTests/Fixtures/models"
OUT = ROOT / "Tests/CoreTests/Fixtures/expected/encoder-gradients"
PROMPT = "the keys to the cabinet {mask} to"


def gradients(name, first, second):
    folder = MODELS / name
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForMaskedLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    ids = tokenizer(PROMPT.format(mask=tokenizer.mask_token))["input_ids"]
    position = ids.index(tokenizer.mask_token_id)
    a = tokenizer.convert_tokens_to_ids(first)
    b = tokenizer.convert_tokens_to_ids(second)
    encoder = model.base_model.encoder
    inner = {}

    def keep(index):
        def hook(_module, _inputs, output):
            output.retain_grad()
            inner[index] = output
        return hook

    handles = [layer.intermediate.register_forward_hook(keep(i + 1)) for i, layer in enumerate(encoder.layer)]
    out = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
    for state in out.hidden_states:
        state.retain_grad()
    logits = out.logits[0, position]
    loss = logits[a] - logits[b]
    loss.backward()
    for handle in handles:
        handle.remove()
    sites = {f"residual:{l}": state.grad[0].tolist() for l, state in enumerate(out.hidden_states)}
    sites.update({f"mlp:{l}": state.grad[0].tolist() for l, state in inner.items()})
    return {"model": name, "ids": ids, "position": position, "first": a, "second": b,
            "loss": float(loss.detach()), "gradients": sites}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name, first, second in [("bert-cased-tiny", "are", "is"), ("xlmr-tiny", "\u2581are", "\u2581is")]:
        result = gradients(name, first, second)
        (OUT / f"{name}.json").write_text(json.dumps(result, separators=(",", ":")) + "\n")
        print(f"{name}: loss {result['loss']:+.6f} at position {result['position']} of {len(result['ids'])}")


if __name__ == "__main__":
    main()

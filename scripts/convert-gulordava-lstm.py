"""Convert a Gulordava et al. (2018) LSTM language model to the workbench's LSTM folder.

The original code (facebookresearch/colorlessgreenRNNs, src/language_models) saves the whole model
with `torch.save(model, f)`: a pickled `model.RNNModel` module (encoder = nn.Embedding, rnn =
nn.LSTM(ninp, nhid, nlayers), decoder = nn.Linear(nhid, ntoken)), and its vocabulary separately as
a text file (`vocab.txt`, one word per line). This script defines a compatible `RNNModel` under the
module name `model`, so the pickle loads, and writes

    OUT/config.json        {"model_type": "lstm-lm", "vocab_size", "embedding_size", "hidden_size", "num_layers"}
    OUT/model.safetensors  encoder.weight, rnn.{weight_ih,weight_hh,bias_ih,bias_hh}_l{k}, decoder.weight/bias
                           (float32, PyTorch's names and gate order i, f, g, o)
    OUT/vocab.txt          one word per line; line n is id n - 1

Usage:
    convert-gulordava-lstm.py CHECKPOINT.pt VOCAB.txt OUT_DIR
    convert-gulordava-lstm.py --make-fixture FIXTURE_DIR    # the tiny test model and torch's outputs

Unpickling runs code from the file: convert only checkpoints you trust (the published ones).
"""

import json
import pathlib
import sys
import tempfile
import types

import torch
import torch.nn as nn
from safetensors.torch import save_file


class RNNModel(nn.Module):
    """Gulordava et al.'s model.RNNModel: embedding -> dropout -> RNN -> dropout -> linear decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output.view(output.size(0) * output.size(1), output.size(2)))
        return decoded.view(output.size(0), output.size(1), decoded.size(1)), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


# The pickle names the class `model.RNNModel` (their main.py does `import model`).
RNNModel.__module__ = "model"
sys.modules["model"] = types.ModuleType("model")
sys.modules["model"].RNNModel = RNNModel


def fail(message):
    sys.exit(f"convert-gulordava-lstm: {message}")


def load_state(checkpoint):
    """The float32 state dict of a pickled RNNModel (or of a plain state dict)."""
    loaded = torch.load(checkpoint, map_location="cpu", weights_only=False)
    if isinstance(loaded, nn.Module):
        rnn_type = getattr(loaded, "rnn_type", None)
        if rnn_type is not None and rnn_type != "LSTM":
            fail(f"{checkpoint}: rnn_type is {rnn_type}; only LSTM models convert")
        state = {name: tensor for name, tensor in loaded.state_dict().items()}
    elif isinstance(loaded, dict):
        state = loaded.get("state_dict", loaded)
    else:
        fail(f"{checkpoint}: holds a {type(loaded).__name__}, not an RNNModel or a state dict")
    state = {name.removeprefix("module."): tensor for name, tensor in state.items()}
    for name in ["encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "decoder.weight", "decoder.bias"]:
        if name not in state:
            fail(f"{checkpoint}: no tensor {name} (found: {', '.join(sorted(state))})")
    return {name: tensor.detach().to(torch.float32).contiguous().clone() for name, tensor in state.items()}


def read_vocabulary(path):
    """Words of a vocabulary file as Gulordava's Dictionary reads it (whitespace-separated)."""
    words = pathlib.Path(path).read_text(encoding="utf8").split()
    for special in ["<unk>", "<eos>"]:
        if special not in words:
            fail(f"{path}: the vocabulary has no {special}")
    if len(set(words)) != len(words):
        fail(f"{path}: a word appears twice")
    return words


def convert(checkpoint, vocabulary, out):
    state = load_state(checkpoint)
    words = read_vocabulary(vocabulary)
    vocab_size, embedding_size = state["encoder.weight"].shape
    hidden_size = state["rnn.weight_hh_l0"].shape[1]
    layers = sorted(int(name.removeprefix("rnn.weight_ih_l")) for name in state if name.startswith("rnn.weight_ih_l"))
    if layers != list(range(len(layers))):
        fail(f"{checkpoint}: LSTM layers {layers} are not 0...{len(layers) - 1} (bidirectional or projected LSTMs do not convert)")
    if len(words) != vocab_size:
        fail(f"{vocabulary}: {len(words)} words, but {checkpoint} has {vocab_size} embedding rows")
    kept = {"encoder.weight", "decoder.weight", "decoder.bias"}
    for k in layers:
        for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
            name = f"rnn.{kind}_l{k}"
            if name not in state:
                fail(f"{checkpoint}: no tensor {name}")
            kept.add(name)
    extra = sorted(set(state) - kept)
    if extra:
        fail(f"{checkpoint}: unexpected tensors {', '.join(extra)}")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    config = {"model_type": "lstm-lm", "vocab_size": int(vocab_size), "embedding_size": int(embedding_size),
              "hidden_size": int(hidden_size), "num_layers": len(layers)}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    save_file({name: state[name] for name in sorted(kept)}, str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "vocab.txt").write_text("".join(word + "\n" for word in words), encoding="utf8")
    print(f"wrote {out}: {len(layers)} x {hidden_size} LSTM, {vocab_size} words")


# MARK: - the test fixture

FIXTURE_WORDS = ["<unk>", "<eos>", "the", "a", "dog", "dogs", "cat", "cats", "keys", "key", "to", "cabinet",
                 "is", "are", "runs", "run", "near", "of", "and", "big", "small", "red", "old", "man", "men",
                 "sees", "see", "here", "there", "."]
FIXTURE_SENTENCES = ["the keys to the cabinet are here .", "a dog runs", "the old men near the zebra see a red cat ."]


def ids_of(sentence, words):
    index = {word: i for i, word in enumerate(words)}
    return [index.get(word, index["<unk>"]) for word in sentence.split()]


def layer_outputs(model, ids, edit=None):
    """Hidden states 0...L, cell states 1...L and logits of one sentence, stepping torch's own
    nn.LSTMCell with each layer's weights; `edit(layer, step, h)` may change h in place (inside the
    recurrence). Checked against the stacked nn.LSTM when there is no edit."""
    with torch.no_grad():
        x = model.encoder(torch.tensor(ids))
        hidden, cells = [x], []
        for k in range(model.nlayers):
            cell = nn.LSTMCell(model.rnn.input_size, model.nhid)
            cell.weight_ih.copy_(getattr(model.rnn, f"weight_ih_l{k}"))
            cell.weight_hh.copy_(getattr(model.rnn, f"weight_hh_l{k}"))
            cell.bias_ih.copy_(getattr(model.rnn, f"bias_ih_l{k}"))
            cell.bias_hh.copy_(getattr(model.rnn, f"bias_hh_l{k}"))
            h = torch.zeros(1, model.nhid)
            c = torch.zeros(1, model.nhid)
            hs, cs = [], []
            for t in range(len(ids)):
                h, c = cell(x[t:t + 1], (h, c))
                if edit is not None:
                    edit(k + 1, t, h)
                hs.append(h[0].clone())
                cs.append(c[0].clone())
            x = torch.stack(hs)
            hidden.append(x)
            cells.append(torch.stack(cs))
        logits = model.decoder(x)
        if edit is None:
            stacked, _ = model.rnn(model.encoder(torch.tensor(ids)).unsqueeze(1), model.init_hidden(1))
            assert torch.allclose(stacked[:, 0], x, atol=1e-6), "LSTMCell steps differ from nn.LSTM"
    return hidden, cells, logits


def site_gradients(model, ids, first, second):
    """torch.autograd's gradient of logit[last, first] - logit[last, second] with respect to every
    hidden state (0...L) and cell state (1...L), each read as an additive perturbation at its place
    inside the recurrence: the gradient at h_t of layer l includes the paths through h_t+1, ... of l."""
    x = model.encoder(torch.tensor(ids)).detach()
    perturbations = {("residual", 0): torch.zeros_like(x, requires_grad=True)}
    x = x + perturbations[("residual", 0)]
    for k in range(model.nlayers):
        cell = nn.LSTMCell(model.rnn.input_size, model.nhid)
        with torch.no_grad():
            cell.weight_ih.copy_(getattr(model.rnn, f"weight_ih_l{k}"))
            cell.weight_hh.copy_(getattr(model.rnn, f"weight_hh_l{k}"))
            cell.bias_ih.copy_(getattr(model.rnn, f"bias_ih_l{k}"))
            cell.bias_hh.copy_(getattr(model.rnn, f"bias_hh_l{k}"))
        dh = perturbations[("residual", k + 1)] = torch.zeros(len(ids), model.nhid, requires_grad=True)
        dc = perturbations[("cell", k + 1)] = torch.zeros(len(ids), model.nhid, requires_grad=True)
        h, c = torch.zeros(1, model.nhid), torch.zeros(1, model.nhid)
        hs = []
        for t in range(len(ids)):
            # nn.LSTMCell's step with c perturbed before h is made from it.
            gates = x[t:t + 1] @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g) + dc[t:t + 1]
            h = torch.sigmoid(o) * torch.tanh(c) + dh[t:t + 1]
            hs.append(h)
        x = torch.cat(hs)
    logits = model.decoder(x)
    loss = logits[-1, first] - logits[-1, second]
    loss.backward()
    return float(loss.detach()), {f"{kind}:{layer}": as_lists(p.grad) for (kind, layer), p in perturbations.items()}


def as_lists(tensor):
    return [[float(v) for v in row] for row in tensor]


def make_fixture(folder):
    folder = pathlib.Path(folder)
    torch.manual_seed(20180601)
    model = RNNModel("LSTM", len(FIXTURE_WORDS), 8, 8, 2, dropout=0.2)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.uniform_(-0.6, 0.6)   # larger than the default init, so every gate matters
    model.eval()
    with tempfile.TemporaryDirectory() as scratch:
        checkpoint = pathlib.Path(scratch) / "model.pt"
        vocabulary = pathlib.Path(scratch) / "vocab.txt"
        with open(checkpoint, "wb") as f:
            torch.save(model, f)   # as their main.py does
        vocabulary.write_text("\n".join(FIXTURE_WORDS) + "\n", encoding="utf8")
        convert(checkpoint, vocabulary, folder / "lstm-tiny")
    sentences = []
    for sentence in FIXTURE_SENTENCES:
        ids = ids_of(sentence, FIXTURE_WORDS)
        hidden, cells, logits = layer_outputs(model, ids)
        sentences.append({"text": sentence, "ids": ids, "hidden_states": [as_lists(h) for h in hidden],
                          "cell_states": [as_lists(c) for c in cells], "logits": as_lists(logits)})

    # An edit inside the recurrence: units 0-3 of layer 1's h zeroed at step 2 of the first sentence.
    def ablate(layer, step, h):
        if layer == 1 and step == 2:
            h[0, :4] = 0
    ids = sentences[0]["ids"]
    hidden, cells, logits = layer_outputs(model, ids, edit=ablate)
    edited = {"sentence": 0, "layer": 1, "position": 2, "units": [0, 1, 2, 3],
              "hidden_states": [as_lists(h) for h in hidden], "logits": as_lists(logits)}
    # Gradients of logit(are) - logit(is) after "the keys to the cabinet" at every site.
    prefix = ids_of("the keys to the cabinet", FIXTURE_WORDS)
    first, second = FIXTURE_WORDS.index("are"), FIXTURE_WORDS.index("is")
    value, gradients = site_gradients(model, prefix, first, second)
    gradient = {"ids": prefix, "first": first, "second": second, "loss": value, "gradients": gradients}
    expected = {"source": f"torch {torch.__version__}, scripts/convert-gulordava-lstm.py --make-fixture",
                "model": "lstm-tiny", "sentences": sentences, "edited": edited, "gradient": gradient}
    (folder / "lstm-tiny-expected.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")
    print(f"wrote {folder / 'lstm-tiny-expected.json'}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) == 2 and arguments[0] == "--make-fixture":
        make_fixture(arguments[1])
    elif len(arguments) == 3:
        convert(*arguments)
    else:
        sys.exit(__doc__)

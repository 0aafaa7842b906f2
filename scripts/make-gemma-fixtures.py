#!/usr/bin/env python3
"""Write Tests/CoreTests/Fixtures/expected/gemma3-tokens.json: Gemma 3's tokenizer as transformers
builds it from the real GGUF file, on hand-written sentences and a sample of UD sentences.

Run it through `scripts/make-gemma-fixtures` (which prepares the virtualenv).

transformers has no tokenizer.json for a GGUF; `AutoTokenizer.from_pretrained(folder, gguf_file=...)`
rebuilds one from the `tokenizer.ggml.*` metadata (transformers/integrations/gguf/
gguf_tokenizer_mapping.py, `gemma_tokenizer`): a `tokenizers` BPE with byte fallback whose merges are
every split of every piece into two pieces, ranked by the piece's position in the file (not its
score), then by the longer left part; all-space pieces respelled as "▁" runs; control pieces added as
special tokens and user-defined pieces (that are still in the vocabulary) as plain added tokens;
normalizer Replace(" ", "▁"); `<bos>` in front. This file records what that tokenizer outputs.

Two calls are recorded for every sentence:
- text:  `tok(text)["input_ids"]` (with `<bos>`);
- words: the words read as running text by a causal LM, `[bos] + concat_i tok.encode(("" if i == 0
  else " ") + word_i, add_special_tokens=False)`, with each word's `[start, end)` span.

Hand-written sentences are stored whole (text, words, ids, spans). UD sentences (20 per language,
the ones whose SHA-1 of "file#sent_id" is smallest) are stored as file, sent_id, id counts and
SHA-1 digests only, as scripts/make-fixtures.py does: no treebank text goes into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from importlib.metadata import version
import unicodedata
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import gguf  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoTokenizer  # noqa: E402

transformers.utils.logging.set_verbosity_error()
transformers.utils.logging.disable_progress_bar()

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "Tests" / "CoreTests" / "Fixtures" / "expected" / "gemma3-tokens.json"
DEFAULT_MODELS = Path(os.environ.get("NEURON_MODELS", Path.home() / ".cache" / "neuron-workbench" / "models"))
DEFAULT_GGUF = DEFAULT_MODELS / "gemma-3-270m" / "gemma-3-270m-q4_k_m.gguf"
SOURCE = f"transformers {transformers.__version__} / tokenizers {tokenizers.__version__} / gguf {version('gguf')}"
PER_LANGUAGE = 20

# One entry per language of Antverg & Belinkov; every treebank file of that language is sampled.
UD_LANGUAGES = {
    "English": ["UD_English-EWT/en_ewt-ud-dev.conllu", "UD_English-EWT/en_ewt-ud-test.conllu",
                "UD_English-GUM/en_gum-ud-dev.conllu", "UD_English-GUM/en_gum-ud-test.conllu",
                "UD_English-PUD/en_pud-ud-test.conllu"],
    "Spanish": ["UD_Spanish-GSD/es_gsd-ud-dev.conllu", "UD_Spanish-GSD/es_gsd-ud-test.conllu",
                "UD_Spanish-PUD/es_pud-ud-test.conllu"],
    "French": ["UD_French-GSD/fr_gsd-ud-dev.conllu", "UD_French-GSD/fr_gsd-ud-test.conllu",
               "UD_French-PUD/fr_pud-ud-test.conllu"],
    "Russian": ["UD_Russian-GSD/ru_gsd-ud-dev.conllu", "UD_Russian-GSD/ru_gsd-ud-test.conllu",
                "UD_Russian-PUD/ru_pud-ud-test.conllu"],
    "Finnish": ["UD_Finnish-TDT/fi_tdt-ud-dev.conllu", "UD_Finnish-TDT/fi_tdt-ud-test.conllu",
                "UD_Finnish-PUD/fi_pud-ud-test.conllu"],
    "Bulgarian": ["UD_Bulgarian-BTB/bg_btb-ud-dev.conllu", "UD_Bulgarian-BTB/bg_btb-ud-test.conllu"],
    "Turkish": ["UD_Turkish-IMST/tr_imst-ud-train.conllu", "UD_Turkish-IMST/tr_imst-ud-dev.conllu",
                "UD_Turkish-IMST/tr_imst-ud-test.conllu", "UD_Turkish-PUD/tr_pud-ud-test.conllu"],
    "Arabic": ["UD_Arabic-PUD/ar_pud-ud-test.conllu"],
    "Hindi": ["UD_Hindi-PUD/hi_pud-ud-test.conllu"],
}

# --------------------------------------------------------------------------
# Hand-written sentences (none from a treebank). `None` for words means text.split().

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"

SENTENCES = [
    ("g01", "The keys to the cabinet are", None),
    ("g02", "The author that the guards like laughs", None),
    ("g03", "The pilots who the teacher knows are tall", None),
    ("g04", "The boy near the cars greets the girls", None),
    ("g05", "Colorless green ideas sleep furiously.", ["Colorless", "green", "ideas", "sleep", "furiously", "."]),
    ("g06", "Café owners in Zürich gave a naïve Résumé to the Ångström Society.", None),
    ("g07", "L'été dernier, nous sommes allés à Nice avec 1 000 euros.",
     ["L'", "été", "dernier", ",", "nous", "sommes", "allés", "à", "Nice", "avec", "1 000", "euros", "."]),
    ("g08", "¿Dónde está la biblioteca? ¡Mañana iremos juntos!", None),
    ("g09", "I love 🍕 and my family 👨\u200d👩\u200d👧 🙂!", None),
    ("g10", "In 2024, π≈3.14159, 1,000,000 people paid $12.50 (0x1F, 007).", None),
    ("g11", "two  spaces   three    four     five", None),
    ("g12", "  leading spaces and trailing ones  ", ["", "leading", "spaces", "and", "trailing", "ones", ""]),
    ("g13", "line one\nline two\n\nline four\ttab\t\ttwo tabs\r\nwindows", None),
    ("g14", "<start_of_turn>user\nHello there!<end_of_turn>\n<start_of_turn>model\n",
     ["<start_of_turn>user", "Hello", "there!<end_of_turn>", "<start_of_turn>model"]),
    ("g15", "Literal <bos> and <eos>, <pad>, <unk>, <mask> and <unused0> in text.", None),
    ("g16", "<table><tr><td>cell</td></tr></table> [multimodal] <h1>Title</h1>", None),
    ("g17", "Rare: 𓀀 𐌰𐌱𐌲 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \uE000 \U0010FFFD bell\u0007 nul\u0000 del\u007F", None),
    ("g18", "東京タワーは2024年にLED照明を更新した。", ["東京", "タワー", "は", "2024", "年", "に", "LED", "照明", "を", "更新", "した", "。"]),
    ("g19", "中文测试：你好，世界！", ["中文", "测试", "：", "你好", "，", "世界", "！"]),
    ("g20", "안녕하세요 세계, 반갑습니다.", None),
    ("g21", "हिन्दी में संयुक्ताक्षर और मात्राएँ होती हैं।", None),
    ("g22", "ذهب الطالبُ إلى المكتبة في الصباح الباكر.", None),
    ("g23", "Мой любимый ёжик — житель Москвы, а не Йошкар-Олы.", None),
    ("g24", "İstanbul'da ılık bir akşam, Iğdır'dan gelen dostlarla buluştuk.", None),
    ("g25", "Η ΟΔΟΣ είναι μεγάλη και η Straße ist groß.", None),
    ("g26", f"The word {LONG_WORD} is unbelievably unpronounceable.", None),
    ("g27", "aaaaaaaaaaaaaaaaaaaaaaaa !!!!!!!!!! ---------- ......", None),
    ("g28", "10\u00a0000 € and a\u200bb, cafe\u0301 vs café, ﬁnal ① ½ Ｆｕｌｌ ㎏ ™", None),
    ("g29", "I don't think the U.S. team's co-captain (O'Neil) arrived at 5:30 p.m.", None),
    ("g30", "def f(x):\n    return x ** 2  # square\n", ["def", "f(x):", "return", "x", "**", "2", "#", "square"]),
    ("g31", "https://example.com/path?q=1&r=two#frag user@mail.org", None),
    ("g32", "", []),
    ("g33", " ", [""]),
    ("g34", "\n\n\n", ["\n\n\n"]),
    ("g35", "▁already▁has▁metaspace ▁", None),
    ("g36", "<start_of_image> <end_of_image> <start_of_turn", None),
    ("g37", "Suomen kielessä on paljon sijamuotoja: talossa, talosta, taloon.", None),
    ("g38", "Български език, кирилица: щъркел, ютия, ягода.", None),
]

_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _escape_invisible(text: str) -> str:
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\n":
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


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def ids_sha1(ids) -> str:
    return sha1(",".join(str(i) for i in ids))


def spans_sha1(spans) -> str:
    return sha1(",".join(f"{a}-{b}" for a, b in spans))


def read_conllu(path: Path):
    """Yield (sent_id, text, [FORM, ...]) with syntactic words only."""
    sent_id, text, words = None, None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if not line:
                if words:
                    yield sent_id, text, words
                sent_id, text, words = None, None, []
            elif line.startswith("#"):
                if line.startswith("# sent_id = "):
                    sent_id = line[len("# sent_id = "):]
                elif line.startswith("# text = "):
                    text = line[len("# text = "):]
            else:
                cols = line.split("\t")
                if len(cols) < 2 or "-" in cols[0] or "." in cols[0]:
                    continue
                words.append(cols[1])
    if words:
        yield sent_id, text, words


def encode_text(tok, text):
    return list(tok(text)["input_ids"])


def encode_words(tok, words):
    """[bos] + concat_i encode((" " if i else "") + word_i): a causal LM's reading of the words."""
    ids = [tok.bos_token_id]
    spans = []
    for i, word in enumerate(words):
        start = len(ids)
        ids += tok.encode(("" if i == 0 else " ") + word, add_special_tokens=False)
        spans.append([start, len(ids)])
    return ids, spans


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gguf", type=Path, default=DEFAULT_GGUF, help=f"the GGUF file (default {DEFAULT_GGUF})")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("NEURON_SHARED", REPO.parent / "shared")),
                    help="shared reference data holding ud/ (default $NEURON_SHARED or ../shared)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    if not args.gguf.is_file():
        sys.exit(f"{args.gguf}: not found; run scripts/setup")
    ud = args.shared / "ud"
    if not ud.is_dir():
        sys.exit(f"{ud}: not found; pass --shared or set NEURON_SHARED")

    tok = AutoTokenizer.from_pretrained(str(args.gguf.parent), gguf_file=args.gguf.name)
    assert tok("x")["input_ids"][0] == tok.bos_token_id

    sentences = []
    for sid, text, words in SENTENCES:
        words = text.split() if words is None else words
        ids, spans = encode_words(tok, words)
        sentences.append({"id": sid, "text": text, "words": words,
                          "text_ids": encode_text(tok, text), "word_ids": ids, "word_spans": spans})

    files, ud_sentences = [], []
    for language, rels in UD_LANGUAGES.items():
        candidates = []
        for rel in rels:
            path = ud / rel
            if not path.is_file():
                continue
            files.append(rel)
            for sent_id, text, words in read_conllu(path):
                candidates.append((sha1(f"{rel}#{sent_id}"), len(files) - 1, sent_id, text, words))
        if not candidates:
            sys.exit(f"no treebank of {language} under {ud}")
        for _, fi, sent_id, text, words in sorted(candidates)[:PER_LANGUAGE]:
            assert text is not None, (files[fi], sent_id)
            text_ids = encode_text(tok, text)
            word_ids, spans = encode_words(tok, words)
            ud_sentences.append({"language": language, "file": fi, "sent_id": sent_id,
                                 "n_text_ids": len(text_ids), "text_ids_sha1": ids_sha1(text_ids),
                                 "n_word_ids": len(word_ids), "word_ids_sha1": ids_sha1(word_ids),
                                 "word_spans_sha1": spans_sha1(spans)})

    sums = (args.gguf.parent / "SHA256SUMS")
    write_json(args.out, {
        "tokenizer": f"AutoTokenizer.from_pretrained(folder, gguf_file={args.gguf.name!r})",
        "gguf_sha256": sums.read_text().split()[0] if sums.is_file() else None,
        "source": SOURCE,
        "calls": {"text": "tokenizer(text)['input_ids']",
                  "words": "[bos] + concat_i tokenizer.encode(('' if i == 0 else ' ') + words[i], add_special_tokens=False)",
                  "sha1": "SHA-1 of the ids joined by ',' (spans: 'start-end' joined by ',')"},
        "vocabulary_size": len(tok),
        "special_ids": {"bos": tok.bos_token_id, "eos": tok.eos_token_id, "unk": tok.unk_token_id, "pad": tok.pad_token_id},
        "tokens": {str(i): tok.convert_ids_to_tokens(i) for i in (0, 2, 106, 107, 138, 168, 236743, 255968)},
        "sentences": sentences,
        "ud": {"files": files, "per_language": PER_LANGUAGE, "selection": "smallest SHA-1 of 'file#sent_id'",
               "sentences": ud_sentences},
    })
    print(f"{args.out}: {len(sentences)} sentences, {len(ud_sentences)} UD sentences from {len(files)} files, "
          f"{args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()

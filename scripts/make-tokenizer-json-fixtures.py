#!/usr/bin/env python3
"""Build small tokenizer.json fixtures, one or a few per normalizer / pre-tokenizer /
post-processor / decoder / model type of HF `tokenizers`, and the ids `tokenizers` and
`transformers` give for a set of test strings (Tests/CoreTests/Fixtures/README.md, tokenizer-json/).

    scripts/make-tokenizer-json-fixtures [--shared DIR] [--out DIR]

Vocabularies: WordLevel ones are trained on the test strings themselves (through the same
normalizer and pre-tokenizer), so every piece the reference cuts is a vocabulary entry and any
other cut shows up as a different id or <unk>; one held-out string checks the unknown token.
WordPiece, Unigram and BPE vocabularies are trained on the first lines of a few UD treebanks.
The WordPiece, Unigram and affixed-BPE trainers break ties by hash-map order, so the script keeps the model
(vocabulary and scores) of the committed file for those and retrains only with --retrain; with
that, a rerun gives the same files byte for byte.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import tokenizers
import transformers
from tokenizers import AddedToken, Regex, Tokenizer
from tokenizers import decoders as D
from tokenizers import models as M
from tokenizers import normalizers as N
from tokenizers import pre_tokenizers as P
from tokenizers import processors as PP
from tokenizers import trainers as T
from transformers import PreTrainedTokenizerFast

ROOT = Path(__file__).resolve().parent.parent

# Treebank files whose first lines train the WordPiece, Unigram and BPE vocabularies.
UD_FILES = [
    "UD_English-EWT/en_ewt-ud-test.conllu", "UD_French-PUD/fr_pud-ud-test.conllu",
    "UD_Spanish-PUD/es_pud-ud-test.conllu", "UD_Russian-PUD/ru_pud-ud-test.conllu",
    "UD_Turkish-PUD/tr_pud-ud-test.conllu", "UD_Arabic-PUD/ar_pud-ud-test.conllu",
    "UD_Hindi-PUD/hi_pud-ud-test.conllu", "UD_Finnish-PUD/fi_pud-ud-test.conllu",
]
LINES_PER_FILE = 25

GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")

# Test strings, written for these fixtures (none from a treebank): (id, text, words, covers).
# Words default to text.split(); `words` lists for pre-tokenized input add empty and odd words.
TEXTS = [
    ("t01", "The quick brown fox jumps over the lazy dog.", None, "plain English"),
    ("t02", "Café naïve Résumé Ångström Zürich — déjà vu", None, "precomposed accents"),
    ("t03", "cafe\u0301 and café, e\u0301cole, A\u030angstro\u0308m", None, "decomposed accents beside precomposed ones"),
    ("t04", "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３ ﬁne ﬂour ǅ ① ½ ㎏ ™ Ⅻ x² ﬃ", None, "compatibility characters, ligatures"),
    ("t05", "ctrl\u0000nul\u0001soh\u0007bel\u000bvt\u000cff\u001fus\u007fdel\u0085nel\u008fss3\u009fapc end",
     ["ctrl\u0000nul", "\u0001", "bel\u0007", "\u000b", "\u007f", "\u0085x", "\u009f"], "control characters"),
    ("t06", "zero\u200bwidth\u200djoiner\ufeffbom\ufffdrepl\u2581low\u2028line\u2029para\u00a0nbsp\u3000ideo\u1680ogham",
     ["zero\u200bwidth", "\u200d", "\ufeff", "\u2581", "\u00a0x", "\u3000"], "invisible and odd spaces"),
    ("t07", "Tabs\tand\t\ttabs, three   spaces,\nnew\r\nlines\n\n  leading and trailing  ",
     ["Tabs", "\t", " ", "", "three", "  spaces", "trailing  "], "tabs, newlines, runs of spaces"),
    ("t08", "東京タワーは2024年にLED照明を更新した。中文ABC测试ー", None, "CJK, kana, the prolonged sound mark"),
    ("t09", "Digits: 0123456789, ٠١٢٣ and ۴۵, १२३, 3.14, 1,000,000 and 42nd", None, "digits of several scripts"),
    ("t10", "Wait...!? He said “π≈3.14” – (maybe) [ok] {x} <y> @#$%^&*_+=|\\/~`", None, "punctuation and symbols"),
    ("t11", "हिन्दी में संयुक्ताक्षर और मात्राएँ होती हैं।", None, "Devanagari"),
    ("t12", "ذهب الطالبُ إلى المكتبة في الصباح الباكر، أليس كذلك؟", None, "Arabic with harakat"),
    ("t13", "İstanbul'da ılık bir akşam; IĞDIR ve iğde İ", None, "Turkish dotted and dotless I"),
    ("t14", "Emoji 👨‍👩‍👧 family, 👍🏽 thumbs, 🇫🇷 flag, ☕ and 🙂!", None, "emoji, ZWJ sequences, flags"),
    ("t15", "I don't think they've, we'll, I'M, you'RE and it's O'Neil's", None, "English contractions"),
    ("t16", "Die Straße ist groß. Η ΟΔΟΣ είναι μεγάλη. Мой ёжик — житель Москвы", None, "ß, Greek final sigma, Cyrillic"),
    ("t17", "co-captain well-known 5:30 p.m. U.S.A. e-mail@example.com http://x.org/a_b?c=d", None, "hyphens, abbreviations, URLs"),
    ("t18", "   ", ["", " ", "a"], "only spaces"),
    ("t19", "", ["a", ""], "empty text"),
    ("t20", "Hello <s> world</s> [MASK] and<mask> [CLS]", None, "special tokens in the text"),
    ("t21", "aaaaaaaaaaaaaaaaaaaa bbbbbbbbbb abababab", None, "repeats"),
    ("t22", "Latin Ελληνικά Кириллица العربية हिन्दी 日本語ひらがなカタカナ 한국어 ✓ 123 ok", None, "mixed scripts"),
    ("t23", "▁already▁metaspace ▁ ▁▁ x▁", None, "the metaspace character in the input"),
    ("t24", "ＡＢＣ\u0301 ﬁ\u0308 ǈ\u0323", None, "compatibility characters with combining marks"),
    ("t25", "Unseen: zyxwvut qqq ЖЖЖ", None, "held out of the WordLevel vocabularies"),
]
HELD_OUT = {"t25"}
# Fixtures whose trainer breaks ties by hash-map order (their committed models are kept).
HASH_ORDER_TRAINED = ("unigram-", "wordpiece-", "bpe-subword-affixes")
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>", "[CLS]", "[SEP]", "[MASK]", "<mask>"]


def words_of(entry):
    _, text, words, _ = entry
    return words if words is not None else text.split()


def ud_lines(shared):
    lines = []
    for name in UD_FILES:
        path = shared / "ud" / name
        count = 0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("# text = "):
                    lines.append(line[len("# text = "):].rstrip("\n"))
                    count += 1
                    if count == LINES_PER_FILE:
                        break
    return lines


def vocabulary_text():
    """The test strings and words a WordLevel vocabulary learns (the held-out string excluded)."""
    out = []
    for entry in TEXTS:
        if entry[0] in HELD_OUT:
            continue
        out.append(entry[1])
        out += words_of(entry)
    return out


def add_common_tokens(tok):
    tok.add_special_tokens([AddedToken("<s>", special=True), AddedToken("</s>", special=True),
                            AddedToken("[MASK]", special=True),
                            AddedToken("<mask>", special=True, lstrip=True)])


# ---------------------------------------------------------------- builders

def word_level(normalizer=None, pre_tokenizer=None, post=None, decoder=None):
    """A WordLevel tokenizer whose vocabulary is every piece of the test strings."""
    tok = Tokenizer(M.WordLevel(unk_token="<unk>"))
    if normalizer is not None:
        tok.normalizer = normalizer
    if pre_tokenizer is not None:
        tok.pre_tokenizer = pre_tokenizer
    trainer = T.WordLevelTrainer(vocab_size=100000, min_frequency=0, special_tokens=SPECIALS, show_progress=False)
    tok.train_from_iterator(vocabulary_text(), trainer=trainer)
    if post is not None:
        tok.post_processor = post
    if decoder is not None:
        tok.decoder = decoder
    return tok


def word_piece(lines, normalizer, pre_tokenizer, post, vocab_size=500, decoder=None):
    tok = Tokenizer(M.WordPiece(unk_token="[UNK]", max_input_chars_per_word=12))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer = T.WordPieceTrainer(vocab_size=vocab_size, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                                 limit_alphabet=120, show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = post
    tok.decoder = decoder if decoder is not None else D.WordPiece(prefix="##")
    return tok


def unigram(lines, normalizer, pre_tokenizer, post, decoder, vocab_size=300):
    tok = Tokenizer(M.Unigram())
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer = T.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], unk_token="<unk>",
                               shrinking_factor=0.75, max_piece_length=8, show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = post
    tok.decoder = decoder
    return tok


def sentencepiece_unigram_defaults(lines):
    """`SentencePieceUnigramTokenizer` exactly as the library builds it (Nmt, NFKC, spaces collapsed,
    Metaspace), trained on UD lines: the case that used to be refused for "Nmt"."""
    from tokenizers.implementations import SentencePieceUnigramTokenizer
    spm = SentencePieceUnigramTokenizer()
    spm.train_from_iterator(lines, vocab_size=300, show_progress=False, special_tokens=["<unk>", "<s>", "</s>"],
                            unk_token="<unk>")
    tok = spm._tokenizer
    tok.post_processor = PP.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)])
    return tok


def bpe_byte_level(lines, add_prefix_space, post, vocab_size=400, ignore_merges=False, pre_tokenizer=None,
                   normalizer=None):
    tok = Tokenizer(M.BPE(ignore_merges=ignore_merges))
    if normalizer is not None:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer if pre_tokenizer is not None else P.ByteLevel(add_prefix_space=add_prefix_space)
    trainer = T.BpeTrainer(vocab_size=vocab_size, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<|endoftext|>"],
                           show_progress=False,
                           initial_alphabet=P.ByteLevel.alphabet())
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = post
    tok.decoder = D.ByteLevel()
    return tok


def bpe_sentencepiece_style(lines):
    """Llama-2 style: BPE with byte fallback and fused <unk>, ▁ for spaces via Prepend + Replace.
    The <0xNN> pieces are vocabulary entries after the trained ones (not added tokens)."""
    trained = Tokenizer(M.BPE(unk_token="<unk>"))
    trained.normalizer = N.Sequence([N.Prepend("▁"), N.Replace(" ", "▁")])
    trainer = T.BpeTrainer(vocab_size=400, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False)
    trained.train_from_iterator(lines, trainer=trainer)
    model = json.loads(trained.to_str())["model"]
    vocab = dict(model["vocab"])
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    merges = [tuple(m) for m in model["merges"]]
    tok = Tokenizer(M.BPE(vocab=vocab, merges=merges, unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = trained.normalizer
    tok.add_special_tokens(["<unk>", "<s>", "</s>"])
    tok.post_processor = PP.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    tok.decoder = D.Sequence([D.Replace("▁", " "), D.ByteFallback(), D.Fuse(), D.Strip(content=" ", left=1, right=0)])
    return tok


def bpe_subword_affixes(lines):
    """CharBPE style: continuing_subword_prefix and end_of_word_suffix, unknown characters not fused."""
    tok = Tokenizer(M.BPE(unk_token="<unk>", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = N.BertNormalizer(lowercase=True, strip_accents=False)
    tok.pre_tokenizer = P.BertPreTokenizer()
    trainer = T.BpeTrainer(vocab_size=500, special_tokens=["<unk>"], continuing_subword_prefix="##",
                           end_of_word_suffix="</w>", show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    tok.decoder = D.BPEDecoder(suffix="</w>")
    return tok


def fixtures(lines):
    """(name, what it covers, builder) for every fixture."""
    template = PP.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                     special_tokens=[("<s>", 1), ("</s>", 2)])
    behaviors = ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]
    out = []
    # Normalizers, one at a time (WordLevel over WhitespaceSplit pieces shows what each did; Strip and
    # Prepend over whole lines, so that the spaces they touch stay in the pieces).
    lines_split = P.Split(Regex(r"\n"), "isolated")
    for name, normalizer, covers, pre in [
        ("nfc", N.NFC(), "NFC", P.WhitespaceSplit()),
        ("nfd", N.NFD(), "NFD", P.WhitespaceSplit()),
        ("nfkc", N.NFKC(), "NFKC", P.WhitespaceSplit()),
        ("nfkd", N.NFKD(), "NFKD", P.WhitespaceSplit()),
        ("nmt", N.Nmt(), "Nmt", P.WhitespaceSplit()),
        ("lowercase", N.Lowercase(), "Lowercase", P.WhitespaceSplit()),
        ("strip-accents", N.Sequence([N.NFD(), N.StripAccents()]), "Sequence[NFD, StripAccents]", P.WhitespaceSplit()),
        ("byte-level", N.ByteLevel(), "ByteLevel", P.WhitespaceSplit()),
        ("replace", N.Sequence([N.Replace("a", "4"), N.Replace(Regex(r"\s+"), " "), N.Replace(Regex("(?i:é|e\u0301)"), "E"),
                               N.Replace("ü", "ue")]),
         "Sequence[Replace('a', '4'), Replace(regex \\s+, ' '), Replace(regex (?i:é|e\u0301), 'E'), Replace('ü', 'ue')]",
         P.WhitespaceSplit()),
        ("strip-left", N.Strip(left=True, right=False), "Strip(left only), pieces are lines", lines_split),
        ("strip-both", N.Strip(), "Strip, pieces are lines", lines_split),
        ("prepend", N.Prepend("@@"), "Prepend('@@'), pieces are lines", lines_split),
    ]:
        out.append((f"wordlevel-normalizer-{name}", covers, lambda n=normalizer, p=pre: word_level(n, p)))
    out.append(("wordlevel-normalizer-bert", "BertNormalizer with every option on",
                lambda: word_level(N.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True,
                                                    lowercase=True), P.WhitespaceSplit())))
    out.append(("wordlevel-normalizer-bert-plain", "BertNormalizer with every option off",
                lambda: word_level(N.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False,
                                                    lowercase=False), P.WhitespaceSplit())))
    # Pre-tokenizers.
    out.append(("wordlevel-bert-pretokenizer", "BertPreTokenizer", lambda: word_level(None, P.BertPreTokenizer())))
    out.append(("wordlevel-whitespace", "Whitespace (\\w+|[^\\w\\s]+)", lambda: word_level(None, P.Whitespace())))
    out.append(("wordlevel-whitespace-split", "WhitespaceSplit", lambda: word_level(None, P.WhitespaceSplit())))
    for behavior in behaviors:
        out.append((f"wordlevel-punctuation-{behavior}", f"Punctuation({behavior})",
                    lambda b=behavior: word_level(None, P.Punctuation(b))))
    out.append(("wordlevel-digits", "Digits (runs)", lambda: word_level(None, P.Digits(individual_digits=False))))
    out.append(("wordlevel-digits-individual", "Digits(individual_digits)", lambda: word_level(None, P.Digits(individual_digits=True))))
    out.append(("wordlevel-char-delimiter", "CharDelimiterSplit('-') after WhitespaceSplit",
                lambda: word_level(None, P.Sequence([P.WhitespaceSplit(), P.CharDelimiterSplit("-")]))))
    out.append(("wordlevel-unicode-scripts", "UnicodeScripts", lambda: word_level(None, P.UnicodeScripts())))
    out.append(("wordlevel-fixed-length", "FixedLength(3) after WhitespaceSplit",
                lambda: word_level(None, P.Sequence([P.WhitespaceSplit(), P.FixedLength(3)]))))
    # Split: every behavior, with string and regex patterns, then the same inverted.
    out.append(("wordlevel-split", "Split: ' ' removed, '-' isolated, ',' merged_with_previous, "
                                   "regex [.:/] merged_with_next, regex \\d contiguous",
                lambda: word_level(None, P.Sequence([P.Split(" ", "removed"), P.Split("-", "isolated"),
                                                     P.Split(",", "merged_with_previous"),
                                                     P.Split(Regex(r"[.:/]"), "merged_with_next"),
                                                     P.Split(Regex(r"\d"), "contiguous")]))))
    out.append(("wordlevel-split-invert", "Split(invert=True): regex \\S+ removed, regex \\S contiguous, 'o' merged_with_next, "
                                          "regex \\p{N} merged_with_previous, regex \\p{L}+ isolated",
                lambda: word_level(None, P.Sequence([P.Split(Regex(r"\S+"), "removed", invert=True),
                                                     P.Split(Regex(r"\S"), "contiguous", invert=True),
                                                     P.Split("o", "merged_with_next", invert=True),
                                                     P.Split(Regex(r"\p{N}"), "merged_with_previous", invert=True),
                                                     P.Split(Regex(r"\p{L}+"), "isolated", invert=True)]))))
    out.append(("wordlevel-split-gpt2", "Split with GPT-2's expression",
                lambda: word_level(None, P.Split(Regex(GPT2_PATTERN), "isolated"))))
    out.append(("wordlevel-split-llama3", "Split with Llama 3's expression",
                lambda: word_level(None, P.Split(Regex(LLAMA3_PATTERN), "isolated"))))
    for scheme, split in [("always", True), ("first", True), ("never", True), ("first", False)]:
        out.append((f"wordlevel-metaspace-{scheme}{'' if split else '-nosplit'}",
                    f"Metaspace(prepend_scheme={scheme}, split={split})",
                    lambda s=scheme, sp=split: word_level(None, P.Metaspace(prepend_scheme=s, split=sp))))
    out.append(("wordlevel-bytelevel", "ByteLevel pre-tokenizer (prefix space, GPT-2 expression)",
                lambda: word_level(None, P.ByteLevel(add_prefix_space=True))))
    out.append(("wordlevel-bytelevel-noregex", "ByteLevel(use_regex=False) after WhitespaceSplit",
                lambda: word_level(None, P.Sequence([P.WhitespaceSplit(), P.ByteLevel(add_prefix_space=False, use_regex=False)]))))
    # Post-processors.
    out.append(("wordlevel-post-sequence", "Sequence[TemplateProcessing, BertProcessing] (the template's pieces are wrapped separately)",
                lambda: word_level(None, P.WhitespaceSplit(), PP.Sequence([template, PP.BertProcessing(("[SEP]", 5), ("[CLS]", 4))]),
                                   D.CTC())))
    out.append(("wordlevel-post-roberta", "RobertaProcessing",
                lambda: word_level(None, P.WhitespaceSplit(), PP.RobertaProcessing(("</s>", 2), ("<s>", 1)))))
    # Real models.
    out.append(("unigram-sentencepiece-defaults",
                "SentencePieceUnigramTokenizer's defaults: Sequence[Nmt, NFKC, Replace(' {2,}')], Metaspace; TemplateProcessing",
                lambda: sentencepiece_unigram_defaults(lines)))
    out.append(("unigram-nfkd-lowercase-first",
                "Unigram; Sequence[NFKD, Lowercase, Strip]; Sequence[WhitespaceSplit, Metaspace(first, split=False)]; RobertaProcessing",
                lambda: unigram(lines, N.Sequence([N.NFKD(), N.Lowercase(), N.Strip()]),
                                P.Sequence([P.WhitespaceSplit(), P.Metaspace(prepend_scheme="first", split=False)]),
                                PP.RobertaProcessing(("</s>", 2), ("<s>", 0)), D.Metaspace(prepend_scheme="first", split=False))))
    out.append(("unigram-scripts-digits",
                "Unigram; NFC; Sequence[UnicodeScripts, Digits(individual), Metaspace(never)]; ByteLevel post-processor",
                lambda: unigram(lines, N.NFC(), P.Sequence([P.UnicodeScripts(), P.Digits(individual_digits=True),
                                                            P.Metaspace(prepend_scheme="never")]),
                                PP.ByteLevel(), D.Metaspace(prepend_scheme="never"))))
    out.append(("wordpiece-bert", "WordPiece; BertNormalizer (lowercase); BertPreTokenizer; BertProcessing",
                lambda: word_piece(lines, N.BertNormalizer(lowercase=True), P.BertPreTokenizer(),
                                   PP.BertProcessing(("[SEP]", 3), ("[CLS]", 2)))))
    out.append(("wordpiece-cased-punctuation",
                "WordPiece; Sequence[NFC, StripAccents]; Sequence[Whitespace, Punctuation(contiguous), Digits]; TemplateProcessing",
                lambda: word_piece(lines, N.Sequence([N.NFC(), N.StripAccents()]),
                                   P.Sequence([P.Whitespace(), P.Punctuation("contiguous"), P.Digits()]),
                                   PP.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]))))
    out.append(("bpe-gpt2", "byte-level BPE (GPT-2): ByteLevel(add_prefix_space=False); ByteLevel post-processor and decoder",
                lambda: bpe_byte_level(lines, False, PP.ByteLevel(trim_offsets=True))))
    out.append(("bpe-roberta", "byte-level BPE (RoBERTa): ByteLevel(add_prefix_space=True); RobertaProcessing",
                lambda: bpe_byte_level(lines, True, PP.RobertaProcessing(("</s>", 2), ("<s>", 0)))))
    out.append(("bpe-llama3", "byte-level BPE (Llama 3): NFC; Sequence[Split(llama3, isolated), ByteLevel(use_regex=False)]; "
                              "ignore_merges; Sequence[ByteLevel, TemplateProcessing]",
                lambda: bpe_byte_level(lines, False, PP.Sequence([PP.ByteLevel(trim_offsets=False),
                                                                  PP.TemplateProcessing(single="<|endoftext|> $A",
                                                                                        special_tokens=[("<|endoftext|>", 4)])]),
                                       ignore_merges=True, normalizer=N.NFC(),
                                       pre_tokenizer=P.Sequence([P.Split(Regex(LLAMA3_PATTERN), "isolated"),
                                                                 P.ByteLevel(add_prefix_space=False, use_regex=False)]))))
    out.append(("bpe-bytelevel-normalizer", "byte-level BPE with the ByteLevel normalizer and no pre-tokenizer",
                lambda: bpe_byte_level(lines, False, None, normalizer=N.ByteLevel(), pre_tokenizer=P.Sequence([]))))
    out.append(("bpe-sentencepiece", "BPE with byte fallback and fused <unk>; Sequence[Prepend(▁), Replace(' ', ▁)]; "
                                     "decoder Sequence[Replace, ByteFallback, Fuse, Strip]",
                lambda: bpe_sentencepiece_style(lines)))
    out.append(("bpe-subword-affixes", "BPE with continuing_subword_prefix ## and end_of_word_suffix </w>; BertNormalizer; "
                                       "BertPreTokenizer; no post-processor; BPEDecoder",
                lambda: bpe_subword_affixes(lines)))
    return out


# ---------------------------------------------------------------- references

def split_by_word(ids, word_ids, n_words):
    """The ids of pre-tokenized words as [special ids before, ids of word 1, …, special ids after]:
    spans are the lengths, and the words' ids must be contiguous between the special ids."""
    assert any(w is not None for w in word_ids), "every word list needs a word that gives ids"
    first = next(i for i, w in enumerate(word_ids) if w is not None)
    last = max(i for i, w in enumerate(word_ids) if w is not None)
    parts = [ids[:first]]
    position = first
    for w in range(n_words):
        count = sum(1 for x in word_ids if x == w)
        assert all(x == w for x in word_ids[position:position + count]), "a word's ids are not contiguous"
        parts.append(ids[position:position + count])
        position += count
    assert position == last + 1 and all(x is None for x in word_ids[position:]), "ids between words are not words'"
    parts.append(ids[position:])
    return parts


def reference(tok, path):
    fast = PreTrainedTokenizerFast(tokenizer_file=str(path))
    cases = []
    for entry in TEXTS:
        tid, text, _, _ = entry
        words = words_of(entry)
        ids = tok.encode(text).ids
        assert fast(text)["input_ids"] == ids, f"{path.name} {tid}: transformers and tokenizers differ on the text"
        word_encoding = tok.encode(words, is_pretokenized=True)
        word_ids = word_encoding.ids
        assert fast(words, is_split_into_words=True)["input_ids"] == word_ids, \
            f"{path.name} {tid}: transformers and tokenizers differ on the words"
        cases.append({"id": tid, "ids": ids, "words": split_by_word(word_ids, word_encoding.word_ids, len(words))})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="shared data holding ud/")
    parser.add_argument("--out", type=Path, default=ROOT / "Tests/CoreTests/Fixtures/tokenizer-json")
    parser.add_argument("--retrain", action="store_true",
                        help="retrain the WordPiece, Unigram and affixed BPE models instead of keeping the committed ones")
    args = parser.parse_args()
    lines = ud_lines(args.shared)
    kept_models = {}
    if args.out.exists():
        if not args.retrain:
            for path in args.out.glob("*.json"):
                if path.name.startswith(HASH_ORDER_TRAINED):
                    kept_models[path.stem] = Tokenizer.from_file(str(path)).model
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    entries = []
    for name, covers, build in fixtures(lines):
        tok = build()
        if name in kept_models:
            tok.model = kept_models[name]
        add_common_tokens(tok)
        path = args.out / f"{name}.json"
        tok.save(str(path), pretty=False)
        tok = Tokenizer.from_file(str(path))
        entries.append({"name": name, "covers": covers, "cases": reference(tok, path)})
        print(f"{name}: {path.stat().st_size} bytes", file=sys.stderr)
    expected = {
        "source": f"tokenizers {tokenizers.__version__}, transformers {transformers.__version__} "
                  "(PreTrainedTokenizerFast(tokenizer_file=...): the same ids, checked)",
        "texts": [{"id": tid, "text": text, "words": words_of((tid, text, words, covers)), "covers": covers}
                  for tid, text, words, covers in TEXTS],
        "tokenizers": entries,
    }
    with open(args.out / "expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    total = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{len(entries)} tokenizers, {total} bytes in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Probe HF `tokenizers` for the character classes its UnicodeScripts pre-tokenizer and StripAccents
normalizer use, and write them as Swift range tables.

    .venv/bin/python scripts/make-tokenizer-unicode-tables.py   # writes Sources/Core/Tokenizers/TokenizerUnicode+Probed.swift

`tokenizers` takes scripts from a table generated for SentencePiece (plus its own fix-ups:
Hiragana, Katakana and U+30FC count as Han, the space as no script) and combining marks from the
`unicode-normalization-alignments` crate; both predate the Unicode version Swift ships, so the
Swift side reads these tables instead of Unicode properties. Every code point is probed through
the library itself, so the tables are what `tokenizers` does, whatever its sources say.

Scripts: UnicodeScripts starts a piece at each character whose script differs from the last one
seen, and characters with no script ("Any") start none. Probing "α c" and "a c" for every code
point c tells whether c has no script (no split after either); the code points that have one,
concatenated in order, split exactly where the script changes; and two runs have the same script
when a character of each, side by side, stays one piece. Script ids number the classes in order of
first appearance; only equality matters.
"""
import random
import sys
from pathlib import Path

import tokenizers
from tokenizers import normalizers, pre_tokenizers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Sources/Core/Tokenizers/TokenizerUnicode+Probed.swift"
CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
CHUNK = 1 << 15

scripts = pre_tokenizers.UnicodeScripts()


def piece_starts(text):
    """Character offsets where UnicodeScripts starts a piece."""
    return {start for _, (start, _) in scripts.pre_tokenize_str(text)}


def joins(code_points, separator):
    """For each code point c, whether `separator c separator` has no split before c or after it."""
    result = []
    for i in range(0, len(code_points), CHUNK):
        chunk = code_points[i:i + CHUNK]
        text = "".join(separator + chr(c) for c in chunk) + separator
        starts = piece_starts(text)
        for k in range(len(chunk)):
            # c sits at offset 2k + 1, the separator after it at 2k + 2.
            result.append(2 * k + 1 not in starts and 2 * k + 2 not in starts)
    return result


def probe_scripts():
    with_greek = joins(CODE_POINTS, "\u03b1")
    with_latin = joins(CODE_POINTS, "a")
    scripted = [c for c, g, l in zip(CODE_POINTS, with_greek, with_latin) if not (g and l)]
    # Runs of one script among the scripted code points, in order.
    runs = []
    for i in range(0, len(scripted), CHUNK):
        chunk = scripted[i:i + CHUNK]
        starts = piece_starts("".join(chr(c) for c in chunk))
        for k, c in enumerate(chunk):
            if k in starts and not (k == 0 and runs and same(runs[-1][-1], c)):
                runs.append([c])
            else:
                runs[-1].append(c)
    representatives = []
    script_of = {}
    for run in runs:
        rep = run[0]
        for index, other in enumerate(representatives):
            if same(other, rep):
                break
        else:
            index = len(representatives)
            representatives.append(rep)
        for c in run:
            script_of[c] = index + 1
    # Ranges of consecutive code points with the same script.
    ranges = []
    for c in sorted(script_of):
        s = script_of[c]
        if ranges and ranges[-1][1] == c - 1 and ranges[-1][2] == s:
            ranges[-1][1] = c
        else:
            ranges.append([c, c, s])
    return ranges, representatives


def same(a, b):
    """Whether two scripted code points have the same script."""
    return len(scripts.pre_tokenize_str(chr(a) + chr(b))) == 1


def probe_combining_marks():
    strip = normalizers.StripAccents()
    ranges = []
    for c in CODE_POINTS:
        if strip.normalize_str(chr(c)) == "":
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    return ranges


def check_scripts(script_of):
    """Simulates UnicodeScripts with the probed scripts on random text and compares with the library."""
    rng = random.Random(20241204)
    for _ in range(200):
        text = "".join(chr(rng.choice(CODE_POINTS)) if rng.random() < 0.5 else rng.choice(" aα1,日カ́")
                       for _ in range(rng.randint(1, 300)))
        starts, last = [], 0
        for k, ch in enumerate(text):
            script = script_of.get(ord(ch), 0)
            if script and script != last:
                starts.append(k)
            if script:
                last = script
        expected = [(text[a:b], (a, b)) for a, b in zip(starts, starts[1:] + [len(text)])]
        assert scripts.pre_tokenize_str(text) == expected, f"scripts differ on {text!r}"


def main():
    script_ranges, representatives = probe_scripts()
    check_scripts({c: s for a, b, s in script_ranges for c in range(a, b + 1)})
    mark_ranges = probe_combining_marks()
    lines = [
        "// Generated by scripts/make-tokenizer-unicode-tables.py from tokenizers "
        f"{tokenizers.__version__}; do not edit.",
        "",
        "/// Character classes probed from HF `tokenizers` itself, code point by code point (see the",
        "/// generator), for the components whose Unicode data is older than Swift's.",
        "extension TokenizerUnicode {",
        "    /// The script `UnicodeScripts` gives a character, 0 for none (spaces and unassigned code",
        "    /// points among others). Ids only tell scripts apart; Hiragana and Katakana share Han's.",
        "    static func script(of v: UInt32) -> UInt8 {",
        "        var low = 0",
        "        var high = scriptRanges.count / 3",
        "        while low < high {",
        "            let mid = (low + high) >> 1",
        "            if v < scriptRanges[3 * mid] {",
        "                high = mid",
        "            } else if v > scriptRanges[3 * mid + 1] {",
        "                low = mid + 1",
        "            } else {",
        "                return UInt8(scriptRanges[3 * mid + 2])",
        "            }",
        "        }",
        "        return 0",
        "    }",
        "",
        f"    /// `first, last, script` for {len(script_ranges)} ranges of code points, sorted "
        f"({len(representatives)} scripts).",
        "    static let scriptRanges: [UInt32] = [",
    ]
    for i in range(0, len(script_ranges), 4):
        lines.append("        " + " ".join(f"0x{a:X}, 0x{b:X}, {s}," for a, b, s in script_ranges[i:i + 4]))
    lines += [
        "    ]",
        "",
        "    /// Characters `StripAccents` removes (the `unicode-normalization-alignments` crate's",
        "    /// combining marks).",
        "    static let combiningMarks: [ClosedRange<UInt32>] = [",
    ]
    for i in range(0, len(mark_ranges), 4):
        lines.append("        " + " ".join(f"0x{a:04X}...0x{b:04X}," for a, b in mark_ranges[i:i + 4]))
    lines += ["    ]", "}", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(script_ranges)} script ranges ({len(representatives)} scripts), "
          f"{len(mark_ranges)} combining-mark ranges", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Writes Tests/CoreTests/Fixtures/gguf: dequantisation references and a tiny GGUF file.

Everything comes from the `gguf` Python package (llama.cpp's own reader/writer):
`gguf.quants.dequantize` for the block formats, `gguf.GGUFWriter` for the files and
`gguf.GGUFReader` to read them back for the JSON. Seeded, so a rerun rewrites the same bytes.
See Tests/CoreTests/Fixtures/README.md (section "gguf/").
"""
import collections
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V
from gguf.quants import dequantize
from gguf.constants import GGML_QUANT_SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "CoreTests" / "Fixtures" / "gguf"

# Byte offsets of the half-precision scales inside one block (ggml-common.h).
HALF_SCALES = {
    T.Q4_0: [(0, "d")], T.Q4_1: [(0, "d"), (2, "m")],
    T.Q5_0: [(0, "d")], T.Q5_1: [(0, "d"), (2, "m")],
    T.Q8_0: [(0, "d")],
    T.Q2_K: [(80, "d"), (82, "dmin")], T.Q3_K: [(108, "d")],
    T.Q4_K: [(0, "d"), (2, "dmin")], T.Q5_K: [(0, "d"), (2, "dmin")],
    T.Q6_K: [(208, "d")],
}
QUANTISED = [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K]
BLOCKS = 8


def random_blocks(rng: np.random.Generator, qtype: T, count: int) -> np.ndarray:
    """`count` blocks of random bytes whose half scales are finite and of a weight-like size."""
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=(count, type_size), dtype=np.uint8)
    for offset, role in HALF_SCALES[qtype]:
        if role in ("m", "dmin"):
            values = rng.uniform(-0.05, 0.05, size=count) if role == "m" else rng.uniform(0, 0.05, size=count)
        else:
            values = rng.normal(0, 0.02, size=count)
        raw[:, offset:offset + 2] = values.astype("<f2").view(np.uint8).reshape(count, 2)
    return raw


def float_blocks(rng: np.random.Generator, qtype: T) -> np.ndarray:
    """256 raw F32 / F16 / BF16 elements as bytes, with zeros, negatives, subnormal halves and large values."""
    values = np.concatenate([rng.normal(0, 1, 248), [0.0, -0.0, 1e-6, -3e-7, 65504.0, -1e4, 1.5e38 if qtype != T.F16 else 3.0, 7.0]])
    if qtype == T.F32:
        return values.astype("<f4").view(np.uint8)
    if qtype == T.F16:
        return values.astype("<f2").view(np.uint8)
    bits = values.astype("<f4").view("<u4")
    return (bits >> 16).astype("<u2").view(np.uint8)


def write_block_fixtures(rng: np.random.Generator) -> list[dict]:
    entries = []
    for qtype in [T.F32, T.F16, T.BF16] + QUANTISED:
        raw = float_blocks(rng, qtype) if qtype in (T.F32, T.F16, T.BF16) else random_blocks(rng, qtype, BLOCKS)
        raw = np.ascontiguousarray(raw).reshape(1, -1)
        expected = np.asarray(dequantize(raw, qtype), dtype=np.float32).reshape(-1)
        assert np.all(np.isfinite(expected)), qtype.name
        name = qtype.name
        (OUT / f"{name}.blocks.bin").write_bytes(raw.tobytes())
        (OUT / f"{name}.expected.f32").write_bytes(expected.astype("<f4").tobytes())
        entries.append({"type": name, "type_id": int(qtype), "bytes": int(raw.size), "elements": int(expected.size)})
    return entries


def write_tiny_gguf(rng: np.random.Generator, path: Path, alignment: int | None) -> dict:
    """A small GGUF with a key of every value type and tensors of several types."""
    writer = gguf.GGUFWriter(str(path), "tiny")
    if alignment is not None:
        writer.add_custom_alignment(alignment)
    writer.add_name("tiny ünïcode ✓")
    writer.add_uint8("test.uint8", 200)
    writer.add_int8("test.int8", -100)
    writer.add_uint16("test.uint16", 60000)
    writer.add_int16("test.int16", -30000)
    writer.add_uint32("test.uint32", 4_000_000_000)
    writer.add_int32("test.int32", -2_000_000_000)
    writer.add_float32("test.float32", 1e-6)
    writer.add_bool("test.bool.true", True)
    writer.add_bool("test.bool.false", False)
    writer.add_uint64("test.uint64", 2**63 + 5)
    writer.add_int64("test.int64", -(2**40))
    writer.add_float64("test.float64", 1 / 3)
    writer.add_string("test.string.empty.not.written", "")  # the writer drops empty strings
    writer.add_key_value("test.string.empty", "", V.STRING)
    writer.add_array("test.array.strings", ["a", "bb", "", "ünï", "<0x0A>"])
    writer.add_array("test.array.int32", [1, -2, 3, 2_000_000_000])
    writer.add_array("test.array.float32", [0.5, -1.25, 1e-6, 3.0e38])
    writer.add_array("test.array.bool", [True, False, True])
    writer.add_key_value("test.array.uint8", [0, 7, 255], V.ARRAY, sub_type=V.UINT8)
    writer.add_key_value("test.array.int64", [-(2**62), 5], V.ARRAY, sub_type=V.INT64)
    writer.add_key_value("test.array.uint64", [2**64 - 1, 0], V.ARRAY, sub_type=V.UINT64)
    writer.add_key_value("test.array.float64", [0.1, -2.5], V.ARRAY, sub_type=V.FLOAT64)
    writer.add_array("test.array.nested", [[1, 2], [3], [4, 5, 6]])
    writer.add_array("test.array.nested.strings", [["x"], ["y", "z"]])
    writer.add_array("test.array.nested.deep", [[[1.5], [2.5, 3.5]], [[4.5]]])
    writer.add_uint32("tiny.context_length", 128)

    writer.add_tensor("f32.vector", rng.normal(0, 1, 5).astype(np.float32))
    writer.add_tensor("f16.matrix", rng.normal(0, 1, (3, 4)).astype(np.float16))
    bf16 = (rng.normal(0, 1, (2, 6)).astype("<f4").view("<u4") >> 16).astype("<u2").view(np.uint8).reshape(2, 12)
    writer.add_tensor("bf16.matrix", bf16, raw_dtype=T.BF16)
    q8 = gguf.quants.quantize(rng.normal(0, 1, (4, 64)).astype(np.float32), T.Q8_0)
    writer.add_tensor("q8_0.matrix", q8, raw_dtype=T.Q8_0)
    writer.add_tensor("q5_0.matrix", random_blocks(rng, T.Q5_0, 6).reshape(3, 2 * 22), raw_dtype=T.Q5_0)
    writer.add_tensor("q4_K.matrix", random_blocks(rng, T.Q4_K, 6).reshape(3, 2 * 144), raw_dtype=T.Q4_K)
    writer.add_tensor("q6_K.cube", random_blocks(rng, T.Q6_K, 4).reshape(2, 2, 210), raw_dtype=T.Q6_K)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return describe(path)


def encode(field_type: V, value) -> dict:
    """One metadata value as JSON: integers and floats as exact strings (decimal, C99 hex)."""
    if field_type == V.STRING:
        return {"type": "STRING", "value": value}
    if field_type == V.BOOL:
        return {"type": "BOOL", "value": "true" if value else "false"}
    if field_type in (V.FLOAT32, V.FLOAT64):
        return {"type": field_type.name, "value": float(value).hex()}
    return {"type": field_type.name, "value": str(int(value))}


def decode_value(data: bytes, offset: int, vtype: V):
    """Independent decoding of a value from the raw bytes, to spell out nested arrays exactly."""
    import struct
    simple = {V.UINT8: "<B", V.INT8: "<b", V.UINT16: "<H", V.INT16: "<h", V.UINT32: "<I", V.INT32: "<i",
              V.FLOAT32: "<f", V.BOOL: "<?", V.UINT64: "<Q", V.INT64: "<q", V.FLOAT64: "<d"}
    if vtype in simple:
        fmt = simple[vtype]
        (value,) = struct.unpack_from(fmt, data, offset)
        return encode(vtype, value), offset + struct.calcsize(fmt)
    if vtype == V.STRING:
        (length,) = struct.unpack_from("<Q", data, offset)
        text = data[offset + 8:offset + 8 + length].decode("utf-8")
        return encode(V.STRING, text), offset + 8 + length
    (element_type, count) = struct.unpack_from("<IQ", data, offset)
    offset += 12
    items = []
    for _ in range(count):
        item, offset = decode_value(data, offset, V(element_type))
        items.append(item)
    return {"type": "ARRAY", "element_type": V(element_type).name, "value": items}, offset


def describe(path: Path) -> dict:
    """What a reader must find in `path`, from gguf.GGUFReader (arrays re-decoded from the bytes)."""
    reader = gguf.GGUFReader(str(path))
    data = path.read_bytes()
    metadata = {}
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue  # the reader's pseudo-fields for the header
        value_type = V(field.types[0])
        # field.offset is where the key starts: 8-byte length, key bytes, 4-byte type, value.
        key_length = int.from_bytes(data[field.offset:field.offset + 8], "little")
        value_offset = field.offset + 8 + key_length + 4
        encoded, _ = decode_value(data, value_offset, value_type)
        if value_type != V.ARRAY:
            assert encoded == encode(value_type, field.contents()), (name, encoded, field.contents())
        elif len(field.types) == 2:
            plain = [item["value"] for item in encoded["value"]]
            assert plain == [encode(V(field.types[1]), v)["value"] for v in field.contents()], name
        metadata[name] = encoded
    tensors = []
    values = []
    floats_written = 0
    for tensor in reader.tensors:
        dequantised = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32).reshape(-1)
        values.append(dequantised)
        tensors.append({
            "name": tensor.name,
            "type": tensor.tensor_type.name,
            "dims": [int(d) for d in tensor.shape],  # ggml order: dims[0] is the row length
            "data_offset": int(tensor.data_offset),  # absolute, in the file
            "bytes": int(tensor.n_bytes),
            "values": [floats_written, int(dequantised.size)],  # start and count in <file>.values.f32
        })
        floats_written += dequantised.size
    path.with_suffix(".values.f32").write_bytes(np.concatenate(values).astype("<f4").tobytes())
    return {
        "file": path.name, "version": 3, "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset), "file_size": len(data),
        "metadata": metadata, "tensors": tensors,
    }


GEMMA = Path(os.environ.get("GEMMA_GGUF", Path.home() / ".cache/neuron-workbench/models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf"))
GEMMA_KEYS = ["general.architecture", "gemma3.context_length", "gemma3.embedding_length", "gemma3.block_count",
              "gemma3.feed_forward_length", "gemma3.attention.head_count", "gemma3.attention.head_count_kv",
              "gemma3.attention.key_length", "gemma3.attention.value_length",
              "gemma3.attention.layer_norm_rms_epsilon", "gemma3.attention.sliding_window", "gemma3.rope.freq_base",
              "tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
              "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
              "tokenizer.ggml.add_space_prefix"]


def describe_gemma(path: Path) -> dict:
    """Facts about the real Gemma 3 270M Q4_K_M file for an optional Swift test (no weights stored)."""
    reader = gguf.GGUFReader(str(path))
    data = np.memmap(path, dtype=np.uint8, mode="r")
    metadata = {}
    for key in GEMMA_KEYS:
        field = reader.fields[key]
        key_length = int.from_bytes(data[field.offset:field.offset + 8].tobytes(), "little")
        metadata[key], _ = decode_value(data[field.offset:field.offset + 8 + key_length + 4 + 4096].tobytes(), 8 + key_length + 4, V(field.types[0]))
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    samples = []
    seen = set()
    for tensor in reader.tensors:
        if tensor.tensor_type.name in seen and tensor.name != "output_norm.weight":
            continue
        seen.add(tensor.tensor_type.name)
        rows = tensor.data.reshape(-1, tensor.data.shape[-1]) if tensor.data.ndim > 1 else tensor.data.reshape(1, -1)
        chosen = sorted({0, min(2, rows.shape[0] - 1), rows.shape[0] - 1})
        values = np.asarray(dequantize(np.ascontiguousarray(rows[chosen]), tensor.tensor_type), dtype=np.float32)
        entry = {"name": tensor.name, "type": tensor.tensor_type.name, "dims": [int(d) for d in tensor.shape],
                 "rows": chosen, "row_heads": [[float(v).hex() for v in row[:8]] for row in values.reshape(len(chosen), -1)],
                 "row_sums": [float(row.astype(np.float64).sum()) for row in values.reshape(len(chosen), -1)]}
        if tensor.n_bytes < 8 << 20:
            entry["sum"] = float(np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float64).sum())
        samples.append(entry)
    return {"file": path.name, "file_size": int(path.stat().st_size), "tensor_count": len(reader.tensors),
            "type_counts": dict(collections.Counter(t.tensor_type.name for t in reader.tensors)),
            "metadata_count": len([k for k in reader.fields if not k.startswith("GGUF.")]),
            "metadata": metadata, "token_count": len(tokens), "tokens_head": [str(t) for t in tokens[:8]],
            "tensors": samples}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rng = np.random.default_rng(20240611)
    blocks = write_block_fixtures(rng)
    tiny = write_tiny_gguf(rng, OUT / "tiny.gguf", alignment=None)
    aligned = write_tiny_gguf(rng, OUT / "tiny-align64.gguf", alignment=64)
    manifest = {"gguf_version": package_version(),
                "numpy_version": np.__version__, "blocks": blocks, "files": [tiny, aligned]}
    (OUT / "expected.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    if GEMMA.exists():
        (OUT / "gemma3-270m-q4_k_m.json").write_text(json.dumps(describe_gemma(GEMMA), indent=1, ensure_ascii=False) + "\n")
    else:
        print(f"{GEMMA} not found: gemma3-270m-q4_k_m.json not written (set GEMMA_GGUF)", file=sys.stderr)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT.relative_to(ROOT)}", file=sys.stderr)


def package_version() -> str:
    from importlib.metadata import version
    return version("gguf")


if __name__ == "__main__":
    main()

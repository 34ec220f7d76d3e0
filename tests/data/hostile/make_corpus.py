#!/usr/bin/env python3
"""Regenerates the hostile corpus: small files and folders that `qkov inspect`
must refuse with exit code 1 and one stderr line naming the file and the
problem. Writes every case beside this script plus MANIFEST.tsv
(<relative path> TAB <substring the stderr line must contain>).

Plain python3, no numpy:  python3 tests/data/hostile/make_corpus.py
"""
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = []


def case(rel, needle):
    MANIFEST.append((rel, needle))
    return os.path.join(HERE, rel)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def raw_safetensors(header, data=b""):
    """A file from a literal header (bytes or JSON-able), written as given."""
    if not isinstance(header, bytes):
        header = json.dumps(header).encode("utf-8")
    return struct.pack("<Q", len(header)) + header + data


def safetensors(tensors, metadata=None):
    """A valid file: {name: (dtype, shape, bytes)}, sorted keys, space padding."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        dtype, shape, blob = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def f32(shape, seed=1):
    n = 1
    for d in shape:
        n *= d
    values = [((i * 37 + seed * 11) % 19 - 9) / 64.0 for i in range(n)]
    return ("F32", list(shape), struct.pack("<%df" % n, *values))


def tiny_llama_tensors(dim=8, layers=1, vocab=16, ff=16):
    """A well-formed one-layer LLaMA checkpoint in HF names (a few KB)."""
    t = {"model.embed_tokens.weight": f32([vocab, dim]), "model.norm.weight": f32([dim], 2)}
    for i in range(layers):
        p = "model.layers.%d." % i
        for proj in ("q", "k", "v", "o"):
            t[p + "self_attn.%s_proj.weight" % proj] = f32([dim, dim], 3)
        t[p + "mlp.gate_proj.weight"] = f32([ff, dim], 4)
        t[p + "mlp.up_proj.weight"] = f32([ff, dim], 5)
        t[p + "mlp.down_proj.weight"] = f32([dim, ff], 6)
        t[p + "input_layernorm.weight"] = f32([dim], 7)
        t[p + "post_attention_layernorm.weight"] = f32([dim], 8)
    return t


LLAMA_CONFIG = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 8,
                "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                "num_key_value_heads": 2, "vocab_size": 16, "rms_norm_eps": 1e-5,
                "tie_word_embeddings": True}


def entry(dtype="F32", shape=(4,), offsets=(0, 16)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


def file_cases():
    write(case("empty.safetensors", "too short"), b"")
    write(case("four_bytes.safetensors", "too short"), b"\x10\x00\x00\x00")
    write(case("header_past_end.safetensors", "past the end of the file"),
          struct.pack("<Q", 4096) + b'{"a":{}}')
    write(case("header_length_2pow63.safetensors", "past the end of the file"),
          struct.pack("<Q", 1 << 63) + json.dumps({"a": entry()}).encode())
    write(case("header_not_json.safetensors", "not valid JSON"), raw_safetensors(b"this is not json at all!"))
    write(case("header_json_array.safetensors", "must be a JSON object"),
          raw_safetensors([{"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}], bytes(16)))
    write(case("header_invalid_utf8.safetensors", "UTF-8"),
          raw_safetensors(b'{"w\xff\xfe": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}', bytes(16)))
    write(case("truncated_data.safetensors", "past the end of the data"),
          raw_safetensors({"w": entry(shape=[64, 64], offsets=[0, 16384])}, bytes(100)))
    write(case("overlapping_offsets.safetensors", "overlap"),
          raw_safetensors({"a": entry(shape=[8], offsets=[0, 32]), "b": entry(shape=[4], offsets=[16, 32])}, bytes(32)))
    write(case("begin_after_end.safetensors", "begin is after end"),
          raw_safetensors({"w": entry(shape=[0], offsets=[16, 0])}, bytes(16)))
    write(case("size_shape_mismatch.safetensors", "but shape"),
          raw_safetensors({"w": entry(shape=[4, 4], offsets=[0, 32])}, bytes(32)))
    write(case("terabyte_shape.safetensors", "1 TB limit"),
          raw_safetensors({"x.weight": entry(shape=[1048576, 1048576], offsets=[0, 16])}, bytes(16)))
    write(case("shape_overflows_2pow64.safetensors", "2^64"),
          raw_safetensors({"w": entry(dtype="F64", shape=[1 << 32, 1 << 32, 1 << 32], offsets=[0, 8])}, bytes(8)))
    write(case("negative_dim.safetensors", "negative dimension"),
          raw_safetensors({"w": entry(shape=[-4, 4], offsets=[0, 16])}, bytes(16)))
    write(case("fractional_dim.safetensors", "not an integer"),
          raw_safetensors({"w": entry(shape=[2.5, 2], offsets=[0, 20])}, bytes(20)))
    write(case("rank_too_high.safetensors", "rank 9"),
          raw_safetensors({"w": entry(dtype="U8", shape=[1] * 9, offsets=[0, 1])}, bytes(1)))
    write(case("unknown_dtype.safetensors", "unknown dtype"),
          raw_safetensors({"w": entry(dtype="F128", shape=[4], offsets=[0, 64])}, bytes(64)))
    write(case("offsets_wrong_type.safetensors", "data_offsets must be"),
          raw_safetensors({"w": {"dtype": "F32", "shape": [4], "data_offsets": "0-16"}}, bytes(16)))
    write(case("entry_not_object.safetensors", "not an object"),
          raw_safetensors({"w": ["F32", [4], [0, 16]]}, bytes(16)))
    write(case("metadata_not_strings.safetensors", "__metadata__"),
          raw_safetensors({"__metadata__": {"format": "pt", "epoch": 3}, "w": entry()}, bytes(16)))

    # llama2.c legacy header: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len.
    header = struct.pack("<7i", 64, 172, 5, 8, 4, 512, 512)
    write(case("llama2c_truncated.bin", "truncated"), header + bytes(200 - len(header)))
    write(case("llama2c_negative_dim.bin", "dim"),
          struct.pack("<7i", -64, 172, 5, 8, 4, 512, 512) + bytes(4096))
    write(case("llama2c_zero_layers.bin", "layers"),
          struct.pack("<7i", 64, 172, 0, 8, 4, 512, 512) + bytes(4096))


def folder_cases():
    llama = safetensors(tiny_llama_tensors(), {"format": "pt"})

    d = case("broken_config", "JSON")
    write(os.path.join(d, "config.json"), '{"model_type": "llama", "hidden_size": 8,')
    write(os.path.join(d, "weights.safetensors"), llama)

    d = case("config_missing_heads", "num_attention_heads")
    config = dict(LLAMA_CONFIG)
    del config["num_attention_heads"]
    write(os.path.join(d, "config.json"), json.dumps(config, indent=2))
    write(os.path.join(d, "weights.safetensors"), llama)

    d = case("unknown_model_type", "frobnicator")  # the message names the unknown model_type
    write(os.path.join(d, "config.json"), json.dumps({"model_type": "frobnicator", "hidden_size": 8,
                                                       "num_hidden_layers": 1, "num_attention_heads": 2}))
    write(os.path.join(d, "weights.safetensors"),
          safetensors({"foo.bar.weight": f32([8, 8]), "foo.baz.weight": f32([8])}))

    # Created at test time (git keeps no empty folders): see tst_cli_hostile.
    MANIFEST.append(("@EMPTY_DIR", "empty"))

    d = case("no_config_no_attention", "attention")
    write(os.path.join(d, "weights.safetensors"),
          safetensors({"encoder.dense.weight": f32([8, 8]), "encoder.dense.bias": f32([8]),
                       "classifier.weight": f32([2, 8])}))

    d = case("pickle_only", "arbitrary code")
    # A pickle protocol-2 stream; it is never unpickled.
    write(os.path.join(d, "pytorch_model.bin"), b"\x80\x02}q\x00.")

    d = case("sharded_missing_shard", "model-00002-of-00002.safetensors")
    tensors = tiny_llama_tensors()
    names = sorted(tensors)
    first, second = names[: len(names) // 2], names[len(names) // 2:]
    write(os.path.join(d, "config.json"), json.dumps(LLAMA_CONFIG, indent=2))
    write(os.path.join(d, "model-00001-of-00002.safetensors"), safetensors({n: tensors[n] for n in first}))
    weight_map = {n: "model-00001-of-00002.safetensors" for n in first}
    weight_map.update({n: "model-00002-of-00002.safetensors" for n in second})
    write(os.path.join(d, "model.safetensors.index.json"),
          json.dumps({"metadata": {"total_size": 0}, "weight_map": weight_map}, indent=2, sort_keys=True))

    d = case("sharded_tensor_not_in_shard", "no such tensor")
    write(os.path.join(d, "config.json"), json.dumps(LLAMA_CONFIG, indent=2))
    write(os.path.join(d, "model-00001-of-00001.safetensors"), safetensors({n: tensors[n] for n in first}))
    write(os.path.join(d, "model.safetensors.index.json"),
          json.dumps({"weight_map": {n: "model-00001-of-00001.safetensors" for n in names}}, indent=2, sort_keys=True))

    d = case("sharded_path_traversal", "not a file beside the index")
    write(os.path.join(d, "config.json"), json.dumps(LLAMA_CONFIG, indent=2))
    write(os.path.join(d, "model.safetensors.index.json"),
          json.dumps({"weight_map": {"model.embed_tokens.weight": "../empty.safetensors"}}))


def main():
    for name in os.listdir(HERE):
        if name not in ("make_corpus.py", "README.md"):
            path = os.path.join(HERE, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    file_cases()
    folder_cases()
    with open(os.path.join(HERE, "MANIFEST.tsv"), "w") as f:
        f.write("# <relative path>\t<substring the single stderr line of `qkov inspect <path>` must contain>\n")
        f.write("# @EMPTY_DIR: an empty folder the test creates itself (git keeps no empty folders).\n")
        f.write("# Regenerate with: python3 make_corpus.py\n")
        for rel, needle in MANIFEST:
            f.write("%s\t%s\n" % (rel, needle))
    print("%d cases written to %s" % (len(MANIFEST), HERE))


if __name__ == "__main__":
    main()

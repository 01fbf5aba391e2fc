"""The response's file entries, encoded by hand: the same bytes as protobuf's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from google.protobuf.compiler import plugin_pb2

from protoc_gen_platform.response import encode_files as _encode_chunks


def encode_files(files: list[tuple[str, str]]) -> bytes:
    """The chunks ``encode_files`` gives, written one after the other."""
    chunks = _encode_chunks(files)
    assert len(chunks) == 2 * len(files)  # a head and a content a file
    return b"".join(chunks)


def _by_protobuf(files: list[tuple[str, str]]) -> bytes:
    return plugin_pb2.CodeGeneratorResponse(
        file=[
            plugin_pb2.CodeGeneratorResponse.File(name=name, content=content)
            for name, content in files
        ]
    ).SerializeToString()


def test_lengths_across_varint_boundaries_encode_as_protobuf_does() -> None:
    sizes = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]
    files = [(f"pkg/m{size}_platform.py", "x" * size) for size in sizes]
    files += [("é/ünïcode_platform.py", "# ✓ 日本語\n" * 1000), ("", "")]
    encoded = encode_files(files)
    assert encoded == _by_protobuf(files)
    decoded = plugin_pb2.CodeGeneratorResponse.FromString(encoded)
    assert [(f.name, f.content) for f in decoded.file] == files


def test_no_files_encode_to_nothing() -> None:
    assert encode_files([]) == b"" == _by_protobuf([])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text()), max_size=5))
def test_any_files_encode_as_protobuf_does(files: list[tuple[str, str]]) -> None:
    assert encode_files(files) == _by_protobuf(files)

"""``platform-sdk``: from a tree of contracts to an installable, typed package.

The build runs protoc with three generators (protobuf's Python messages,
mypy-protobuf's stubs and protoc-gen-platform), places everything under one
package root with its imports rewritten to stay inside (:mod:`.imports`),
adds re-exporting ``__init__.py`` files, ``py.typed``, a ``pyproject.toml``
and the SDK's ``README.md`` (:mod:`.layout`, with
:mod:`protoc_gen_platform.docs`), and swaps the result into the output folder
only when all of it succeeded (:mod:`.cli`). ``platform-sdk docs`` builds the
SDK's HTML reference with pdoc (:mod:`.apidocs`).
"""

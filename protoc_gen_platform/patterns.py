"""Structural patterns in the contracts that the generated code makes easier.

Detection looks only at shapes, never at configuration:

* a **result oneof**: a response made of exactly one oneof holding a field
  named ``error`` of type ``platform.common.Error`` and one message-typed
  success field. Clients return the success payload and raise the error;
  servicers return the payload and raise to fill the error branch.
"""

from __future__ import annotations

import dataclasses

from google.protobuf import descriptor_pb2

from .model import Message, Method, Model

__all__ = ["ERROR_TYPE", "ResultOneof", "result_oneof", "uses_error_type"]

ERROR_TYPE = "platform.common.Error"
"""The in-band error message of the platform's contracts."""

_MESSAGE = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE


@dataclasses.dataclass(frozen=True)
class ResultOneof:
    """A response of the form ``oneof <oneof> { <Payload> <success>; Error error; }``."""

    oneof: str
    success_field: str
    success_type: str


def result_oneof(model: Model, method: Method) -> ResultOneof | None:
    """The result oneof of ``method``'s response, if it has exactly that shape.

    Only RPCs with a single response qualify: streamed responses are handed
    over whole, since one failed item need not end the stream.
    """
    if method.kind.server_streaming:
        return None
    return _result_shape(model.message(method.output_type))


def _result_shape(message: Message) -> ResultOneof | None:
    if len(message.fields) != 2 or len(message.oneofs) != 1:
        return None
    oneof = message.oneofs[0]
    by_name = {f.name: f for f in message.fields}
    error = by_name.get("error")
    if error is None or error.type_name != ERROR_TYPE or error.repeated:
        return None
    (success,) = [f for f in message.fields if f.name != "error"]
    if success.type != _MESSAGE or any(f.oneof != oneof for f in message.fields):
        return None
    return ResultOneof(oneof, success.name, success.type_name)


def uses_error_type(model: Model, proto_file: str) -> bool:
    """Whether ``proto_file`` depends, directly or not, on the Error type's file."""
    target = model.types.get(ERROR_TYPE)
    if target is None:
        return False
    seen: set[str] = set()
    pending = [proto_file]
    while pending:
        name = pending.pop()
        if name == target.file:
            return True
        if name in seen or name not in model.files:
            continue
        seen.add(name)
        pending.extend(model.files[name].dependencies)
    return False

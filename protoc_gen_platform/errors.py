"""The one exception type the pipeline raises for bad input.

A :class:`GenerationError` carries a single line that reads like a compiler's
message (``auth/v1/auth.proto: service AuthService: ...``). The plugin turns it
into ``CodeGeneratorResponse.error``; protoc prints that line and fails.
"""

from __future__ import annotations

__all__ = ["GenerationError"]


class GenerationError(Exception):
    """Input the plugin cannot generate code for; the message is one line."""

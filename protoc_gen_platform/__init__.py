"""protoc-gen-platform: a protoc plugin that emits a typed Python gRPC SDK.

The pipeline, one module per step: :mod:`.plugin` (I/O) -> :mod:`.options` ->
:mod:`.model` (built by :mod:`.model_builder`) -> :mod:`.naming` and
:mod:`.views` -> :mod:`.render` ->
:mod:`.formatting`. The :mod:`.runtime` package is copied into the output.
"""

__version__ = "0.1.0"

"""``python -m protoc_gen_platform``: the plugin, reading stdin."""

from .plugin import run

run()

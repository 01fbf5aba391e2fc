"""templates/, compiled by `make templates` (template_compiler.py), and
what they were compiled from: while these checksums match, the plugin
renders with these modules."""

COMPILED_FROM = {
    "template_compiler.py": "f523b915 6141",
    "template_codegen.py": "76b4a149 20921",
    "templates/_macros.j2": "e9d274ce 8800",
    "templates/module.py.j2": "7650f20f 1188",
    "templates/sdk_quickstart.py.j2": "237c5ed8 1210",
    "templates/sdk_readme.md.j2": "fd8ed347 3210",
    "templates/testing.py.j2": "7a8a8c83 794",
}

"""templates/, compiled by `make templates` (see render.py), and what
they were compiled from: while these match, the plugin renders with them."""

COMPILED_FROM = {
    "template_compiler.py": "0c545b71 21793",
    "templates/_macros.j2": "b0d94fb7 8800",
    "templates/module.py.j2": "85aa606e 1177",
    "templates/sdk_quickstart.py.j2": "237c5ed8 1210",
    "templates/sdk_readme.md.j2": "fd8ed347 3210",
    "templates/testing.py.j2": "7a8a8c83 794",
}

from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'testing.py.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_module = resolve('module')
    try:
        t_1 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_2 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    yield str(t_1(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'doc'), 0))
    yield '\n\nfrom __future__ import annotations\n\nfrom '
    yield str(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'runtime'))
    yield ' import testing as _testing\n'
    yield str(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'platform_import'))
    yield '\n'
    for l_1_line in environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'imports'):
        _loop_vars = {}
        pass
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '\n__all__ = [\n'
    for l_1_name in environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'exports'):
        _loop_vars = {}
        pass
        yield '    '
        yield str(t_2(l_1_name))
        yield ',\n'
    l_1_name = missing
    yield ']\n'
    for l_1_fake in environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'fakes'):
        _loop_vars = {}
        pass
        yield '\n\nclass '
        yield str(environment.getattr(l_1_fake, 'name'))
        yield '(_testing.Fake):\n    '
        yield str(t_1(environment.getattr(l_1_fake, 'doc'), 4))
        yield '\n\n    SERVICE = '
        yield str(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'platform_module'))
        yield '.'
        yield str(environment.getattr(environment.getattr(l_1_fake, 'service'), 'servicer'))
        yield '.SERVICE\n'
        if environment.getattr(l_1_fake, 'methods'):
            pass
            yield '\n'
        for (l_2_name, l_2_kind, l_2_arguments) in environment.getattr(l_1_fake, 'methods'):
            l_2_layout_call = resolve('layout_call')
            _loop_vars = {}
            pass
            yield '    '
            yield str(context.call((undefined(name='layout_call') if l_2_layout_call is missing else l_2_layout_call), str_join((l_2_name, ': _testing.', l_2_kind, )), l_2_arguments, 4, brackets='[]', _loop_vars=_loop_vars))
            yield '\n'
        l_2_name = l_2_kind = l_2_arguments = l_2_layout_call = missing
    l_1_fake = missing

blocks = {}
debug_info = '3=24&7=26&8=28&9=30&10=33&14=37&15=41&18=45&21=49&22=51&24=53&25=57&28=60&29=65'
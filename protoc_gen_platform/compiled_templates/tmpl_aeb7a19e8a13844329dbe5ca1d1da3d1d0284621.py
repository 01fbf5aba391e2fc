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
        t_2 = environment.filters['layout']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'layout' found.")
    try:
        t_3 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_3(*unused):
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
        yield str(t_3(l_1_name))
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
            _loop_vars = {}
            pass
            yield '    '
            yield str(t_2(str_join((l_2_name, ': _testing.', l_2_kind, )), l_2_arguments, 4, brackets='[]'))
            yield '\n'
        l_2_name = l_2_kind = l_2_arguments = missing
    l_1_fake = missing

blocks = {}
debug_info = '3=30&7=32&8=34&9=36&10=39&14=43&15=47&18=51&21=55&22=57&24=59&25=63&28=66&29=70'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'module.py.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_module = resolve('module')
    l_0_macros = missing
    try:
        t_1 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    try:
        t_4 = environment.filters['trim']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'trim' found.")
    pass
    l_0_macros = context.vars['macros'] = environment.get_template('_macros.j2', 'module.py.j2')._get_default_module(context)
    context.exported_vars.discard('macros')
    yield str(t_1(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'doc'), 0))
    yield '\n\nfrom __future__ import annotations\n\n'
    if environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'typing_imports'):
        pass
        yield 'from typing import '
        yield str(t_2(context.eval_ctx, environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'typing_imports'), ', '))
        yield '\n\n'
    yield 'import grpc\n\nimport '
    yield str(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'runtime'))
    yield ' as _rt\n'
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
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='module') if l_0_module is missing else l_0_module), 'services'), undefined):
        _loop_vars = {}
        pass
        if environment.getattr(l_1_s, 'methods'):
            pass
            if (not environment.getattr(l_1_loop, 'first')):
                pass
                yield '\n'
            yield '\n'
            yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'rpc_constants'), l_1_s, _loop_vars=_loop_vars)))
            yield '\n'
        yield '\n\n'
        yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'client_class'), l_1_s, False, _loop_vars=_loop_vars)))
        yield '\n\n\n'
        yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'client_class'), l_1_s, True, _loop_vars=_loop_vars)))
        yield '\n'
        if environment.getattr(l_1_s, 'validator'):
            pass
            yield '\n\n'
            yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'validator_class'), l_1_s, False, _loop_vars=_loop_vars)))
            yield '\n\n\n'
            yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'validator_class'), l_1_s, True, _loop_vars=_loop_vars)))
            yield '\n'
        if environment.getattr(l_1_s, 'token_source'):
            pass
            yield '\n\n'
            yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'token_source_class'), l_1_s, False, _loop_vars=_loop_vars)))
            yield '\n\n\n'
            yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'token_source_class'), l_1_s, True, _loop_vars=_loop_vars)))
            yield '\n'
        yield '\n\n'
        yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'servicer_class'), l_1_s, False, _loop_vars=_loop_vars)))
        yield '\n\n\n'
        yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'servicer_class'), l_1_s, True, _loop_vars=_loop_vars)))
        yield '\n\n\n'
        yield str(t_4(context.call(environment.getattr((undefined(name='macros') if l_0_macros is missing else l_0_macros), 'add_function'), l_1_s, _loop_vars=_loop_vars)))
        yield '\n'
    l_1_loop = l_1_s = missing

blocks = {}
debug_info = '3=37&4=39&8=41&9=44&14=47&15=49&16=52&20=56&21=60&24=65&25=68&26=70&30=74&34=77&37=79&38=81&41=84&44=86&46=88&49=91&52=93&56=96&59=98&62=100'
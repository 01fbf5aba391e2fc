from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'sdk_quickstart.py.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_quickstart = resolve('quickstart')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield 'import asyncio\n\n'
    for (l_1_module, l_1_names) in environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'imports'):
        _loop_vars = {}
        pass
        yield 'from '
        yield str(l_1_module)
        yield ' import '
        yield str(t_1(context.eval_ctx, l_1_names, ', '))
        yield '\n'
    l_1_module = l_1_names = missing
    yield 'from '
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'runtime'))
    yield ' import NotFoundError\n\n# TLS unless insecure=True (as here, for a server on this host).\nwith '
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'client'))
    yield '.connect(address, insecure=True, token=token) as client:\n    # A call returns the response message.\n    print(client.'
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call'))
    yield '('
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call_request'))
    yield '()))\n'
    if environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'pager'):
        pass
        yield '    # A pager yields the items of every page, fetching pages as it goes.\n    for item in client.'
        yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'pager'))
        yield '('
        yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'pager_request'))
        yield '(), page_size=50):\n        print(item)\n'
    yield '    # Every failure is a typed PlatformError: one class per status code.\n    try:\n        client.'
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call'))
    yield '('
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call_request'))
    yield '())\n    except NotFoundError as error:\n        print("not found:", error.message)\n\n\nasync def main() -> None:\n    async with '
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'async_client'))
    yield '.connect(address, insecure=True, token=token) as client:\n        print(await client.'
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call'))
    yield '('
    yield str(environment.getattr((undefined(name='quickstart') if l_0_quickstart is missing else l_0_quickstart), 'call_request'))
    yield '()))\n\n\nasyncio.run(main())\n'

blocks = {}
debug_info = '4=19&5=23&7=29&10=31&12=33&13=37&15=40&20=45&26=49&27=51'
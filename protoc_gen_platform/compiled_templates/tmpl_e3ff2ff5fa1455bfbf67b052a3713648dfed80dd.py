from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_rpc_constants = l_0_client_class = l_0_servicer_class = l_0_add_function = l_0_validator_class = l_0_token_source_class = missing
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
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_4 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    def macro(l_1_s):
        t_5 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            l_2_args = missing
            _loop_vars = {}
            pass
            l_2_args = [t_4(environment.getattr(environment.getattr(l_2_m, 'rpc'), 'path')), t_4(environment.getattr(l_2_m, 'kind')), environment.getattr(l_2_m, 'request_value'), environment.getattr(l_2_m, 'response_value')]
            _loop_vars['args'] = l_2_args
            if environment.getattr(environment.getattr(l_2_m, 'rpc'), 'deprecated'):
                pass
                l_2_args = ((undefined(name='args') if l_2_args is missing else l_2_args) + ['deprecated=True'])
                _loop_vars['args'] = l_2_args
            if environment.getattr(l_2_m, 'result'):
                pass
                l_2_args = ((undefined(name='args') if l_2_args is missing else l_2_args) + [str_join(('result=(', t_4(environment.getattr(environment.getattr(l_2_m, 'result'), 'oneof')), ', ', t_4(environment.getattr(environment.getattr(l_2_m, 'result'), 'success_field')), ')', ))])
                _loop_vars['args'] = l_2_args
            if environment.getattr(l_2_m, 'pages'):
                pass
                l_2_args = ((undefined(name='args') if l_2_args is missing else l_2_args) + [str_join(('pages=', t_2('_rt.Pages', (([str_join(('request=', t_4(environment.getattr(environment.getattr(l_2_m, 'pages'), 'request_container')), )), str_join(('response=', t_4(environment.getattr(environment.getattr(l_2_m, 'pages'), 'response_container')), )), str_join(('items=', t_4(environment.getattr(environment.getattr(l_2_m, 'pages'), 'items_field')), ))] + (['total_size=True'] if environment.getattr(environment.getattr(l_2_m, 'pages'), 'has_total_size') else [])) + ([str_join(('unreachable=', t_4(environment.getattr(environment.getattr(l_2_m, 'pages'), 'unreachable_field')), ))] if environment.getattr(environment.getattr(l_2_m, 'pages'), 'unreachable_field') else [])), 4), ))])
                _loop_vars['args'] = l_2_args
            if environment.getattr(l_2_m, 'annotated'):
                pass
                t_5.extend((
                    str(environment.getattr(l_2_m, 'constant')),
                    ': _rt.Rpc[',
                    str(environment.getattr(l_2_m, 'request_type')),
                    ', ',
                    str(environment.getattr(l_2_m, 'response_type')),
                    '] = _rt.Rpc(\n',
                ))
                for l_3_arg in (undefined(name='args') if l_2_args is missing else l_2_args):
                    _loop_vars = {}
                    pass
                    t_5.extend((
                        '    ',
                        str(l_3_arg),
                        ',\n',
                    ))
                l_3_arg = missing
                t_5.append(
                    ')\n',
                )
            else:
                pass
                t_5.extend((
                    str(t_2(str_join((environment.getattr(l_2_m, 'constant'), ' = _rt.Rpc', )), (undefined(name='args') if l_2_args is missing else l_2_args), 0)),
                    '\n',
                ))
        l_2_m = l_2_args = missing
        return concat(t_5)
    context.exported_vars.add('rpc_constants')
    context.vars['rpc_constants'] = l_0_rpc_constants = Macro(environment, macro, 'rpc_constants', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_6 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        t_6.extend((
            'class ',
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            '(_rt.',
            str(('AsyncClient' if l_1_aio else 'Client')),
            '):\n    ',
            str(t_1((environment.getattr(l_1_s, 'async_client_doc') if l_1_aio else environment.getattr(l_1_s, 'client_doc')), 4)),
            '\n\n',
        ))
        if l_1_aio:
            pass
            t_6.extend((
                '    SERVICE_CONFIG = ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG\n',
            ))
        else:
            pass
            t_6.extend((
                '    SERVICE_CONFIG = _rt.retry_service_config(\n        ',
                str(t_4(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'retryable'):
                pass
                t_6.append(
                    '        [\n',
                )
                for l_2_name in environment.getattr(l_1_s, 'retryable'):
                    _loop_vars = {}
                    pass
                    t_6.extend((
                        '            ',
                        str(t_4(l_2_name)),
                        ',\n',
                    ))
                l_2_name = missing
                t_6.append(
                    '        ],\n',
                )
            else:
                pass
                t_6.append(
                    '        [],\n',
                )
            t_6.append(
                '    )\n',
            )
        if environment.getattr(environment.getattr(l_1_s, 'service'), 'deprecated'):
            pass
            t_6.append(
                '    _DEPRECATED = True\n',
            )
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            l_2_coroutine = l_2_await = missing
            _loop_vars = {}
            pass
            t_6.append(
                '\n',
            )
            l_2_coroutine = (l_1_aio and (not environment.getattr(l_2_m, 'server_streaming')))
            _loop_vars['coroutine'] = l_2_coroutine
            t_6.extend((
                '    ',
                str(('async ' if (undefined(name='coroutine') if l_2_coroutine is missing else l_2_coroutine) else '')),
                'def ',
                str(environment.getattr(l_2_m, 'name')),
                '(\n        self,\n',
            ))
            if environment.getattr(l_2_m, 'client_streaming'):
                pass
                t_6.extend((
                    '        requests: ',
                    str(('_rt.AnyIterable' if l_1_aio else 'Iterable')),
                    '[',
                    str(environment.getattr(l_2_m, 'request_type')),
                    '],\n',
                ))
            else:
                pass
                t_6.extend((
                    '        request: ',
                    str(environment.getattr(l_2_m, 'request_type')),
                    ',\n',
                ))
            t_6.append(
                '        *,\n',
            )
            if environment.getattr(l_2_m, 'pages'):
                pass
                t_6.append(
                    '        page_size: int | None = None,\n        max_items: int | None = None,\n',
                )
            t_6.append(
                '        timeout: _rt.Timeout = _rt.DEFAULT,\n        metadata: _rt.Metadata | None = None,\n',
            )
            if environment.getattr(l_2_m, 'pages'):
                pass
                t_6.extend((
                    '    ) -> _rt.',
                    str(('AsyncPager' if l_1_aio else 'Pager')),
                    '[',
                    str(environment.getattr(l_2_m, 'item_type')),
                    ', ',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ']:\n',
                ))
            elif environment.getattr(l_2_m, 'server_streaming'):
                pass
                t_6.extend((
                    '    ) -> _rt.',
                    str(('AsyncResponseStream' if l_1_aio else 'ResponseStream')),
                    '[',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ']:\n',
                ))
            else:
                pass
                t_6.extend((
                    '    ) -> ',
                    str(environment.getattr(l_2_m, 'returned_type')),
                    ':\n',
                ))
            t_6.extend((
                '        ',
                str(t_1((environment.getattr(l_2_m, 'pager_doc') if environment.getattr(l_2_m, 'pages') else environment.getattr(l_2_m, 'doc')), 8)),
                '\n',
            ))
            l_2_await = ('await ' if (undefined(name='coroutine') if l_2_coroutine is missing else l_2_coroutine) else '')
            _loop_vars['await'] = l_2_await
            if environment.getattr(l_2_m, 'pages'):
                pass
                t_6.extend((
                    '        ',
                    str(t_2(str_join(('return ', (undefined(name='await') if l_2_await is missing else l_2_await), 'self._paginate', )), [environment.getattr(l_2_m, 'constant'), 'request', 'timeout', 'metadata', 'page_size', 'max_items'], 8)),
                    '\n',
                ))
            elif environment.getattr(l_2_m, 'result'):
                pass
                t_6.extend((
                    '        ',
                    str(t_2(str_join(('response = ', (undefined(name='await') if l_2_await is missing else l_2_await), 'self._', environment.getattr(l_2_m, 'kind'), )), [environment.getattr(l_2_m, 'constant'), ('requests' if environment.getattr(l_2_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
                    '\n        ',
                    str(t_2('return _rt.unwrap_result', ['response', t_4(environment.getattr(environment.getattr(l_2_m, 'result'), 'oneof')), str_join(('response.', environment.getattr(environment.getattr(l_2_m, 'result'), 'success_field'), ))], 8)),
                    '\n',
                ))
            else:
                pass
                t_6.extend((
                    '        ',
                    str(t_2(str_join(('return ', (undefined(name='await') if l_2_await is missing else l_2_await), 'self._', environment.getattr(l_2_m, 'kind'), )), [environment.getattr(l_2_m, 'constant'), ('requests' if environment.getattr(l_2_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
                    '\n',
                ))
        l_2_m = l_2_coroutine = l_2_await = missing
        return concat(t_6)
    context.exported_vars.add('client_class')
    context.vars['client_class'] = l_0_client_class = Macro(environment, macro, 'client_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_7 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        t_7.extend((
            'class ',
            str((environment.getattr(l_1_s, 'async_servicer') if l_1_aio else environment.getattr(l_1_s, 'servicer'))),
            '(_rt.',
            str(('AsyncServicer' if l_1_aio else 'Servicer')),
            '):\n    ',
            str(t_1((environment.getattr(l_1_s, 'async_servicer_doc') if l_1_aio else environment.getattr(l_1_s, 'servicer_doc')), 4)),
            '\n\n',
        ))
        if l_1_aio:
            pass
            t_7.extend((
                '    SERVICE = ',
                str(environment.getattr(l_1_s, 'servicer')),
                '.SERVICE\n',
            ))
        else:
            pass
            t_7.extend((
                '    SERVICE = _rt.Service(\n        ',
                str(t_4(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'methods'):
                pass
                t_7.append(
                    '        [\n',
                )
                for l_2_m in environment.getattr(l_1_s, 'methods'):
                    _loop_vars = {}
                    pass
                    t_7.extend((
                        '            ',
                        str(t_2('', [environment.getattr(l_2_m, 'constant'), t_4(environment.getattr(l_2_m, 'name'))], 12, ',')),
                        '\n',
                    ))
                l_2_m = missing
                t_7.append(
                    '        ],\n',
                )
            else:
                pass
                t_7.append(
                    '        [],\n',
                )
            t_7.extend((
                '        ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG,\n    )\n',
            ))
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            l_2_coroutine = missing
            _loop_vars = {}
            pass
            t_7.append(
                '\n',
            )
            l_2_coroutine = (l_1_aio and (not environment.getattr(l_2_m, 'server_streaming')))
            _loop_vars['coroutine'] = l_2_coroutine
            t_7.extend((
                '    ',
                str(('async ' if (undefined(name='coroutine') if l_2_coroutine is missing else l_2_coroutine) else '')),
                'def ',
                str(environment.getattr(l_2_m, 'name')),
                '(\n        self,\n',
            ))
            if environment.getattr(l_2_m, 'client_streaming'):
                pass
                t_7.extend((
                    '        request_iterator: ',
                    str(('AsyncIterator' if l_1_aio else 'Iterator')),
                    '[',
                    str(environment.getattr(l_2_m, 'request_type')),
                    '],\n',
                ))
            else:
                pass
                t_7.extend((
                    '        request: ',
                    str(environment.getattr(l_2_m, 'request_type')),
                    ',\n',
                ))
            if l_1_aio:
                pass
                t_7.extend((
                    '        ',
                    str(t_2('context: grpc.aio.ServicerContext', [environment.getattr(l_2_m, 'request_type'), environment.getattr(l_2_m, 'response_type')], 8, ',', '[]')),
                    '\n',
                ))
            else:
                pass
                t_7.append(
                    '        context: grpc.ServicerContext,\n',
                )
            if environment.getattr(l_2_m, 'server_streaming'):
                pass
                t_7.extend((
                    '    ) -> ',
                    str(('AsyncIterator' if l_1_aio else 'Iterator')),
                    '[',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ']:\n',
                ))
            else:
                pass
                t_7.extend((
                    '    ) -> ',
                    str(environment.getattr(l_2_m, 'returned_type')),
                    ':\n',
                ))
            t_7.extend((
                '        ',
                str(t_1(environment.getattr(l_2_m, 'servicer_doc'), 8)),
                '\n',
            ))
            if (not l_1_aio):
                pass
                t_7.extend((
                    '        ',
                    str(t_2('_rt.unimplemented', ['context', environment.getattr(l_2_m, 'constant')], 8)),
                    '\n',
                ))
            elif (undefined(name='coroutine') if l_2_coroutine is missing else l_2_coroutine):
                pass
                t_7.extend((
                    '        ',
                    str(t_2('await _rt.unimplemented_async', ['context', environment.getattr(l_2_m, 'constant')], 8)),
                    '\n',
                ))
            else:
                pass
                t_7.extend((
                    '        ',
                    str(t_2('return _rt.unimplemented_stream', ['context', environment.getattr(l_2_m, 'constant')], 8)),
                    '\n',
                ))
        l_2_m = l_2_coroutine = missing
        def t_8(fiter):
            for l_2_m in fiter:
                if environment.getattr(l_2_m, 'page_response'):
                    yield l_2_m
        for l_2_m in t_8(environment.getattr(l_1_s, 'methods')):
            l_2_signature = missing
            _loop_vars = {}
            pass
            t_7.append(
                '\n    @staticmethod\n',
            )
            l_2_signature = str_join(('def ', environment.getattr(l_2_m, 'page_response'), '(page: _rt.Page[', environment.getattr(l_2_m, 'item_type'), ']) -> ', environment.getattr(l_2_m, 'response_type'), ':', ))
            _loop_vars['signature'] = l_2_signature
            if ((t_3((undefined(name='signature') if l_2_signature is missing else l_2_signature)) + 4) <= 88):
                pass
                t_7.extend((
                    '    ',
                    str((undefined(name='signature') if l_2_signature is missing else l_2_signature)),
                    '\n',
                ))
            else:
                pass
                t_7.extend((
                    '    def ',
                    str(environment.getattr(l_2_m, 'page_response')),
                    '(\n        page: _rt.Page[',
                    str(environment.getattr(l_2_m, 'item_type')),
                    '],\n    ) -> ',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ':\n',
                ))
            t_7.extend((
                '        ',
                str(t_1(environment.getattr(l_2_m, 'page_response_doc'), 8)),
                '\n        return page.write_to(',
                str(environment.getattr(l_2_m, 'response_value')),
                '())\n',
            ))
        l_2_m = l_2_signature = missing
        return concat(t_7)
    context.exported_vars.add('servicer_class')
    context.vars['servicer_class'] = l_0_servicer_class = Macro(environment, macro, 'servicer_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s):
        t_9 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        t_9.extend((
            'def ',
            str(environment.getattr(l_1_s, 'add_function')),
            '(\n    servicer: ',
            str(environment.getattr(l_1_s, 'servicer')),
            ' | ',
            str(environment.getattr(l_1_s, 'async_servicer')),
            ',\n    server: grpc.Server | grpc.aio.Server,\n) -> None:\n    ',
            str(t_1(environment.getattr(l_1_s, 'add_doc'), 4)),
            '\n    _rt.add_service(server, servicer)',
        ))
        return concat(t_9)
    context.exported_vars.add('add_function')
    context.vars['add_function'] = l_0_add_function = Macro(environment, macro, 'add_function', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_10 = []
        l_1_v = l_1_m = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_v = environment.getattr(l_1_s, 'validator')
        l_1_m = environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'method')
        t_10.extend((
            str(t_2(str_join(('class ', (environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'async_class') if l_1_aio else environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'sync_class')), )), [str_join(('_rt.', ('AsyncCachingValidator' if l_1_aio else 'CachingValidator'), '[', environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'principal_type'), ']', ))], 0, ':')),
            '\n    ',
            str(t_1(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'doc'), 4)),
            '\n\n    def __init__(\n        self,\n        client: ',
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            ',\n        request: ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_type')),
            ' | None = None,\n        *,\n        max_ttl: float = 300.0,\n        invalid_ttl: float = 5.0,\n        max_entries: int = 10_000,\n    ) -> None:\n        self._client = client\n        self._request = request or ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_value')),
            '()\n        super().__init__(\n            self._check,\n            max_ttl=max_ttl,\n            invalid_ttl=invalid_ttl,\n            max_entries=max_entries,\n        )\n\n    ',
            str(('async ' if l_1_aio else '')),
            'def _check(self, token: str) -> tuple[',
            str(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'principal_type')),
            ', float]:\n        """Check ``token`` with the service: its principal and lifetime."""\n        request = ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_value')),
            '()\n        request.CopyFrom(self._request)\n        request.token = token\n        validated = ',
            str(('await ' if l_1_aio else '')),
            'self._client.',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'name')),
            '(request)\n        return validated.principal, validated.expires_in.ToTimedelta().total_seconds()',
        ))
        return concat(t_10)
    context.exported_vars.add('validator_class')
    context.vars['validator_class'] = l_0_validator_class = Macro(environment, macro, 'validator_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_11 = []
        l_1_refresh = resolve('refresh')
        l_1_t = l_1_issue = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_t = environment.getattr(l_1_s, 'token_source')
        l_1_issue = environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'issue')
        t_11.extend((
            str(t_2(str_join(('class ', (environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'async_class') if l_1_aio else environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'sync_class')), )), [str_join(('_rt.', ('AsyncRefreshingToken' if l_1_aio else 'RefreshingToken'), ))], 0, ':')),
            '\n    ',
            str(t_1(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'doc'), 4)),
            '\n\n    def __init__(\n        self,\n        client: ',
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            ',\n        request: ',
            str(environment.getattr((undefined(name='issue') if l_1_issue is missing else l_1_issue), 'request_type')),
            ',\n        *,\n        margin: float = 60.0,\n    ) -> None:\n        self._client = client\n        self._request = request\n        super().__init__(self._issue, ',
            str(('self._renew' if environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh') else 'None')),
            ', margin=margin)\n\n    ',
            str(('async ' if l_1_aio else '')),
            'def _issue(self) -> _rt.Grant:\n        """Get a new access token."""\n        issued = ',
            str(('await ' if l_1_aio else '')),
            'self._client.',
            str(environment.getattr((undefined(name='issue') if l_1_issue is missing else l_1_issue), 'name')),
            '(self._request)\n        return _rt.grant(issued.',
            str(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'issue_field')),
            ')\n',
        ))
        if environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh'):
            pass
            l_1_refresh = environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh')
            t_11.extend((
                '\n    ',
                str(('async ' if l_1_aio else '')),
                'def _renew(self, refresh_token: str) -> _rt.Grant:\n        """Redeem ``refresh_token`` for a new access token."""\n        request = ',
                str(environment.getattr((undefined(name='refresh') if l_1_refresh is missing else l_1_refresh), 'request_value')),
                '(refresh_token=refresh_token)\n        renewed = ',
                str(('await ' if l_1_aio else '')),
                'self._client.',
                str(environment.getattr((undefined(name='refresh') if l_1_refresh is missing else l_1_refresh), 'name')),
                '(request)\n        return _rt.grant(renewed.',
                str(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh_field')),
                ')\n',
            ))
        return concat(t_11)
    context.exported_vars.add('token_source_class')
    context.vars['token_source_class'] = l_0_token_source_class = Macro(environment, macro, 'token_source_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '9=36&10=41&11=45&12=47&13=51&14=55&15=59&16=62&17=69&18=74&22=84&27=92&28=101&29=105&31=108&32=112&35=119&36=122&38=127&39=132&47=147&50=152&52=159&53=163&55=168&56=172&58=181&61=187&67=195&68=199&69=206&70=210&72=219&74=224&75=227&76=229&77=233&78=236&79=240&80=242&82=249&87=257&88=266&89=270&91=273&92=277&95=284&96=287&98=292&99=297&105=311&108=314&110=321&111=325&113=330&114=334&116=343&118=346&119=350&123=358&124=362&126=371&128=376&129=379&130=383&131=386&132=390&134=397&137=401&140=412&141=414&142=418&144=425&145=427&146=429&148=434&149=436&153=444&154=451&155=453&158=457&162=464&163=472&164=473&165=475&166=477&170=479&171=481&178=483&186=485&188=489&191=491&195=500&196=509&197=510&198=512&199=514&203=516&204=518&210=520&212=522&214=524&215=528&216=531&217=533&219=536&221=538&222=540&223=544'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_rpc_constant = l_0_client_method = l_0_servicer_method = l_0_client_class = l_0_servicer_class = l_0_add_function = l_0_validator_class = l_0_token_source_class = missing
    try:
        t_1 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    def macro(l_1_m):
        t_4 = []
        l_1_layout_call = resolve('layout_call')
        l_1_args = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        l_1_args = [t_3(environment.getattr(environment.getattr(l_1_m, 'rpc'), 'path')), t_3(environment.getattr(l_1_m, 'kind')), environment.getattr(l_1_m, 'request_value'), environment.getattr(l_1_m, 'response_value')]
        if environment.getattr(environment.getattr(l_1_m, 'rpc'), 'deprecated'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + ['deprecated=True'])
        if environment.getattr(l_1_m, 'result'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + [str_join(('result=(', t_3(environment.getattr(environment.getattr(l_1_m, 'result'), 'oneof')), ', ', t_3(environment.getattr(environment.getattr(l_1_m, 'result'), 'success_field')), ')', ))])
        if environment.getattr(l_1_m, 'pages'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + [str_join(('pages=', context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), '_rt.Pages', (([str_join(('request=', t_3(environment.getattr(environment.getattr(l_1_m, 'pages'), 'request_container')), )), str_join(('response=', t_3(environment.getattr(environment.getattr(l_1_m, 'pages'), 'response_container')), )), str_join(('items=', t_3(environment.getattr(environment.getattr(l_1_m, 'pages'), 'items_field')), ))] + (['total_size=True'] if environment.getattr(environment.getattr(l_1_m, 'pages'), 'has_total_size') else [])) + ([str_join(('unreachable=', t_3(environment.getattr(environment.getattr(l_1_m, 'pages'), 'unreachable_field')), ))] if environment.getattr(environment.getattr(l_1_m, 'pages'), 'unreachable_field') else [])), 4), ))])
        if environment.getattr(l_1_m, 'annotated'):
            pass
            t_4.extend((
                str(environment.getattr(l_1_m, 'constant')),
                ': _rt.Rpc[',
                str(environment.getattr(l_1_m, 'request_type')),
                ', ',
                str(environment.getattr(l_1_m, 'response_type')),
                '] = _rt.Rpc(\n',
            ))
            for l_2_arg in (undefined(name='args') if l_1_args is missing else l_1_args):
                _loop_vars = {}
                pass
                t_4.extend((
                    '    ',
                    str(l_2_arg),
                    ',\n',
                ))
            l_2_arg = missing
            t_4.append(
                ')',
            )
        else:
            pass
            t_4.append(
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join((environment.getattr(l_1_m, 'constant'), ' = _rt.Rpc', )), (undefined(name='args') if l_1_args is missing else l_1_args), 0)),
            )
        return concat(t_4)
    context.exported_vars.add('rpc_constant')
    context.vars['rpc_constant'] = l_0_rpc_constant = Macro(environment, macro, 'rpc_constant', ('m',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m, l_1_aio):
        t_5 = []
        l_1_layout_call = resolve('layout_call')
        l_1_coroutine = l_1_await = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_coroutine = (l_1_aio and (not environment.getattr(l_1_m, 'server_streaming')))
        t_5.extend((
            '    ',
            str(('async ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else cond_expr_undefined("the inline if-expression on line 25 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def ',
            str(environment.getattr(l_1_m, 'name')),
            '(\n        self,\n',
        ))
        if environment.getattr(l_1_m, 'client_streaming'):
            pass
            t_5.extend((
                '        requests: ',
                str(('_rt.AnyIterable' if l_1_aio else 'Iterable')),
                '[',
                str(environment.getattr(l_1_m, 'request_type')),
                '],\n',
            ))
        else:
            pass
            t_5.extend((
                '        request: ',
                str(environment.getattr(l_1_m, 'request_type')),
                ',\n',
            ))
        t_5.append(
            '        *,\n',
        )
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_5.append(
                '        page_size: int | None = None,\n        max_items: int | None = None,\n',
            )
        t_5.append(
            '        timeout: _rt.Timeout = _rt.DEFAULT,\n        metadata: _rt.Metadata | None = None,\n',
        )
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_5.extend((
                '    ) -> _rt.',
                str(('AsyncPager' if l_1_aio else 'Pager')),
                '[',
                str(environment.getattr(l_1_m, 'item_type')),
                ', ',
                str(environment.getattr(l_1_m, 'response_type')),
                ']:\n',
            ))
        elif environment.getattr(l_1_m, 'server_streaming'):
            pass
            t_5.extend((
                '    ) -> _rt.',
                str(('AsyncResponseStream' if l_1_aio else 'ResponseStream')),
                '[',
                str(environment.getattr(l_1_m, 'response_type')),
                ']:\n',
            ))
        else:
            pass
            t_5.extend((
                '    ) -> ',
                str(environment.getattr(l_1_m, 'returned_type')),
                ':\n',
            ))
        t_5.extend((
            '        ',
            str(t_1((environment.getattr(l_1_m, 'pager_doc') if environment.getattr(l_1_m, 'pages') else environment.getattr(l_1_m, 'doc')), 8)),
            '\n',
        ))
        l_1_await = ('await ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else '')
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_5.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join(('return ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._paginate', )), [environment.getattr(l_1_m, 'constant'), 'request', 'timeout', 'metadata', 'page_size', 'max_items'], 8)),
            ))
        elif environment.getattr(l_1_m, 'result'):
            pass
            t_5.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join(('response = ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._', environment.getattr(l_1_m, 'kind'), )), [environment.getattr(l_1_m, 'constant'), ('requests' if environment.getattr(l_1_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
                '\n        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), 'return _rt.unwrap_result', ['response', t_3(environment.getattr(environment.getattr(l_1_m, 'result'), 'oneof')), str_join(('response.', environment.getattr(environment.getattr(l_1_m, 'result'), 'success_field'), ))], 8)),
            ))
        else:
            pass
            t_5.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join(('return ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._', environment.getattr(l_1_m, 'kind'), )), [environment.getattr(l_1_m, 'constant'), ('requests' if environment.getattr(l_1_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
            ))
        return concat(t_5)
    context.exported_vars.add('client_method')
    context.vars['client_method'] = l_0_client_method = Macro(environment, macro, 'client_method', ('m', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m, l_1_aio):
        t_6 = []
        l_1_layout_call = resolve('layout_call')
        l_1_coroutine = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_coroutine = (l_1_aio and (not environment.getattr(l_1_m, 'server_streaming')))
        t_6.extend((
            '    ',
            str(('async ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else cond_expr_undefined("the inline if-expression on line 60 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def ',
            str(environment.getattr(l_1_m, 'name')),
            '(\n        self,\n',
        ))
        if environment.getattr(l_1_m, 'client_streaming'):
            pass
            t_6.extend((
                '        request_iterator: ',
                str(('AsyncIterator' if l_1_aio else 'Iterator')),
                '[',
                str(environment.getattr(l_1_m, 'request_type')),
                '],\n',
            ))
        else:
            pass
            t_6.extend((
                '        request: ',
                str(environment.getattr(l_1_m, 'request_type')),
                ',\n',
            ))
        if l_1_aio:
            pass
            t_6.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), 'context: grpc.aio.ServicerContext', [environment.getattr(l_1_m, 'request_type'), environment.getattr(l_1_m, 'response_type')], 8, ',', '[]')),
                '\n',
            ))
        else:
            pass
            t_6.append(
                '        context: grpc.ServicerContext,\n',
            )
        if environment.getattr(l_1_m, 'server_streaming'):
            pass
            t_6.extend((
                '    ) -> ',
                str(('AsyncIterator' if l_1_aio else 'Iterator')),
                '[',
                str(environment.getattr(l_1_m, 'response_type')),
                ']:\n',
            ))
        else:
            pass
            t_6.extend((
                '    ) -> ',
                str(environment.getattr(l_1_m, 'returned_type')),
                ':\n',
            ))
        t_6.extend((
            '        ',
            str(t_1(environment.getattr(l_1_m, 'servicer_doc'), 8)),
            '\n',
        ))
        if (not l_1_aio):
            pass
            t_6.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), '_rt.unimplemented', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        elif (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine):
            pass
            t_6.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), 'await _rt.unimplemented_async', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        else:
            pass
            t_6.extend((
                '        ',
                str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), 'return _rt.unimplemented_stream', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        return concat(t_6)
    context.exported_vars.add('servicer_method')
    context.vars['servicer_method'] = l_0_servicer_method = Macro(environment, macro, 'servicer_method', ('m', 'aio'), False, False, False, context.eval_ctx.autoescape)
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
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            '(_rt.',
            str(('AsyncClient' if l_1_aio else 'Client')),
            '):\n    ',
            str(t_1((environment.getattr(l_1_s, 'async_client_doc') if l_1_aio else environment.getattr(l_1_s, 'client_doc')), 4)),
            '\n\n',
        ))
        if l_1_aio:
            pass
            t_7.extend((
                '    SERVICE_CONFIG = ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG\n',
            ))
        else:
            pass
            t_7.extend((
                '    SERVICE_CONFIG = _rt.retry_service_config(\n        ',
                str(t_3(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'retryable'):
                pass
                t_7.append(
                    '        [\n',
                )
                for l_2_name in environment.getattr(l_1_s, 'retryable'):
                    _loop_vars = {}
                    pass
                    t_7.extend((
                        '            ',
                        str(t_3(l_2_name)),
                        ',\n',
                    ))
                l_2_name = missing
                t_7.append(
                    '        ],\n',
                )
            else:
                pass
                t_7.append(
                    '        [],\n',
                )
            t_7.append(
                '    )\n',
            )
        if environment.getattr(environment.getattr(l_1_s, 'service'), 'deprecated'):
            pass
            t_7.append(
                '    _DEPRECATED = True\n',
            )
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            _loop_vars = {}
            pass
            t_7.extend((
                '\n',
                str(context.call((undefined(name='client_method') if l_0_client_method is missing else l_0_client_method), l_2_m, l_1_aio, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_m = missing
        return concat(t_7)
    context.exported_vars.add('client_class')
    context.vars['client_class'] = l_0_client_class = Macro(environment, macro, 'client_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_8 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        t_8.extend((
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
            t_8.extend((
                '    SERVICE = ',
                str(environment.getattr(l_1_s, 'servicer')),
                '.SERVICE\n',
            ))
        else:
            pass
            t_8.extend((
                '    SERVICE = _rt.Service(\n        ',
                str(t_3(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'methods'):
                pass
                t_8.append(
                    '        [\n',
                )
                for l_2_m in environment.getattr(l_1_s, 'methods'):
                    l_2_layout_call = resolve('layout_call')
                    _loop_vars = {}
                    pass
                    t_8.extend((
                        '            ',
                        str(context.call((undefined(name='layout_call') if l_2_layout_call is missing else l_2_layout_call), '', [environment.getattr(l_2_m, 'constant'), t_3(environment.getattr(l_2_m, 'name'))], 12, ',', _loop_vars=_loop_vars)),
                        '\n',
                    ))
                l_2_m = l_2_layout_call = missing
                t_8.append(
                    '        ],\n',
                )
            else:
                pass
                t_8.append(
                    '        [],\n',
                )
            t_8.extend((
                '        ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG,\n    )\n',
            ))
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            _loop_vars = {}
            pass
            t_8.extend((
                '\n',
                str(context.call((undefined(name='servicer_method') if l_0_servicer_method is missing else l_0_servicer_method), l_2_m, l_1_aio, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_m = missing
        def t_9(fiter):
            for l_2_m in fiter:
                if environment.getattr(l_2_m, 'page_response'):
                    yield l_2_m
        for l_2_m in t_9(environment.getattr(l_1_s, 'methods')):
            l_2_signature = missing
            _loop_vars = {}
            pass
            t_8.append(
                '\n    @staticmethod\n',
            )
            l_2_signature = str_join(('def ', environment.getattr(l_2_m, 'page_response'), '(page: _rt.Page[', environment.getattr(l_2_m, 'item_type'), ']) -> ', environment.getattr(l_2_m, 'response_type'), ':', ))
            _loop_vars['signature'] = l_2_signature
            if ((t_2((undefined(name='signature') if l_2_signature is missing else l_2_signature)) + 4) <= 88):
                pass
                t_8.extend((
                    '    ',
                    str((undefined(name='signature') if l_2_signature is missing else l_2_signature)),
                    '\n',
                ))
            else:
                pass
                t_8.extend((
                    '    def ',
                    str(environment.getattr(l_2_m, 'page_response')),
                    '(\n        page: _rt.Page[',
                    str(environment.getattr(l_2_m, 'item_type')),
                    '],\n    ) -> ',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ':\n',
                ))
            t_8.extend((
                '        ',
                str(t_1(environment.getattr(l_2_m, 'page_response_doc'), 8)),
                '\n        return page.write_to(',
                str(environment.getattr(l_2_m, 'response_value')),
                '())\n',
            ))
        l_2_m = l_2_signature = missing
        return concat(t_8)
    context.exported_vars.add('servicer_class')
    context.vars['servicer_class'] = l_0_servicer_class = Macro(environment, macro, 'servicer_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s):
        t_10 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        t_10.extend((
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
        return concat(t_10)
    context.exported_vars.add('add_function')
    context.vars['add_function'] = l_0_add_function = Macro(environment, macro, 'add_function', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_11 = []
        l_1_layout_call = resolve('layout_call')
        l_1_v = l_1_m = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_v = environment.getattr(l_1_s, 'validator')
        l_1_m = environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'method')
        t_11.extend((
            str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join(('class ', (environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'async_class') if l_1_aio else environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'sync_class')), )), [str_join(('_rt.', ('AsyncCachingValidator' if l_1_aio else 'CachingValidator'), '[', environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'principal_type'), ']', ))], 0, ':')),
            '\n    ',
            str(t_1(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'doc'), 4)),
            '\n\n    def __init__(\n        self,\n        client: ',
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            ',\n        request: ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_type')),
            ' | None = None,\n        *,\n        max_ttl: float = 300.0,\n        invalid_ttl: float = 5.0,\n        max_entries: int = 10_000,\n    ) -> None:\n        self._client = client\n        self._request = request or ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_value')),
            '()\n        super().__init__(\n            self._check,\n            max_ttl=max_ttl,\n            invalid_ttl=invalid_ttl,\n            max_entries=max_entries,\n        )\n\n    ',
            str(('async ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 190 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def _check(self, token: str) -> tuple[',
            str(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'principal_type')),
            ', float]:\n        """Check ``token`` with the service: its principal and lifetime."""\n        request = ',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'request_value')),
            '()\n        request.CopyFrom(self._request)\n        request.token = token\n        validated = ',
            str(('await ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 195 in '_macros.j2' evaluated to false and no else section was defined."))),
            'self._client.',
            str(environment.getattr((undefined(name='m') if l_1_m is missing else l_1_m), 'name')),
            '(request)\n        return validated.principal, validated.expires_in.ToTimedelta().total_seconds()',
        ))
        return concat(t_11)
    context.exported_vars.add('validator_class')
    context.vars['validator_class'] = l_0_validator_class = Macro(environment, macro, 'validator_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_12 = []
        l_1_layout_call = resolve('layout_call')
        l_1_refresh = resolve('refresh')
        l_1_t = l_1_issue = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_t = environment.getattr(l_1_s, 'token_source')
        l_1_issue = environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'issue')
        t_12.extend((
            str(context.call((undefined(name='layout_call') if l_1_layout_call is missing else l_1_layout_call), str_join(('class ', (environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'async_class') if l_1_aio else environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'sync_class')), )), [str_join(('_rt.', ('AsyncRefreshingToken' if l_1_aio else 'RefreshingToken'), ))], 0, ':')),
            '\n    ',
            str(t_1(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'doc'), 4)),
            '\n\n    def __init__(\n        self,\n        client: ',
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            ',\n        request: ',
            str(environment.getattr((undefined(name='issue') if l_1_issue is missing else l_1_issue), 'request_type')),
            ',\n        *,\n        margin: float = 60.0,\n    ) -> None:\n        self._client = client\n        self._request = request\n        super().__init__(self._issue, ',
            str(('self._renew' if environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh') else 'None')),
            ', margin=margin)\n\n    ',
            str(('async ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 216 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def _issue(self) -> _rt.Grant:\n        """Get a new access token."""\n        issued = ',
            str(('await ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 218 in '_macros.j2' evaluated to false and no else section was defined."))),
            'self._client.',
            str(environment.getattr((undefined(name='issue') if l_1_issue is missing else l_1_issue), 'name')),
            '(self._request)\n        return _rt.grant(issued.',
            str(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'issue_field')),
            ')\n',
        ))
        if environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh'):
            pass
            l_1_refresh = environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh')
            t_12.extend((
                '\n    ',
                str(('async ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 223 in '_macros.j2' evaluated to false and no else section was defined."))),
                'def _renew(self, refresh_token: str) -> _rt.Grant:\n        """Redeem ``refresh_token`` for a new access token."""\n        request = ',
                str(environment.getattr((undefined(name='refresh') if l_1_refresh is missing else l_1_refresh), 'request_value')),
                '(refresh_token=refresh_token)\n        renewed = ',
                str(('await ' if l_1_aio else cond_expr_undefined("the inline if-expression on line 226 in '_macros.j2' evaluated to false and no else section was defined."))),
                'self._client.',
                str(environment.getattr((undefined(name='refresh') if l_1_refresh is missing else l_1_refresh), 'name')),
                '(request)\n        return _rt.grant(renewed.',
                str(environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'refresh_field')),
                ')\n',
            ))
        return concat(t_12)
    context.exported_vars.add('token_source_class')
    context.vars['token_source_class'] = l_0_token_source_class = Macro(environment, macro, 'token_source_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '7=30&8=37&9=38&10=41&11=44&12=47&13=50&14=57&15=62&19=72&23=78&24=87&25=90&27=95&28=99&30=108&33=114&39=122&40=126&41=133&42=137&44=146&46=151&47=154&48=155&49=159&50=161&51=165&52=167&54=173&58=179&59=188&60=191&62=196&63=200&65=209&67=212&68=216&72=224&73=228&75=237&77=242&78=245&79=249&80=251&81=255&83=261&87=267&88=276&89=280&91=283&92=287&95=294&96=297&98=302&99=307&107=322&110=327&112=332&116=340&117=349&118=353&120=356&121=360&124=367&125=370&127=375&128=381&134=395&137=398&139=403&141=407&144=418&145=420&146=424&148=431&149=433&150=435&152=440&153=442&157=450&158=457&159=459&162=463&166=470&167=479&168=480&169=482&170=484&174=486&175=488&182=490&190=492&192=496&195=498&199=507&200=517&201=518&202=520&203=522&207=524&208=526&214=528&216=530&218=532&219=536&220=539&221=541&223=544&225=546&226=548&227=552'
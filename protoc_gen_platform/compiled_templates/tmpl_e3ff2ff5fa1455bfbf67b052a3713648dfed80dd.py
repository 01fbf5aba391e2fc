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
    def macro(l_1_m):
        t_5 = []
        l_1_args = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        l_1_args = [t_4(environment.getattr(environment.getattr(l_1_m, 'rpc'), 'path')), t_4(environment.getattr(l_1_m, 'kind')), environment.getattr(l_1_m, 'request_value'), environment.getattr(l_1_m, 'response_value')]
        if environment.getattr(environment.getattr(l_1_m, 'rpc'), 'deprecated'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + ['deprecated=True'])
        if environment.getattr(l_1_m, 'result'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + [str_join(('result=(', t_4(environment.getattr(environment.getattr(l_1_m, 'result'), 'oneof')), ', ', t_4(environment.getattr(environment.getattr(l_1_m, 'result'), 'success_field')), ')', ))])
        if environment.getattr(l_1_m, 'pages'):
            pass
            l_1_args = ((undefined(name='args') if l_1_args is missing else l_1_args) + [str_join(('pages=', t_2('_rt.Pages', (([str_join(('request=', t_4(environment.getattr(environment.getattr(l_1_m, 'pages'), 'request_container')), )), str_join(('response=', t_4(environment.getattr(environment.getattr(l_1_m, 'pages'), 'response_container')), )), str_join(('items=', t_4(environment.getattr(environment.getattr(l_1_m, 'pages'), 'items_field')), ))] + (['total_size=True'] if environment.getattr(environment.getattr(l_1_m, 'pages'), 'has_total_size') else [])) + ([str_join(('unreachable=', t_4(environment.getattr(environment.getattr(l_1_m, 'pages'), 'unreachable_field')), ))] if environment.getattr(environment.getattr(l_1_m, 'pages'), 'unreachable_field') else [])), 4), ))])
        if environment.getattr(l_1_m, 'annotated'):
            pass
            t_5.extend((
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
                t_5.extend((
                    '    ',
                    str(l_2_arg),
                    ',\n',
                ))
            l_2_arg = missing
            t_5.append(
                ')',
            )
        else:
            pass
            t_5.append(
                str(t_2(str_join((environment.getattr(l_1_m, 'constant'), ' = _rt.Rpc', )), (undefined(name='args') if l_1_args is missing else l_1_args), 0)),
            )
        return concat(t_5)
    context.exported_vars.add('rpc_constant')
    context.vars['rpc_constant'] = l_0_rpc_constant = Macro(environment, macro, 'rpc_constant', ('m',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m, l_1_aio):
        t_6 = []
        l_1_coroutine = l_1_await = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_coroutine = (l_1_aio and (not environment.getattr(l_1_m, 'server_streaming')))
        t_6.extend((
            '    ',
            str(('async ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else cond_expr_undefined("the inline if-expression on line 25 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def ',
            str(environment.getattr(l_1_m, 'name')),
            '(\n        self,\n',
        ))
        if environment.getattr(l_1_m, 'client_streaming'):
            pass
            t_6.extend((
                '        requests: ',
                str(('_rt.AnyIterable' if l_1_aio else 'Iterable')),
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
        t_6.append(
            '        *,\n',
        )
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_6.append(
                '        page_size: int | None = None,\n        max_items: int | None = None,\n',
            )
        t_6.append(
            '        timeout: _rt.Timeout = _rt.DEFAULT,\n        metadata: _rt.Metadata | None = None,\n',
        )
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_6.extend((
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
            t_6.extend((
                '    ) -> _rt.',
                str(('AsyncResponseStream' if l_1_aio else 'ResponseStream')),
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
            str(t_1((environment.getattr(l_1_m, 'pager_doc') if environment.getattr(l_1_m, 'pages') else environment.getattr(l_1_m, 'doc')), 8)),
            '\n',
        ))
        l_1_await = ('await ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else '')
        if environment.getattr(l_1_m, 'pages'):
            pass
            t_6.extend((
                '        ',
                str(t_2(str_join(('return ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._paginate', )), [environment.getattr(l_1_m, 'constant'), 'request', 'timeout', 'metadata', 'page_size', 'max_items'], 8)),
            ))
        elif environment.getattr(l_1_m, 'result'):
            pass
            t_6.extend((
                '        ',
                str(t_2(str_join(('response = ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._', environment.getattr(l_1_m, 'kind'), )), [environment.getattr(l_1_m, 'constant'), ('requests' if environment.getattr(l_1_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
                '\n        ',
                str(t_2('return _rt.unwrap_result', ['response', t_4(environment.getattr(environment.getattr(l_1_m, 'result'), 'oneof')), str_join(('response.', environment.getattr(environment.getattr(l_1_m, 'result'), 'success_field'), ))], 8)),
            ))
        else:
            pass
            t_6.extend((
                '        ',
                str(t_2(str_join(('return ', (undefined(name='await') if l_1_await is missing else l_1_await), 'self._', environment.getattr(l_1_m, 'kind'), )), [environment.getattr(l_1_m, 'constant'), ('requests' if environment.getattr(l_1_m, 'client_streaming') else 'request'), 'timeout', 'metadata'], 8)),
            ))
        return concat(t_6)
    context.exported_vars.add('client_method')
    context.vars['client_method'] = l_0_client_method = Macro(environment, macro, 'client_method', ('m', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m, l_1_aio):
        t_7 = []
        l_1_coroutine = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_coroutine = (l_1_aio and (not environment.getattr(l_1_m, 'server_streaming')))
        t_7.extend((
            '    ',
            str(('async ' if (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine) else cond_expr_undefined("the inline if-expression on line 60 in '_macros.j2' evaluated to false and no else section was defined."))),
            'def ',
            str(environment.getattr(l_1_m, 'name')),
            '(\n        self,\n',
        ))
        if environment.getattr(l_1_m, 'client_streaming'):
            pass
            t_7.extend((
                '        request_iterator: ',
                str(('AsyncIterator' if l_1_aio else 'Iterator')),
                '[',
                str(environment.getattr(l_1_m, 'request_type')),
                '],\n',
            ))
        else:
            pass
            t_7.extend((
                '        request: ',
                str(environment.getattr(l_1_m, 'request_type')),
                ',\n',
            ))
        if l_1_aio:
            pass
            t_7.extend((
                '        ',
                str(t_2('context: grpc.aio.ServicerContext', [environment.getattr(l_1_m, 'request_type'), environment.getattr(l_1_m, 'response_type')], 8, ',', '[]')),
                '\n',
            ))
        else:
            pass
            t_7.append(
                '        context: grpc.ServicerContext,\n',
            )
        if environment.getattr(l_1_m, 'server_streaming'):
            pass
            t_7.extend((
                '    ) -> ',
                str(('AsyncIterator' if l_1_aio else 'Iterator')),
                '[',
                str(environment.getattr(l_1_m, 'response_type')),
                ']:\n',
            ))
        else:
            pass
            t_7.extend((
                '    ) -> ',
                str(environment.getattr(l_1_m, 'returned_type')),
                ':\n',
            ))
        t_7.extend((
            '        ',
            str(t_1(environment.getattr(l_1_m, 'servicer_doc'), 8)),
            '\n',
        ))
        if (not l_1_aio):
            pass
            t_7.extend((
                '        ',
                str(t_2('_rt.unimplemented', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        elif (undefined(name='coroutine') if l_1_coroutine is missing else l_1_coroutine):
            pass
            t_7.extend((
                '        ',
                str(t_2('await _rt.unimplemented_async', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        else:
            pass
            t_7.extend((
                '        ',
                str(t_2('return _rt.unimplemented_stream', ['context', environment.getattr(l_1_m, 'constant')], 8)),
            ))
        return concat(t_7)
    context.exported_vars.add('servicer_method')
    context.vars['servicer_method'] = l_0_servicer_method = Macro(environment, macro, 'servicer_method', ('m', 'aio'), False, False, False, context.eval_ctx.autoescape)
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
            str((environment.getattr(l_1_s, 'async_client') if l_1_aio else environment.getattr(l_1_s, 'client'))),
            '(_rt.',
            str(('AsyncClient' if l_1_aio else 'Client')),
            '):\n    ',
            str(t_1((environment.getattr(l_1_s, 'async_client_doc') if l_1_aio else environment.getattr(l_1_s, 'client_doc')), 4)),
            '\n\n',
        ))
        if l_1_aio:
            pass
            t_8.extend((
                '    SERVICE_CONFIG = ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG\n',
            ))
        else:
            pass
            t_8.extend((
                '    SERVICE_CONFIG = _rt.retry_service_config(\n        ',
                str(t_4(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'retryable'):
                pass
                t_8.append(
                    '        [\n',
                )
                for l_2_name in environment.getattr(l_1_s, 'retryable'):
                    _loop_vars = {}
                    pass
                    t_8.extend((
                        '            ',
                        str(t_4(l_2_name)),
                        ',\n',
                    ))
                l_2_name = missing
                t_8.append(
                    '        ],\n',
                )
            else:
                pass
                t_8.append(
                    '        [],\n',
                )
            t_8.append(
                '    )\n',
            )
        if environment.getattr(environment.getattr(l_1_s, 'service'), 'deprecated'):
            pass
            t_8.append(
                '    _DEPRECATED = True\n',
            )
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            _loop_vars = {}
            pass
            t_8.extend((
                '\n',
                str(context.call((undefined(name='client_method') if l_0_client_method is missing else l_0_client_method), l_2_m, l_1_aio, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_m = missing
        return concat(t_8)
    context.exported_vars.add('client_class')
    context.vars['client_class'] = l_0_client_class = Macro(environment, macro, 'client_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_9 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        t_9.extend((
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
            t_9.extend((
                '    SERVICE = ',
                str(environment.getattr(l_1_s, 'servicer')),
                '.SERVICE\n',
            ))
        else:
            pass
            t_9.extend((
                '    SERVICE = _rt.Service(\n        ',
                str(t_4(environment.getattr(environment.getattr(l_1_s, 'service'), 'full_name'))),
                ',\n',
            ))
            if environment.getattr(l_1_s, 'methods'):
                pass
                t_9.append(
                    '        [\n',
                )
                for l_2_m in environment.getattr(l_1_s, 'methods'):
                    _loop_vars = {}
                    pass
                    t_9.extend((
                        '            ',
                        str(t_2('', [environment.getattr(l_2_m, 'constant'), t_4(environment.getattr(l_2_m, 'name'))], 12, ',')),
                        '\n',
                    ))
                l_2_m = missing
                t_9.append(
                    '        ],\n',
                )
            else:
                pass
                t_9.append(
                    '        [],\n',
                )
            t_9.extend((
                '        ',
                str(environment.getattr(l_1_s, 'client')),
                '.SERVICE_CONFIG,\n    )\n',
            ))
        for l_2_m in environment.getattr(l_1_s, 'methods'):
            _loop_vars = {}
            pass
            t_9.extend((
                '\n',
                str(context.call((undefined(name='servicer_method') if l_0_servicer_method is missing else l_0_servicer_method), l_2_m, l_1_aio, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_m = missing
        def t_10(fiter):
            for l_2_m in fiter:
                if environment.getattr(l_2_m, 'page_response'):
                    yield l_2_m
        for l_2_m in t_10(environment.getattr(l_1_s, 'methods')):
            l_2_signature = missing
            _loop_vars = {}
            pass
            t_9.append(
                '\n    @staticmethod\n',
            )
            l_2_signature = str_join(('def ', environment.getattr(l_2_m, 'page_response'), '(page: _rt.Page[', environment.getattr(l_2_m, 'item_type'), ']) -> ', environment.getattr(l_2_m, 'response_type'), ':', ))
            _loop_vars['signature'] = l_2_signature
            if ((t_3((undefined(name='signature') if l_2_signature is missing else l_2_signature)) + 4) <= 88):
                pass
                t_9.extend((
                    '    ',
                    str((undefined(name='signature') if l_2_signature is missing else l_2_signature)),
                    '\n',
                ))
            else:
                pass
                t_9.extend((
                    '    def ',
                    str(environment.getattr(l_2_m, 'page_response')),
                    '(\n        page: _rt.Page[',
                    str(environment.getattr(l_2_m, 'item_type')),
                    '],\n    ) -> ',
                    str(environment.getattr(l_2_m, 'response_type')),
                    ':\n',
                ))
            t_9.extend((
                '        ',
                str(t_1(environment.getattr(l_2_m, 'page_response_doc'), 8)),
                '\n        return page.write_to(',
                str(environment.getattr(l_2_m, 'response_value')),
                '())\n',
            ))
        l_2_m = l_2_signature = missing
        return concat(t_9)
    context.exported_vars.add('servicer_class')
    context.vars['servicer_class'] = l_0_servicer_class = Macro(environment, macro, 'servicer_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s):
        t_11 = []
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        pass
        t_11.extend((
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
        return concat(t_11)
    context.exported_vars.add('add_function')
    context.vars['add_function'] = l_0_add_function = Macro(environment, macro, 'add_function', ('s',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_12 = []
        l_1_v = l_1_m = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_v = environment.getattr(l_1_s, 'validator')
        l_1_m = environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'method')
        t_12.extend((
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
        return concat(t_12)
    context.exported_vars.add('validator_class')
    context.vars['validator_class'] = l_0_validator_class = Macro(environment, macro, 'validator_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_s, l_1_aio):
        t_13 = []
        l_1_refresh = resolve('refresh')
        l_1_t = l_1_issue = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_aio is missing:
            l_1_aio = undefined("parameter 'aio' was not provided", name='aio')
        pass
        l_1_t = environment.getattr(l_1_s, 'token_source')
        l_1_issue = environment.getattr((undefined(name='t') if l_1_t is missing else l_1_t), 'issue')
        t_13.extend((
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
            t_13.extend((
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
        return concat(t_13)
    context.exported_vars.add('token_source_class')
    context.vars['token_source_class'] = l_0_token_source_class = Macro(environment, macro, 'token_source_class', ('s', 'aio'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '7=36&8=42&9=43&10=46&11=49&12=52&13=55&14=62&15=67&19=77&23=83&24=91&25=94&27=99&28=103&30=112&33=118&39=126&40=130&41=137&42=141&44=150&46=155&47=158&48=159&49=163&50=165&51=169&52=171&54=177&58=183&59=191&60=194&62=199&63=203&65=212&67=215&68=219&72=227&73=231&75=240&77=245&78=248&79=252&80=254&81=258&83=264&87=270&88=279&89=283&91=286&92=290&95=297&96=300&98=305&99=310&107=325&110=330&112=335&116=343&117=352&118=356&120=359&121=363&124=370&125=373&127=378&128=383&134=397&137=400&139=405&141=409&144=420&145=422&146=426&148=433&149=435&150=437&152=442&153=444&157=452&158=459&159=461&162=465&166=472&167=480&168=481&169=483&170=485&174=487&175=489&182=491&190=493&192=497&195=499&199=508&200=517&201=518&202=520&203=522&207=524&208=526&214=528&216=530&218=532&219=536&220=539&221=541&223=544&225=546&226=548&227=552'
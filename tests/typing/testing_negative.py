"""Misuse of the test kit that mypy --strict and basedpyright --strict must
reject: each ``# expect: MYPY_CODE, PYRIGHT_RULE`` line is an error
(tests/test_typing.py checks exactly these)."""

# Each "# expect" must stay on the line it names:
# fmt: off
from __future__ import annotations

from auth.v1 import auth_pb2
from auth.v1.auth_testing import AuthServiceFake
from data.v1.bronze_testing import BronzeServiceFake
from etl.v1 import etl_pb2
from etl.v1.etl_testing import EtlServiceFake
from platform_runtime.testing import error


def wrong_types() -> None:
    fake = AuthServiceFake()
    fake.revoke_token.returns(auth_pb2.ValidatedToken())  # expect: arg-type, reportArgumentType
    fake.validate_token.returns(auth_pb2.ValidateTokenResponse())  # expect: arg-type, reportArgumentType
    fake.list_api_keys.returns_items(["key"])  # expect: list-item, reportArgumentType
    fake.get_api_key.raises(ValueError("no"))  # expect: arg-type, reportArgumentType
    fake.get_api_key.calls_through(lambda r, c: r.no_such_field)  # expect: attr-defined, reportAttributeAccessIssue
    etl = EtlServiceFake()
    etl.stream_run_events.streams([etl_pb2.RunEvent()])  # expect: list-item, reportArgumentType
    ingest = BronzeServiceFake().ingest_records
    ingest.calls_through(lambda rs, c: rs.api_key)  # expect: attr-defined, reportAttributeAccessIssue
    error("NOT_FOUND", "no")  # expect: call-overload, reportCallIssue
    fake.validate_token.calls[0].request.pagination  # expect: attr-defined, reportAttributeAccessIssue

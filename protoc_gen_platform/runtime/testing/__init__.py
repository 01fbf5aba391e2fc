"""The test kit: fakes of services, real servers in one line, and errors as
a real service sends them.

Generated ``<stem>_testing`` modules hold a ``<Service>Fake`` per service,
built on :class:`Fake`::

    fake = AuthServiceFake()
    fake.validate_token.returns(ValidatedToken(...))
    with serving(fake) as channel:
        client = AuthServiceClient(channel)
        ...
    assert fake.validate_token.calls[0].token == "..."

pytest fixtures are in :mod:`.pytest`, opt-in with ``pytest_plugins``. Only
this module and that one are public.
"""

from ._errors import error
from ._fakes import (
    Fake,
    FakeBidiStream,
    FakeClientStream,
    FakePager,
    FakeStream,
    FakeUnary,
    RecordedCall,
)
from ._serving import serving, serving_async

__all__ = [
    "Fake",
    "FakeBidiStream",
    "FakeClientStream",
    "FakePager",
    "FakeStream",
    "FakeUnary",
    "RecordedCall",
    "error",
    "serving",
    "serving_async",
]

"""The generated modules that the test kit's tests use."""

from __future__ import annotations

import importlib


class Kit:
    """The generated modules these tests use."""

    def __init__(self) -> None:
        self.rt = importlib.import_module("platform_runtime")
        self.testing = importlib.import_module("platform_runtime.testing")
        self.auth_pb2 = importlib.import_module("auth.v1.auth_pb2")
        self.auth = importlib.import_module("auth.v1.auth_platform")
        self.auth_fakes = importlib.import_module("auth.v1.auth_testing")
        self.etl_pb2 = importlib.import_module("etl.v1.etl_pb2")
        self.etl = importlib.import_module("etl.v1.etl_platform")
        self.etl_fakes = importlib.import_module("etl.v1.etl_testing")
        self.bronze_pb2 = importlib.import_module("data.v1.bronze_pb2")
        self.bronze = importlib.import_module("data.v1.bronze_platform")
        self.bronze_fakes = importlib.import_module("data.v1.bronze_testing")
        self.calc_pb2 = importlib.import_module("intelligence.v1.calculation_pb2")
        self.calc = importlib.import_module("intelligence.v1.calculation_platform")
        self.calc_fakes = importlib.import_module("intelligence.v1.calculation_testing")

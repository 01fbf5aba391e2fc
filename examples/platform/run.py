"""Start the toy AuthService and EtlService, run the client against them, and
stop both with SIGTERM. ``make example`` runs it, with the SDK built first.

Each service listens on a port the system chooses and reports it in its log
line ``serving ... (port N)``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
PORT = re.compile(r"serving .* \(port (\d+)\)")


class Service:
    """A service in a subprocess; its log goes to this process's stderr."""

    def __init__(self, script: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / script), "127.0.0.1:0", *args],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        self.address = f"127.0.0.1:{self._port(self.process.stderr)}"
        self._relay = threading.Thread(
            target=self._forward, args=(self.process.stderr,), daemon=True
        )
        self._relay.start()

    def _port(self, log: IO[str]) -> str:
        for line in log:
            sys.stderr.write(line)
            found = PORT.search(line)
            if found:
                return found.group(1)
        raise SystemExit(
            f"the service ended without serving (exit {self.process.wait()})"
        )

    @staticmethod
    def _forward(log: IO[str]) -> None:
        for line in log:
            sys.stderr.write(line)

    def stop(self) -> int:
        """SIGTERM, and the exit code once it has drained."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._relay.join(5)
        return code


def main() -> int:
    auth = Service("auth_service.py")
    etl = Service("etl_service.py", auth.address)
    try:
        client = subprocess.run(
            [sys.executable, str(HERE / "client.py"), etl.address, auth.address],
            env=os.environ,
        )
    finally:
        codes = [etl.stop(), auth.stop()]
    print(
        f"client exited {client.returncode}; services exited {codes[0]} and {codes[1]}"
    )
    return 0 if client.returncode == 0 and codes == [0, 0] else 1


if __name__ == "__main__":
    sys.exit(main())

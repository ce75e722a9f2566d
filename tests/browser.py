"""A real browser for tests: headless Chromium driven over the DevTools protocol, with no network.

    with Browser.start(tmp_path) as browser:
        browser.open(deck)                      # file:// URL
        browser.wait_for("Reveal.isReady()")
        slides = browser.evaluate("Reveal.getTotalSlides()")

Name resolution is mapped to nothing (``--host-resolver-rules``), and every request
the page makes is recorded, so a test can say that nothing left the machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Browser:
    def __init__(self, process: subprocess.Popen, socket, profile: Path):
        self.process, self.socket, self.profile = process, socket, profile
        self.requests: list[str] = []
        self._next_id = 0

    @classmethod
    def start(cls, scratch: Path) -> "Browser":
        import websocket

        profile = scratch / "chromium-profile"
        process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: nothing can be fetched
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        browser = cls(process, websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30), profile)
        browser.call("Network.enable")
        browser.call("Page.enable")
        browser.call("Runtime.enable")
        return browser

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()
        self.process.kill()
        self.process.wait()

    def call(self, method: str, **params):
        self._next_id += 1
        self.socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def open(self, path: Path) -> None:
        self.call("Page.navigate", url=Path(path).resolve().as_uri())

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 30.0):
        """Evaluate ``expression`` until it is truthy; its value, or TimeoutError."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"{expression} stayed false for {seconds} s")

    def remote_requests(self) -> list[str]:
        """Requests the page made that would have left the machine (anything but file: and data:)."""
        return [url for url in self.requests if not url.startswith(("file:", "data:", "blob:", "about:", "chrome"))]

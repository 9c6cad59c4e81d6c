"""A real OpenID Connect provider for the tests: oauth2-mock-server (npm) run by node on
127.0.0.1 (provider.mjs), and the way through it with Django's test client."""

import json
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "scorecard-tests"
CLIENT_SECRET = "not-a-secret"


class Provider:
    """The provider's process: `issuer` is its address; `will_say` sets the claims of the
    next sign-ins (a claim given as None is left out)."""

    def __init__(self, process: subprocess.Popen, issuer: str):
        self.process = process
        self.issuer = issuer

    @classmethod
    @contextmanager
    def running(cls):
        node = shutil.which("node")
        assert node, "node is needed for the OpenID Connect provider (make deps installs it)"
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        issuer = process.stdout.readline().strip()
        if not issuer.startswith("http://127.0.0.1:"):
            process.kill()
            raise RuntimeError(f"the provider did not start: {process.stderr.read()}")
        try:
            yield cls(process, issuer)
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
            process.stderr.close()

    def will_say(self, **claims) -> None:
        self.process.stdin.write(json.dumps(claims) + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "ok"


def begin(client, url: str = "/oidc/authenticate/") -> str:
    """Starts signing in; returns the provider's authorization address it was sent to."""
    response = client.get(url)
    assert response.status_code == 302, response.content
    return response["Location"]


def at_provider(authorize_url: str) -> str:
    """The provider signs the person in and sends them back: the callback's path and query."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in(client, url: str = "/oidc/authenticate/"):
    """The whole way: the app, the provider, back to the app. Returns the callback's answer."""
    return client.get(at_provider(begin(client, url)))

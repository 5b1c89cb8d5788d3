"""The HTTP SMS gateway backend against a real HTTP server on this machine (no mock)."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from caseway.messaging import channels

GATEWAY = "caseway.messaging.channels.HttpGatewaySmsBackend"


class Gateway:
    """A gateway that answers ``status`` and keeps what it received."""

    def __init__(self, status=202):
        self.status = status
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((dict(self.headers), json.loads(body)))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b'{"echo": "+000 555 0142"}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway_settings(settings):
    settings.MESSAGING_SMS_BACKEND = GATEWAY
    settings.MESSAGING_SMS_GATEWAY_TOKEN = "fictional-token"
    settings.MESSAGING_SMS_GATEWAY_SENDER = "Services"
    return settings


def test_it_posts_the_number_the_text_and_only_the_rows_id(gateway_settings, caplog):
    with Gateway(202) as gateway, caplog.at_level("INFO", logger="caseway.messaging"):
        gateway_settings.MESSAGING_SMS_GATEWAY_URL = gateway.url
        result = channels.backend_for("sms").send(notification_id="n-1", destination="+000 555 0142", text="Hello.")
    assert result == channels.Result(ok=True, code="gateway_accepted")
    headers, body = gateway.received[0]
    assert body == {"to": "+000 555 0142", "text": "Hello.", "from": "Services", "reference": "n-1"}
    assert headers["Authorization"] == "Bearer fictional-token"
    assert "0142" not in caplog.text and "Hello" not in caplog.text


def test_it_signs_in_with_a_user_and_password_when_there_is_no_token(gateway_settings):
    gateway_settings.MESSAGING_SMS_GATEWAY_TOKEN = ""
    gateway_settings.MESSAGING_SMS_GATEWAY_USER = "caseway"
    gateway_settings.MESSAGING_SMS_GATEWAY_PASSWORD = "fictional"
    with Gateway(200) as gateway:
        gateway_settings.MESSAGING_SMS_GATEWAY_URL = gateway.url
        channels.backend_for("sms").send(notification_id="n-2", destination="+000", text="x")
    assert gateway.received[0][0]["Authorization"] == "Basic " + base64.b64encode(b"caseway:fictional").decode()


@pytest.mark.parametrize(("status", "code"), [(400, "gateway_refused_400"), (503, "gateway_unavailable")])
def test_a_refusal_or_an_outage_is_a_failed_attempt_with_a_code(gateway_settings, status, code):
    with Gateway(status) as gateway:
        gateway_settings.MESSAGING_SMS_GATEWAY_URL = gateway.url
        result = channels.backend_for("sms").send(notification_id="n-3", destination="+000", text="x")
    assert result == channels.Result(ok=False, code=code)


def test_an_unreachable_gateway_is_a_failed_attempt(gateway_settings):
    with Gateway() as gateway:
        url = gateway.url
    gateway_settings.MESSAGING_SMS_GATEWAY_URL = url  # closed now: connection refused
    result = channels.backend_for("sms").send(notification_id="n-4", destination="+000", text="x")
    assert result == channels.Result(ok=False, code="gateway_unavailable")


def test_it_needs_a_url_and_https_in_production(gateway_settings):
    gateway_settings.MESSAGING_SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        channels.backend_for("sms")
    gateway_settings.MODE = "production"
    gateway_settings.DEBUG = False
    gateway_settings.MESSAGING_SMS_GATEWAY_URL = "http://gateway.example.org/send"
    with pytest.raises(ImproperlyConfigured, match="https"):
        channels.backend_for("sms")


def test_the_file_backend_writes_one_line_per_sms_readable_by_its_owner_only(settings, tmp_path):
    import os
    import stat

    settings.MESSAGING_SMS_BACKEND = "caseway.messaging.channels.FileSmsBackend"
    settings.MESSAGING_SMS_FILE = str(tmp_path / "sms.jsonl")
    backend = channels.backend_for("sms")
    for index in range(2):
        assert backend.send(notification_id=f"n-{index}", destination="+000 555 0142", text="Hi.") == channels.Result(
            ok=True, code="file_written"
        )
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["reference"], line["to"], line["text"]) for line in lines] == [
        ("n-0", "+000 555 0142", "Hi."),
        ("n-1", "+000 555 0142", "Hi."),
    ]
    assert stat.S_IMODE(os.stat(tmp_path / "sms.jsonl").st_mode) == 0o600
    settings.MODE = "production"
    with pytest.raises(ImproperlyConfigured):
        channels.backend_for("sms")

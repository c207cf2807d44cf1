"""`streamlit run app.py` serves the workbench: a real server, a real seeded database."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from claims import export
from db.session import get_engine
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # a real streamlit server in a subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(port: int, process: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"server exited with {process.returncode}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    return "no answer"


@pytest.fixture
def server(seeded_path, tmp_path):
    """(port, health answer, log file) of a server on a private seeded database, stopped afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "CLAIMS_DB": str(seeded_path), "HF_HUB_OFFLINE": "1"}
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield port, wait_for_health(port, process), log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_streamlit_server_starts_and_is_healthy(server):
    port, health, log = server
    assert health == "ok", log.read_text()


async def _visit(port: int, page: str, query: str = "") -> dict:
    """Open ``page`` the way a browser tab does (Streamlit's websocket protocol); collect what it shows.

    Relies on Streamlit's protobuf messages, pinned with streamlit in requirements.txt.
    """
    seen: dict = {"exceptions": [], "text": [], "downloads": {}}
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None
    ) as ws:
        request = BackMsg()
        request.rerun_script.page_name = page
        request.rerun_script.query_string = query
        await ws.send(request.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                seen["session"] = message.new_session.initialize.session_id
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                name = element.WhichOneof("type")
                if name == "exception":
                    seen["exceptions"].append(element.exception.message)
                elif name in ("alert", "heading", "html", "markdown"):
                    seen["text"].append(getattr(element, name).body)
                elif name == "download_button":
                    seen["downloads"][element.download_button.label] = (
                        element.download_button.deferred_file_id
                    )
            elif kind == "script_finished":
                break
        # Clicking a download button asks the server to build the file, then fetches its URL.
        for label, file_id in list(seen["downloads"].items()):
            ask = BackMsg()
            ask.backend_operation_request.request_id = file_id
            ask.backend_operation_request.session_id = seen.get("session", "")
            ask.backend_operation_request.deferred_file.file_id = file_id
            await ws.send(ask.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
                if message.WhichOneof("type") == "backend_operation_response":
                    break
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}{message.backend_operation_response.deferred_file.url}"
            ) as response:
                seen["downloads"][label] = response.read()
    return seen


def test_every_page_renders_on_the_real_server(server, seeded_path):
    port, health, log = server
    assert health == "ok", log.read_text()
    for page, query, expected in [
        ("", "", "Review queue"),
        ("claim", "claim=1", "Claim"),
        ("search", "", "Search"),
        ("ingest", "", "Ingest articles"),
        ("export", "", "Export"),
    ]:
        seen = asyncio.run(_visit(port, page, query))
        assert seen["exceptions"] == [], (page, seen["exceptions"])
        assert expected in seen["text"], (page, seen["text"][:3])
    engine = get_engine(seeded_path)
    try:
        assert seen["downloads"]["Download CSV"] == export.to_csv(engine)
        assert seen["downloads"]["Download ClaimReview JSON-LD"].decode() == export.to_claimreview(engine)
    finally:
        engine.dispose()

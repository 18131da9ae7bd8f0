"""TwiML comes from the SDK and points the stream at PUBLIC_BASE_URL with our parameters."""

from xml.etree import ElementTree

from callcenter.config import Settings
from callcenter.telephony import twiml


def test_connect_stream_uses_wss_public_url_and_carries_call_id_and_direction(
    env: dict[str, str],
) -> None:
    settings = Settings(public_base_url="https://calls.example.com")
    root = ElementTree.fromstring(twiml.connect_stream(settings, call_id=42, direction="inbound"))
    stream = root.find("./Connect/Stream")
    assert stream is not None
    assert stream.get("url") == "wss://calls.example.com/media-stream"
    params = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    assert params == {"call_id": "42", "direction": "inbound"}


def test_local_http_base_gives_a_ws_stream_url(env: dict[str, str]) -> None:
    settings = Settings(public_base_url="http://localhost:8000")
    assert 'url="ws://localhost:8000/media-stream"' in twiml.connect_stream(
        settings, call_id=1, direction="outbound"
    )


def test_dial_and_voicemail_documents() -> None:
    assert "<Dial>+14155550111</Dial>" in twiml.dial("+14155550111")
    document = twiml.say_and_hang_up("Goodbye & thanks")
    root = ElementTree.fromstring(document)
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert root[0].text == "Goodbye & thanks"

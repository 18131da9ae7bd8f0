"""`twilio-setup`: point the Twilio number's voice webhook and status callback at
PUBLIC_BASE_URL, so calls to the number reach this deployment."""

import argparse
import sys
from urllib.parse import urlsplit

from callcenter.calls.carrier import CarrierError
from callcenter.config import get_settings
from callcenter.telephony.number_setup import point_number_at_us

_PRIVATE_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1")


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "twilio-setup",
        help="point the Twilio number's webhooks at PUBLIC_BASE_URL",
        description=__doc__,
    )
    parser.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    settings = get_settings()
    host = urlsplit(settings.public_base_url).hostname or ""
    if host in _PRIVATE_HOSTS:
        print(  # noqa: T201
            f"warning: PUBLIC_BASE_URL is {settings.public_base_url}; Twilio cannot reach it",
            file=sys.stderr,
        )
    try:
        done = point_number_at_us(settings)
    except CarrierError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"{done.phone_number} ({done.sid})")  # noqa: T201
    print(f"  voice webhook:   POST {done.voice_url}")  # noqa: T201
    print(f"  status callback: POST {done.status_callback}")  # noqa: T201
    return 0

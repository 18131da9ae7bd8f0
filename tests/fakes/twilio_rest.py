"""A fake Twilio REST API on a real port: Twilio's paths, form bodies, JSON and error codes."""

import asyncio
import base64
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.support.app_server import serve_in_thread

API_VERSION = "2010-04-01"


@dataclass
class FakeCall:
    sid: str
    account_sid: str
    params: dict[str, list[str]]
    status: str = "queued"
    updates: list[dict[str, list[str]]] = field(default_factory=list)
    created_at: float = field(default_factory=time.monotonic)  # when the request arrived
    # Twilio's price of the call (a charge, written negative), null until Twilio has set it.
    price: str | None = "-0.01300"
    price_unit: str = "USD"
    priced_after_fetches: int = 0  # the price reads null for this many GETs, as after a call
    fetches: int = 0  # GETs of the call resource

    @property
    def to(self) -> str:
        return self.params.get("To", [""])[0]

    def resource(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "to": self.params.get("To", [""])[0],
            "from": self.params.get("From", [""])[0],
            "status": self.status,
            "direction": "outbound-api",
            "api_version": API_VERSION,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{self.sid}.json",
            "price": self.price if self.fetches > self.priced_after_fetches else None,
            "price_unit": self.price_unit,
        }


@dataclass
class FakeNumber:
    """An IncomingPhoneNumber of the account, with the fields `twilio-setup` changes."""

    sid: str
    account_sid: str
    phone_number: str
    fields: dict[str, str] = field(default_factory=dict)

    def resource(self) -> dict[str, Any]:
        def value(name: str, default: str | None = None) -> str | None:
            return self.fields.get(name, default)

        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "phone_number": self.phone_number,
            "friendly_name": self.phone_number,
            "voice_url": value("VoiceUrl"),
            "voice_method": value("VoiceMethod", "POST"),
            "voice_application_sid": value("VoiceApplicationSid"),
            "status_callback": value("StatusCallback"),
            "status_callback_method": value("StatusCallbackMethod", "POST"),
            "api_version": API_VERSION,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/IncomingPhoneNumbers/"
            f"{self.sid}.json",
        }


@dataclass
class FakeTwilio:
    """State of the fake: every request it got, the calls it holds, failures to inject."""

    account_sid: str
    auth_token: str
    calls: dict[str, FakeCall] = field(default_factory=dict)
    numbers: dict[str, FakeNumber] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    fail_create: tuple[int, int, str] | None = None  # (HTTP status, Twilio code, message)
    base_url: str = ""
    updated: threading.Event = field(default_factory=threading.Event)
    # While cleared, create requests are recorded (the call exists) but not answered.
    answering: threading.Event = field(default_factory=threading.Event)
    created: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.answering.set()

    def wait_for_calls(self, count: int, timeout: float = 10.0) -> list[FakeCall]:
        """The calls created so far, once there are at least `count` (or the timeout passed)."""
        with self.created:
            self.created.wait_for(lambda: len(self.calls) >= count, timeout)
            return list(self.calls.values())

    def wait_for_update(self, sid: str, timeout: float = 10.0) -> list[dict[str, list[str]]]:
        """The updates of call `sid`, once at least one has arrived."""
        end = time.monotonic() + timeout
        while not self.calls[sid].updates and time.monotonic() < end:
            self.updated.wait(end - time.monotonic())
            self.updated.clear()
        return self.calls[sid].updates

    def add_number(self, phone_number: str, **fields: str) -> FakeNumber:
        """A number the account owns (fields such as `VoiceUrl` as Twilio names them)."""
        number = FakeNumber(
            sid="PN" + secrets.token_hex(16),
            account_sid=self.account_sid,
            phone_number=phone_number,
            fields=dict(fields),
        )
        self.numbers[number.sid] = number
        return number

    def error(self, status: int, code: int, message: str) -> JSONResponse:
        return JSONResponse(
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            status_code=status,
        )


def _app(state: FakeTwilio) -> FastAPI:
    app = FastAPI()

    async def _form(request: Request) -> dict[str, list[str]]:
        form = await request.form()
        out: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            out.setdefault(key, []).append(str(value))
        state.requests.append((request.method, request.url.path, out))
        return out

    def _authorised(request: Request, account: str) -> bool:
        expected = base64.b64encode(f"{state.account_sid}:{state.auth_token}".encode()).decode()
        return (
            request.headers.get("authorization") == f"Basic {expected}"
            and account == state.account_sid
        )

    @app.post(f"/{API_VERSION}/Accounts/{{account}}/Calls.json")
    async def create_call(account: str, request: Request) -> JSONResponse:
        params = await _form(request)
        if not _authorised(request, account):
            return state.error(401, 20003, "Authenticate")
        if state.fail_create:
            return state.error(*state.fail_create)
        for required, code in (("To", 21201), ("From", 21213), ("Url", 21205)):
            if not params.get(required):
                return state.error(400, code, f"No '{required}' number is specified")
        call = FakeCall(sid="CA" + secrets.token_hex(16), account_sid=account, params=params)
        with state.created:
            state.calls[call.sid] = call
            state.created.notify_all()
        await asyncio.to_thread(state.answering.wait)
        return JSONResponse(call.resource(), status_code=201)

    @app.post(f"/{API_VERSION}/Accounts/{{account}}/Calls/{{sid}}.json")
    async def update_call(account: str, sid: str, request: Request) -> JSONResponse:
        params = await _form(request)
        if not _authorised(request, account):
            return state.error(401, 20003, "Authenticate")
        call = state.calls.get(sid.removesuffix(".json"))
        if call is None or call.status == "completed":
            return state.error(
                404,
                20404,
                f"The requested resource /{API_VERSION}/Accounts/{account}/Calls/{sid}.json "
                "was not found",
            )
        call.updates.append(params)
        state.updated.set()
        if params.get("Status") == ["completed"]:
            call.status = "completed"
        return JSONResponse(call.resource())

    @app.get(f"/{API_VERSION}/Accounts/{{account}}/Calls/{{sid}}.json")
    async def fetch_call(account: str, sid: str, request: Request) -> JSONResponse:
        state.requests.append(("GET", request.url.path, _query(request)))
        if not _authorised(request, account):
            return state.error(401, 20003, "Authenticate")
        call = state.calls.get(sid.removesuffix(".json"))
        if call is None:
            return state.error(
                404,
                20404,
                f"The requested resource /{API_VERSION}/Accounts/{account}/Calls/{sid}.json "
                "was not found",
            )
        call.fetches += 1
        return JSONResponse(call.resource())

    numbers_path = f"/{API_VERSION}/Accounts/{{account}}/IncomingPhoneNumbers"

    @app.get(numbers_path + ".json")
    async def list_numbers(account: str, request: Request) -> JSONResponse:
        state.requests.append(("GET", request.url.path, _query(request)))
        if not _authorised(request, account):
            return state.error(401, 20003, "Authenticate")
        wanted = request.query_params.get("PhoneNumber")
        found = [
            n.resource()
            for n in state.numbers.values()
            if wanted is None or n.phone_number == wanted
        ]
        uri = f"/{API_VERSION}/Accounts/{account}/IncomingPhoneNumbers.json"
        return JSONResponse(
            {
                "incoming_phone_numbers": found,
                "end": max(len(found) - 1, 0),
                "first_page_uri": f"{uri}?PageSize=50&Page=0",
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": 50,
                "start": 0,
                "uri": uri,
            }
        )

    @app.post(numbers_path + "/{sid}")
    async def update_number(account: str, sid: str, request: Request) -> JSONResponse:
        params = await _form(request)
        if not _authorised(request, account):
            return state.error(401, 20003, "Authenticate")
        number = state.numbers.get(sid.removesuffix(".json"))
        if number is None:
            return state.error(
                404, 20404, f"The requested resource {request.url.path} was not found"
            )
        for key, values in params.items():
            number.fields[key] = values[-1]
        return JSONResponse(number.resource())

    return app


def _query(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out


@contextmanager
def fake_twilio_rest(account_sid: str, auth_token: str) -> Iterator[FakeTwilio]:
    """Serve the fake on a free port; `state.base_url` goes into TWILIO_API_BASE_URL."""
    state = FakeTwilio(account_sid=account_sid, auth_token=auth_token)
    with serve_in_thread(_app(state)) as server:
        state.base_url = server.base_url
        yield state

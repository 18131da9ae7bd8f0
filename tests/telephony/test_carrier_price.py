"""A call's price through the real Twilio SDK against the fake Twilio REST server."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from callcenter.calls.carrier import CallPrice, CarrierError
from callcenter.config import get_settings
from callcenter.telephony.carrier import TwilioCarrier, parse_price
from tests.fakes.twilio_rest import FakeTwilio, fake_twilio_rest
from tests.support.served_core import ACCOUNT_SID, AUTH_TOKEN


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio_rest(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


def twilio_carrier(env: dict[str, str], twilio: FakeTwilio) -> TwilioCarrier:
    env["TWILIO_ACCOUNT_SID"] = ACCOUNT_SID
    env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
    env["TWILIO_API_BASE_URL"] = twilio.base_url
    return TwilioCarrier(get_settings())


async def test_the_price_is_read_from_the_call_resource_once_twilio_has_set_it(
    env: dict[str, str], twilio: FakeTwilio
) -> None:
    carrier = twilio_carrier(env, twilio)
    dialled = await carrier.dial(to="+14155550123", from_="+14155550199", call_id=1)
    call = twilio.calls[dialled.call_sid]
    call.priced_after_fetches = 1
    assert await carrier.call_price(dialled.call_sid) is None  # null just after the call
    price = await carrier.call_price(dialled.call_sid)
    assert price == CallPrice(amount=Decimal("0.01300"), unit="USD")  # a charge, made positive
    assert call.fetches == 2
    assert ("GET", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{dialled.call_sid}.json", {}) in (
        twilio.requests
    )
    with pytest.raises(CarrierError) as unknown:
        await carrier.call_price("CA" + "9" * 32)
    assert unknown.value.code == 20404


def test_prices_are_read_as_twilio_writes_them() -> None:
    assert parse_price("-0.0085", "usd") == CallPrice(Decimal("0.0085"), "USD")
    assert parse_price("-1.20", "EUR") == CallPrice(Decimal("1.20"), "EUR")
    assert parse_price(None, "USD") is None
    assert parse_price("-0.01", None) is None
    assert parse_price("n/a", "USD") is None
    assert parse_price("NaN", "USD") is None

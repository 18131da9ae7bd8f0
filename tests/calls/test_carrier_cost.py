"""The after-call step that adds the carrier's price to a call's cost."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from callcenter.calls import records
from callcenter.calls.carrier import CallPrice, CarrierError
from callcenter.calls.carrier_cost import CarrierCost
from callcenter.calls.views import CallView
from callcenter.config import Settings, get_settings
from callcenter.sim.call import SimulatedCall
from callcenter.sim.carrier import SIMULATED_PRICE, SimulatorCarrier
from callcenter.telephony.carrier import TwilioCarrier
from callcenter.ui.pages.calls_data import load_call_detail
from tests.fakes.twilio_rest import FakeCall, FakeTwilio, fake_twilio_rest
from tests.support.served_core import ACCOUNT_SID, AUTH_TOKEN
from tests.voice.bridge_calls import call_row
from tests.voice.conftest import make_call

AI_COST = 0.25
QUICK = (0.01, 0.01, 0.01)  # retry delays, shortened


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio_rest(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


async def dialled_call(
    env: dict[str, str], migrated: Settings, twilio: FakeTwilio
) -> tuple[TwilioCarrier, FakeCall, int]:
    """A call placed through Twilio (the fake), ended, with its AI cost already stored."""
    env["TWILIO_ACCOUNT_SID"] = ACCOUNT_SID
    env["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
    env["TWILIO_API_BASE_URL"] = twilio.base_url
    carrier = TwilioCarrier(get_settings())
    dialled = await carrier.dial(to="+14155550123", from_="+14155550199", call_id=1)
    call_id = make_call("outbound", call_sid=dialled.call_sid)
    with_ai_cost(call_id)
    return carrier, twilio.calls[dialled.call_sid], call_id


def with_ai_cost(call_id: int) -> None:
    records.record_usage(call_id, {"input_tokens": 10}, AI_COST)


async def test_a_price_twilio_sets_late_is_added_to_the_calls_cost(
    env: dict[str, str], migrated: Settings, twilio: FakeTwilio
) -> None:
    carrier, fake_call, call_id = await dialled_call(env, migrated, twilio)
    fake_call.priced_after_fetches = 2  # null for a while after the call
    await CarrierCost(carrier, delays=QUICK)(call_id)
    assert fake_call.fetches == 3
    call = call_row(call_id)
    assert call.carrier_cost_usd == pytest.approx(0.013)
    assert call.cost_usd == pytest.approx(AI_COST)  # the AI's own cost stays as it was
    view = CallView.of(call)
    assert view.cost_usd == pytest.approx(AI_COST + 0.013)
    assert view.carrier_cost_usd == pytest.approx(0.013)
    page = load_call_detail(call_id)  # the call page shows both
    assert (page.ai_cost, page.carrier_cost) == ("$0.2500", "$0.0130")
    # Run again (the sweeper may): the priced call is not asked again, nothing is added twice.
    await CarrierCost(carrier, delays=QUICK)(call_id)
    assert fake_call.fetches == 3
    assert CallView.of(call_row(call_id)).cost_usd == pytest.approx(AI_COST + 0.013)


async def test_no_price_after_a_few_tries_leaves_the_cost_as_it_was(
    env: dict[str, str], migrated: Settings, twilio: FakeTwilio
) -> None:
    carrier, fake_call, call_id = await dialled_call(env, migrated, twilio)
    fake_call.priced_after_fetches = 100
    await CarrierCost(carrier, delays=QUICK)(call_id)
    assert fake_call.fetches == 1 + len(QUICK)  # bounded
    call = call_row(call_id)
    assert call.carrier_cost_usd is None
    assert CallView.of(call).cost_usd == pytest.approx(AI_COST)


async def test_a_price_in_another_currency_is_kept_out(
    env: dict[str, str], migrated: Settings, twilio: FakeTwilio
) -> None:
    carrier, fake_call, call_id = await dialled_call(env, migrated, twilio)
    fake_call.price, fake_call.price_unit = "-0.0120", "EUR"
    await CarrierCost(carrier, delays=QUICK)(call_id)
    assert fake_call.fetches == 1
    call = call_row(call_id)
    assert call.carrier_cost_usd is None
    assert CallView.of(call).cost_usd == pytest.approx(AI_COST)


async def test_the_simulator_prices_the_calls_it_carried(migrated: Settings) -> None:
    carrier = SimulatorCarrier(migrated, price=CallPrice(Decimal("0.0210"), "USD"))
    sim = SimulatedCall(
        call_sid="CA" + "5" * 32, direction="inbound", from_number="+1555", to_number="+1556"
    )
    carrier.calls[sim.call_sid] = sim
    call_id = make_call("inbound", call_sid=sim.call_sid)
    with pytest.raises(CarrierError) as unknown:
        await carrier.call_price("CA" + "6" * 32)  # never carried here: refused like Twilio
    assert unknown.value.code == 20404
    await CarrierCost(carrier, delays=())(call_id)
    call = call_row(call_id)
    assert call.carrier_cost_usd == pytest.approx(0.021)
    assert CallView.of(call).cost_usd == pytest.approx(0.021)  # no AI cost stored: carrier only
    assert SimulatorCarrier(migrated).price == SIMULATED_PRICE


async def test_a_call_the_carrier_does_not_know_is_not_asked_again(
    env: dict[str, str], migrated: Settings, twilio: FakeTwilio
) -> None:
    carrier, fake_call, _ = await dialled_call(env, migrated, twilio)
    unknown = make_call("outbound", call_sid="CA" + "7" * 32)
    await CarrierCost(carrier, delays=QUICK)(unknown)
    fetches = [r for r in twilio.requests if r[0] == "GET" and r[1].endswith("7" * 32 + ".json")]
    assert len(fetches) == 1  # Twilio answered 20404: no retries
    assert call_row(unknown).carrier_cost_usd is None

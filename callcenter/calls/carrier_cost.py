"""After-call step: the carrier's price for the call, stored once the carrier reports it."""

import asyncio
import logging
from collections.abc import Sequence
from decimal import Decimal

from callcenter.calls.carrier import Carrier, CarrierError
from callcenter.db.repo import calls as calls_repo
from callcenter.db.session import session_scope

log = logging.getLogger(__name__)

# Twilio sets a call's price a while after it ends (null until then): ask again after these.
RETRY_DELAYS = (5.0, 20.0, 60.0)
PRICED_UNIT = "USD"  # costs are kept in USD; a price in another currency is left out


def _unpriced_sid(call_id: int) -> str | None:
    """The call's carrier id while it has no carrier price yet (None: nothing to ask)."""
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None or call.carrier_cost_usd is not None:
            return None
        return call.call_sid


def _store(call_id: int, amount: Decimal) -> None:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is not None and call.carrier_cost_usd is None:
            call.carrier_cost_usd = float(amount)
            calls_repo.touch(call)


class CarrierCost:
    """Asks the carrier for the call's price a few times (bounded), and stores a USD price as
    the call's carrier cost; idempotent (a priced call is not asked again)."""

    name = "carrier.price"

    def __init__(self, carrier: Carrier, *, delays: Sequence[float] = RETRY_DELAYS) -> None:
        self.carrier = carrier
        self.delays = tuple(delays)

    async def __call__(self, call_id: int) -> None:
        call_sid = await asyncio.to_thread(_unpriced_sid, call_id)
        if not call_sid:
            return
        log_extra = {"call_id": call_id, "call_sid": call_sid}
        for delay in (0.0, *self.delays):
            await asyncio.sleep(delay)
            try:
                price = await self.carrier.call_price(call_sid)
            except CarrierError as exc:
                log.warning("carrier price not available: %s", exc.message, extra=log_extra)
                if exc.code is not None:
                    return  # the carrier answered, and refused (an unknown call): no retry
                continue  # unreachable: try again later
            if price is None:
                continue
            if price.unit != PRICED_UNIT:
                log.warning(
                    "carrier price %s %s not added: costs are kept in %s",
                    price.amount,
                    price.unit,
                    PRICED_UNIT,
                    extra=log_extra,
                )
                return
            await asyncio.to_thread(_store, call_id, price.amount)
            return
        log.info("the carrier reported no price for the call", extra=log_extra)

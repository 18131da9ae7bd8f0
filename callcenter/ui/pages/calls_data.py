"""Rows for the calls list and the call detail, read through `db/repo/calls.py`."""

from dataclasses import dataclass, field, replace

from callcenter import phones
from callcenter.calls.views import CallView
from callcenter.config import get_settings
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import leads as leads_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.ui.format import clock, duration, phone_display, timestamp, usd
from callcenter.ui.live.cards import other_party
from callcenter.ui.paging import QueryFilters, day_range
from callcenter.ui.wording import end_reason_text, source_text, without_repeats

PAGE_SIZE = 25
SORTS = {
    "-started_at": "Newest first",
    "started_at": "Oldest first",
    "-duration": "Longest first",
    "duration": "Shortest first",
    "status": "Status",
}


@dataclass
class CallFilters(QueryFilters):
    status: str = ""
    direction: str = ""
    since: str = ""  # YYYY-MM-DD
    until: str = ""  # YYYY-MM-DD (inclusive)
    has_lead: str = ""  # "", "yes", "no"
    outcome: str = ""
    q: str = ""
    sort: str = "-started_at"
    page: int = 1

    def checked(self) -> "CallFilters":
        return self if self.sort in SORTS else replace(self, sort="-started_at")


@dataclass
class CallRow:
    id: int = 0
    number: str = ""
    direction: str = ""
    status: str = ""
    started: str = ""
    duration: str = ""
    lead_name: str = ""
    end_reason: str = ""
    outcome: str = ""


@dataclass
class CallsPage:
    rows: list[CallRow]
    total: int


def load_calls(filters: CallFilters) -> CallsPage:
    since, until = day_range(filters.since, filters.until)
    with session_scope() as session:
        page = calls_repo.list_calls(
            session=session,
            status=filters.status or None,
            direction=filters.direction or None,
            q=filters.q or None,
            since=since,
            until=until,
            has_lead={"yes": True, "no": False}.get(filters.has_lead),
            outcome=filters.outcome or None,
            sort=filters.sort,
            limit=PAGE_SIZE,
            offset=(filters.page - 1) * PAGE_SIZE,
        )
        lead_ids = {c.lead_id for c in page.items if c.lead_id}
        names = {}
        for lead_id in lead_ids:
            lead = leads_repo.get_lead(session=session, lead_id=lead_id)
            names[lead_id] = (lead.name or lead.email or "Unnamed") if lead else ""
        rows = [
            CallRow(
                id=c.id or 0,
                number=other_party(c),
                direction=c.direction.value,
                status=c.status.value,
                started=timestamp(c.started_at),
                duration=duration(c.duration_seconds),
                lead_name=names.get(c.lead_id, "") if c.lead_id else "",
                end_reason=end_reason_text(c.end_reason, c.direction),
                outcome=(c.outcome or "").replace("_", " "),
            )
            for c in page.items
        ]
        return CallsPage(rows=rows, total=page.total)


@dataclass
class TimelineEntry:
    status: str = ""
    detail: str = ""
    at: str = ""


@dataclass
class ChatTurn:
    role: str = ""
    text: str = ""
    at: str = ""
    interrupted: bool = False


@dataclass
class ChatTurnAt(ChatTurn):
    """A turn with where it starts in the recording (seconds)."""

    offset: float = 0.0


@dataclass
class CallDetail:
    found: bool = False
    id: int = 0
    number: str = ""
    dial_number: str = ""
    from_number: str = ""
    to_number: str = ""
    direction: str = ""
    status: str = ""
    end_reason: str = ""
    answered_by: str = ""
    error: str = ""
    started: str = ""
    ended: str = ""
    duration: str = ""
    call_sid: str = ""
    lead_id: int = 0
    lead_name: str = ""
    lead_email: str = ""
    lead_phone: str = ""
    lead_business: str = ""
    lead_need: str = ""
    reviewed: bool = False
    summary: str = ""
    outcome: str = ""
    next_step: str = ""
    sentiment: str = ""
    recording_url: str = ""
    ai_cost: str = ""  # what the AI cost on this call, when it reported usage
    carrier_cost: str = ""  # what the carrier charged, once it reported a price
    timeline: list[TimelineEntry] = field(default_factory=list)
    turns: list[ChatTurnAt] = field(default_factory=list)


def load_call_detail(call_id: int) -> CallDetail:
    with session_scope() as session:
        call = calls_repo.get_call(session=session, call_id=call_id)
        if call is None or call.id is None:
            return CallDetail()
        lead = leads_repo.get_lead(session=session, lead_id=call.lead_id) if call.lead_id else None
        events = calls_repo.list_status_events(session=session, call_id=call.id)
        real = get_settings().twilio_enabled
        turns = transcripts_repo.list_turns(session=session, call_id=call.id)
        dial = call.from_number if call.direction.value == "inbound" else call.to_number
        media_start = call.answered_at or call.started_at  # the stream starts on answer
        return CallDetail(
            found=True,
            id=call.id,
            number=other_party(call),
            dial_number=dial,
            from_number=phone_display(call.from_number),
            to_number=phone_display(call.to_number),
            direction=call.direction.value,
            status=call.status.value,
            end_reason=end_reason_text(call.end_reason, call.direction),
            answered_by=call.answered_by or "",
            error=call.error_message or "",
            started=timestamp(call.started_at) + " UTC",
            ended=timestamp(call.ended_at) + " UTC" if call.ended_at else "",
            duration=duration(call.duration_seconds),
            call_sid=call.call_sid or "",
            lead_id=lead.id or 0 if lead else 0,
            lead_name=(lead.name or "") if lead else "",
            lead_email=(lead.email or "") if lead else "",
            lead_phone=phones.display(lead.phone) if lead else "",
            lead_business=(lead.business_type or "") if lead else "",
            lead_need=(lead.need or "") if lead else "",
            reviewed=call.reviewed_at is not None,
            summary=call.summary or "",
            outcome=(call.outcome or "").replace("_", " "),
            next_step=call.next_step or "",
            sentiment=call.sentiment or "",
            recording_url=CallView.of(call).recording_url or "",
            ai_cost=usd(call.cost_usd) if call.cost_usd is not None else "",
            carrier_cost=usd(call.carrier_cost_usd) if call.carrier_cost_usd is not None else "",
            timeline=[
                TimelineEntry(
                    status=e.status,
                    detail=" · ".join(
                        p
                        for p in (e.answered_by, e.detail, source_text(e.source, real_carrier=real))
                        if p
                    ),
                    at=clock(e.occurred_at),
                )
                for e in without_repeats(events)
            ],
            turns=[
                ChatTurnAt(
                    role=t.role,
                    text=t.text,
                    at=clock(t.started_at),
                    interrupted=t.interrupted,
                    offset=max(0.0, (t.started_at - media_start).total_seconds()),
                )
                for t in turns
            ],
        )

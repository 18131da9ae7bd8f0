"""`seed-demo`: realistic demo calls, transcripts, leads and notes so a fresh dashboard has data."""

import argparse
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlmodel import Session, col, select

from callcenter.config import get_settings
from callcenter.db.migrate import upgrade_to_head
from callcenter.db.models import (
    Call,
    CallDirection,
    CallStatus,
    EndReason,
    Lead,
    LeadNote,
    LeadStatus,
)
from callcenter.db.repo import calls as calls_repo
from callcenter.db.repo import transcripts as transcripts_repo
from callcenter.db.session import session_scope
from callcenter.db.types import utcnow

DEMO_SID_PREFIX = "CAdemo"
OUR_NUMBER = "+15550100000"


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    email: str
    phone: str
    business: str
    need: str


PERSONAS = [
    Persona(
        "Maria Lopez",
        "maria@lopezplumbing.com",
        "+14155550142",
        "plumbing",
        "after-hours call answering for emergency jobs",
    ),
    Persona(
        "James Carter",
        "james.carter@brightsmile.dental",
        "+12125550187",
        "dental clinic",
        "booking new patient appointments by phone",
    ),
    Persona(
        "Aisha Khan",
        "aisha@khanlegal.co",
        "+13125550163",
        "law firm",
        "screening callers before consultations",
    ),
    Persona(
        "Tom Becker",
        "tom@beckerroofing.net",
        "+16175550119",
        "roofing",
        "following up on quote requests within an hour",
    ),
    Persona(
        "Priya Nair",
        "priya@greenleafyoga.studio",
        "+17185550121",
        "yoga studio",
        "answering class schedule questions",
    ),
    Persona(
        "Daniel Kim",
        "dkim@kimautorepair.com",
        "+12135550176",
        "auto repair shop",
        "taking service bookings while the shop is busy",
    ),
    Persona(
        "Sofia Rossi",
        "sofia@rossibakery.com",
        "+13055550134",
        "bakery",
        "catering orders over the phone",
    ),
    Persona(
        "Ethan Brooks",
        "ethan@brooksrealty.com",
        "+15125550198",
        "real estate agency",
        "qualifying buyer leads from listings",
    ),
    Persona(
        "Grace Liu",
        "grace@liuaccounting.com",
        "+14085550155",
        "accounting firm",
        "collecting tax-season enquiries",
    ),
    Persona(
        "Omar Haddad",
        "omar@haddadhvac.com",
        "+17135550110",
        "HVAC",
        "dispatching urgent repair calls",
    ),
    Persona(
        "Chloe Martin",
        "chloe@martinvet.care",
        "+12065550181",
        "veterinary clinic",
        "triaging calls and booking visits",
    ),
    Persona(
        "Lucas Silva",
        "lucas@silvafitness.gym",
        "+16465550127",
        "gym",
        "converting trial-class callers to members",
    ),
]

NOTES = [
    "Sent pricing sheet by email.",
    "Wants a demo next Tuesday afternoon.",
    "Decision maker is the co-owner; follow up with both.",
    "Currently uses a voicemail service and misses calls at lunch.",
    "Asked about Spanish-language support.",
    "Budget approved for Q1.",
]


def conversation(p: Persona, company: str) -> list[tuple[str, str, bool]]:
    """(role, text, interrupted) turns of a lead-qualification call."""
    first = p.name.split()[0]
    return [
        ("agent", f"Hi, thanks for calling {company}! This is Ava. Who am I speaking with?", False),
        ("caller", f"Hi Ava, this is {p.name}.", False),
        ("agent", f"Nice to meet you, {first}. What kind of business do you run?", False),
        ("caller", f"We're a {p.business}, about twelve people.", False),
        (
            "agent",
            "Great. What would you like help with? We can handle calls around the clock, "
            "book appointments, and",
            True,
        ),
        ("caller", f"Sorry to jump in — mainly {p.need}.", False),
        ("agent", "That's exactly what we do. What's the best email to send details to?", False),
        ("caller", f"It's {p.email}.", False),
        ("agent", f"Thanks, {first}. And is this number the best one to reach you?", False),
        ("caller", "Yes, this one is fine.", False),
        (
            "agent",
            "Perfect. I'll send a summary now and someone from our team will follow up "
            "within one business day. Anything else?",
            False,
        ),
        ("caller", "No, that's all. Thanks!", False),
    ]


SHORT_OUTBOUND = [
    ("agent", "Hi, this is Ava calling from {company}. Is now a good time?", False),
    ("caller", "Not really, I'm driving. Can you call back later?", False),
    ("agent", "Of course, I'll try again another time. Drive safe!", False),
]
SHORT_INBOUND = [
    ("agent", "Hi, thanks for calling {company}! This is Ava. How can I help?", False),
    ("caller", "Oh, sorry, wrong number.", False),
    ("agent", "No problem at all. Have a great day!", False),
]


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "seed-demo",
        help="load demo calls, transcripts, leads and notes",
        description=__doc__,
    )
    parser.add_argument("--calls", type=int, default=60, help="how many calls (default 60)")
    parser.add_argument("--days", type=int, default=30, help="spread over the last N days")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    parser.add_argument(
        "--force", action="store_true", help="add demo data even if some is already there"
    )
    parser.set_defaults(handler=run)


def _has_demo(session: Session) -> bool:
    query = select(Call.id).where(col(Call.call_sid).startswith(DEMO_SID_PREFIX)).limit(1)
    return session.exec(query).first() is not None


def _lead_for(
    session: Session, persona: Persona, leads: dict[str, Lead], rng: random.Random, at: datetime
) -> Lead:
    lead = (
        leads.get(persona.email)
        or session.exec(select(Lead).where(Lead.email == persona.email)).first()
    )
    if lead is None:
        lead = Lead(
            name=persona.name,
            email=persona.email,
            phone=persona.phone,
            business_type=persona.business,
            need=persona.need,
            status=rng.choice(list(LeadStatus)),
            created_at=at,
            updated_at=at,
            status_changed_at=at,
        )
        session.add(lead)
        session.flush()
        leads[persona.email] = lead
        for text in rng.sample(NOTES, k=rng.randint(0, 2)):
            session.add(
                LeadNote(
                    lead_id=lead.id or 0,
                    author="admin@callcenter.local",
                    text=text,
                    created_at=at + timedelta(hours=rng.randint(1, 20)),
                )
            )
    return lead


def _add_turns(
    session: Session,
    call: Call,
    turns: list[tuple[str, str, bool]],
    at: datetime,
    rng: random.Random,
) -> datetime:
    assert call.id is not None
    for i, (role, text, interrupted) in enumerate(turns):
        transcripts_repo.add_turn(
            session=session,
            call_id=call.id,
            turn_key=f"demo-{i}",
            role=role,
            text=text,
            started_at=at,
            interrupted=interrupted,
        )
        at += timedelta(seconds=rng.randint(3, 9))
    return at


def seed(session: Session, *, calls: int, days: int, rng: random.Random) -> tuple[int, int]:
    company = get_settings().company_name
    now = utcnow()
    leads: dict[str, Lead] = {}
    outcomes = [
        (CallStatus.completed, EndReason.agent_ended, True),
        (CallStatus.completed, EndReason.caller_hung_up, True),
        (CallStatus.no_answer, EndReason.no_answer, False),
        (CallStatus.busy, EndReason.busy, False),
        (CallStatus.failed, EndReason.error, False),
        (CallStatus.completed, EndReason.voicemail, False),
    ]
    weights = [45, 20, 12, 6, 4, 6]
    for _ in range(calls):
        persona = rng.choice(PERSONAS)
        started = now - timedelta(days=rng.uniform(0, days), minutes=rng.randint(5, 600))
        direction = rng.choice(
            [CallDirection.inbound, CallDirection.inbound, CallDirection.outbound]
        )
        status, reason, talked = rng.choices(outcomes, weights=weights)[0]
        inbound = direction == CallDirection.inbound
        call = calls_repo.create_call(
            session=session,
            direction=direction,
            from_number=persona.phone if inbound else OUR_NUMBER,
            to_number=OUR_NUMBER if inbound else persona.phone,
            status=CallStatus.ringing,
            call_sid=f"{DEMO_SID_PREFIX}{uuid4().hex[:26]}",
        )
        assert call.id is not None
        call.started_at = started
        ended = started + timedelta(seconds=rng.randint(15, 40))
        if talked:
            call.answered_at = started + timedelta(seconds=rng.randint(2, 8))
            call.answered_by = "human"
            calls_repo.add_status_event(
                session=session,
                call_id=call.id,
                status="in-progress",
                answered_by="human",
                source="demo",
            )
            full = rng.random() < 0.75
            short = SHORT_INBOUND if inbound else SHORT_OUTBOUND
            turns = (
                conversation(persona, company)
                if full
                else [(r, t.format(company=company), i) for r, t, i in short]
            )
            ended = _add_turns(session, call, turns, call.answered_at, rng)
            if full:
                lead = _lead_for(session, persona, leads, rng, ended)
                call.lead_id = lead.id
                if lead.source_call_id is None:
                    lead.source_call_id = call.id
        call.status = status
        call.end_reason = reason
        call.ended_at = ended
        call.duration_seconds = int((ended - (call.answered_at or started)).total_seconds())
        if status == CallStatus.failed:
            call.error_message = "carrier error 31005: connection lost"
        call.finalized_at = ended
        calls_repo.add_status_event(
            session=session,
            call_id=call.id,
            status=status.value,
            source="demo",
            detail=reason.value,
        )
        for event in calls_repo.list_status_events(session=session, call_id=call.id):
            event.occurred_at = {
                "ringing": started,
                "in-progress": call.answered_at or started,
            }.get(event.status, ended)
        session.flush()
    return calls, len(leads)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.auto_migrate:
        upgrade_to_head(settings.database_url)
    with session_scope() as session:
        if _has_demo(session) and not args.force:
            print("demo data is already loaded (use --force to add more)")  # noqa: T201
            return 0
        n_calls, n_leads = seed(
            session,
            calls=max(1, args.calls),
            days=max(1, args.days),
            rng=random.Random(args.seed),
        )
    print(f"added {n_calls} demo calls and {n_leads} leads")  # noqa: T201
    return 0

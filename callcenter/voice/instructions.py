"""The agent's instructions: who it speaks for, the lead-qualification script, call openings."""

from pathlib import Path

from callcenter.config import Settings
from callcenter.voice.session import ReturningCaller, SessionConfig

DEFAULT_SCRIPT = """\
You are the friendly phone assistant of {company}. You speak on a live phone call: keep every
reply short (one or two sentences), natural and warm, and let the caller talk.

Your goal is to understand what the caller needs and capture them as a sales lead:
1. Ask for their name.
2. Ask what kind of business they run.
3. Ask what they need help with, and listen.
4. Ask for the best email address to send information to, and spell it back to confirm it.
5. Ask for a phone number if it differs from the one they are calling from.

{tools}

Never invent prices or promises; say that a member of the team will follow up. If the caller
presses keys on the phone, you receive them as text like "[pressed 1]".
"""

INBOUND_GREETING = (
    "Greet the caller now: say you are the assistant of {company} and ask how you can help."
)
RETURNING_GREETING = (
    "Greet the caller now by name ({name}): welcome them back, say you are the assistant of "
    "{company}, and ask how you can help today."
)
RETURNING_CALLER = """This caller has spoken with us before; what we know about them:
{facts}
Use it: greet them by name, do not ask again for what you already know unless they correct it,
and pick up where the last conversation left off."""
OUTBOUND_OPENING = (
    "The person you called has just answered. Introduce yourself as the assistant of {company}, "
    "{addressee}, and explain in one sentence that you are calling because they showed interest "
    "in {company}'s services and you would like to learn what they need. Then ask if now is a "
    "good time."
)
NOTICE_FIRST = 'Before anything else, say exactly: "{notice}" Then: '
GOODBYE = "Say a short, polite goodbye to the caller now ({why}). Do not ask anything else."


def base_instructions(settings: Settings, tool_guidance: str = "") -> str:
    """AGENT_INSTRUCTIONS (text, or a path to a file) or the default script, for the company;
    the default script says when to use each tool in the tools' own words."""
    custom = settings.agent_instructions
    if custom:
        path = Path(custom)
        text = custom
        if len(custom) < 1024 and "\n" not in custom:
            try:
                if path.is_file():
                    text = path.read_text(encoding="utf-8")
            except OSError:
                text = custom
        return text.replace("{company}", settings.company_name)
    return DEFAULT_SCRIPT.format(company=settings.company_name, tools=tool_guidance)


def opening_instructions(settings: Settings, config: SessionConfig) -> str:
    """What the agent says first: a greeting (inbound) or an introduction (outbound)."""
    company = settings.company_name
    notice = NOTICE_FIRST.format(notice=config.notice) if config.notice else ""
    if config.direction == "outbound":
        addressee = (
            f"address them as {config.lead_name}" if config.lead_name else "greet them politely"
        )
        return notice + OUTBOUND_OPENING.format(company=company, addressee=addressee)
    if config.returning is not None and config.returning.name:
        return notice + RETURNING_GREETING.format(company=company, name=config.returning.name)
    return notice + INBOUND_GREETING.format(company=company)


def returning_caller_instructions(caller: ReturningCaller) -> str:
    """What the agent is told about a lead who calls again."""
    known = [
        ("Name", caller.name),
        ("Business", caller.business_type),
        ("What they needed", caller.need),
        ("Last call", caller.last_summary),
    ]
    facts = "\n".join(f"- {label}: {value}" for label, value in known if value)
    return RETURNING_CALLER.format(facts=facts)


def goodbye_instructions(why: str) -> str:
    return GOODBYE.format(why=why)


def dtmf_text(digit: str) -> str:
    """How a key the caller pressed reaches the model."""
    return f"[pressed {digit}]"

"""Short transcripts with the outcome a sales manager would give the call.

Each case: (transcript lines "A: …"/"C: …", lead fields captured, end reason, expected outcome).
"""

from typing import Any

Case = tuple[list[str], dict[str, str], str | None, str]

HELLO = "A: Thanks for calling Acme Growth, this is Ava. How can I help?"
OUT = "A: Hi, this is Ava from Acme Growth. Do you have a minute?"
DANA = {"name": "Dana Reyes", "email": "dana@reyesplumbing.com", "business_type": "plumbing"}

CASES: list[Case] = [
    (
        [
            HELLO,
            "C: Hi, I'm Dana Reyes, I run a plumbing company and we need a booking system.",
            "A: What's your email?",
            "C: dana at reyes plumbing dot com.",
        ],
        {**DANA, "need": "a booking system"},
        "caller_hung_up",
        "qualified",
    ),
    (
        [
            HELLO,
            "C: This is Marcus from Bright Smile Dental, looking for more patients.",
            "A: Best number?",
            "C: 415 555 0134.",
            "A: Anything else?",
            "C: No thanks, that's all.",
        ],
        {
            "name": "Marcus",
            "phone": "+14155550134",
            "business_type": "dental",
            "need": "more patients",
        },
        "agent_ended",
        "qualified",
    ),
    (
        [
            OUT,
            "C: Sure. We're interested in your scheduling tool, send me the details.",
            "A: Your name and email?",
            "C: Priya Shah, priya at shah dental dot com.",
        ],
        {"name": "Priya Shah", "email": "priya@shahdental.com"},
        "agent_ended",
        "qualified",
    ),
    (
        [HELLO, "C: Yeah I want a quote for a new website. I'm Tom, tom at gmail dot com."],
        {"name": "Tom", "email": "tom@gmail.com", "need": "a quote for a new website"},
        "caller_hung_up",
        "qualified",
    ),
    (
        [
            OUT,
            "C: Hi. Sounds good, we're looking for help with ads.",
            "A: Name?",
            "C: Lena Ortiz.",
            "A: Number?",
            "C: Use this one.",
        ],
        {"name": "Lena Ortiz", "phone": "+14155550101", "need": "help with ads"},
        "agent_ended",
        "qualified",
    ),
    (
        [OUT, "C: Not interested, thanks."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: Please take me off your list.", "A: Of course, sorry to bother you."],
        {},
        "agent_ended",
        "not_interested",
    ),
    (
        [OUT, "C: Stop calling me. This is the third time."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: We already have someone who does our marketing."],
        {},
        "agent_ended",
        "not_interested",
    ),
    (
        [OUT, "C: No thanks, we're all set."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: Honestly this is a waste of my time.", "A: I understand."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: We don't need that, bye."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: Don't call again."],
        {},
        "caller_hung_up",
        "not_interested",
    ),
    (
        [OUT, "C: I'm driving right now, can you call me back tomorrow morning?"],
        {},
        "agent_ended",
        "callback_requested",
    ),
    (
        [OUT, "C: It's a bad time, I'm with a patient. Try me later."],
        {},
        "agent_ended",
        "callback_requested",
    ),
    (
        [
            HELLO,
            "C: I'm Dana Reyes from a plumbing company.",
            "A: What do you need?",
            "C: I'm in a meeting, call me back after 3 pm.",
        ],
        {"name": "Dana Reyes", "business_type": "plumbing"},
        "agent_ended",
        "callback_requested",
    ),
    (
        [OUT, "C: Can we talk later? I'm at work."],
        {},
        "caller_hung_up",
        "callback_requested",
    ),
    (
        [OUT, "C: Call back next week please, the owner is away."],
        {},
        "agent_ended",
        "callback_requested",
    ),
    (
        [OUT, "C: Ring me back in an hour."],
        {},
        "agent_ended",
        "callback_requested",
    ),
    (
        [OUT, "C: Sorry, you've got the wrong number."],
        {},
        "caller_hung_up",
        "wrong_number",
    ),
    (
        [OUT, "C: There's nobody here by that name."],
        {},
        "agent_ended",
        "wrong_number",
    ),
    (
        [OUT, "C: Who? Dana doesn't live here anymore."],
        {},
        "caller_hung_up",
        "wrong_number",
    ),
    (
        [HELLO, "C: Oh sorry, I dialed the wrong number."],
        {},
        "caller_hung_up",
        "wrong_number",
    ),
    (
        [OUT, "C: Wrong person, I've never heard of your company."],
        {},
        "caller_hung_up",
        "wrong_number",
    ),
    ([OUT], {}, "voicemail", "voicemail"),
    (
        [OUT, "C: Hi, you've reached Dana, leave a message after the beep."],
        {},
        "voicemail",
        "voicemail",
    ),
    ([], {}, "no_answer", "no_answer"),
    ([], {}, "busy", "no_answer"),
    ([], {}, "canceled", "no_answer"),
    (
        [HELLO, "C: I'd like to talk to a real person please."],
        {},
        "transferred",
        "transferred",
    ),
    (
        [HELLO, "C: Hi, I'm Dana. I want to ask about pricing.", "A: Sure, can I get your email?"],
        {"name": "Dana"},
        "caller_hung_up",
        "incomplete",
    ),
    ([HELLO], {}, "caller_hung_up", "incomplete"),
    (
        [HELLO, "C: Hello? Hello? I can't hear you."],
        {},
        "caller_hung_up",
        "incomplete",
    ),
    (
        [HELLO, "C: Um, yeah, hi.", "A: How can I help?", "C: Hmm."],
        {},
        "idle",
        "incomplete",
    ),
    (
        [HELLO, "C: I run a bakery and need a new website.", "A: What's your name?"],
        {"business_type": "bakery", "need": "a new website"},
        "ai_unavailable",
        "incomplete",
    ),
    (
        [
            OUT,
            "C: Yeah we'd like a demo. I'm Sam Lee, sam at lee law dot com.",
            "A: Great, anything else?",
            "C: Not right now, thanks.",
        ],
        {"name": "Sam Lee", "email": "sam@leelaw.com", "need": "a demo"},
        "agent_ended",
        "qualified",
    ),
]


def lead_kwargs(fields: dict[str, Any]) -> dict[str, Any]:
    return dict(fields)

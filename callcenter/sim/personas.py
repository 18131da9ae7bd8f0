"""Scripted persona callers: they listen to the agent, answer what was asked, may interrupt."""

import asyncio
import logging
import time
from dataclasses import dataclass, field

import numpy as np

from callcenter.sim.caller import CallerLine, SimulatedCaller
from callcenter.sim.channel import NoisyLine
from callcenter.sim.hearing import shared_ear
from callcenter.sim.readback import read_back_right
from callcenter.sim.speech import VOICES, render
from callcenter.voice.providers.local.audio import ulaw_to_pcm

log = logging.getLogger(__name__)

_DIGITS = "zero one two three four five six seven eight nine".split()


@dataclass(frozen=True)
class Persona:
    """Who the caller is and the words they use; `expected` is the lead the agent should capture."""

    key: str
    name: str
    business: str
    need: str
    email_words: str  # how they say it: "dana at reyes plumbing dot com"
    email: str
    phone: str
    voice: str = "kal"
    business_phrase: str = "we run a {business}"

    @property
    def expected(self) -> dict[str, str]:
        return {
            "name": self.name,
            "business_type": self.business,
            "need": self.need,
            "email": self.email,
            "phone": self.phone,
        }

    def answer(self, question: str) -> str:
        """What this persona says when asked `question` (a dialog state name)."""
        local, domain = self.email.split("@")
        spelled = " ".join("dot" if c == "." else c for c in local)
        spelled += " at " + " ".join("dot" if c == "." else c for c in domain)
        national = self.phone.removeprefix("+1")
        answers = {
            "name": f"my name is {self.name}",
            "business": self.business_phrase.format(business=self.business),
            "need": self.need,
            "email": self.email_words,
            "confirm": "yes",
            "deny": "no",
            "spell": spelled,
            "phone": " ".join(_DIGITS[int(d)] for d in national),
        }
        return answers[question]


def _p(
    key: str, name: str, business: str, need: str, words: str, phone: str, voice: str
) -> Persona:
    local, _, rest = words.partition(" at ")
    domain = rest.replace(" dot ", ".").replace(" ", "")
    email = local.replace(" dot ", ".").replace(" ", "") + "@" + domain
    return Persona(key, name, business, need, words, email, phone, voice)


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in [
        _p("dana", "Dana Reyes", "plumbing company",
           "we need someone to answer our phones after hours",
           "dana at reyes plumbing dot com", "+14155550101", "kal"),
        _p("peter", "Peter Garcia", "dental clinic", "we want to book more appointments",
           "peter at garcia dental dot com", "+14155550102", "rms"),
        _p("linda", "Linda Chen", "law firm", "we need help with client intake",
           "linda at chen law dot com", "+14155550103", "awb"),
        _p("omar", "Omar Shah", "restaurant", "we need to answer questions about pricing",
           "omar at gmail dot com", "+14155550104", "kal"),
        _p("maria", "Maria Lopez", "hair salon", "we miss calls when we are busy",
           "maria at lopez salon dot com", "+14155550105", "rms"),
        _p("james", "James Walker", "roofing company", "i need help with emergency calls at night",
           "james at walker roofing dot com", "+14155550106", "awb"),
        _p("sarah", "Sarah Kim", "yoga studio", "we want to take bookings for classes",
           "sarah at kim yoga dot com", "+14155550107", "kal"),
        _p("kevin", "Kevin Patel", "auto repair shop", "we are missing too many calls",
           "kevin at patel auto dot com", "+14155550108", "rms"),
        _p("emily", "Emily Turner", "cleaning company", "we need help scheduling appointments",
           "emily at turner cleaning dot com", "+14155550109", "awb"),
        _p("carlos", "Carlos Rivera", "landscaping company",
           "we need help with estimates and quotes",
           "carlos at rivera landscaping dot com", "+14155550110", "kal"),
        _p("grace", "Grace Nguyen", "veterinary clinic", "i need help with new patient intake",
           "grace at nguyen vet dot com", "+14155550111", "rms"),
        _p("tom", "Tom Fisher", "moving company", "we need overflow call handling",
           "tom at fisher moving dot com", "+14155550112", "awb"),
    ]
}  # fmt: skip

# The order a cooperative caller answers in when the agent's question is not recognised.
SCRIPT = ("name", "business", "need", "email", "confirm", "confirm")


@dataclass
class PersonaCaller:
    """A `SimulatedCaller`: waits for the agent to stop, answers the question, repeats as asked.

    With `check_read_back=True` it says no to a read-back of an address that is not theirs
    (then spells it when asked); otherwise it confirms every read-back (shorter calls).

    With `interrupt=True` it talks over the agent's greeting (barge-in) instead of waiting.
    `line` changes the audio on its way (a telephone band-pass and noise) and fills the pauses
    with its noise; `turn_gaps_ms` records, per answer, the time from the end of its speech to
    the agent's first audio, and `turn_kinds` what that answer was ("name", "spell", ...).
    """

    persona: Persona
    interrupt: bool = False
    pause_s: float = 0.7  # the agent has stopped when nothing was heard for this long
    max_turns: int = 14
    log: list[tuple[str, str]] = field(default_factory=list)  # (what we heard, what we said)
    turn_gaps_ms: list[float] = field(default_factory=list)
    turn_kinds: list[str] = field(default_factory=list)
    line: NoisyLine | None = None
    check_read_back: bool = False
    _spoke_until: float | None = None
    _spoke_kind: str = ""

    async def __call__(self, line: CallerLine) -> None:
        if self.line is not None:
            speech = await asyncio.to_thread(
                render, self.persona.answer("name"), self.persona.voice
            )
            line.hiss(await asyncio.to_thread(self.line.hiss, speech))
        step = 0
        last_answer = ""
        last_kind = ""
        for turn in range(self.max_turns):
            interrupting = self.interrupt and turn == 0
            heard = await self._listen(line, cut_after_s=1.5 if interrupting else None)
            if heard is None:
                return
            cue, words = await asyncio.to_thread(shared_ear().hear, heard) if heard else ("", "")
            if cue == "goodbye":
                await self._listen(line)  # let the agent finish, then it hangs up
                await line.hang_up()
                return
            if cue == "again" and last_answer:
                answer, kind = last_answer, last_kind
            elif self.check_read_back and cue == "confirm" and self._gave_address(last_answer):
                right = await self._read_back_right(heard)
                kind = "confirm" if right else "deny"
                answer = self.persona.answer(kind)
                step = max(step, SCRIPT.index("confirm") + 1)
            elif cue and cue != "again":
                answer, kind = self.persona.answer(cue), cue
                if cue in SCRIPT:
                    step = max(step, SCRIPT.index(cue) + 1)
            else:
                kind = SCRIPT[min(step, len(SCRIPT) - 1)]
                answer = self.persona.answer(kind)
                step += 1
            self.log.append((words, answer))
            last_answer, last_kind = answer, kind
            audio = await asyncio.to_thread(render, answer, self.persona.voice)
            if self.line is not None:
                audio = await asyncio.to_thread(self.line, audio)
            await line.say(audio)
            self._spoke_until = time.monotonic() - _trailing_silence_s(audio)
            self._spoke_kind = kind
        await line.hang_up()

    def _gave_address(self, answer: str) -> bool:
        """Whether `answer` was their address (said or spelled): its read-back comes next."""
        return answer in (self.persona.email_words, self.persona.answer("spell"))

    async def _read_back_right(self, heard: bytes) -> bool:
        persona = self.persona
        spelled = persona.answer("spell")
        return await asyncio.to_thread(read_back_right, heard, persona.email_words, spelled)

    async def _listen(self, line: CallerLine, cut_after_s: float | None = None) -> bytes | None:
        """Agent audio until it pauses (or, when interrupting, until `cut_after_s` of it)."""
        audio = bytearray()
        first_at: float | None = None
        while True:
            chunk = await line.hear(timeout=self.pause_s if audio else 20.0)
            if chunk is None:
                return None
            if not chunk:
                return bytes(audio) if audio else None
            audio += chunk
            first_at = first_at or time.monotonic()
            if self._spoke_until is not None:
                self.turn_gaps_ms.append((first_at - self._spoke_until) * 1000)
                self.turn_kinds.append(self._spoke_kind)
                self._spoke_until = None
            if cut_after_s is not None and time.monotonic() - first_at >= cut_after_s:
                return bytes(audio)


def _trailing_silence_s(ulaw: bytes) -> float:
    """How long `ulaw` goes on after its last 20 ms frame with speech energy."""
    pcm = ulaw_to_pcm(ulaw).astype(np.float64)
    frames = pcm[: pcm.size // 160 * 160].reshape(-1, 160)
    if not frames.size:
        return 0.0
    energy = np.sqrt((frames**2).mean(axis=1))
    loud = np.flatnonzero(energy > max(300.0, 0.1 * float(energy.max())))
    last = int(loud[-1]) if loud.size else frames.shape[0] - 1
    return (pcm.size - (last + 1) * 160) / 8000


def persona_caller(name: str, *, interrupt: bool = False) -> SimulatedCaller:
    """The caller for persona `name` (a key of `PERSONAS`, e.g. "dana")."""
    try:
        persona = PERSONAS[name.lower()]
    except KeyError:
        known = ", ".join(sorted(PERSONAS))
        raise KeyError(f"unknown persona {name!r}; choose one of: {known}") from None
    return PersonaCaller(persona, interrupt=interrupt)


__all__ = ["PERSONAS", "SCRIPT", "VOICES", "Persona", "PersonaCaller", "persona_caller"]

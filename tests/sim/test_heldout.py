"""The held-out personas stay held out: none of their words is in the engine's own word lists."""

import re

from callcenter.sim.heldout import HELDOUT
from callcenter.sim.personas import PERSONAS
from callcenter.voice.providers.local import vocabulary as v


def _hand_written_words() -> set[str]:
    """Words the engine's authors wrote for its grammars (not the census or NAICS lists)."""
    lists = [v._OWN_FIRST_NAMES, v._OWN_LAST_NAMES, v.EMAIL_WORDS]
    words = {word for items in lists for item in items for word in item.split()}
    return words | set(re.findall(r"[a-z']+", v.NEED_CORPUS))


def test_at_least_twenty_personas_in_many_voices() -> None:
    assert len(HELDOUT) >= 20
    voices = {p.voice for p in HELDOUT.values()}
    assert {"kal", "slt", "rms", "awb"} <= voices
    assert sum(voice.startswith("espeak:") for voice in voices) >= 3
    assert not set(HELDOUT) & set(PERSONAS)


def test_no_name_business_or_address_was_written_into_the_engine() -> None:
    own = _hand_written_words()
    providers = {d.replace(" ", "") for d in v.EMAIL_DOMAINS}
    for persona in HELDOUT.values():
        assert not set(persona.name.lower().split()) & own, persona.key
        assert persona.business not in v._OWN_BUSINESS_TYPES, persona.key
        local, domain = persona.email.split("@")
        labels = set(re.split(r"[.]", local)) | set(domain.split(".")[:-1])
        assert not labels & (own - {"info"} - providers), persona.key


def test_each_persona_says_its_email_as_stored() -> None:
    for persona in HELDOUT.values():
        local, _ = persona.email.split("@")
        said = persona.email_words.replace(" dot ", ".").replace(" at ", "@").replace(" ", "")
        assert said == persona.email, persona.key
        assert persona.answer("spell").startswith(" ".join(local.replace(".", "")[:2]))

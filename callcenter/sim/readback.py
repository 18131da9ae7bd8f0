"""Whether the agent read a simulated caller's own email address back to them, by ear.

A caller on the phone says "no" to a wrong address and spells it, so the simulated one has to
tell a right read-back from a wrong one. It knows how a right one sounds: the local engine says
"I have <address>. Is that email right?" with espeak-ng, so the caller synthesises that sentence
for its own address (as said, and as spelled) and compares it with what it heard, frame by
frame along the best alignment (dynamic time warping of log band energies). espeak-ng never
says a sentence twice the same, so a right read-back is near, not equal; a dropped or changed
word is a stretch that matches nothing. What this cannot hear: a letter swapped for one that
rhymes with it ("t" for "d"), which the caller then confirms, as a hurried person might.
"""

import functools

import numpy as np

from callcenter.voice.providers.local import understanding as nlu
from callcenter.voice.providers.local.audio import ulaw_to_pcm
from callcenter.voice.providers.local.dialog import read_back
from callcenter.voice.providers.local.tts import Synthesizer

FRAME = 160  # 20 ms at 8 kHz
BANDS = 24
WINDOW = 20  # frames: the stretch over which the alignment cost is averaged (400 ms)
BAND_FRAMES = 75  # how far the alignment may drift from the diagonal (1.5 s)
# Measured over the tuned and held-out personas' addresses, said and spelled: a right read-back
# against another synthesis of it scored at most 10.6; a wrong one (first letter dropped,
# ".co" for ".com", another domain, the trade word dropped) at least 13.2.
MISMATCH = 12.0


@functools.cache
def _synthesizer() -> Synthesizer:
    return Synthesizer(cache_size=64)


def readbacks(email_words: str, spelled: str) -> list[str]:
    """The agent's sentences that read this address back right: as said, and as spelled."""
    forms = dict.fromkeys([nlu.parse_email(email_words)[1], nlu.parse_spelled(spelled)[1]])
    return [read_back(form) for form in forms if form]


def read_back_right(heard: bytes, email_words: str, spelled: str) -> bool:
    """Whether `heard` (the agent's turn, 8 kHz μ-law) reads this address back right."""
    got = features(heard)
    return any(
        mismatch(got, features(_synthesizer().ulaw(sentence))) < MISMATCH
        for sentence in readbacks(email_words, spelled)
    )


def features(ulaw: bytes) -> np.ndarray:
    """Log energies in `BANDS` bands per 20 ms frame, less their mean over the utterance."""
    pcm = ulaw_to_pcm(ulaw).astype(np.float64)
    count = len(pcm) // FRAME
    frames = pcm[: count * FRAME].reshape(count, FRAME) * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, 256, axis=1)) ** 2
    edges = np.linspace(0, power.shape[1], BANDS + 1).astype(int)
    bands = np.add.reduceat(power, edges[:-1], axis=1)
    logs = np.log(bands + 1e3)
    return logs - logs.mean(axis=0)


def mismatch(a: np.ndarray, b: np.ndarray) -> float:
    """The worst `WINDOW`-frame stretch of the best alignment of `a` with `b` (mean distance
    between aligned frames); infinite when their lengths differ by more than the band."""
    n, m = len(a), len(b)
    if not n or not m or abs(n - m) > BAND_FRAMES:
        return float("inf")
    cost = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    total = np.full((n + 1, m + 1), np.inf)
    total[0, 0] = 0.0
    for i in range(1, n + 1):
        centre = i * m // n
        for j in range(max(1, centre - BAND_FRAMES), min(m, centre + BAND_FRAMES) + 1):
            total[i, j] = cost[i - 1, j - 1] + min(
                total[i - 1, j], total[i - 1, j - 1], total[i, j - 1]
            )
    path: list[float] = []
    i, j = n, m
    while i > 0 and j > 0:
        path.append(float(cost[i - 1, j - 1]))
        step = int(np.argmin([total[i - 1, j - 1], total[i - 1, j], total[i, j - 1]]))
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
    along = np.array(path[::-1])
    if len(along) < WINDOW:
        return float(along.mean())
    return float(np.convolve(along, np.ones(WINDOW) / WINDOW, mode="valid").max())

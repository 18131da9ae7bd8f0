"""A caller's side of a conversation as a WAV file: flite-spoken answers with pauses between."""

import shutil
import subprocess
import wave
from pathlib import Path

ANSWERS = (
    "my name is Dana Reyes",
    "we run a plumbing company",
    "we need someone to answer our phones after hours",
    "dana at reyes plumbing dot com",
    "yes",
)


def spoken_answers(path: Path, answers: tuple[str, ...] = ANSWERS, gap: float = 3.0) -> Path:
    """Render each answer with flite and join them with `gap` seconds of silence."""
    flite = shutil.which("flite")
    if flite is None:
        raise RuntimeError("flite is not installed (apt-get install flite)")
    frames = b""
    rate = 8000
    for index, text in enumerate(answers):
        part = path.with_name(f"{path.stem}-{index}.wav")
        subprocess.run([flite, "-t", text, "-o", str(part)], check=True, timeout=30)
        with wave.open(str(part), "rb") as wav:
            rate = wav.getframerate()
            frames += wav.readframes(wav.getnframes())
        frames += b"\0\0" * int(rate * gap)
        part.unlink()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path

"""Which recogniser the local engine listens with (`LOCAL_ASR`), and the fallback to grammars."""

import logging
from pathlib import Path
from typing import Any, Protocol

from callcenter.voice.providers.local.asr import POOL
from callcenter.voice.providers.local.audio import Int16Array

log = logging.getLogger(__name__)
FETCH_COMMAND = "python -m callcenter.voice.providers.local.neural_model fetch"


class SpeechRecognizer(Protocol):
    """One call's recogniser, one utterance at a time (`asr.Recognizer`'s shape)."""

    def reset(self) -> None: ...
    def set_hints(self, hints: list[str]) -> None: ...
    def set_caller(self, name: str, business: str) -> None: ...
    def begin(self, search: str) -> None: ...
    def lead(self, pcm8k: Int16Array) -> None: ...
    def feed(self, pcm8k: Int16Array) -> None: ...
    def partial(self) -> str: ...
    def pause(self) -> None: ...
    def finish(self) -> str: ...
    def abandon(self) -> None: ...


class RecognizerPool(Protocol):
    def acquire(self) -> SpeechRecognizer: ...
    def release(self, recognizer: Any, /) -> None: ...


_warned: set[Path] = set()


def pool_for(choice: str) -> RecognizerPool:
    """The pool of recognisers for `LOCAL_ASR`; pocketsphinx (with one warning per model
    directory) when the neural models have not been fetched."""
    if choice != "neural":
        return POOL
    # Imported here: the package loads without onnxruntime, and `python -m ...neural_model`
    # runs a module the package has not imported already.
    from callcenter.voice.providers.local import neural_model

    directory = neural_model.cache_dir()
    if not neural_model.available(directory):
        if directory not in _warned:
            _warned.add(directory)
            log.warning(
                "LOCAL_ASR=neural but the Moonshine models are not in %s; recognising with "
                "pocketsphinx grammars. Fetch the models with: %s",
                directory,
                FETCH_COMMAND,
            )
        return POOL
    from callcenter.voice.providers.local.neural_asr import NEURAL_POOL

    return NEURAL_POOL


def warm_up(choice: str) -> None:
    """Start the decoder processes and load their models now, in the background (a few
    seconds), so the first call after start does not wait for them."""
    if choice != "neural":
        return
    from callcenter.voice.providers.local import neural_model

    if not neural_model.available(neural_model.cache_dir()):
        return  # `pool_for` warns when a call comes

    from callcenter.voice.providers.local.neural_worker import DECODERS

    DECODERS.warm_up()

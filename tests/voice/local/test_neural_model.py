"""The Moonshine decoder driven step by step: a beam step shares the encoder's states and gets
what full copies of every state would, and loading the weights once as floats changes no
output. Real speech, the real model."""

import numpy as np
import onnxruntime as ort
import pytest

from callcenter.sim.channel import telephone
from callcenter.sim.heldout import HELDOUT
from callcenter.sim.speech import render
from callcenter.voice.providers.local.audio import resample, ulaw_to_pcm
from callcenter.voice.providers.local.neural_model import MODEL_FILES, START, Moonshine, cache_dir

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def model() -> Moonshine:
    return Moonshine("tiny")


@pytest.fixture(scope="module")
def hidden(model: Moonshine) -> np.ndarray:
    caller = HELDOUT["brenda"]
    ulaw = telephone(render(caller.answer("name"), caller.voice), seed=3)
    return model.encode(resample(ulaw_to_pcm(ulaw), 8000, 16000).astype(np.float32) / 32768)


def _step_with_copies(
    model: Moonshine, hidden: np.ndarray, cache: dict, parents: np.ndarray, tokens: np.ndarray
) -> np.ndarray:
    """A decoder step as written out in full: every state copied for every hypothesis."""
    feeds = {name: cache[name][parents] for name in model.decoder_names}
    feeds |= {name: np.repeat(cache[name][:1], len(parents), 0) for name in model.encoder_names}
    feeds["input_ids"] = tokens[:, None].astype(np.int64)
    feeds["encoder_hidden_states"] = np.repeat(hidden, len(parents), axis=0)
    feeds["use_cache_branch"] = np.array([True])
    logits = model.decoder.run(model.outputs[:1], feeds)[0][:, -1].astype(np.float64)
    return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)


def test_a_beam_step_gives_each_hypothesis_what_copies_of_its_states_give(
    model: Moonshine, hidden: np.ndarray
) -> None:
    logp, cache = model.start(hidden, [START])
    firsts = np.argsort(-logp[0])[:3]  # three ways to begin
    logp, cache = model.step(hidden, cache, np.zeros(3, np.int64), firsts)
    seconds = np.array([int(np.argsort(-logp[row])[row]) for row in range(3)])
    parents = np.array([2, 0, 1])  # reordered, as a beam does
    stepped, _ = model.step(hidden, cache, parents, seconds)
    copied = _step_with_copies(model, hidden, cache, parents, seconds)
    assert np.abs(stepped - copied).max() < 1e-9
    assert len({int(row.argmax()) for row in stepped}) > 1  # the hypotheses differ


def test_the_weights_loaded_as_floats_give_the_quantized_models_outputs(
    model: Moonshine, hidden: np.ndarray
) -> None:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    as_shipped = ort.InferenceSession(str(cache_dir() / "tiny" / MODEL_FILES[1]), options)
    ids = [START, *model.tokenizer.encode("My name is Brenda Hayes")]
    shape = (1, model.size.heads, 1, model.size.head_dim)
    feeds = {name: np.zeros(shape, np.float32) for name in model.past_names}
    feeds |= {"input_ids": np.array([ids], np.int64), "encoder_hidden_states": hidden}
    feeds["use_cache_branch"] = np.array([False])
    logits = as_shipped.run(model.outputs[:1], feeds)[0][0].astype(np.float64)
    shipped = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    assert np.abs(model.sequence_logp(hidden, ids) - shipped).max() < 1e-3

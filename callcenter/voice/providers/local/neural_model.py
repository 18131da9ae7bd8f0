"""Moonshine speech recognition (quantized ONNX): fetch at setup, tokenizer, greedy decoding.

    python -m callcenter.voice.providers.local.neural_model fetch     # once, at setup

The models ship in the MIT-licensed npm package `@usefulsensors/moonshine-js` (tiny and base
English, quantized); the BPE tokenizer ships in the MIT-licensed PyPI wheel
`useful-moonshine-onnx`. Both archives are pinned by version and sha256 and unpacked into a
cache directory (default `var/models/moonshine/`, or `$MOONSHINE_DIR`). Nothing is downloaded
while calls run: a recogniser needs the files to be there (`available`).
"""

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parents[4]
log = logging.getLogger(__name__)
NPM_URL = "https://registry.npmjs.org/@usefulsensors/moonshine-js/-/moonshine-js-0.1.12.tgz"
NPM_SHA256 = "8397120c847b972499f29511dc5e0bc7836c35e852d6b6fe1551443f17dcd571"
WHEEL = "useful-moonshine-onnx==20251121"
WHEEL_FILE = "useful_moonshine_onnx-20251121-py3-none-any.whl"
WHEEL_SHA256 = "b4189b0d7dc8064d567fd0b5d5ce78634be290b0a3a3274ab80ad11c46d531a2"
MODEL_FILES = ("encoder_model.onnx", "decoder_model_merged.onnx")
START, END = 1, 2
SPACE = "\u2581"  # how the tokenizer writes a space


@dataclass(frozen=True)
class Size:
    layers: int
    head_dim: int
    heads: int = 8


SIZES = {"tiny": Size(6, 36), "base": Size(8, 52)}


def cache_dir() -> Path:
    return Path(os.environ.get("MOONSHINE_DIR", ROOT / "var" / "models" / "moonshine"))


def files(directory: Path | None = None) -> list[Path]:
    """Every file a recogniser reads."""
    directory = directory or cache_dir()
    models = [directory / size / name for size in SIZES for name in MODEL_FILES]
    return [*models, directory / "tokenizer.json"]


def available(directory: Path | None = None) -> bool:
    """Whether the models and tokenizer have been fetched into `directory`."""
    return all(path.is_file() for path in files(directory))


def _checked(data: bytes, sha256: str, what: str) -> bytes:
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise RuntimeError(f"{what}: sha256 {digest}, expected {sha256}")
    return data


def fetch(directory: Path | None = None) -> Path:
    """The cache directory, with `<size>/<model file>` and `tokenizer.json` in it (downloads
    only what is missing; each file is written whole, under a temporary name first)."""
    directory = directory or cache_dir()
    wanted = [directory / size / name for size in SIZES for name in MODEL_FILES]
    if not all(path.exists() for path in wanted):
        with urllib.request.urlopen(NPM_URL, timeout=300) as response:
            archive = _checked(response.read(), NPM_SHA256, NPM_URL)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for path in wanted:
                member = f"package/dist/model/{path.parent.name}/quantized/{path.name}"
                source = tar.extractfile(member)
                assert source is not None, member
                _write(path, source.read())
    tokenizer = directory / "tokenizer.json"
    if not tokenizer.exists():
        with tempfile.TemporaryDirectory() as tmp:
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL]
            subprocess.run(pip, check=True)
            wheel = _checked((Path(tmp) / WHEEL_FILE).read_bytes(), WHEEL_SHA256, WHEEL_FILE)
        with zipfile.ZipFile(io.BytesIO(wheel)) as zipped:
            _write(tokenizer, zipped.read("moonshine_onnx/assets/tokenizer.json"))
    return directory


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


class Tokenizer:
    """The Llama-style BPE of tokenizer.json: "▁" for spaces, bytes for what is not in it."""

    def __init__(self, path: Path) -> None:
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        self.vocab: dict[str, int] = model["vocab"]
        self.pieces = {index: piece for piece, index in self.vocab.items()}
        merges = [m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"]]
        self.ranks = {(a, b): rank for rank, (a, b) in enumerate(merges)}

    def decode(self, ids: list[int]) -> str:
        out = bytearray()
        for index in ids:
            piece = self.pieces.get(index, "")
            if piece.startswith("<0x") and piece.endswith(">"):
                out.append(int(piece[3:-1], 16))
            elif not (piece.startswith("<") and piece.endswith(">")):
                out += piece.replace(SPACE, " ").encode()
        return out.decode("utf-8", "replace").strip()

    def encode(self, text: str) -> list[int]:
        """`text` as the BPE splits it, with the leading space the tokenizer prepends."""
        parts = list(SPACE + text.replace(" ", SPACE))
        never = 1 << 30
        while len(parts) > 1:
            pairs = zip(parts, parts[1:], strict=False)
            rank, at = min((self.ranks.get(pair, never), i) for i, pair in enumerate(pairs))
            if rank == never:
                break
            parts[at : at + 2] = [parts[at] + parts[at + 1]]
        ids: list[int] = []
        for part in parts:
            if part in self.vocab:
                ids.append(self.vocab[part])
            else:
                ids.extend(self.vocab[f"<0x{byte:02X}>"] for byte in part.encode())
        return ids


class Moonshine:
    """One Moonshine model on one thread: `transcribe` greedily, or drive the decoder step by
    step (`start`, `step`) for a search of one's own."""

    def __init__(self, size: str = "tiny", directory: Path | None = None) -> None:
        directory = directory or cache_dir()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # The quantized decoder turns its 32 000-token embedding back into floats at every
        # step (a third of a step's time) unless constant folding may do it once, at load.
        # Same weights, same outputs (to 1e-5); a decoder step takes half the time.
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        self.size = SIZES[size]
        self.encoder = ort.InferenceSession(str(directory / size / MODEL_FILES[0]), options)
        self.decoder = ort.InferenceSession(str(directory / size / MODEL_FILES[1]), options)
        self.tokenizer = Tokenizer(directory / "tokenizer.json")
        self.outputs = [o.name for o in self.decoder.get_outputs()]
        self.step_outputs = [name for name in self.outputs if ".encoder." not in name]
        self.past_names = [
            f"past_key_values.{layer}.{part}.{kind}"
            for layer in range(self.size.layers)
            for part in ("decoder", "encoder")
            for kind in ("key", "value")
        ]
        self.encoder_names = [name for name in self.past_names if ".encoder." in name]
        self.decoder_names = [name for name in self.past_names if ".decoder." in name]

    def encode(self, pcm: np.ndarray) -> np.ndarray:
        """Encoder states for 16 kHz float samples in [-1, 1]."""
        return self.encoder.run(None, {"input_values": pcm[None, :].astype(np.float32)})[0]

    def _run(
        self, ids: np.ndarray, hidden: np.ndarray, past: dict[str, np.ndarray], cached: bool
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        feeds = {"input_ids": ids, "encoder_hidden_states": hidden}
        feeds["use_cache_branch"] = np.array([cached])
        # With a cache the encoder's keys and values come back unchanged: not asked for.
        outputs = self.step_outputs if cached else self.outputs
        results = self.decoder.run(outputs, {**feeds, **past})
        present = {}
        for name, value in zip(outputs[1:], results[1:], strict=True):
            present[name.replace("present", "past_key_values")] = value
        if cached:
            present |= {key: past[key] for key in self.encoder_names}
        logits = results[0][:, -1].astype(np.float64)
        top = logits.max(axis=1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return logp, present

    def start(self, hidden: np.ndarray, prefix: list[int]) -> tuple[np.ndarray, dict]:
        """Log-probabilities of the token after `prefix` (start token first), and the cache."""
        shape = (1, self.size.heads, 1, self.size.head_dim)
        empty = {name: np.zeros(shape, np.float32) for name in self.past_names}
        ids = np.array([prefix], np.int64)
        return self._run(ids, hidden, empty, cached=False)

    def step(
        self, hidden: np.ndarray, cache: dict, parents: np.ndarray, tokens: np.ndarray
    ) -> tuple[np.ndarray, dict]:
        """One more token for each hypothesis: `tokens[i]` follows hypothesis `parents[i]` of
        `cache`. Returns one row of log-probabilities per hypothesis, and their cache."""
        past = {name: cache[name][parents] for name in self.decoder_names}
        # The encoder's keys and values are the same for every hypothesis: the decoder takes
        # them once and broadcasts them over the batch (gathering a copy a hypothesis took a
        # twentieth of a step). With a cache it reads no encoder states either.
        past |= {name: cache[name] for name in self.encoder_names}
        return self._run(tokens[:, None].astype(np.int64), hidden, past, cached=True)

    def sequence_logp(self, hidden: np.ndarray, ids: list[int]) -> np.ndarray:
        """Log-probabilities of every next token along `ids` (start token first), in one pass
        of the decoder: row `i` is the distribution after `ids[: i + 1]`."""
        shape = (1, self.size.heads, 1, self.size.head_dim)
        feeds = {name: np.zeros(shape, np.float32) for name in self.past_names}
        feeds |= {"input_ids": np.array([ids], np.int64), "encoder_hidden_states": hidden}
        feeds["use_cache_branch"] = np.array([False])
        logits = self.decoder.run(self.outputs[:1], feeds)[0][0].astype(np.float64)
        top = logits.max(axis=1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))

    def transcribe(self, pcm: np.ndarray, hidden: np.ndarray | None = None) -> str:
        """Greedy transcript of 16 kHz float samples."""
        hidden = self.encode(pcm) if hidden is None else hidden
        logp, cache = self.start(hidden, [START])
        tokens: list[int] = []
        for _ in range(int(len(pcm) / 16000 * 13) + 10):  # spelled letters take two each
            token = int(logp[0].argmax())
            if token == END:
                break
            tokens.append(token)
            logp, cache = self.step(hidden, cache, np.zeros(1, np.int64), np.array([token]))
        return self.tokenizer.decode(tokens)


def main(argv: list[str]) -> None:
    if argv[1:] != ["fetch"]:
        raise SystemExit("usage: python -m callcenter.voice.providers.local.neural_model fetch")
    print(f"Moonshine models in {fetch()}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv)

"""The Argos engine: installed Argos packages run directly on CTranslate2 + SentencePiece.

argostranslate's own ``translate`` module imports stanza (and so torch) and
translates sentence by sentence; here every sentence of the input is
tokenized once, sorted by length and sent to CTranslate2 in token-budgeted
batches, int8 on the CPU by default, with the package's own decoding
conventions (``target_prefix``, length penalty 0.2, unknowns replaced).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from align import store
from align.errors import ModelError
from align.translate.engine import DecodeOptions, Pair, signature_of

# Decoding conventions of argostranslate's own translate module, kept for parity.
LENGTH_PENALTY = 0.2
# A hard cap on output length, so a degenerate repetition cannot run away.
MAX_DECODING_LENGTH = 512
# Long inputs are cut into groups of this many sentences, so memory stays bounded.
GROUP_SENTENCES = 512


class ArgosEngine:
    """Neural MT from the Argos packages installed in a models directory."""

    name = "argos"
    kind = "neural"

    def __init__(self, models_dir: str | os.PathLike[str] | None = None) -> None:
        self.models_dir = store.models_dir(models_dir)

    def available(self) -> bool:
        return True

    def pairs(self) -> list[Pair]:
        return [
            Pair(
                engine=self.name,
                source=p.source,
                target=p.target,
                name=p.name,
                version=p.version,
                kind=self.kind,
                path=p.path,
                size=p.size,
            )
            for p in store.list_packages(self.models_dir, warn=True)
        ]

    def translator(self, pair: Pair, options: DecodeOptions) -> ArgosTranslator:
        return ArgosTranslator.load(Path(pair.path), pair, options)


class _Tokenizer:
    """SentencePiece (most packages) or Moses+BPE (older packages), as the package says."""

    def __init__(self, folder: Path, from_code: str, to_code: str) -> None:
        sp_path = folder / "sentencepiece.model"
        self._sp: Any = None
        self._bpe: Any = None
        if sp_path.is_file():
            import sentencepiece as spm

            self._sp = spm.SentencePieceProcessor(model_file=str(sp_path))
        else:
            store.argos_package_module(folder.parent)
            from argostranslate.tokenizer import BPETokenizer

            self._bpe = BPETokenizer(folder / "bpe.model", from_code, to_code)

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        if self._sp is not None:
            encoded: list[list[str]] = self._sp.encode(list(sentences), out_type=str)
            return encoded
        return [self._bpe.encode(s) for s in sentences]

    def decode(self, tokens: list[str]) -> str:
        if self._sp is not None:
            text: str = self._sp.decode_pieces(tokens)
            return text.replace("\u2581", " ")
        decoded: str = self._bpe.decode(tokens)
        return decoded


class ArgosTranslator:
    """One loaded package: translate sentences in one direction. Loaded once per process."""

    _loaded: dict[tuple[str, DecodeOptions], ArgosTranslator] = {}
    _lock = threading.Lock()

    def __init__(self, folder: Path, pair: Pair, options: DecodeOptions) -> None:
        meta = store.read_metadata(folder)
        self.folder = folder
        self.pair = pair
        self.options = options
        self.source = pair.source
        self.target = pair.target
        self.target_prefix: str = str(meta.get("target_prefix", ""))
        self.tokenizer = _Tokenizer(folder, meta["from_code"], meta["to_code"])
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The CTranslate2 model, loaded on first use (a fully cached run never loads it)."""
        if self._model is None:
            import ctranslate2

            # One batch per core, one thread per batch: on a few CPU cores, running batches
            # side by side beats splitting each operation across threads (about 1.4x here,
            # see bench/bench_translate.py); the weights are shared between the workers.
            threads = self.options.threads or os.cpu_count() or 1
            try:
                self._model = ctranslate2.Translator(
                    str(self.folder / "model"),
                    device="cpu",
                    compute_type=self.options.compute_type,
                    inter_threads=threads,
                    intra_threads=1,
                )
            except (RuntimeError, ValueError) as exc:
                raise ModelError(
                    f"{self.folder.name}: cannot load the CTranslate2 model ({exc})"
                ) from exc
        return self._model

    @classmethod
    def load(cls, folder: Path, pair: Pair, options: DecodeOptions) -> ArgosTranslator:
        key = (str(folder), options)
        with cls._lock:
            if key not in cls._loaded:
                cls._loaded[key] = cls(folder, pair, options)
            return cls._loaded[key]

    @property
    def signature(self) -> str:
        return signature_of(self.pair, self.options)

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences; empty or blank ones come back empty. Output order = input order."""
        out = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        for start in range(0, len(todo), GROUP_SENTENCES):
            group = todo[start : start + GROUP_SENTENCES]
            for i, text in zip(
                group, self._translate_group([sentences[i] for i in group]), strict=True
            ):
                out[i] = text
        return out

    def _translate_group(self, sentences: Sequence[str]) -> list[str]:
        tokens = self.tokenizer.encode([s.strip() for s in sentences])
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        batch = [tokens[i] for i in order]
        prefix = [[self.target_prefix]] * len(batch) if self.target_prefix else None
        results = self.model.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=self.options.beam,
            max_batch_size=self.options.max_batch_tokens,
            batch_type="tokens",
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            max_decoding_length=MAX_DECODING_LENGTH,
        )
        out = [""] * len(batch)
        for i, result in zip(order, results, strict=True):
            text = self.tokenizer.decode(result.hypotheses[0])
            if self.target_prefix and text.startswith(self.target_prefix):
                text = text[len(self.target_prefix) :]
            out[i] = text.strip()
        return out

"""The Argos engine: installed Argos packages run directly on CTranslate2 + SentencePiece.

argostranslate's own ``translate`` module imports stanza (and so torch) and
translates sentence by sentence; here every sentence of the input is
tokenized once, sorted by length and sent to CTranslate2 in token-budgeted
batches, int8 on the CPU by default, with the package's own decoding
conventions (``target_prefix``, length penalty 0.2, unknowns replaced).

Batches run asynchronously, a few in flight per worker, and come back as they
finish (:meth:`ArgosTranslator.translate_parts`): the cache keeps each one at
once, and the main thread, which only waits, reacts to Ctrl-C or SIGTERM at once
instead of after the whole call (``translate_batch`` blocks in C++).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from align import store
from align.errors import ModelError
from align.translate.engine import DecodeOptions, Pair, signature_of

# Decoding conventions of argostranslate's own translate module, kept for parity.
LENGTH_PENALTY = 0.2
# A hard cap on output length, so a degenerate repetition cannot run away.
MAX_DECODING_LENGTH = 512
# Input tokens beyond this are dropped by CTranslate2 (its own default, said here); the text
# is cut into pieces well below it first (align.text.MAX_SEGMENT_WEIGHT).
MAX_INPUT_TOKENS = 1024
# Argos models (OPUS-MT and the like) were trained on sentences: decoding a long multi-clause
# segment whole, they stop early and drop its last clauses. Measured in docs/translate.md.
ARGOS_MAX_SEGMENT_WEIGHT = 400
# Long inputs are cut into groups of this many sentences, so memory stays bounded.
GROUP_SENTENCES = 512
# Batches submitted ahead per worker: enough to keep every core busy, few enough that an
# interrupted run abandons little work.
IN_FLIGHT_PER_WORKER = 2
# How often the waiting main thread looks for finished batches (and can take a signal).
POLL_SECONDS = 0.02
# Intel MKL's conditional numerical reproducibility, strict, on the CPU's best code path; set
# (unless the environment already sets MKL_CBWR) before CTranslate2 loads MKL. Without it
# MKL picks kernels by matrix shape, and a sentence's translation depended on the other
# sentences of its batch (6 of 150 WMT23 lines on the AVX2 path); with it, on that path, each
# row's arithmetic is the same whatever its neighbours, at no measurable cost. MKL's AVX-512
# kernels still differ now and then (1 line of 200 seen): AVX2,STRICT removes that too, at
# 1.2-1.7x the time and -0.16 BLEU there (docs/reliability.md, bench_batching.py).
MKL_REPRODUCIBLE = ("MKL_CBWR", "AUTO,STRICT")


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


def _load_failure(folder: Path, why: str) -> ModelError:
    """A package that passed the store's cheap checks but cannot load: remembered, so that
    planning skips it from now on (until its files change), and one line for the user."""
    store.remember_load_failure(folder, why)
    return ModelError(
        f"the Argos package {folder.name}: {why}",
        "reinstall it, or remove it: align models remove (see: align models list --check)",
    )


class _Tokenizer:
    """SentencePiece (most packages) or Moses+BPE (older packages), as the package says."""

    def __init__(self, folder: Path, from_code: str, to_code: str) -> None:
        sp_path = folder / "sentencepiece.model"
        self._sp: Any = None
        self._bpe: Any = None
        self._to_code = to_code
        if sp_path.is_file():
            import sentencepiece as spm

            try:
                self._sp = spm.SentencePieceProcessor(model_file=str(sp_path))
            except (RuntimeError, OSError, ValueError) as exc:
                raise _load_failure(folder, f"cannot load its SentencePiece model ({exc})") from exc
        else:
            store.argos_package_module(folder.parent)
            from argostranslate.tokenizer import BPETokenizer

            try:
                self._bpe = BPETokenizer(folder / "bpe.model", from_code, to_code)
            except Exception as exc:  # argostranslate's BPE loader raises what its parser raises
                raise _load_failure(folder, f"cannot load its BPE model ({exc})") from exc

    def encode(self, sentences: Sequence[str]) -> list[list[str]]:
        if self._sp is not None:
            encoded: list[list[str]] = self._sp.encode(list(sentences), out_type=str)
            return encoded
        return [self._bpe.encode(s) for s in sentences]

    def decode(self, tokens: list[str]) -> str:
        if self._sp is not None:
            if self._to_code == "en":
                tokens = _join_moses_clitics(tokens)
            text: str = self._sp.decode_pieces(tokens)
            return text.replace("\u2581", " ")
        decoded: str = self._bpe.decode(tokens)
        return decoded


# English clitics as Moses' tokenizer splits them off: "people's" -> "people 's" (its English
# rules) or "people ' s" (its rules for other languages, which some OPUS training data went
# through). The zh->en model learnt both and emits them as pieces now and then: "▁people",
# "▁'", "▁s" (9 times in 200 WMT23 lines and the demo speech) or "▁document", "▁'", "s".
_CLITICS = frozenset({"s", "t", "m", "d", "re", "ve", "ll"})
_WORD = "\u2581"


def _join_moses_clitics(pieces: list[str]) -> list[str]:
    """Undo Moses' tokenization of an English clitic in SentencePiece pieces, as Moses'
    detokenizer does (an apostrophe token followed by a letter joins the word before it):
    ``▁world ▁' ▁s`` and ``▁world ▁'s`` become ``▁world 's``. Only where the apostrophe
    stands alone after a word ending in a letter or digit and the clitic is a whole word
    (the next piece starts a new word, or is the last or punctuation), so quotes
    (``▁' hello ▁'``) and words like ``▁' is`` are left as the model wrote them."""
    out: list[str] = []
    i = 0
    n = len(pieces)
    while i < n:
        piece = pieces[i]
        if piece in (_WORD + "'", _WORD + "'s") and out and out[-1][-1:].isalnum():
            if piece == _WORD + "'s":
                if i + 1 == n or not pieces[i + 1][:1].isalnum():
                    out.append("'s")
                    i += 1
                    continue
            elif i + 1 < n:
                clitic = pieces[i + 1].removeprefix(_WORD)
                after = pieces[i + 2] if i + 2 < n else _WORD
                if clitic in _CLITICS and not after[:1].isalnum():
                    out += ["'", clitic]
                    i += 2
                    continue
        out.append(piece)
        i += 1
    return out


class ArgosTranslator:
    """One loaded package: translate sentences in one direction. Loaded once per process."""

    _loaded: dict[tuple[str, DecodeOptions], ArgosTranslator] = {}
    _lock = threading.Lock()
    # Longest segment sent whole (align.text weight); longer ones are cut into pieces by the
    # cache (align.text.split_long). Overridable with $ALIGN_ARGOS_MAX_SEGMENT.
    max_segment_weight: int = (
        int(os.environ.get("ALIGN_ARGOS_MAX_SEGMENT", "0") or 0) or ARGOS_MAX_SEGMENT_WEIGHT
    )

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
            os.environ.setdefault(*MKL_REPRODUCIBLE)
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
                raise _load_failure(
                    self.folder, f"cannot load its CTranslate2 model ({exc})"
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
        for part in self.translate_parts(sentences):
            for i, text in part:
                out[i] = text
        return out

    def translate_parts(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, str]]]:
        """Translate sentences, yielding each finished batch as ``(index, translation)`` pairs.

        Every index of ``sentences`` comes back exactly once (blank sentences first, as
        ``""``). While it waits the calling thread sleeps in short steps, so a signal
        handler runs at once; the batches still in flight are then abandoned (CTranslate2
        finishes them in its worker threads; the CLI exits without waiting for them).
        """
        blank = [(i, "") for i, s in enumerate(sentences) if not s.strip()]
        if blank:
            yield blank
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        for start in range(0, len(todo), GROUP_SENTENCES):
            group = todo[start : start + GROUP_SENTENCES]
            tokens = self.tokenizer.encode([sentences[i].strip() for i in group])
            for positions, hypotheses in self._run(tokens):
                yield [
                    (group[j], self._decode(h)) for j, h in zip(positions, hypotheses, strict=True)
                ]

    def _batches(self, tokens: list[list[str]]) -> list[list[int]]:
        """Positions of ``tokens`` in batches of similar length, each within the token budget."""
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        budget = self.options.max_batch_tokens
        batches: list[list[int]] = []
        batch: list[int] = []
        for i in order:
            # Sorted, so the newest is the longest: the batch costs (count x longest) tokens.
            if batch and (len(batch) + 1) * len(tokens[i]) > budget:
                batches.append(batch)
                batch = []
            batch.append(i)
        if batch:
            batches.append(batch)
        return batches

    def _run(self, tokens: list[list[str]]) -> Iterator[tuple[list[int], list[list[str]]]]:
        """Run the batches asynchronously, a few in flight; yield each as it finishes."""
        model = self.model
        waiting = deque(self._batches(tokens))
        window = IN_FLIGHT_PER_WORKER * max(1, int(model.num_translators))
        running: list[tuple[list[int], Any]] = []
        while waiting or running:
            while waiting and len(running) < window:
                batch = waiting.popleft()
                running.append((batch, self._submit([tokens[i] for i in batch])))
            finished = [r for r in running if all(job.done() for job in r[1])]
            if not finished:
                time.sleep(POLL_SECONDS)
                continue
            for item in finished:
                running.remove(item)
                yield item[0], [job.result().hypotheses[0] for job in item[1]]

    def _submit(self, batch: list[list[str]]) -> Any:
        prefix = [[self.target_prefix]] * len(batch) if self.target_prefix else None
        return self.model.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=self.options.beam,
            max_batch_size=self.options.max_batch_tokens,
            batch_type="tokens",
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            max_input_length=MAX_INPUT_TOKENS,
            max_decoding_length=MAX_DECODING_LENGTH,
            asynchronous=True,
        )

    def _decode(self, hypothesis: list[str]) -> str:
        text = self.tokenizer.decode(hypothesis)
        if self.target_prefix and text.startswith(self.target_prefix):
            text = text[len(self.target_prefix) :]
        return text.strip()

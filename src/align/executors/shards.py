"""Shards of a corpus job, their files and the manifest that lets a rerun skip finished ones.

A job's state lives in ``OUTDIR/.align-shards/``: one JSON file per finished shard (its
translations, written atomically) and ``manifest.jsonl``, which records each finished shard
with its signature (one line appended per shard, after its file is in place, so the manifest
never names a shard that is not there; a line torn by a crash is ignored) — a hash of the translators' signatures and of the shard's source
segments. A rerun after a crash (the same command) reads the manifest and skips every shard
whose signature and file still match; a changed input, model or option changes the
signature, so that shard is translated again. Once every output is assembled the directory
is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.text import write_text_atomic

STATE_DIR = ".align-shards"
MANIFEST = "manifest.jsonl"
SCHEMA = "align-shards/1"


@dataclass(frozen=True)
class Shard:
    """``count`` segments of input ``source`` (its index in the job) from segment ``start``."""

    source: int
    index: int
    start: int
    texts: tuple[str, ...]
    key: str  # the shard's signature

    @property
    def id(self) -> str:
        return f"{self.source:04d}-{self.index:06d}"

    @property
    def count(self) -> int:
        return len(self.texts)


def shard_key(signatures: Mapping[str, str], texts: Sequence[str]) -> str:
    """The signature of a shard: what it translates and how."""
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted(signatures.items()), ensure_ascii=False).encode())
    for text in texts:
        digest.update(b"\x00" + text.encode())
    return digest.hexdigest()


class Manifest:
    """The finished shards of a job in ``OUTDIR/.align-shards`` (written by the driver only)."""

    def __init__(self, outdir: Path) -> None:
        self.dir = outdir / STATE_DIR
        self.path = self.dir / MANIFEST
        self.done: dict[str, str] = {}  # shard id -> key
        if self.path.is_file():
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
            if lines and lines[0] == json.dumps({"schema": SCHEMA}):
                for line in lines[1:]:
                    try:
                        entry = json.loads(line)
                        self.done[str(entry["shard"])] = str(entry["key"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a crash

    def path_of(self, item: str) -> Path:
        return self.dir / f"{item}.json"

    def payload(self, item: str, key: str) -> dict[str, Any] | None:
        """What an earlier run kept for ``item`` under the same signature ``key``, or None."""
        if self.done.get(item) != key:
            return None
        try:
            data = json.loads(self.path_of(item).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data

    def keep(self, item: str, key: str, payload: Mapping[str, Any]) -> None:
        """Keep a finished item: its file first, then its manifest line (both durable)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"key": key, **payload}
        write_text_atomic(self.path_of(item), json.dumps(data, ensure_ascii=False))
        self.done[item] = key
        self._append({"shard": item, "key": key})

    def finished(self, shard: Shard) -> dict[str, list[str]] | None:
        """The translations of a shard finished by an earlier run, or None."""
        data = self.payload(shard.id, shard.key)
        if data is None:
            return None
        translations = data.get("translations", {})
        if not isinstance(translations, dict) or any(
            len(v) != shard.count for v in translations.values()
        ):
            return None
        return {str(t): [str(x) for x in v] for t, v in translations.items()}

    def record(self, shard: Shard, translations: Mapping[str, Sequence[str]]) -> None:
        self.keep(
            shard.id, shard.key, {"translations": {t: list(v) for t, v in translations.items()}}
        )

    def load(self, shard: Shard) -> dict[str, list[str]]:
        """The translations of a shard recorded in this run or an earlier one."""
        found = self.finished(shard)
        if found is None:
            raise FileNotFoundError(self.path_of(shard.id))
        return found

    def _append(self, entry: dict[str, object]) -> None:
        new = not self.path.is_file()
        with open(self.path, "a", encoding="utf-8") as fh:
            if new:
                fh.write(json.dumps({"schema": SCHEMA}) + "\n")
            fh.write(json.dumps(entry) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

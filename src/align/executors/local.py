"""The local executor: the shards of a job translated in this process, one after another,
by one worker (all cores: the Argos engine runs its batches side by side)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from align.errors import ModelError
from align.executors.shards import Shard
from align.executors.worker import ShardWorker, WorkerInfo, WorkerSpec

T = TypeVar("T")
R = TypeVar("R")


class LocalExecutor:
    name = "local"

    def __init__(self) -> None:
        self.worker: ShardWorker | None = None

    def start(self, spec: WorkerSpec) -> list[WorkerInfo]:
        self.worker = ShardWorker(spec)
        info = self.worker.info()
        if info.error is not None:
            raise ModelError(info.error)
        return [info]

    def translate(
        self,
        shards: Iterable[Shard],
        on_done: Callable[[Shard, dict[str, list[str]]], None],
    ) -> None:
        assert self.worker is not None, "start() first"
        for shard in shards:
            on_done(shard, self.worker.translate(shard.texts))

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``func`` over ``items``, in order (one task per item)."""
        for item in items:
            yield func(item)

    def close(self) -> None:
        self.worker = None

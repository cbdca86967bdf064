"""The local executor: the shards of a job translated in this process by one worker (one
translator set, models loaded once), one shard per core at a time: each shard is one
``translate`` call, as on a Ray actor (so the batches, and the bytes, are the same), and the
calls run side by side in threads on the engine's workers (CTranslate2 releases the GIL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
        self.parallel = 1

    def start(self, spec: WorkerSpec) -> list[WorkerInfo]:
        self.parallel = spec.threads or os.cpu_count() or 1
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
        worker = self.worker
        assert worker is not None, "start() first"
        todo = iter(shards)
        running: dict[Future[dict[str, list[str]]], Shard] = {}
        pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="align-shard")

        def submit() -> None:
            shard = next(todo, None)
            if shard is not None:
                running[pool.submit(worker.translate, shard.texts)] = shard

        try:
            for _ in range(self.parallel):
                submit()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    shard = running.pop(future)
                    on_done(shard, future.result())  # in this thread: the manifest's writer
                    submit()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``func`` over ``items``, in order (one task per item)."""
        for item in items:
            yield func(item)

    def close(self) -> None:
        self.worker = None

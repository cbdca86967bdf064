"""The Ray executor: the shards of a job translated by a pool of Ray actors, each holding one
worker (:class:`~align.executors.worker.ShardWorker`: its translators built and models loaded
once), shard after shard; document pairs aligned as one Ray task each.

This is the only module that imports ``ray``, inside its functions. Faults: an actor whose
process dies is restarted by Ray (``max_restarts``) and the shard it held is sent again
(``max_task_retries``); a task of ``map`` is retried (``max_retries``). The limits are small
and finite on purpose: a worker that dies the same way each time (out of memory on one
shard) must end the job with an error, not loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from align.errors import EngineError, InputError, ModelError
from align.executors import require_ray
from align.executors.shards import Shard
from align.executors.worker import ShardWorker, WorkerInfo, WorkerSpec

T = TypeVar("T")
R = TypeVar("R")

# An actor restarted at most this often (each restart reloads its models) ...
MAX_RESTARTS = 3
# ... and the shard it was translating sent again at most this often (system failures only:
# an error raised by the translator is not retried, it ends the job).
MAX_TASK_RETRIES = 3
# A ``map`` task (one document pair) run again at most this often when its worker dies.
MAX_RETRIES = 3
# Shards given to an actor at a time. One: the next is sent as the last comes back (a few
# milliseconds against seconds of translating), and at the end of a job no actor sits on a
# queued shard while another is idle.
IN_FLIGHT = 1
_END = object()


def _actor_class(ray: Any) -> Any:
    class ShardActor:
        def __init__(self, spec: WorkerSpec) -> None:
            self.worker = ShardWorker(spec)

        def info(self) -> WorkerInfo:
            return self.worker.info()

        def translate(self, texts: tuple[str, ...]) -> dict[str, list[str]]:
            return self.worker.translate(texts)

    return ray.remote(ShardActor)


def _cause(exc: BaseException) -> str:
    """The one line a failed Ray task or actor boils down to."""
    inner = getattr(exc, "cause", None)
    if inner is not None and not isinstance(inner, type(exc)):
        return str(inner)
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__


class RayExecutor:
    """Shards on a Ray cluster: ``address`` ``None`` starts a local one (this machine's
    cores), ``auto`` joins the running one, else ``host:port`` or ``ray://host:port``."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        worker_cpus: int = 1,
        workers: int = 0,
        runtime_env: dict[str, Any] | None = None,
    ) -> None:
        self.ray = require_ray()
        self.address = address
        self.worker_cpus = worker_cpus
        self.workers = workers
        self.runtime_env = runtime_env
        self.actors: list[Any] = []
        self.infos: list[WorkerInfo] = []
        self._owned = False
        self._per_task_env = False
        self._connect()

    def _connect(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            # A caller's connection (a test's cluster, a notebook): used, not ended; a runtime
            # environment then goes with each actor and task (local folders cannot: Ray
            # uploads those only for a job, at ray.init).
            self._per_task_env = True
            return
        os.environ.setdefault("RAY_ACCEPT_LOCAL_CLUSTER", "1")
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": logging.ERROR,  # no banners between our progress lines
        }
        if self.runtime_env:
            kwargs["runtime_env"] = self.runtime_env  # the job's: py_modules are uploaded
        # No address: a new cluster of this machine's cores ("local"), never one another
        # process started (ray.init's default would join the latest, and die with it).
        try:
            ray.init(address=self.address or "local", **kwargs)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = self.address or "a local cluster"
            raise InputError(
                f"cannot reach the Ray cluster at {where}: {_cause(exc)}",
                "start it with `ray start --head`, or leave out --ray-address",
            ) from exc
        self._owned = True

    def _env(self) -> dict[str, Any]:
        """The runtime environment of each actor and task, when this process did not connect
        (else the job's, given to ray.init, applies to all of them)."""
        return {"runtime_env": self.runtime_env} if self.runtime_env and self._per_task_env else {}

    def _pool_size(self) -> int:
        if self.workers:
            return self.workers
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        return max(1, cpus // self.worker_cpus)

    def start(self, spec: WorkerSpec) -> list[WorkerInfo]:
        """Start the actors; each builds its translators and loads the models. A worker that
        cannot (no model, no Apertium on its node) ends the job with its one line."""
        ray = self.ray
        actor = _actor_class(ray).options(
            num_cpus=self.worker_cpus,
            max_restarts=MAX_RESTARTS,
            max_task_retries=MAX_TASK_RETRIES,
            scheduling_strategy="SPREAD",
            **self._env(),
        )
        worker_spec = replace(spec, threads=self.worker_cpus)
        self.actors = [actor.remote(worker_spec) for _ in range(self._pool_size())]
        try:
            self.infos = ray.get([a.info.remote() for a in self.actors])
        except ray.exceptions.RayError as exc:
            raise ModelError(f"a Ray worker could not start: {_cause(exc)}") from exc
        for info in self.infos:
            if info.error is not None:
                raise ModelError(info.error)
        return list(self.infos)

    def translate(
        self,
        shards: Iterable[Shard],
        on_done: Callable[[Shard, dict[str, list[str]]], None],
    ) -> None:
        """Every shard, each actor holding up to :data:`IN_FLIGHT`; ``on_done`` hears each
        shard as it finishes (in any order)."""
        ray = self.ray
        todo = iter(shards)
        pending: dict[Any, tuple[int, Shard]] = {}

        def submit(a: int) -> None:
            shard = next(todo, None)
            if shard is not None:
                pending[self.actors[a].translate.remote(shard.texts)] = (a, shard)

        for _ in range(IN_FLIGHT):
            for a in range(len(self.actors)):
                submit(a)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                a, shard = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    node = self.infos[a].node if a < len(self.infos) else "?"
                    raise EngineError(
                        f"worker on node {node} failed on shard {shard.id}: {_cause(exc)}"
                    ) from exc
                on_done(shard, result)
                submit(a)

    def worker_pids(self) -> list[int]:
        return [info.pid for info in self.infos]

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``func`` over ``items`` as one Ray task each, results in order; a window of two
        tasks per CPU is submitted ahead, so a long list does not fill the object store."""
        ray = self.ray
        task = ray.remote(func).options(
            num_cpus=self.worker_cpus, max_retries=MAX_RETRIES, **self._env()
        )
        todo = iter(items)
        window: deque[Any] = deque()
        limit = 2 * self._pool_size()
        while True:
            while len(window) < limit:
                item = next(todo, _END)
                if item is _END:
                    break
                window.append(task.remote(item))
            if not window:
                return
            ref = window.popleft()
            try:
                yield ray.get(ref)
            except ray.exceptions.RayTaskError as exc:
                cause = getattr(exc, "cause", None)
                if isinstance(cause, Exception):
                    raise cause from None
                raise EngineError(f"a Ray task failed: {_cause(exc)}") from exc
            except ray.exceptions.RayError as exc:
                raise EngineError(f"a Ray task failed: {_cause(exc)}") from exc

    def close(self) -> None:
        for a in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(a)
        self.actors = []
        if self._owned:
            self.ray.shutdown()
            self._owned = False

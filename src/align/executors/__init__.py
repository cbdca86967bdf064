"""Executors: where the shards of a corpus job run — in this process (``local``) or on a Ray
cluster (``ray``) — with the same shards, manifest, resume and outputs either way.

``align translate --executor ray`` and ``align sentences --pairs`` come here
(:mod:`align.executors.corpus`, :mod:`align.executors.pairs`). Nothing in this package
imports ``ray`` at module level: only :mod:`align.executors.cluster` does, inside its
functions, and only when ``--executor ray`` is given (:func:`require_ray` says how to install
the extra when it is absent). See docs/scale.md.
"""

from __future__ import annotations

from types import ModuleType

from align.errors import InputError

EXECUTORS: tuple[str, ...] = ("local", "ray")
RAY_EXTRA = "pip install 'align[ray]'"


def require_ray() -> ModuleType:
    """The ``ray`` module, or an :class:`InputError` (exit 2) saying how to install the extra."""
    try:
        import ray
    except ImportError as exc:
        raise InputError(
            f"--executor ray needs Ray, which is not installed ({exc.msg})", RAY_EXTRA
        ) from exc
    return ray


def check_executor(name: str) -> str:
    if name not in EXECUTORS:
        raise InputError(f"unknown executor {name!r}", f"use one of {', '.join(EXECUTORS)}")
    return name

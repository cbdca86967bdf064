"""The Argos package index (online only): its URL, fetching it, and downloading a pair's
package into the store, then installed like a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from align import languages as langs
from align.errors import InputError, ModelError, OfflineError
from align.store.install import _too_big, install_from_path
from align.store.packages import InstalledPackage
from align.store.settings import (
    ENV_INDEX,
    _mb,
    argos_package_module,
    max_package_size,
    models_dir,
    network_timeout,
)
from align.store.transactions import _recover, _try_flock

_MAX_INDEX_BYTES = 64_000_000


def index_url(directory: str | os.PathLike[str] | None = None) -> str:
    """The package index: ``$ALIGN_ARGOS_INDEX``, else argostranslate's (``$ARGOS_PACKAGE_INDEX``
    + ``index.json``)."""
    env = os.environ.get(ENV_INDEX)
    if env:
        return env
    argos_package_module(models_dir(directory))
    from argostranslate import settings

    url: str = settings.remote_package_index
    return url


_OFFLINE_HINT = "offline? install from a file: align models install PATH.argosmodel"


def _fetch(url: str, timeout: float) -> bytes:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "align"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read(_MAX_INDEX_BYTES + 1)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise OfflineError(
            f"cannot reach the Argos package index ({reason})", _OFFLINE_HINT
        ) from exc
    if len(data) > _MAX_INDEX_BYTES:
        raise ModelError(f"{url}: the package index is larger than {_mb(_MAX_INDEX_BYTES)}")
    return data


def _download(links: list[str], out: IO[bytes], timeout: float, limit: int, what: str) -> None:
    """Stream the first link that works into ``out``; check the length the server announced."""
    import http.client
    import urllib.error
    import urllib.request

    errors = []
    for url in links:
        out.seek(0)
        out.truncate()
        request = urllib.request.Request(url, headers={"User-Agent": "align"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                expected = int(length) if length and length.isdigit() else None
                if expected is not None and expected > limit:
                    raise _too_big(what, expected, limit)
                got = 0
                while chunk := response.read(1 << 20):
                    got += len(chunk)
                    if got > limit:
                        raise _too_big(what, got, limit)
                    out.write(chunk)
            if expected is not None and got != expected:
                errors.append(f"{url}: truncated, {got} of {expected} bytes")
                continue
            out.flush()
            return
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            errors.append(f"{url}: {reason}")
    raise OfflineError(
        f"download of {what} failed ({'; '.join(errors) or 'no links'})", _OFFLINE_HINT
    )


def install_from_index(
    source: str,
    target: str,
    directory: str | os.PathLike[str] | None = None,
    *,
    max_size: int | None = None,
    max_ratio: float | None = None,
) -> InstalledPackage:
    """Download the package for a pair from the Argos package index and install it (online only).

    The index is ``$ALIGN_ARGOS_INDEX`` or argostranslate's; every network operation waits at
    most ``$ALIGN_NETWORK_TIMEOUT`` seconds (15). The download streams into a
    ``.download-PID-*`` file in the store (removed after, or by the next operation if killed),
    must be as long as the server said, and is then installed like a file.
    """
    import urllib.parse

    # The codes first: a typo fails here, not after a network wait.
    if langs.normalize(source) == langs.normalize(target):
        raise InputError(f"{source} -> {target}: the source and target are the same language")
    root = models_dir(directory)
    timeout = network_timeout()
    limit = max_package_size(max_size)
    url = index_url(root)
    package = argos_package_module(root)
    try:
        index = json.loads(_fetch(url, timeout))
    except ValueError as exc:
        raise ModelError(f"{url}: the package index is not valid JSON ({exc})") from exc
    if not isinstance(index, list):
        raise ModelError(f"{url}: the package index is not a JSON list")
    from_code, to_code = langs.to_argos(source), langs.to_argos(target)
    candidates = [
        package.AvailablePackage(meta)
        for meta in index
        if isinstance(meta, dict)
        and meta.get("from_code") == from_code
        and meta.get("to_code") == to_code
    ]
    if not candidates:
        raise ModelError(f"the Argos package index has no package for {source} -> {target}")
    from packaging.version import InvalidVersion, Version

    def version(p: Any) -> Version:
        try:
            return Version(p.package_version)
        except InvalidVersion:
            return Version("0")

    best = max(candidates, key=version)
    what = f"{package.argospm_package_name(best)} {best.package_version}".strip()
    # Links may be relative to the index (a mirror); only http(s), or the index's own scheme.
    schemes = {"http", "https", urllib.parse.urlsplit(url).scheme}
    links = [urllib.parse.urljoin(url, str(link)) for link in best.links or []]
    links = [link for link in links if urllib.parse.urlsplit(link).scheme in schemes]
    root.mkdir(parents=True, exist_ok=True)
    _recover(root, wait=10.0)
    fd, tmp = tempfile.mkstemp(prefix=f".download-{os.getpid()}-", suffix=".argosmodel", dir=root)
    _try_flock(fd)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _download(links, fh, timeout, limit, what)
            return install_from_path(tmp, root, max_size=max_size, max_ratio=max_ratio, label=what)
    finally:
        Path(tmp).unlink(missing_ok=True)

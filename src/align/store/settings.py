"""The store's settings: where the models directory is, argostranslate's package module pointed
inside it, and the limits (package size and ratio, the network timeout)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import ModuleType

from align.errors import InputError, ModelError

ENV_MODELS_DIR = "ALIGN_MODELS_DIR"
# The URL of an Argos package index (index.json), e.g. a mirror; default: argostranslate's own
# (which honours its $ARGOS_PACKAGE_INDEX).
ENV_INDEX = "ALIGN_ARGOS_INDEX"
# Seconds each network operation (connect, each read) may wait.
ENV_NETWORK_TIMEOUT = "ALIGN_NETWORK_TIMEOUT"
# Limits on what one package may unpack to: bytes (500M, 3G) and the uncompressed/archive ratio.
ENV_MAX_SIZE = "ALIGN_MAX_PACKAGE_SIZE"
ENV_MAX_RATIO = "ALIGN_MAX_PACKAGE_RATIO"

_NETWORK_TIMEOUT = 15.0
# Real packages are 50-300 MB and compress by 1.1-2x (the zh->en one: 74 MB -> 86 MB, 1.16x).
DEFAULT_MAX_SIZE = 2_000_000_000
DEFAULT_MAX_RATIO = 20.0


def models_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The models directory: explicit argument, else ``$ALIGN_MODELS_DIR``, else per-user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("align")) / "models"


_ARGOS_PACKAGE: ModuleType | None = None


def argos_package_module(directory: Path) -> ModuleType:
    """Import ``argostranslate.package`` with all its settings pointed inside ``directory``.

    argostranslate reads environment variables once, at import, and creates its
    data, config and cache folders then; we set them for the import only and
    restore the environment afterwards.
    """
    global _ARGOS_PACKAGE
    if _ARGOS_PACKAGE is not None:
        return _ARGOS_PACKAGE
    from align.translate.cache import cache_dir

    state = cache_dir() / "argostranslate"
    overrides = {
        "XDG_DATA_HOME": str(state / "data"),
        "XDG_CONFIG_HOME": str(state / "config"),
        "XDG_CACHE_HOME": str(state / "cache"),
        "ARGOS_PACKAGES_DIR": str(directory),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_STANZA_AVAILABLE": "0",
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        from argostranslate import package
    except ImportError as exc:
        raise ModelError(f"argostranslate is not installed ({exc})", "run: make install") from exc
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    _ARGOS_PACKAGE = package
    return package


def parse_size(text: str) -> int:
    """``2000000``, ``500M``, ``3G``, ``1.5GB`` -> bytes (powers of 1000)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[bB]?\s*", text)
    if not match:
        raise InputError(f"not a size: {text!r}", "give bytes or a number with K, M, G or T")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}[match.group(2).lower()]
    return int(float(match.group(1)) * scale)


def max_package_size(explicit: int | None = None) -> int:
    """The most bytes one package may unpack to: ``explicit`` > ``$ALIGN_MAX_PACKAGE_SIZE``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_MAX_SIZE)
    return parse_size(env) if env else DEFAULT_MAX_SIZE


def max_package_ratio(explicit: float | None = None) -> float:
    """The largest unpacked/archive size ratio: ``explicit`` > ``$ALIGN_MAX_PACKAGE_RATIO``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_MAX_RATIO)
    if not env:
        return DEFAULT_MAX_RATIO
    try:
        return float(env)
    except ValueError as exc:
        raise InputError(f"${ENV_MAX_RATIO}: not a number: {env!r}") from exc


def network_timeout() -> float:
    """Seconds each network operation may wait: ``$ALIGN_NETWORK_TIMEOUT``, else 15."""
    env = os.environ.get(ENV_NETWORK_TIMEOUT)
    if not env:
        return _NETWORK_TIMEOUT
    try:
        value = float(env)
    except ValueError as exc:
        raise InputError(f"${ENV_NETWORK_TIMEOUT}: not a number of seconds: {env!r}") from exc
    if value <= 0:
        raise InputError(f"${ENV_NETWORK_TIMEOUT}: must be more than 0 seconds")
    return value


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"

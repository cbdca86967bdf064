"""The model store: installed Argos packages in one directory, listed, installed safely, removed.

Where: ``--models-dir`` > ``$ALIGN_MODELS_DIR`` > a per-user data directory
(``platformdirs.user_data_dir("align")/models``).

The package *format* (``metadata.json``, :class:`argostranslate.package.Package`,
the package index entries) is argostranslate's own, through its ``package``
module. That module reads its settings once, at import, and creates folders
under ``$HOME``; :func:`argos_package_module` points its packages directory
at ours and its data/config/cache folders at ``$ALIGN_CACHE_DIR/argostranslate``
before the first import, so nothing is written anywhere else. The models
directory itself stays a plain Argos packages directory that argostranslate
can read too.

The store's contract (docs/reliability.md, "The model store"):

- **Install checks before it writes.** The archive is checked (a zip, no
  absolute paths, no ``..`` members, no symlinks, one top folder, declared
  sizes under the limits), unpacked into ``.install-PID-*/`` beside the store
  with the sizes enforced again while unpacking, its ``metadata.json``
  validated, and its tokenizer and CTranslate2 model really loaded (one
  sentence translated). Only then is it swapped in. The installed folder is
  named from the validated metadata (``translate-zh_en-1_9``), never from the
  archive's top folder.
- **The swap is atomic.** Under the store lock, the new folder takes the
  final name in one rename (a ``renameat2`` exchange when the same name is
  installed already, so a package of the pair is always there), and only then
  are the old ones moved into the transaction folder and deleted. A journal in
  the transaction folder says what is being replaced, by inode, so whatever a
  killed install leaves is finished (the new package is in place) or rolled
  back (it is not) by the next store operation.
- **Litter is cleaned up, only ours and only the dead's.** ``.install-*``,
  ``.remove-*`` and ``.download-*`` entries carry the owner's pid in their
  name and a lock the owner holds (``flock``) while it lives; the next
  ``list``/``install``/``remove`` removes (or finishes) those whose owner is
  gone, and nothing else.
- **A broken package does not poison planning.** :func:`scan` gives every
  package folder's state: a cheap structural check (metadata, the model.bin
  header and variable table, the tokenizer's header) plus a remembered load
  failure (:func:`remember_load_failure`). :func:`list_packages` returns the
  working ones only and, asked to, warns once per process about the others.

The modules: :mod:`~align.store.settings` (where, limits), :mod:`~align.store.packages`
(what is installed and its state), :mod:`~align.store.transactions` (lock, litter,
recovery, the swap), :mod:`~align.store.install` (install and remove),
:mod:`~align.store.online` (the package index). This package re-exports their public names.
"""

from __future__ import annotations

from align.store.install import install_from_path, remove
from align.store.online import index_url, install_from_index
from align.store.packages import (
    InstalledPackage,
    PackageState,
    broken_packages,
    check_loads,
    find_package,
    folder_name,
    list_packages,
    read_metadata,
    remember_load_failure,
    scan,
    silence_warnings,
)
from align.store.settings import (
    DEFAULT_MAX_RATIO,
    DEFAULT_MAX_SIZE,
    ENV_INDEX,
    ENV_MAX_RATIO,
    ENV_MAX_SIZE,
    ENV_MODELS_DIR,
    ENV_NETWORK_TIMEOUT,
    argos_package_module,
    max_package_ratio,
    max_package_size,
    models_dir,
    network_timeout,
    parse_size,
)

__all__ = [
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_SIZE",
    "ENV_INDEX",
    "ENV_MAX_RATIO",
    "ENV_MAX_SIZE",
    "ENV_MODELS_DIR",
    "ENV_NETWORK_TIMEOUT",
    "InstalledPackage",
    "PackageState",
    "argos_package_module",
    "broken_packages",
    "check_loads",
    "find_package",
    "folder_name",
    "index_url",
    "install_from_index",
    "install_from_path",
    "list_packages",
    "max_package_ratio",
    "max_package_size",
    "models_dir",
    "network_timeout",
    "parse_size",
    "read_metadata",
    "remember_load_failure",
    "remove",
    "scan",
    "silence_warnings",
]

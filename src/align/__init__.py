"""align: offline multilingual translation, detection, sentence alignment and scoring.

Importing this package has no side effects and imports nothing heavy; the
public Python API lives in the submodules (``align.translate``, ``align.detect``,
``align.alignment``, ``align.score``, ``align.run``).
"""

__version__ = "0.2.0"

__all__ = ["__version__"]

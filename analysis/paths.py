"""Every location the suite reads or writes, as absolute paths.

Paths derive from the package location, so notebooks and scripts work from any
working directory. Importing this module creates nothing.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
LEXICONS = PACKAGE / "lexicons"
SEEDS = ROOT / "seeds"
SEED_TEXT = SEEDS / "000_ddd04bb6ad02cd99.txt"
SEED_META = SEEDS / "metadata.yml"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
BUILD = ROOT / "build"
BENCHMARKS = ROOT / "benchmarks"
RESULTS = PACKAGE / "data"
#: The small corpus shipped for the tests and examples (five short articles).
SAMPLE_CORPUS = RESULTS / "sample_corpus"
SHARED_BENCHMARKS = ROOT.parent / "shared" / "benchmarks"

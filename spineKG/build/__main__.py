"""``python -m spineKG.build``: the same as ``spinekg build``."""
import sys

from ..cli import main

sys.exit(main(["build", *sys.argv[1:]]))

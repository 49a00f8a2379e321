"""``python -m spineKG.builder [SOURCE [OUT]]``: rebuild the release, the same as ``spinekg build``."""
import sys

from . import ONTOLOGY_DIR, SOURCE_DIR, build

print(build(*(sys.argv[1:3] or (SOURCE_DIR, ONTOLOGY_DIR))))

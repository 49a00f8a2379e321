"""Sphinx configuration: the API reference from the docstrings, and the notebooks, executed, as pages."""
from __future__ import annotations

import spineKG

project = "spineKG"
author = "spineKG contributors"
release = version = spineKG.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode", "myst_nb"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "notebooks/.ipynb_checkpoints", "**/.ipynb_checkpoints"]

autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_class_signature = "separated"
napoleon_google_docstring = False
napoleon_numpy_docstring = False

# the notebooks are stored without outputs; the docs run them, and fail if a cell fails
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 180
nb_merge_streams = True

html_theme = "furo"
html_title = f"spineKG {release}"

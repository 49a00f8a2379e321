"""Views of the graph: networkx graphs (:mod:`spineKG.views.graph`) and pyvis drawings (:mod:`spineKG.views.draw`)."""

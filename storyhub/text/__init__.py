"""Text analysis that runs offline on a story's words (no network, no downloaded models)."""

"""The scan pipeline: enumerate, stage-hash, aggregate. No UI imports."""

"""The cleanup's screens: marking copies on the results (``marks``), the plan's review and its
confirmation (``review``), and the run with its progress and outcome (``apply``)."""

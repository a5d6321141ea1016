"""`python build.py check`: the audit before publishing. One rule family per module (links, pages,
markup, columns, privacy); `runner.run_check` runs them all and `report` prints and writes the result."""
from .findings import SEVERITIES, Finding
from .runner import CheckOptions, run_check

__all__ = ["CheckOptions", "Finding", "SEVERITIES", "run_check"]

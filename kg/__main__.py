"""``python -m kg``: the same as the ``kg`` command."""

from __future__ import annotations

from kg.cli import app

if __name__ == "__main__":
    app(prog_name="kg")

"""`run --once` on a terminal: the progress bar shows pages fetched, copies found and errors."""

from __future__ import annotations

import io

from rich.console import Console

from syndiwatch.commands.run import _progress


def test_run_progress_bar_counts_pages_copies_and_errors() -> None:
    console = Console(force_terminal=True, file=io.StringIO(), width=120)
    with _progress(console) as tick:
        for _ in range(7):
            tick("page", 1)
        tick("copy", 2)
        tick("error", 1)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "pages fetched \x1b[1m7" in shown
    assert "copies found \x1b[1;32m2" in shown
    assert "errors \x1b[1;31m1" in shown

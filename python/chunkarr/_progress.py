"""Progress bars for long computes: a text bar on a terminal, an updating display in Jupyter."""
from __future__ import annotations

import contextlib
import sys
import time

_stack: list["ProgressBar"] = []


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
        shell = get_ipython()
        return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"
    except Exception:
        return False


class ProgressBar:
    """with ca.ProgressBar(): result = x.compute()"""

    def __init__(self, width: int = 30, minimum: float = 0.0, out=None):
        self.width = width
        self.minimum = minimum
        self.out = out
        self._start = None
        self._handle = None
        self._last = ""

    def __enter__(self):
        _stack.append(self)
        return self

    def __exit__(self, *exc):
        _stack.remove(self)
        return False

    def _text(self, done, total, bytes_done, bytes_total):
        fraction = done / total if total else 1.0
        filled = int(fraction * self.width)
        elapsed = time.perf_counter() - self._start
        return (f"[{'#' * filled}{' ' * (self.width - filled)}] {fraction * 100:5.1f}% "
                f"{done}/{total} tasks, {bytes_done / 1e6:.1f}/{bytes_total / 1e6:.1f} MB, {elapsed:.1f} s")

    def update(self, done, total, bytes_done, bytes_total):
        if self._start is None:
            self._start = time.perf_counter()
        text = self._text(done, total, bytes_done, bytes_total)
        if text == self._last:
            return
        self._last = text
        if _in_notebook():
            from IPython.display import display, update_display
            if self._handle is None:
                self._handle = display({"text/plain": text}, raw=True, display_id=True)
            else:
                self._handle.update({"text/plain": text}, raw=True)
        else:
            stream = self.out or sys.stderr
            stream.write("\r" + text)
            stream.flush()

    def finish(self):
        if self._start is not None and not _in_notebook():
            stream = self.out or sys.stderr
            stream.write("\n")
            stream.flush()
        self._start = None
        self._handle = None
        self._last = ""


def _active_progress(requested: bool):
    if _stack:
        return _stack[-1]
    return ProgressBar() if requested else None


@contextlib.contextmanager
def progress_callback(requested: bool):
    """What a computation reports its progress to: the active bar's update (an enclosing
    `with ProgressBar()`, or a new bar when `requested`), or None; the bar is finished after."""
    bar = _active_progress(requested)
    try:
        yield bar.update if bar is not None else None
    finally:
        if bar is not None:
            bar.finish()

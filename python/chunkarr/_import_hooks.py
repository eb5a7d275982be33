"""Run a function once a module is imported, whether it already is or is imported later.

chunkarr adds small hooks to libraries it works with (xarray's load(), Dask's finalize), but
must not import them itself: they are optional and slow to import. `after_import(name, hook)`
runs `hook(module)` now if the module is imported, else right after its import finishes.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys


class _HookWhenImported(importlib.abc.MetaPathFinder):
    """Finds the module with the other finders and runs the hook once its code has run. It stays
    until then: a spec asked for only to see whether the module is there
    (importlib.util.find_spec) is thrown away, and the real import asks again."""

    def __init__(self, name, hook):
        self.name, self.hook = name, hook
        self._asking_the_others = False

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name or self._asking_the_others:
            return None
        self._asking_the_others = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._asking_the_others = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def run_then_hook(module):
            run_module(module)
            if self in sys.meta_path:
                sys.meta_path.remove(self)   # one such module per process: this finder's work ends here
            self.hook(module)
        spec.loader.exec_module = run_then_hook
        return spec


def after_import(name: str, hook) -> None:
    """hook(module) now if `name` is imported, else once it is (once per name and hook)."""
    if name in sys.modules:
        hook(sys.modules[name])
    elif not any(isinstance(finder, _HookWhenImported) and finder.name == name and finder.hook is hook
                 for finder in sys.meta_path):
        sys.meta_path.insert(0, _HookWhenImported(name, hook))

"""Cookline's boot file: every Python process of a traced program imports it at start-up.

Its folder is first on the traced program's ``PYTHONPATH`` (inherited by every child), so the
hooks are in place before the program's first line, in ``multiprocessing`` children (fork,
spawn, forkserver) and ``subprocess`` ones alike. Cookline's own folder is on ``sys.path`` only
while the hooks import. The ``sitecustomize`` this one shadows (a distribution's) runs after it.
"""


def _boot() -> None:
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    where, root = os.environ.get("COOKLINE_TRACE"), os.environ.get("COOKLINE_ROOT")
    if where and root:
        sys.path.insert(0, root)
        try:
            from scenarios.program import hooks

            hooks.install(where)
        except Exception as exc:  # the program must run, traced or not
            print(f"cookline: this process is not traced: {exc}", file=sys.stderr)
        finally:
            sys.path.remove(root)
    from importlib.machinery import PathFinder

    others = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = PathFinder.find_spec("sitecustomize", others)
    if spec is not None and spec.loader is not None:
        import importlib.util

        module = importlib.util.module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_boot()

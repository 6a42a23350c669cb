"""A user's own program, traced unmodified (``cookline trace``).

Every Python process of the program runs ``boot/sitecustomize.py`` before its first line (the
boot folder is put first on ``PYTHONPATH``, which every child inherits); it installs ``hooks``,
which announce what only the program itself can know exactly, and ``sender`` carries the
batches to Cookline over a Unix socket. What the program never announces -- whether a thread
that is not waiting has a core and the GIL -- is sampled from outside, on Cookline's side
(``scenarios.supervisor.sampler``).
"""

ENV_SOCKET = "COOKLINE_TRACE"
"""The Unix socket's path: set by Cookline for the traced program, inherited by its children."""
ENV_ROOT = "COOKLINE_ROOT"
"""The folder that holds ``scenarios``: added to ``sys.path`` only while the hooks import."""
ENV_TOP = "COOKLINE_TOP"
"""The traced program's own pid: its kitchen has no parent kitchen."""

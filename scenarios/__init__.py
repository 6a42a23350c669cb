"""Cookline's producer side: the probe workers call, the runner, the kitchen scenarios, and the
hooks and sampler that trace a user's own program.

This package never imports textual, rich or tui (a test checks it), so a worker starts light.
"""

__version__ = "0.1.0"

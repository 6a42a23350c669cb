"""Cookline's producer side: the probe workers call, the runner, and the kitchen scenarios.

This package never imports textual, rich or tui (a test checks it), so a worker starts light.
"""

__version__ = "0.1.0"

"""The kitchen scenarios, one story per module; each imports only the probe and the stdlib."""

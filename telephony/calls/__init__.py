"""Calls in flight: one task per call, fed by its own queue of events."""

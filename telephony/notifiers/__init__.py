"""Notifiers: one per feature, each turning that feature's domain events into the API's events (who is told
what, on the event stream). They sit above the features and below the wiring."""

"""Supervisors on live calls: monitoring (listen, whisper, barge) and agents' help requests, pure."""

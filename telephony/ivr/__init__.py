"""Interactive voice response: walking a caller through the configured nodes."""

"""Call recording: the policy, each call's recording control, and the archive of finished files."""

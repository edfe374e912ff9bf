"""Our naming of the channels a call owns: `<owner channel id>-leg-<n>`.

The owner is in the id, so a leg's events reach the owning call's task without a table, and still do
after a daemon restart.
"""

LEG_MARK = "-leg-"


def leg_id(owner_id: str, n: int) -> str:
    return f"{owner_id}{LEG_MARK}{n}"


def owner_of(channel_id: str) -> str | None:
    owner, mark, _ = channel_id.partition(LEG_MARK)
    return owner if mark else None

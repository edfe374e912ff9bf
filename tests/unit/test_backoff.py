from telephony.backoff import Backoff


def test_grows_to_a_ceiling_and_resets():
    backoff = Backoff(initial=1, maximum=8, factor=2, jitter=0)
    assert [backoff.next_delay() for _ in range(5)] == [1, 2, 4, 8, 8]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_jitter_stays_within_bounds():
    backoff = Backoff(initial=10, maximum=10, jitter=0.2)
    assert all(8 <= backoff.next_delay() <= 12 for _ in range(100))

"""A menu: one key routes the caller; silence and wrong keys are retried, then the default."""

from __future__ import annotations

from telephony.ivr.nodes.base import AsksForKeys

GAVE_UP = "ivr_no_choice"


class Menu(AsksForKeys):
    def on_choice(self, node, flow, choice):
        stop = flow.interrupt() + flow.cancel_timer()
        option = node.options.get(choice.key)
        if option is None:
            flow.step("invalid", choice.key)
            return stop + retry(node, flow, node.invalid_prompts)
        flow.step("chosen", choice.key)
        return stop + flow.goto(option.target)

    def on_timer(self, node, flow):
        flow.step("timeout")
        return retry(node, flow, node.timeout_prompts)


def retry(node, flow, prompts) -> list:
    """Say why and ask again, or send the caller to the default once the retries are spent."""
    flow.attempts += 1
    if flow.attempts <= node.retries:
        return [flow.play([*prompts, *node.prompts])]
    flow.step("default")
    if node.default is None:
        return flow.close(GAVE_UP, prompts)
    return flow.goto(node.default)

"""Collect several keys into a variable of the interaction (an account number, a PIN length...)."""

from __future__ import annotations

import re

from telephony.ivr.nodes.base import AsksForKeys
from telephony.ivr.nodes.menu import GAVE_UP


class Collect(AsksForKeys):
    def enter(self, node, flow):
        flow.buffer = ""
        return super().enter(node, flow)

    def on_choice(self, node, flow, choice):
        stop = flow.interrupt()
        if choice.key == node.terminator:
            return stop + flow.cancel_timer() + finish(node, flow)
        flow.buffer += choice.key
        if len(flow.buffer) >= node.max_length:
            return stop + flow.cancel_timer() + finish(node, flow)
        return stop + [flow.start_timer(node.timeout)]  # the time allowed until the next key

    def on_timer(self, node, flow):
        if flow.buffer:
            return finish(node, flow)
        flow.step("timeout")
        return retry(node, flow, [])


def valid(node, value: str) -> bool:
    if not node.min_length <= len(value) <= node.max_length:
        return False
    return node.pattern is None or re.fullmatch(node.pattern, value) is not None


def finish(node, flow) -> list:
    value, flow.buffer = flow.buffer, ""
    if not valid(node, value):
        flow.step("invalid", value)
        return retry(node, flow, node.invalid_prompts)
    flow.collected[node.variable] = value
    flow.step("collected", value)
    return flow.goto(node.next)


def retry(node, flow, prompts) -> list:
    flow.attempts += 1
    if flow.attempts <= node.retries:
        return [flow.play([*prompts, *node.prompts])]
    flow.step("default")
    if node.on_invalid is None:
        return flow.close(GAVE_UP, prompts)
    return flow.goto(node.on_invalid)

"""The caller picks the language of the prompts that follow; silence or another key keeps it."""

from __future__ import annotations

from telephony.ivr.nodes.base import AsksForKeys


class Language(AsksForKeys):
    def on_choice(self, node, flow, choice):
        stop = flow.interrupt() + flow.cancel_timer()
        language = node.options.get(choice.key)
        if language is None:
            flow.step("invalid", choice.key)
        else:
            flow.language = language
            flow.step("language", choice.key)
        return stop + flow.goto(node.next)

    def on_timer(self, node, flow):
        flow.step("timeout")
        return flow.goto(node.next)

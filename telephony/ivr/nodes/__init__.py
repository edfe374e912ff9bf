"""One module per kind of IVR node. Each offers a handler with up to five entry points:

- `enter(node, flow)`: the caller arrives at the node
- `on_played(node, flow)`: the node's prompt ended
- `on_choice(node, flow, choice)`: the caller chose something (a key, later a spoken option)
- `on_timer(node, flow)`: the node's timer fired
- `on_recording(node, flow, event)`, `on_hangup(node, flow)`: for nodes that record

Each returns the commands to run and changes the flow only through its helpers, as `base.NodeFlow` lists them.
"""

from telephony.ivr.nodes import collect, destinations, language, menu, messages, schedule, voicemail
from telephony.ivr.nodes.base import NodeHandler

HANDLERS: dict[str, NodeHandler] = {
    "play": messages.Play(),
    "hangup": messages.HangUp(),
    "menu": menu.Menu(),
    "collect": collect.Collect(),
    "schedule": schedule.Schedule(),
    "language": language.Language(),
    "queue": destinations.Queue(),
    "transfer": destinations.Transfer(),
    "voicemail": voicemail.Voicemail(),
}

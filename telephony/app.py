"""Wiring: settings → database → Asterisk (ARI, AMI) → calls → HTTP; started in order, stopped in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime, timezone

from telephony.api.app import HttpServer, build_app
from telephony.api.events import EventHub
from telephony.api.ws import WsOptions
from telephony.asterisk.ami import AmiClient
from telephony.asterisk.ari import AriClient
from telephony.asterisk.ari_events import AriEventStream, Connected
from telephony.asterisk.device_states import DeviceStates
from telephony.asterisk.executor import AriCommandExecutor
from telephony.asterisk.translate import call_arrived, stasis_args, translate
from telephony.acd.agent_state import StateChanged
from telephony.acd.commands import CallAbandoned, CallCompleted, CallConnected, CallOverflowed
from telephony.acd.events import Reconfigured
from telephony.agent_desk import AgentDesk
from telephony.api.events import Audience
from telephony.acd_runtime import AcdRuntime
from telephony.auth.service import build_auth_service
from telephony.calls.call_flow import CallFlow
from telephony.calls.queue_flow import QueueFlow
from telephony.calls.click_to_call import ClickToCallFlow
from telephony.calls.internal_call import InternalCallFlow
from telephony.calls.internal_directory import InternalDirectory
from telephony.calls.queue_flow import dial_string
from telephony.calls.registry import CallRegistry
from telephony.calls.router import CommandRouter
from telephony.db.agents import AgentStore
from telephony.config import CallCenterConfig, load_config
from telephony.crm.model import CallerIdentity
from telephony.crm.screen_pops import ScreenPops
from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.interactions import InteractionStore
from telephony.db.voicemails import VoicemailStore
from telephony.db.migrations import migrate
from telephony.db.pool import Database
from telephony.db.tickets import TicketStore
from telephony.errors import AriError, AsteriskUnavailable, ConfigError
from telephony.events import CallRecordingFinished, CallArrived, HangupRequested, RecordingRequested
from telephony.db.recordings import RecordingStore
from telephony.db.segments import SegmentStore
from telephony.acd.agent_state import AgentState
from telephony.calls.transfer import Target
from telephony.calls.transfer_control import TransferRefused, TransferRequested, TransferStep
from telephony.db.agents import AgentNotFound
from uuid import UUID
from telephony.recordings.archive import RecordingArchive
from telephony.recordings.library import RecordingLibrary
from telephony.recordings.policy import effective_policy
from telephony.supervision.desk import LiveCall, SupervisorDesk
from telephony.ivr.flow import flow_for_call
from telephony.logs import get_logger
from telephony.settings import Settings

log = get_logger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


class Service:
    def __init__(self, settings: Settings, config: CallCenterConfig):
        self.settings = settings
        self.config = config
        self.database = Database(
            settings.database_dsn.get_secret_value() if settings.database_dsn else None,
            settings.database_dir, settings.database_name,
        )
        self.ari = AriClient(settings.ari_url, settings.ari_user, settings.ari_password.get_secret_value(),
                             settings.asterisk_timeout)
        self.ari_events = AriEventStream(settings.ari_ws_url, settings.ari_app, settings.ari_user,
                                         settings.ari_password.get_secret_value())
        self.ami = AmiClient(settings.ami_host, settings.ami_port, settings.ami_user,
                             settings.ami_secret.get_secret_value(), timeout=settings.asterisk_timeout)
        self.device_states = DeviceStates()
        self.device_states.attach(self.ami)
        self.registry: CallRegistry | None = None
        self.recordings: RecordingArchive | None = None
        self.crm: CrmService | None = None
        self.screen_pops: ScreenPops | None = None
        self.acd: AcdRuntime | None = None
        self.events = EventHub(settings.events_queue_size, utcnow)
        self.http: HttpServer | None = None
        self._consumer: asyncio.Task | None = None
        self._acd_task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.database.start()
        await migrate(self.database.pool, self.settings.migrations_dir)
        store = InteractionStore(self.database.pool)
        self.agents = AgentStore(self.database.pool)
        self.acd = AcdRuntime(self.config, self.agents, self._deliver, utcnow, store)
        recordings = RecordingStore(self.database.pool)
        self.recordings = RecordingArchive(self.ari, recordings, self.settings.recordings_dir, utcnow)
        self.supervision = SupervisorDesk(self._live_call, self._agent_live_call, self._deliver, self.agents,
                                          self.events.publish, utcnow)
        directory = self.directory = InternalDirectory(
            self.agents, self.acd.dispatcher, lambda extension: self.ari.endpoint_exists("PJSIP", extension),
            self._deliver)
        router = CommandRouter(AriCommandExecutor(self.ari, self.settings.ari_app), self.acd.submit,
                               self.recordings.observe, self.supervision.report, directory.find)
        self.crm = CrmService(CustomerStore(self.database.pool), TicketStore(self.database.pool),
                              self.settings.default_region, self._publish_crm_event, utcnow)
        self.screen_pops = ScreenPops(self._caller_of, self.crm.screen_pop, self._publish_to_agent)
        self.registry = CallRegistry(self._flow_for, router, store, utcnow, identify=self.crm.identify_caller,
                                     write_segments=SegmentStore(self.database.pool).replace)
        self.desk = AgentDesk(self.agents, self.acd.dispatcher, self.acd.service, utcnow, calls=self)
        await self.desk.load()
        self.acd.publish = self._publish_acd_record
        self.acd.on_offer = self._announce_offer
        router.transfer_report = self._publish_transfer
        self.device_states.subscribe(self.acd.device_changed)
        self.acd.writer.start()
        self._acd_task = asyncio.create_task(self.acd.service.run(), name="acd")
        await self.acd.restore_agents()
        await self.ari.start()
        self.ami.start()
        self.ari_events.start()
        self._consumer = asyncio.create_task(self._consume_ari_events(), name="ari-consumer")
        auth = build_auth_service(self.database.pool, self.settings, utcnow)
        ws_options = WsOptions(self.settings.events_heartbeat, self.settings.events_auth_timeout)
        app = build_app(self.health, auth=auth, hub=self.events, calls=self.active_calls, ws_options=ws_options,
                        desk=self.desk, voicemail_store=VoicemailStore(self.database.pool), reload=self.try_reload,
                        crm=self.crm,
                        recordings=RecordingLibrary(recordings, self.agents, self.settings.recordings_dir),
                        supervision=self.supervision, segments=SegmentStore(self.database.pool))
        self.http = HttpServer(app, self.settings.http_host, self.settings.http_port)
        await self.http.start()
        log.info("service.started", ari_app=self.settings.ari_app)

    async def stop(self) -> None:
        log.info("service.stopping")
        if self.http:
            await self.http.close()
        await self.ari_events.close()
        if self._consumer:
            self._consumer.cancel()
            await asyncio.gather(self._consumer, return_exceptions=True)
        if self.registry:
            await self.registry.release_all()
        if self.recordings:
            await self.recordings.close()
        if self._acd_task:
            self._acd_task.cancel()
            await asyncio.gather(self._acd_task, return_exceptions=True)
            await self.acd.writer.close()
        if self.screen_pops:
            await self.screen_pops.close()
        await self.ami.close()
        await self.ari.close()
        await self.database.close()
        log.info("service.stopped")

    def reload(self) -> bool:
        """Read the configuration file again; new calls use it, calls in progress keep theirs."""
        return not self.try_reload()

    def try_reload(self) -> list[tuple[str, str]]:
        """Reload; return the file's problems (empty when the new file is in force)."""
        try:
            self.config = load_config(self.settings.config_file)
        except ConfigError as exc:
            log.error("config.reload_failed", problems=[f"{p}: {m}" for p, m in exc.problems])
            return exc.problems
        if self.acd is not None:
            self.acd.submit(Reconfigured(self.config, utcnow()))
        log.info("config.reloaded", dids=len(self.config.dids), ivr_nodes=len(self.config.ivr))
        return []

    async def health(self) -> dict[str, bool]:
        return {
            "ami": self.ami.connected,
            "ari": self.ari_events.connected,
            "database": await self.database.healthy(),
        }

    def _publish_crm_event(self, name: str, payload: dict) -> None:
        """ticket.closed / ticket.resolved: for supervisors (and admins); a later issue sends the customer a
        feedback request from them."""
        self.events.publish(name, payload, Audience.of(supervisors=True))

    def _publish_to_agent(self, name: str, payload: dict, agent_id: str) -> None:
        self.events.publish(name, payload, self.desk.audience(agent_id))

    def _publish_transfer(self, report) -> None:
        """call.transfer.<what>: to the transferring agent, the target agent and the queue's supervisors."""
        audiences = [self.desk.audience(a) for a in (report.agent_id, report.target_agent_id) if a]
        users = [user for audience in audiences for user in audience.users]
        queues = [report.queue, *([report.target] if report.target_kind == "queue" else [])]
        self.events.publish(f"call.transfer.{report.what}", report.payload(), Audience.of(users=users, queues=queues))

    def _caller_of(self, call_id: str) -> CallerIdentity | None:
        session = self.registry.sessions.get(call_id) if self.registry else None
        return session.caller if session else None

    def _publish_acd_record(self, record) -> None:
        if isinstance(record, StateChanged):
            audience = self.desk.audience(record.agent_id)
            self.events.publish("agent.state", {
                "agent_id": record.agent_id, "state": record.state.value, "previous": record.previous.value,
                "reason": record.reason, "cause": record.cause, "at": record.at.isoformat()}, audience)
        elif isinstance(record, (CallConnected, CallCompleted, CallAbandoned, CallOverflowed)):
            payload = {k: (v.isoformat() if isinstance(v, datetime) else v)
                       for k, v in ((s, getattr(record, s)) for s in record.__slots__)}
            name = {CallConnected: "call.answered", CallCompleted: "call.ended",
                    CallAbandoned: "call.abandoned", CallOverflowed: "call.overflowed"}[type(record)]
            agent = getattr(record, "agent_id", None)
            users = self.desk.audience(agent).users if agent else ()
            self.events.publish(name, payload, Audience.of(users=users, queues=[record.queue]))
            if isinstance(record, CallConnected):
                self.screen_pops.answered(record.call_id, record.agent_id, record.queue)
            elif isinstance(record, CallCompleted):
                self.supervision.agent_done(record.call_id, record.queue, record.agent_id,
                                            self.desk.audience(record.agent_id), record.handed_over)

    def _agent_session(self, agent_id: str):
        """The session of the call an agent is offered or talking on, with its phase."""
        for session in list(self.registry.sessions.values()) if self.registry else []:
            flow = getattr(session.flow, "queue", None) or session.flow
            phase = flow.phase_for(agent_id) if hasattr(flow, "phase_for") else None
            if phase:
                return session, flow, phase
        return None

    async def agent_call(self, agent_id: str) -> dict | None:
        """The call an agent is offered or talking on, with its screen pop: the caller and, once identified,
        the customer with their last interactions and open tickets."""
        found = self._agent_session(agent_id)
        if found is None:
            return None
        session, flow, phase = found
        pop = self.screen_pop(session.arrived)
        customer = await self.screen_pops.lookup(session.channel_id) if self.screen_pops else None
        if customer:
            pop.update(customer=customer["customer"], recent_interactions=customer["interactions"],
                       open_tickets=customer["open_tickets"])
        return {"call_id": session.channel_id, "phase": phase, "queue": getattr(flow, "queue", ""),
                "arrived_at": session.arrived.at, "screen_pop": pop}

    def hang_up_agent_call(self, agent_id: str) -> bool:
        found = self._agent_session(agent_id)
        if found is None or found[2] not in ("connected", "consulting"):
            return False
        call_id = found[0].channel_id
        return self.registry.deliver(call_id, HangupRequested(call_id, by=f"agent:{agent_id}"))

    def _live_call(self, call_id: str) -> LiveCall | None:
        """A call as supervision sees it: its queue and the agent talking on it, if any."""
        session = self.registry.sessions.get(call_id) if self.registry else None
        if session is None:
            return None
        queue = getattr(session.flow, "queue", None)
        talking = getattr(session.flow, "talking", None)
        agent = talking.agent_id if talking is not None else None
        return LiveCall(call_id, queue.queue if queue is not None else None, agent,
                        self.desk.audience(agent) if agent else Audience.of())

    def _agent_live_call(self, agent_id: str) -> LiveCall | None:
        found = self._agent_session(agent_id)
        if found is None or found[2] != "connected":
            return None
        return self._live_call(found[0].channel_id)

    async def transfer_call(self, agent_id: str, kind: str, target_kind: str, value: str,
                            ring_timeout: int) -> bool:
        """Start a blind or attended transfer of the agent's connected call; False if they have none,
        TransferRefused (a ValueError) saying why it cannot be done."""
        flow = self._connected_flow(agent_id)
        if flow is None:
            return False
        target, target_agent = await self._transfer_target(target_kind, value, agent_id)
        flow.check_transfer("start", kind, target)
        return self.registry.deliver(flow.channel_id, TransferRequested(flow.channel_id, kind, target, target_agent,
                                                                        ring_timeout))

    def transfer_step(self, agent_id: str, action: str) -> bool:
        flow = self._connected_flow(agent_id)
        if flow is None:
            return False
        flow.check_transfer(action)
        return self.registry.deliver(flow.channel_id, TransferStep(flow.channel_id, action))

    def _connected_flow(self, agent_id: str):
        found = self._agent_session(agent_id)
        if found is None or found[2] != "connected" or not hasattr(found[1], "check_transfer"):
            return None
        return found[1]

    async def _transfer_target(self, kind: str, value: str, agent_id: str) -> tuple[Target, str | None]:
        """What to ring for a transfer target: an agent's current device (an extension that is an agent's
        counts as the agent), a queue of the call-center file, an extension, an E.164 number via the trunk."""
        if kind == "queue":
            if value not in self.config.queues:
                raise TransferRefused(f"there is no queue {value!r}")
            return Target("queue", value), None
        if kind == "number":
            return Target("number", value, f"PJSIP/{value}@trunk"), None
        agent = None
        if kind == "agent":
            try:
                agent = await self.agents.get(UUID(value))
            except (ValueError, AgentNotFound):
                raise TransferRefused(f"there is no agent {value!r}") from None
        else:
            agent = await self.agents.by_extension(value)
            if agent is None:
                return Target("extension", value, f"PJSIP/{value}"), None
        if str(agent.id) == agent_id:
            raise TransferRefused("you cannot transfer a call to yourself")
        dispatcher = self.acd.dispatcher
        if not dispatcher.knows_agent(str(agent.id)) or dispatcher.agent(str(agent.id)).state is AgentState.LOGGED_OUT:
            raise TransferRefused(f"agent {agent.name} is logged out")
        device = agent.device()
        if device is None:
            raise TransferRefused(f"agent {agent.name} has no device")
        return Target("agent", str(agent.id), dial_string(device)), str(agent.id)

    def control_recording(self, agent_id: str, action: str) -> bool:
        """Hand the agent's recording request to their connected call's task, once the call's recording
        has said it can be done (RecordingRefused, a ValueError, says why not)."""
        found = self._agent_session(agent_id)
        if found is None or found[2] != "connected" or not hasattr(found[1], "check_recording"):
            return False
        session, flow, _ = found
        flow.check_recording(action)
        return self.registry.deliver(session.channel_id, RecordingRequested(session.channel_id, action))

    async def click_to_call(self, agent, target: str) -> str:
        """Ring the agent's own device, then `target` (an extension or an E.164 number); bridge the two.
        An extension is looked up as a softphone-dialled one is: a colleague logged out, busy or unknown is
        refused (ValueError, saying why) before anything rings; a colleague is rung on their current device."""
        device = agent.device() or agent.device("softphone") or agent.device("mobile")
        if device is None:
            raise ValueError(f"agent {agent.name} has no device")
        dispatcher = self.acd.dispatcher
        if dispatcher.knows_agent(str(agent.id)):
            status = dispatcher.agent(str(agent.id))
            if status.state in (AgentState.RINGING, AgentState.ON_CALL) or status.on_internal_call:
                raise ValueError(f"you are {status.state.value}: finish that call first")
        target_agent_id = None
        if target.startswith("+"):
            target_endpoint = f"PJSIP/{target}@trunk"
        else:
            found = await self.directory.target(target, str(agent.id))
            if found.kind not in ("agent", "extension") or found.endpoint is None:
                raise ValueError(f"{target}: {found.reason or found.kind}")
            target_endpoint, target_agent_id = found.endpoint, found.agent_id
        call_id = f"c2c{uuid.uuid4().hex[:16]}"
        arrived = CallArrived(call_id, "outbound" if target.startswith("+") else "internal", target,
                              agent.extension, agent.name, utcnow(), answered=True)
        flow = ClickToCallFlow(call_id, str(agent.id), dial_string(device), agent.extension, agent.name,
                               target_endpoint, target, utcnow, target_agent_id=target_agent_id)
        self.registry.start_call(arrived, flow)
        return call_id

    def screen_pop(self, arrived: CallArrived) -> dict:
        return {"caller_number": arrived.caller_number, "caller_name": arrived.caller_name,
                "dialled": arrived.dialled}

    def _announce_offer(self, offer) -> None:
        session = self.registry.sessions.get(offer.call_id) if self.registry else None
        pop = self.screen_pop(session.arrived) if session else {"caller_number": offer.caller_number,
                                                                 "caller_name": offer.caller_name}
        self.events.publish("call.offered", {"call_id": offer.call_id, "queue": offer.queue,
                                             "agent_id": offer.agent_id, "ring_timeout": offer.timeout,
                                             "screen_pop": pop},
                            Audience.of(users=self.desk.audience(offer.agent_id).users, queues=[offer.queue]))
        self.screen_pops.offered(offer.call_id, offer.agent_id, offer.queue)

    def _deliver(self, channel_id: str, message) -> bool:
        return self.registry is not None and self.registry.deliver(channel_id, message)

    def active_calls(self) -> list[dict]:
        """The calls in progress, for GET /api/v1/calls."""
        sessions = list(self.registry.sessions.values()) if self.registry else []
        return [{"channel_id": s.arrived.channel_id, "direction": s.arrived.direction, "dialled": s.arrived.dialled,
                 "caller_number": s.arrived.caller_number, "caller_name": s.arrived.caller_name,
                 "arrived_at": s.arrived.at, "queue": _queue_of(s)} for s in sessions]

    def _flow_for(self, arrived: CallArrived):
        if arrived.direction == "internal":
            return InternalCallFlow(arrived.channel_id, arrived.dialled, arrived.caller_number, arrived.caller_name,
                                    utcnow, self.settings.internal_ring_timeout, adopted=arrived.adopted)
        config = self.config

        def recording_policy(queue: str, agent_id: str | None):
            queue_config = config.queues.get(queue)
            return effective_policy(queue_config.recording if queue_config else "on_demand",
                                    self.desk.recording_override(agent_id) if agent_id else None)

        def record_from(queue: str) -> str:
            queue_config = config.queues.get(queue)
            return queue_config.record_from if queue_config else "answer"

        def queue_flow(enter):
            return QueueFlow(arrived.channel_id, enter.queue, arrived.caller_number, arrived.caller_name, utcnow,
                             new_id, priority=enter.priority, skills=tuple(enter.skills),
                             recording_policy=recording_policy, record_from=record_from,
                             recording_format=self.settings.recording_format)

        return CallFlow(flow_for_call(self.config, arrived, utcnow, new_id), queue_flow)

    async def _consume_ari_events(self) -> None:
        while True:
            event = await self.ari_events.queue.get()
            try:
                if isinstance(event, Connected):
                    await self._reconcile()
                    continue
                ours = translate(event)
                if isinstance(ours, CallRecordingFinished):
                    self.recordings.finished(ours.name, ours.failed)
                elif ours is not None:
                    self.registry.handle(ours)
            except Exception:
                log.exception("ari.event_failed", event_type=getattr(event, "get", lambda _k: None)("type"))

    async def _reconcile(self) -> None:
        """After any (re)connect: re-read our app's channels from ARI; trust nothing remembered."""
        try:
            app = await self.ari.get_application(self.settings.ari_app)
            live: dict[str, CallArrived | None] = {}
            for channel_id in app.get("channel_ids", []):
                with contextlib.suppress(AriError):
                    channel = await self.ari.get_channel(channel_id)
                    live[channel_id] = call_arrived(channel, stasis_args(channel), utcnow(), adopted=True)
            await self.registry.reconcile(live)
            await self.recordings.sweep(set(live))
        except (AsteriskUnavailable, AriError) as exc:
            log.error("calls.reconcile_failed", error=str(exc))


def _queue_of(session) -> str | None:
    queue_flow = getattr(session.flow, "queue", None)
    return queue_flow.queue if queue_flow is not None else None

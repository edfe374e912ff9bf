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
from telephony.acd.commands import CallAbandoned, CallCompleted, CallConnected, CallOverflowed
from telephony.acd.events import Reconfigured
from telephony.acd.model import StateChanged
from telephony.agent_desk import AgentDesk
from telephony.audience import Audience
from telephony.acd_runtime import AcdRuntime
from telephony.auth.service import build_auth_service
from telephony.calls.agent_calls import AgentCallControl, caller_pop
from telephony.calls.call_flow import CallFlow
from telephony.calls.queue_flow import QueueFlow
from telephony.calls.internal_call import InternalCallFlow
from telephony.calls.internal_directory import InternalDirectory
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
from telephony.events import CallRecordingFinished, CallArrived
from telephony.db.recordings import RecordingStore
from telephony.db.segments import SegmentStore
from telephony.recordings.archive import RecordingArchive
from telephony.recordings.library import RecordingLibrary
from telephony.recordings.policy import effective_policy
from telephony.supervision.desk import SupervisorDesk
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
        self.supervision = SupervisorDesk(lambda call_id: self.calls.live_call(call_id),
                                          lambda agent_id: self.calls.agent_live_call(agent_id), self._deliver,
                                          self.agents, self.events.publish, utcnow)
        directory = InternalDirectory(
            self.agents, self.acd.dispatcher, lambda extension: self.ari.endpoint_exists("PJSIP", extension),
            self._deliver)
        router = CommandRouter(AriCommandExecutor(self.ari, self.settings.ari_app), self.acd.submit,
                               self.recordings.observe, self.supervision.report, directory.find,
                               self._publish_transfer)
        self.crm = CrmService(CustomerStore(self.database.pool), TicketStore(self.database.pool),
                              self.settings.default_region, self._publish_crm_event, utcnow)
        self.screen_pops = ScreenPops(self._caller_of, self.crm.screen_pop, self._publish_to_agent)
        segments = SegmentStore(self.database.pool)
        self.registry = CallRegistry(self._flow_for, router, store, utcnow, identify=self.crm.identify_caller,
                                     write_segments=segments.replace)
        self.calls = AgentCallControl(self.registry, self.agents, self.acd.dispatcher, directory, self.screen_pops,
                                      lambda: self.config.queues, lambda agent: self.desk.audience(agent), utcnow)
        self.desk = AgentDesk(self.agents, self.acd.dispatcher, self.acd.service, utcnow, calls=self.calls)
        await self.desk.load()
        self.acd.publish = self._publish_acd_record
        self.acd.on_offer = self._announce_offer
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
                        supervision=self.supervision, segments=segments)
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

    def _announce_offer(self, offer) -> None:
        session = self.registry.sessions.get(offer.call_id) if self.registry else None
        pop = caller_pop(session.arrived) if session else {"caller_number": offer.caller_number,
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

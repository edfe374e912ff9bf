"""Wiring: settings → database → Asterisk (ARI, AMI) → ACD → calls → HTTP, started in order and stopped in
reverse through one AsyncExitStack.

Only wiring lives here. The parts are built in one order with no cycle: what reaches a live call
(CallsInFlight) and what tells of the domain's events (DomainEvents) come first, so that the ACD, the
calls and the features that react to them take each other's finished objects as constructor arguments;
the notifiers (telephony.notifiers) subscribe to the domain events and turn them into API events.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timezone

from telephony.acd.dispatcher import Dispatcher
from telephony.acd.events import Reconfigured
from telephony.acd_runtime import AcdRuntime
from telephony.agent_admin import AgentAdmin
from telephony.agent_desk import AgentDesk
from telephony.agent_roster import AgentRoster
from telephony.api.app import HttpServer, build_app
from telephony.api.events import EventHub
from telephony.api.ws import WsOptions
from telephony.asterisk.ami import AmiClient
from telephony.asterisk.ari import AriClient
from telephony.asterisk.ari_events import AriEventStream, Connected
from telephony.asterisk.device_states import DeviceStates
from telephony.asterisk.executor import AriCommandExecutor
from telephony.asterisk.translate import call_arrived, stasis_args, translate
from telephony.auth.service import build_auth_service
from telephony.bus import DomainEvents
from telephony import call_log
from telephony.call_log import CallLog
from telephony.calls.agent_calls import AgentCallControl
from telephony.calls.flow_factory import FlowFactory
from telephony.calls.in_flight import CallsInFlight
from telephony.calls.internal_directory import InternalDirectory
from telephony.calls.liveness import LivenessMarks
from telephony.calls.registry import CallRegistry
from telephony.calls.router import CommandRouter
from telephony.config import CallCenterConfig, load_config
from telephony.crm.screen_pops import ScreenPops
from telephony.crm.service import CrmService
from telephony.db.agent_audit import AgentAuditStore
from telephony.db.agents import AgentStore
from telephony.db.call_events import CallEventStore
from telephony.db.customers import CustomerStore
from telephony.db.interactions import InteractionStore
from telephony.db.liveness import LivenessStore
from telephony.db.migrations import migrate
from telephony.db.pool import Database
from telephony.db.recordings import RecordingStore
from telephony.db.report_rows import ReportRows
from telephony.db.segments import SegmentStore
from telephony.db.tickets import TicketStore
from telephony.db.voicemails import VoicemailStore
from telephony.errors import AriError, AsteriskUnavailable, ConfigError
from telephony.events import CallArrived, CallRecordingFinished, LinkConnected
from telephony.logs import get_logger
from telephony.notifiers import acd as acd_notifier
from telephony.notifiers import transfers as transfer_notifier
from telephony.notifiers import metrics as metrics_notifier
from telephony.notifiers.acd import AcdNotifier
from telephony.notifiers.metrics import LiveStateReader, Metrics
from telephony.api.metrics import loopback_app
from telephony.notifiers.people import AgentNotifier, CrmNotifier
from telephony.notifiers.transfers import TransferNotifier
from telephony.recordings.archive import RecordingArchive
from telephony.recordings.commands import ARCHIVE_NOTES, RECORDING_COMMANDS
from telephony.recordings.library import RecordingLibrary
from telephony.reports.service import Reports
from telephony.settings import Settings
from telephony.supervision.desk import SupervisorDesk
from telephony.supervision.events import SUPERVISION_REPORTS

log = get_logger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class _Running:
    """The parts a started service still reaches after start: the ACD (for reloads), the calls' registry
    and the recordings archive (for Asterisk's events)."""

    acd: AcdRuntime
    registry: CallRegistry
    archive: RecordingArchive


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
                                         settings.ari_password.get_secret_value(),
                                         timeout=settings.asterisk_timeout)
        self.ami = AmiClient(settings.ami_host, settings.ami_port, settings.ami_user,
                             settings.ami_secret.get_secret_value(), timeout=settings.asterisk_timeout)
        self.device_states = DeviceStates()
        self.device_states.attach(self.ami)
        self._ami_connects = 0
        self.ami.add_connected_hook(self._ami_connected)
        self.calls = CallsInFlight()
        self.domain_events = DomainEvents()
        self.events = EventHub(settings.events_queue_size, utcnow)
        self.dispatcher = Dispatcher(config)
        self._stack: AsyncExitStack | None = None
        self._running: _Running | None = None

    async def start(self) -> None:
        async with AsyncExitStack() as stack:
            await self._start(stack)
            self._stack = stack.pop_all()  # started: stop() closes it, in reverse
        log.info("service.started", ari_app=self.settings.ari_app)

    async def stop(self) -> None:
        log.info("service.stopping")
        if self._stack is not None:
            await self._stack.aclose()
        log.info("service.stopped")

    async def _start(self, stack: AsyncExitStack) -> None:
        """Build and start every part; each one started pushes its own stop, so that a failure half-way
        closes what started, and stop() closes the rest in reverse order."""
        settings, bus, calls = self.settings, self.domain_events, self.calls
        await self.database.start()
        stack.push_async_callback(self.database.close)
        await migrate(self.database.pool, settings.migrations_dir)
        pool = self.database.pool
        await self.ari.start()
        stack.push_async_callback(self.ari.close)
        self.ami.start()
        stack.push_async_callback(self.ami.close)

        agents, interactions = AgentStore(pool), InteractionStore(pool)
        segments, recordings = SegmentStore(pool), RecordingStore(pool)
        roster = AgentRoster(agents)
        await roster.load()
        acd = AcdRuntime(self.dispatcher, agents, calls.deliver, bus.publish, utcnow, interactions)
        self.device_states.subscribe(acd.device_changed)
        call_events = CallEventStore(pool)
        bus.subscribe(CallLog(call_events, acd.writer.submit, utcnow).observe, *call_log.KINDS)
        archive = RecordingArchive(self.ari, recordings, settings.recordings_dir, utcnow)
        bus.subscribe(archive.observe, *RECORDING_COMMANDS, *ARCHIVE_NOTES)
        crm = CrmService(CustomerStore(pool), TicketStore(pool), settings.default_region,
                         CrmNotifier(self.events.publish).ticket_event, utcnow)
        screen_pops = ScreenPops(calls.caller_of, crm.screen_pop, AgentNotifier(self.events.publish, roster).to_agent)
        directory = InternalDirectory(agents, self.dispatcher, self._endpoint_exists, calls.deliver)
        router = CommandRouter(AriCommandExecutor(self.ari, settings.ari_app), acd.submit, bus.publish, directory.find)
        flows = FlowFactory(self._config_now, roster.recording_override, utcnow, new_id,
                            settings.internal_ring_timeout, settings.recording_format)
        registry = CallRegistry(flows, router, interactions, utcnow, identify=crm.identify_caller,
                                write_segments=segments.replace, calls=calls)
        agent_calls = AgentCallControl(registry, agents, self.dispatcher, directory, screen_pops, self._queues_now,
                                       roster.audience, utcnow)
        supervision = SupervisorDesk(agent_calls, agents, self.events.publish, utcnow)
        bus.subscribe(supervision.report, *SUPERVISION_REPORTS)
        bus.subscribe(AcdNotifier(self.events.publish, roster, calls, screen_pops, supervision).notify,
                      *acd_notifier.KINDS)
        bus.subscribe(TransferNotifier(self.events.publish, roster).notify, *transfer_notifier.KINDS)
        live = LiveStateReader(self.dispatcher, calls, {"ami": self._ami_up, "ari": self._ari_up},
                               {"acd": acd.writer})
        metrics = Metrics(live)
        bus.subscribe(metrics.notify, *metrics_notifier.KINDS)
        lag_task = asyncio.create_task(metrics.watch_loop(), name="loop-lag")
        stack.push_async_callback(_cancel, lag_task)
        desk = AgentDesk(agents, self.dispatcher, acd.service, utcnow, agent_calls)
        auth = build_auth_service(pool, settings, utcnow)
        agent_admin = AgentAdmin(agents, AgentAuditStore(pool), desk, self.dispatcher, acd.service, roster, auth,
                                 utcnow)

        acd.writer.start()
        stack.push_async_callback(acd.writer.close)
        acd_task = asyncio.create_task(acd.service.run(), name="acd")
        stack.push_async_callback(_cancel, acd_task)
        stack.push_async_callback(screen_pops.close)
        stack.push_async_callback(archive.close)
        stack.push_async_callback(registry.release_all)
        liveness = LivenessMarks(calls, LivenessStore(pool), utcnow)
        liveness.start()
        stack.push_async_callback(liveness.close)  # before release_all: the last mark sees every call
        await acd.restore_agents()

        self._running = _Running(acd, registry, archive)
        consumer = asyncio.create_task(self._consume_ari_events(registry, archive), name="ari-consumer")
        stack.push_async_callback(_cancel, consumer)
        self.ari_events.start()
        stack.push_async_callback(self.ari_events.close)

        ws_options = WsOptions(settings.events_heartbeat, settings.events_auth_timeout)
        app = build_app(self.health, auth=auth, hub=self.events, calls=self.active_calls, ws_options=ws_options,
                        desk=desk, voicemail_store=VoicemailStore(pool), reload=self.try_reload, crm=crm,
                        recordings=RecordingLibrary(recordings, agents, settings.recordings_dir),
                        supervision=supervision, segments=segments, agent_admin=agent_admin, metrics=metrics,
                        metrics_token=settings.metrics_token.get_secret_value() if settings.metrics_token else None,
                        reports=Reports(call_events, ReportRows(pool), self._queues_now, utcnow))
        http = HttpServer(app, settings.http_host, settings.http_port)
        await http.start()
        stack.push_async_callback(http.close)
        if settings.metrics_port is not None:
            scrape = HttpServer(loopback_app(metrics), "127.0.0.1", settings.metrics_port)
            await scrape.start()
            stack.push_async_callback(scrape.close)

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
        if self._running is not None:
            self._running.acd.submit(Reconfigured(self.config, utcnow()))
        log.info("config.reloaded", dids=len(self.config.dids), ivr_nodes=len(self.config.ivr))
        return []

    async def health(self) -> dict[str, bool]:
        return {
            "ami": self.ami.connected,
            "ari": self.ari_events.connected,
            "database": await self.database.healthy(),
        }

    def active_calls(self) -> list[dict]:
        """The calls in progress, for GET /api/v1/calls."""
        return self.calls.summaries()

    def _config_now(self) -> CallCenterConfig:
        return self.config

    def _queues_now(self):
        return self.config.queues

    def _ami_up(self) -> bool:
        return self.ami.connected

    def _ari_up(self) -> bool:
        return self.ari_events.connected

    async def _ami_connected(self) -> None:
        self._ami_connects += 1
        self.domain_events.publish(LinkConnected("ami", reconnect=self._ami_connects > 1))

    async def _endpoint_exists(self, extension: str) -> bool:
        return await self.ari.endpoint_exists("PJSIP", extension)

    async def _consume_ari_events(self, registry: CallRegistry, archive: RecordingArchive) -> None:
        while True:
            event = await self.ari_events.queue.get()
            try:
                if isinstance(event, Connected):
                    self.domain_events.publish(LinkConnected("ari", reconnect=event.reconnect))
                    await self._reconcile(registry, archive)
                    continue
                ours = translate(event)
                if isinstance(ours, CallRecordingFinished):
                    archive.finished(ours.name, ours.failed)
                elif ours is not None:
                    registry.handle(ours)
            except Exception:
                log.exception("ari.event_failed", event_type=event.get("type") if isinstance(event, dict) else None)

    async def _reconcile(self, registry: CallRegistry, archive: RecordingArchive) -> None:
        """After any (re)connect: re-read our app's channels from ARI; trust nothing remembered."""
        try:
            app = await self.ari.get_application(self.settings.ari_app)
            live: dict[str, CallArrived | None] = {}
            for channel_id in app.get("channel_ids", []):
                with contextlib.suppress(AriError):
                    channel = await self.ari.get_channel(channel_id)
                    live[channel_id] = call_arrived(channel, stasis_args(channel), utcnow(), adopted=True)
            await registry.reconcile(live)
            await archive.sweep(set(live))
        except (AsteriskUnavailable, AriError) as exc:
            log.error("calls.reconcile_failed", error=str(exc))


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

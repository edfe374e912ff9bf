"""Wiring: settings → database → Asterisk (ARI, AMI) → calls → HTTP; started in order, stopped in reverse."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime, timezone

from telephony.api.app import HttpServer, build_app
from telephony.asterisk.ami import AmiClient
from telephony.asterisk.ari import AriClient
from telephony.asterisk.ari_events import AriEventStream, Connected
from telephony.asterisk.executor import AriCommandExecutor
from telephony.asterisk.translate import call_arrived, stasis_args, translate
from telephony.calls.registry import CallRegistry
from telephony.config import CallCenterConfig, load_config
from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.interactions import InteractionStore
from telephony.db.migrations import migrate
from telephony.db.pool import Database
from telephony.db.tickets import TicketStore
from telephony.errors import AriError, AsteriskUnavailable, ConfigError
from telephony.events import CallArrived
from telephony.ivr.flow import flow_for_call
from telephony.logs import get_logger
from telephony.settings import Settings

log = get_logger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


def publish_event(name: str, payload: dict) -> None:
    """Our own events; logged until the agents' event stream (API issue) subscribes to them."""
    log.info("event.published", name=name, **payload)


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
        self.registry: CallRegistry | None = None
        self.crm: CrmService | None = None
        self.http: HttpServer | None = None
        self._consumer: asyncio.Task | None = None

    async def start(self) -> None:
        await self.database.start()
        await migrate(self.database.pool, self.settings.migrations_dir)
        store = InteractionStore(self.database.pool)
        self.crm = CrmService(CustomerStore(self.database.pool), TicketStore(self.database.pool),
                              self.settings.default_region, publish_event, utcnow)
        self.registry = CallRegistry(self._flow_for, AriCommandExecutor(self.ari), store, utcnow,
                                     identify=self.crm.identify_caller)
        await self.ari.start()
        self.ami.start()
        self.ari_events.start()
        self._consumer = asyncio.create_task(self._consume_ari_events(), name="ari-consumer")
        self.http = HttpServer(build_app(self.health, self.crm), self.settings.http_host,
                               self.settings.http_port)
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
        await self.ami.close()
        await self.ari.close()
        await self.database.close()
        log.info("service.stopped")

    def reload(self) -> bool:
        """Read the configuration file again; new calls use it, calls in progress keep theirs."""
        try:
            self.config = load_config(self.settings.config_file)
        except ConfigError as exc:
            log.error("config.reload_failed", problems=[f"{p}: {m}" for p, m in exc.problems])
            return False
        log.info("config.reloaded", dids=len(self.config.dids), ivr_nodes=len(self.config.ivr))
        return True

    async def health(self) -> dict[str, bool]:
        return {
            "ami": self.ami.connected,
            "ari": self.ari_events.connected,
            "database": await self.database.healthy(),
        }

    def _flow_for(self, arrived: CallArrived):
        return flow_for_call(self.config, arrived.channel_id, arrived.dialled, utcnow, new_id)

    async def _consume_ari_events(self) -> None:
        while True:
            event = await self.ari_events.queue.get()
            try:
                if isinstance(event, Connected):
                    await self._reconcile()
                    continue
                ours = translate(event)
                if ours is not None:
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
        except (AsteriskUnavailable, AriError) as exc:
            log.error("calls.reconcile_failed", error=str(exc))

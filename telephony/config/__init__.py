"""The call-center configuration file: DIDs, IVR menus and (later) queues, validated by pydantic."""

from telephony.config.loader import load_config, parse_config
from telephony.config.models import CallCenterConfig

__all__ = ["CallCenterConfig", "load_config", "parse_config"]

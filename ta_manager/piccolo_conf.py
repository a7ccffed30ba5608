"""Piccolo's configuration module (PICCOLO_CONF=ta_manager.piccolo_conf)."""

from piccolo.conf.apps import AppRegistry

from ta_manager.database.engine import DB

APP_REGISTRY = AppRegistry(apps=["ta_manager.piccolo_app"])

__all__ = ["APP_REGISTRY", "DB"]

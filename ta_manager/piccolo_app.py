"""The single Piccolo app: one migrations folder, so ordering is global."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

import migrations
from ta_manager.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="ta_manager",
    migrations_folder_path=str(Path(migrations.__file__).parent),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)

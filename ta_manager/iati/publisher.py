"""Who publishes: the reporting organisation and the publishing choices, from settings.

Identifiers: a project or activity is published as `{TA_IATI_REPORTING_ORG}-{code}`, so
every identifier starts with the reporting organisation's identifier (IATI rule 1.1.21) and
stays stable as long as the record's code does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ta_manager.database import sql
from ta_manager.errors import InvalidInput
from ta_manager.iati import mapping as M
from ta_manager.iati.codelists import codes
from ta_manager.settings import get_settings


@dataclass(frozen=True)
class Publisher:
    org: M.Org
    lang: str
    activities: bool  # publish activities as children of their projects
    default_sector: str

    def identifier(self, code: str) -> str:
        return f"{self.org.ref}-{code}"

    def code_of(self, identifier: str) -> str | None:
        """The record code inside one of our identifiers (None for another publisher's)."""
        prefix = self.org.ref + "-"
        return identifier[len(prefix) :] if identifier.startswith(prefix) else None


async def publisher() -> Publisher:
    """The configured publisher; InvalidInput naming the setting when one is missing or wrong."""
    s = get_settings()
    ref = s.iati_reporting_org
    if not ref:
        raise InvalidInput.of(
            "TA_IATI_REPORTING_ORG",
            "IATI publishing needs the reporting organisation's IATI identifier: set"
            " TA_IATI_REPORTING_ORG (e.g. XM-DAC-41121)",
        )
    if any(c in ref for c in " /&|?"):
        raise InvalidInput.of(
            "TA_IATI_REPORTING_ORG", "must not contain spaces or the symbols / & | ?", ref
        )
    name = s.iati_reporting_org_name or (
        await sql.fetchval(
            "SELECT name FROM organization WHERE iati_identifier = $1 ORDER BY id LIMIT 1", ref
        )
        or ""
    )
    if not name:
        raise InvalidInput.of(
            "TA_IATI_REPORTING_ORG_NAME",
            f"the reporting organisation needs a name: set TA_IATI_REPORTING_ORG_NAME, or give"
            f" an organization the IATI identifier {ref}",
        )
    if str(s.iati_reporting_org_type) not in codes("OrganisationType"):
        raise InvalidInput.of(
            "TA_IATI_REPORTING_ORG_TYPE",
            "not in the IATI OrganisationType codelist",
            s.iati_reporting_org_type,
        )
    if s.iati_lang not in codes("Language"):
        raise InvalidInput.of("TA_IATI_LANG", "not in the IATI Language codelist", s.iati_lang)
    if s.iati_default_sector and s.iati_default_sector not in codes("Sector"):
        raise InvalidInput.of(
            "TA_IATI_DEFAULT_SECTOR", "not a DAC 5-digit sector code", s.iati_default_sector
        )
    return Publisher(
        M.Org(name, ref, s.iati_reporting_org_type),
        s.iati_lang,
        s.iati_publish_activities,
        s.iati_default_sector,
    )

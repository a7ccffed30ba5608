"""Fixed values (statuses, scopes, categories, units...) as words of a language.

Outputs keep the codes where people need them (their own column) and show these words
elsewhere: `completed` reads "completed" / "terminée" / "terminada",
`contractual_services` reads "contractual services". One table per kind of value,
because one code means different things in different places (`none` is "no stated need"
in the matrix and "not earmarked" for a contribution).
"""

from __future__ import annotations

from ta_manager.locale import N_, gettext

VALUES: dict[str, dict[str, str]] = {
    "activity_status": {
        "proposed": N_("proposed"),
        "planned": N_("planned"),
        "approved": N_("approved"),
        "ongoing": N_("ongoing"),
        "completed": N_("completed"),
        "cancelled": N_("cancelled"),
    },
    "scope": {
        "national": N_("national"),
        "regional": N_("regional"),
        "interregional": N_("interregional"),
        "global": N_("global"),
    },
    "category": {
        "technical_assistance": N_("technical assistance"),
        "intergovernmental": N_("intergovernmental meeting"),
        "participation": N_("participation in others' meetings"),
        "coordination": N_("coordination"),
    },
    "coverage": {
        "met": N_("met"),
        "partly": N_("partly met"),
        "unmet": N_("unmet"),
        "none": N_("no stated need"),
    },
    "need_status": {
        "open": N_("open"),
        "in_progress": N_("in progress"),
        "met": N_("met"),
        "withdrawn": N_("withdrawn"),
    },
    "relation": {"answers": N_("answers"), "candidate": N_("candidate")},
    "contribution_status": {"pledged": N_("pledged"), "received": N_("received")},
    "earmarking": {
        "none": N_("not earmarked"),
        "priority_area": N_("priority area"),
        "project": N_("project"),
    },
    "funded_via": {
        "allocation": N_("allocation"),
        "project": N_("project"),
        "named": N_("named as donor"),
        "donor": N_("named as donor"),
        "earmark": N_("earmarked"),
        "earmarked": N_("earmarked"),
    },
    "to_kind": {"project": N_("project"), "activity": N_("activity")},
    "project_status": {"pipeline": N_("pipeline"), "active": N_("active"), "closed": N_("closed")},
    "funding_need_kind": {
        "funding_gap": N_("funding gap"),
        "resource_request": N_("resource request"),
    },
    "cost_category": {
        "staff": N_("staff"),
        "consultants": N_("consultants"),
        "travel": N_("travel"),
        "contractual_services": N_("contractual services"),
        "operating_costs": N_("operating costs"),
        "equipment": N_("equipment"),
        "programme_support": N_("programme support"),
    },
    "cost_item": {
        "air_ticket": N_("air ticket"),
        "dsa": N_("daily subsistence allowance"),
        "venue": N_("venue"),
        "interpretation": N_("interpretation"),
        "translation": N_("translation"),
        "consultant": N_("consultant"),
        "staff_post": N_("staff post"),
        "expert": N_("expert"),
        "equipment": N_("equipment"),
        "documentation": N_("documentation"),
        "psc_rate": N_("programme support cost rate"),
        "other": N_("other"),
    },
    "cost_unit": {
        "trip": N_("trip"),
        "day": N_("day"),
        "page": N_("page"),
        "month": N_("month"),
        "year": N_("year"),
        "item": N_("item"),
        "percent": N_("percent"),
        "language_day": N_("language-day"),
        "person": N_("person"),
    },
    "proposal_template": {
        "regional_workshop": N_("regional workshop"),
        "legal_advisory_mission": N_("legal advisory mission"),
        "expert_group_meeting": N_("expert group meeting"),
        "training_of_trainers": N_("training of trainers"),
        "study_tour": N_("study tour"),
        "tool_publication": N_("tool or publication"),
        "manual": N_("entered by hand"),
    },
    "ratification_kind": {
        "ratification": N_("ratification"),
        "accession": N_("accession"),
        "acceptance": N_("acceptance"),
        "approval": N_("approval"),
        "succession": N_("succession"),
    },
    "boolean": {"true": N_("yes"), "false": N_("no")},
}


def label(kind: str, value: object, lang: str = "en") -> str:
    """`value` of `kind` in words of `lang`; an unknown value is shown with spaces for '_'."""
    if value is None or value == "":
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    words = VALUES.get(kind, {}).get(text)
    if words is None:
        return text.replace("_", " ")
    return gettext(words, lang)


def labels(kind: str, lang: str = "en") -> dict[str, str]:
    """Every value of `kind` -> its words in `lang` (for polars `replace`)."""
    return {code: gettext(words, lang) for code, words in VALUES.get(kind, {}).items()}

"""The Utfordringsbilde page's model: filters, the barometer's table and the export."""

from __future__ import annotations

import pandas as pd

from utfordringsbilde import export, queries
from utfordringsbilde.i18n import t, verdict_label
from utfordringsbilde.overview import Overview
from utfordringsbilde.pagemodels.common import formatter, names, provider_names, text
from utfordringsbilde.queries import Con


def theme_names(inds: pd.DataFrame, lang: str) -> dict[str, str]:
    """Theme id → its name, in display order."""
    themes = inds.drop_duplicates("theme_id")
    return {r.theme_id: text(r, "theme", lang) for r in themes.itertuples(index=False)}


def risk_factor_names(rfs: pd.DataFrame, lang: str) -> dict[str, str]:
    """Risk factor id → `number. name`."""
    return {
        r.risk_factor_id: f"{r.number}. {text(r, 'name', lang)}"
        for r in rfs.itertuples(index=False)
    }


def barometer(ov: Overview, shown: pd.DataFrame) -> pd.DataFrame:
    """The kommune-vs-landet rows of the shown indicators."""
    return ov.barometer[ov.barometer["indicator_id"].isin(shown["indicator_id"])]


def sources(shown: pd.DataFrame, lang: str = "nb") -> str:
    """The providers of the shown indicators by name, for captions and notes:
    `Folkehelseinstituttet (FHI), kommunens egne tall, Statistisk sentralbyrå (SSB)`."""
    return provider_names(shown["source"], lang)


def barometer_table(ov: Overview, shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The barometer as a table: kommune, landet and the comparison per indicator."""
    baro = barometer(ov, shown)
    fmt = formatter(shown, lang)
    name = names(shown, "name", lang)
    ids = baro["indicator_id"]
    landet = t("landet", lang)
    return pd.DataFrame(
        {
            t("indicator", lang): [name[i] for i in ids],
            ov.kommune_name: [
                fmt(i, v, f) for i, v, f in zip(ids, baro["value"], baro["flag"], strict=True)
            ],
            landet: [fmt(i, v) for i, v in zip(ids, baro["benchmark"], strict=True)],
            t("compared_with", lang) + " " + landet.lower(): [
                verdict_label(str(v), lang) for v in baro["verdict"]
            ],
        }
    )


def comparison_table(ov: Overview, shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The kommune against its fylke, its peer group (median) and landet per indicator, with
    the comparison with landet: the overview of a kommune without districts."""
    baro = barometer(ov, shown)
    fmt = formatter(shown, lang)
    name = names(shown, "name", lang)
    ids = list(baro["indicator_id"])
    landet = t("landet", lang)
    return pd.DataFrame(
        {
            t("indicator", lang): [name[i] for i in ids],
            ov.kommune_name: [
                fmt(i, v, f) for i, v, f in zip(ids, baro["value"], baro["flag"], strict=True)
            ],
            t("fylke_column", lang): [
                fmt(i, v) for i, v in zip(ids, baro["fylke_value"], strict=True)
            ],
            t("peer_group", lang): [
                fmt(i, v) for i, v in zip(ids, baro["peer_value"], strict=True)
            ],
            landet: [fmt(i, v) for i, v in zip(ids, baro["benchmark"], strict=True)],
            t("compared_with", lang) + " " + landet.lower(): [
                verdict_label(str(v), lang) for v in baro["verdict"]
            ],
        }
    )


def peer_caption(ov: Overview, lang: str) -> str:
    """Who the peer group is and how its value is made, or how to choose one."""
    if not ov.peer_names:
        return t("no_peers", lang, kommune=ov.kommune_name, code=ov.kommune)
    return t(
        "peer_group_caption", lang, names=", ".join(ov.peer_names.values()), kommune=ov.kommune_name
    )


def export_rows(
    con: Con, ov: Overview, shown: pd.DataFrame, built: str, lang: str
) -> pd.DataFrame:
    """The whole view for analysts: districts against the kommune, the kommune against landet,
    each row with its trend."""
    area_names = {
        **dict(zip(ov.districts["area_code"], ov.districts["name"], strict=True)),
        ov.kommune: ov.kommune_name,
    }
    cells = ov.cells
    district_rows = cells[
        cells["indicator_id"].isin(set(shown["indicator_id"])) & (cells["area_code"] != ov.kommune)
    ]
    inds = ov.indicators
    kommune_rows = barometer(ov, shown).assign(area_code=ov.kommune)
    history = queries.series_for_areas(
        con, [*area_names], [str(i) for i in shown["indicator_id"]]
    )
    return pd.concat(
        [
            export.export_table(
                export.with_trends(district_rows, history, inds),
                inds, area_names, ov.kommune_name, built, lang,
            ),
            export.export_table(
                export.with_trends(kommune_rows, history, inds),
                inds, area_names, t("landet", lang), built, lang,
            ),
        ],
        ignore_index=True,
    )

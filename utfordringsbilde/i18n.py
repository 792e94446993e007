"""Interface texts in bokmål, nynorsk and English; bokmål is the default and the fallback."""

from __future__ import annotations

LANGS = ("nb", "nn", "en")
LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}

# key → (nb, nn, en). Keep keys in English; keep texts short enough for a sidebar.
STRINGS: dict[str, tuple[str, str, str]] = {
    "app_title": ("Utfordringsbilde", "Utfordringsbilete", "Challenge picture"),
    "page_overview": ("Utfordringsbilde", "Utfordringsbilete", "Challenge picture"),
    "page_indicator": ("Indikator", "Indikator", "Indicator"),
    "page_sources": ("Data og kilder", "Data og kjelder", "Data and sources"),
    "kommune": ("Kommune", "Kommune", "Municipality"),
    "district": ("Område", "Område", "District"),
    "all_districts": ("Alle områder", "Alle område", "All districts"),
    "period": ("Periode (til og med år)", "Periode (til og med år)", "Period (up to year)"),
    "latest": ("Siste tilgjengelige", "Siste tilgjengelege", "Latest available"),
    "language": ("Språk", "Språk", "Language"),
    "theme": ("Tema", "Tema", "Theme"),
    "risk_factor": ("Risikofaktor", "Risikofaktor", "Risk factor"),
    "indicator": ("Indikator", "Indikator", "Indicator"),
    "landet": ("Landet", "Landet", "Norway"),
    "demo_banner": (
        "**Demodata:** tallene i denne visningen er simulerte og viser hvordan verktøyet "
        "virker. De beskriver ikke virkelige forhold i kommunen. Områdekodene er laget for "
        "demonstrasjon.",
        "**Demodata:** tala i denne visinga er simulerte og viser korleis verktøyet verkar. "
        "Dei skildrar ikkje verkelege forhold i kommunen. Områdekodane er laga for "
        "demonstrasjon.",
        "**Demo data:** the numbers in this view are simulated to show how the tool works. "
        "They do not describe the municipality. District codes are made up for the demo.",
    ),
    "freshness": (
        "Data bygget {built} · kilde: {source} · modus: {mode}",
        "Data bygd {built} · kjelde: {source} · modus: {mode}",
        "Data built {built} · source: {source} · mode: {mode}",
    ),
    "no_warehouse": (
        "Fant ingen database. Kjør `make run` eller `python -m etl demo`.",
        "Fann ingen database. Køyr `make run` eller `python -m etl demo`.",
        "No warehouse found. Run `make run` or `python -m etl demo`.",
    ),
    "overview_intro": (
        "Hvert område sammenlignet med {kommune}. Fargen og symbolet sier om forskjellen "
        "er statistisk sikker (95 % konfidensintervall). Kommunens egen kolonne er sammenlignet "
        "med landet. Klikk på en indikator for detaljer.",
        "Kvart område samanlikna med {kommune}. Fargen og symbolet seier om skilnaden er "
        "statistisk sikker (95 % konfidensintervall). Kolonna for kommunen er samanlikna med "
        "landet. Klikk på ein indikator for detaljar.",
        "Each district compared with {kommune}. Colour and symbol show whether the "
        "difference is statistically significant (95 % confidence interval). The "
        "municipality's own column is compared with Norway. Click an indicator for details.",
    ),
    "heatmap_title": (
        "Områdene i {kommune} sammenlignet med kommunen",
        "Områda i {kommune} samanlikna med kommunen",
        "Districts of {kommune} compared with the municipality",
    ),
    "barometer_title": (
        "{kommune} sammenlignet med landet",
        "{kommune} samanlikna med landet",
        "{kommune} compared with Norway",
    ),
    "barometer_axis": (
        "Kommunens verdi i prosent av landets (landet = 100)",
        "Kommunen sin verdi i prosent av landet sin (landet = 100)",
        "Municipality's value as % of Norway's (Norway = 100)",
    ),
    "legend": ("Forklaring", "Forklaring", "Legend"),
    "filter_themes": ("Vis tema", "Vis tema", "Show themes"),
    "filter_risk": (
        "Bare indikatorer for risikofaktor",
        "Berre indikatorar for risikofaktor",
        "Only indicators for risk factor",
    ),
    "any": ("(alle)", "(alle)", "(all)"),
    "table_alternative": ("Vis som tabell", "Vis som tabell", "Show as table"),
    "source_caption": (
        "Kilde: {sources}. Periode: siste tilgjengelige per indikator{year}.",
        "Kjelde: {sources}. Periode: siste tilgjengelege per indikator{year}.",
        "Source: {sources}. Period: latest available per indicator{year}.",
    ),
    "value": ("Verdi", "Verdi", "Value"),
    "interval": ("95 % KI", "95 % KI", "95 % CI"),
    "count": ("Antall", "Tal", "Count"),
    "denominator": ("Nevner", "Nemnar", "Denominator"),
    "compared_with": ("Sammenlignet med", "Samanlikna med", "Compared with"),
    "no_data": ("Ingen data", "Ingen data", "No data"),
    "choose_indicator": ("Velg indikator", "Vel indikator", "Choose indicator"),
    "definition": ("Definisjon", "Definisjon", "Definition"),
    "caveats": ("Forbehold", "Atterhald", "Caveats"),
    "source": ("Kilde", "Kjelde", "Source"),
    "unverified_source": (
        "tabell-id ikke verifisert",
        "tabell-id ikkje verifisert",
        "table id not verified",
    ),
    "bars_title": (
        "{indicator}: områdene i {kommune}, {period}",
        "{indicator}: områda i {kommune}, {period}",
        "{indicator}: districts of {kommune}, {period}",
    ),
    "trend_title": (
        "{indicator}: utvikling over tid",
        "{indicator}: utvikling over tid",
        "{indicator}: trend over time",
    ),
    "areas_in_trend": ("Områder i tidsserien", "Område i tidsserien", "Areas in the trend"),
    "etl_runs": ("ETL-kjøringer", "ETL-køyringar", "ETL runs"),
    "catalog": ("Indikatorkatalog", "Indikatorkatalog", "Indicator catalogue"),
    "missing_indicators": (
        "Indikatorer uten data i denne bygget",
        "Indikatorar utan data i denne bygginga",
        "Indicators without data in this build",
    ),
    "areas_col": ("Område", "Område", "Area"),
    "page_district": ("Distriktsprofil", "Distriktsprofil", "District profile"),
    "spine_title": (
        "{district} sammenlignet med {kommune}",
        "{district} samanlikna med {kommune}",
        "{district} compared with {kommune}",
    ),
    "spine_range": (
        "Spennvidde mellom områdene",
        "Spennvidde mellom områda",
        "Range across districts",
    ),
    "spine_better": ("bedre →", "betre →", "better →"),
    "spine_worse": ("← dårligere", "← dårlegare", "← worse"),
    "choose_district": (
        "Velg et område i menyen til venstre.",
        "Vel eit område i menyen til venstre.",
        "Choose a district in the sidebar.",
    ),
    "trend": ("Utvikling", "Utvikling", "Trend"),
    "findings": ("Viktigste funn", "Viktigaste funn", "Key findings"),
    "spine_note": (
        "Kommunen står i midten, og «bedre» er alltid til høyre. Grå stolpe: spennet mellom "
        "kommunens områder. Svart strek: landet. Indikatorer uten en god retning vises uten "
        "speilvending.",
        "Kommunen står i midten, og «betre» er alltid til høgre. Grå stolpe: spennet mellom "
        "områda i kommunen. Svart strek: landet. Indikatorar utan ei god retning er ikkje "
        "spegelvende.",
        "The municipality is at the centre and 'better' is always to the right. Grey bar: the "
        "range across districts. Black tick: Norway. Indicators with no good direction are not "
        "mirrored.",
    ),
}

# Comparison verdicts: label per language.
VERDICTS: dict[str, tuple[str, str, str]] = {
    "better": ("Bedre", "Betre", "Better"),
    "similar": ("Ingen sikker forskjell", "Ingen sikker skilnad", "Similar"),
    "worse": ("Dårligere", "Dårlegare", "Worse"),
    "higher": ("Høyere", "Høgare", "Higher"),
    "lower": ("Lavere", "Lågare", "Lower"),
    "not_compared": ("Ikke sammenlignet", "Ikkje samanlikna", "Not compared"),
    "suppressed": ("Skjult (personvern)", "Skjult (personvern)", "Suppressed (privacy)"),
    "missing": ("Mangler data", "Manglar data", "No data"),
    "not_applicable": ("Ikke aktuelt", "Ikkje aktuelt", "Not applicable"),
}

TREND_WORDS: dict[str, tuple[str, str, str]] = {
    "increasing": ("Økende", "Aukande", "Increasing"),
    "decreasing": ("Synkende", "Søkkande", "Decreasing"),
    "no_change": ("Ingen sikker endring", "Inga sikker endring", "No significant change"),
    "could_not_be_calculated": ("Kan ikke beregnes", "Kan ikkje reknast ut", "Not calculated"),
}

TREND_ARROWS = {"increasing": "↗", "decreasing": "↘", "no_change": "→"}

# What each source symbol means, as the sources define it.
FLAG_MEANINGS: dict[str, tuple[str, str, str]] = {
    ":": (
        "Skjult av personvernhensyn (for få tilfeller)",
        "Skjult av omsyn til personvern (for få tilfelle)",
        "Suppressed for privacy (too few cases)",
    ),
    "..": ("Tall mangler", "Tal manglar", "Data not available"),
    ".": ("Ikke mulig å beregne", "Ikkje mogleg å rekne ut", "Not applicable"),
}


def _pick(texts: tuple[str, str, str], lang: str) -> str:
    return texts[LANGS.index(lang)] if lang in LANGS else texts[0]


def t(key: str, lang: str = "nb", **kwargs: object) -> str:
    """The interface text `key` in `lang`, formatted with kwargs; KeyError for unknown keys."""
    text = _pick(STRINGS[key], lang)
    return text.format(**kwargs) if kwargs else text


def verdict_label(verdict: str, lang: str = "nb") -> str:
    """A comparison verdict (better, similar, …) in words."""
    return _pick(VERDICTS[verdict], lang)


def trend_label(direction: str, lang: str = "nb") -> str:
    """A trend direction in words, with its arrow."""
    arrow = TREND_ARROWS.get(direction, "")
    return f"{arrow} {_pick(TREND_WORDS[direction], lang)}".strip()


def flag_meaning(flag: str, lang: str = "nb") -> str:
    """What a source symbol (':' '..' '.') means."""
    return _pick(FLAG_MEANINGS[flag], lang)

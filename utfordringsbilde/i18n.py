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
        "Fant ingen database. Kjør `make run` eller `.venv/bin/python -m etl demo`.",
        "Fann ingen database. Køyr `make run` eller `.venv/bin/python -m etl demo`.",
        "No warehouse found. Run `make run` or `.venv/bin/python -m etl demo`.",
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
    "report_pdf": (
        "Statusrapport (PDF)",
        "Statusrapport (PDF)",
        "Status report (PDF)",
    ),
    "report_pptx": (
        "Møtelysbilder (PowerPoint)",
        "Møtelysbilete (PowerPoint)",
        "Meeting slides (PowerPoint)",
    ),
    "report_help": (
        "Rapporten og lysbildene lages når du klikker, og tar noen sekunder.",
        "Rapporten og lysbileta blir laga når du klikkar, og tek nokre sekund.",
        "The report and slides are made when you click and take a few seconds.",
    ),
    "nav_meeting": ("Møtemodus", "Møtemodus", "Meeting"),
    "page_meeting": ("Møtemodus", "Møtemodus", "Meeting mode"),
    "nav_district": ("Distrikt", "Distrikt", "District"),
    "nav_levekar": ("Levekår", "Levekår", "Living conditions"),
    "nav_evaluation": ("Plan", "Plan", "Plan"),
    "nav_sources": ("Kilder", "Kjelder", "Sources"),
    "nav_import": ("Import", "Import", "Import"),
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
    "findings_note": (
        "Setningene nevner bare forskjeller og utviklinger som er statistisk signifikante; "
        "skjulte tall (personvern) blir aldri gjort om til ord.",
        "Setningane nemner berre skilnader og utviklingar som er statistisk signifikante; "
        "skjulte tal (personvern) blir aldri gjorde om til ord.",
        "The sentences only mention differences and trends that are statistically "
        "significant; hidden (suppressed) figures are never put into words.",
    ),
    "local_source_short": (
        "kommunens egne tall",
        "kommunen sine eigne tal",
        "the kommune's own data",
    ),
    "findings_none": (
        "Ingen indikatorer skiller seg signifikant fra sammenligningen.",
        "Ingen indikatorar skil seg signifikant frå samanlikninga.",
        "No indicator differs significantly from its benchmark.",
    ),
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
    # Indikator page: funnel, map, breakdown by sex, captions.
    "view_mode": ("Visning", "Visning", "View"),
    "mode_bars": ("Stolper", "Stolpar", "Bars"),
    "mode_funnel": (
        "Traktdiagram (tar hensyn til størrelse)",
        "Traktdiagram (tek omsyn til storleik)",
        "Funnel plot (accounts for size)",
    ),
    "funnel_title": (
        "{indicator}: områdene i {kommune} etter størrelse, {period}",
        "{indicator}: områda i {kommune} etter storleik, {period}",
        "{indicator}: districts of {kommune} by size, {period}",
    ),
    "funnel_axis": (
        "Antall personer verdien bygger på (nevner)",
        "Tal på personar verdien byggjer på (nemnar)",
        "Number of people the value is based on (denominator)",
    ),
    "funnel_95": ("95 %-grense", "95 %-grense", "95 % limits"),
    "funnel_998": ("99,8 %-grense", "99,8 %-grense", "99.8 % limits"),
    "funnel_note": (
        "Hvert punkt er et område. Jo flere personer tallet bygger på (lenger til høyre), jo "
        "smalere er trakten, fordi små områder svinger mer av tilfeldigheter. Et punkt utenfor "
        "de stiplede linjene skiller seg fra {kommune} mer enn tilfeldigheter tilsier (95 %); "
        "utenfor de prikkede er forskjellen svært sikker (99,8 %).",
        "Kvart punkt er eit område. Di fleire personar talet byggjer på (lenger til høgre), di "
        "smalare er trakta, fordi små område svingar meir av tilfeldigheiter. Eit punkt utanfor "
        "dei stipla linjene skil seg frå {kommune} meir enn tilfeldigheiter tilseier (95 %); "
        "utanfor dei prikka er skilnaden svært sikker (99,8 %).",
        "Each point is a district. The more people a value is based on (further right), the "
        "narrower the funnel, because small districts vary more by chance. A point outside the "
        "dashed lines differs from {kommune} more than chance explains (95 %); outside the "
        "dotted lines the difference is very certain (99.8 %).",
    ),
    "funnel_unavailable": (
        "Traktdiagram krever en andel eller rate med antall og nevner. Denne indikatoren har "
        "ikke det, så den vises som stolper.",
        "Traktdiagram krev ein del eller rate med tal og nemnar. Denne indikatoren har ikkje "
        "det, så han blir vist som stolpar.",
        "A funnel plot needs a share or rate with a count and a denominator. This indicator "
        "has none, so it is shown as bars.",
    ),
    "funnel_position": ("Plassering i trakten", "Plassering i trakta", "Position in the funnel"),
    "funnel_within": ("Innenfor grensene", "Innanfor grensene", "Within the limits"),
    "funnel_above_95": ("Over 95 %-grensen", "Over 95 %-grensa", "Above the 95 % limit"),
    "funnel_below_95": ("Under 95 %-grensen", "Under 95 %-grensa", "Below the 95 % limit"),
    "funnel_above_998": ("Over 99,8 %-grensen", "Over 99,8 %-grensa", "Above the 99.8 % limit"),
    "funnel_below_998": (
        "Under 99,8 %-grensen",
        "Under 99,8 %-grensa",
        "Below the 99.8 % limit",
    ),
    "funnel_none": ("", "", ""),
    "hidden_areas": (
        "Skjult av personvernhensyn: {areas}.",
        "Skjult av omsyn til personvern: {areas}.",
        "Suppressed for privacy: {areas}.",
    ),
    "map_heading": ("Kart", "Kart", "Map"),
    "map_title": (
        "{indicator}: områdene i {kommune}, {period}",
        "{indicator}: områda i {kommune}, {period}",
        "{indicator}: districts of {kommune}, {period}",
    ),
    "map_kind": ("Karttype", "Karttype", "Map type"),
    "map_outlines": ("Områdegrenser", "Områdegrenser", "Boundaries"),
    "map_tiles": ("Rutekart", "Rutekart", "Tile map"),
    "map_outlines_note": (
        "Områdegrensene er fra kommunens egen fil. Fargen og symbolet viser sammenligningen med "
        "{kommune}.",
        "Områdegrensene er frå kommunen si eiga fil. Fargen og symbolet viser samanlikninga med "
        "{kommune}.",
        "Boundaries from the municipality's own file. Colour and symbol show the comparison "
        "with {kommune}.",
    ),
    "map_tiles_note": (
        "Rutekart: hvert område er en like stor rute, så små og store områder får like mye "
        "plass. Kommunen har ikke lagt inn områdegrenser, så rutene står i rekkefølgen til "
        "områdekodene, ikke etter geografien. Fargen og symbolet viser sammenligningen med "
        "{kommune}.",
        "Rutekart: kvart område er ei like stor rute, så små og store område får like mykje "
        "plass. Kommunen har ikkje lagt inn områdegrenser, så rutene står i rekkjefølgja til "
        "områdekodane, ikkje etter geografien. Fargen og symbolet viser samanlikninga med "
        "{kommune}.",
        "Tile map: every district is an equal square, so small and large districts get the "
        "same space. The municipality has no district boundaries, so the tiles follow the "
        "district codes, not geography. Colour and symbol show the comparison with {kommune}.",
    ),
    "map_tiles_geo_note": (
        "Rutekart: hvert område er en like stor rute, plassert omtrent etter geografien (nord "
        "øverst). Fargen og symbolet viser sammenligningen med {kommune}.",
        "Rutekart: kvart område er ei like stor rute, plassert omlag etter geografien (nord "
        "øvst). Fargen og symbolet viser samanlikninga med {kommune}.",
        "Tile map: every district is an equal square, placed roughly by geography (north at "
        "the top). Colour and symbol show the comparison with {kommune}.",
    ),
    "sex_heading": ("Etter kjønn", "Etter kjønn", "By sex"),
    "sex_title": (
        "{indicator} etter kjønn, {period}",
        "{indicator} etter kjønn, {period}",
        "{indicator} by sex, {period}",
    ),
    "sex_col": ("Kjønn", "Kjønn", "Sex"),
    "sex_all": ("Alle", "Alle", "All"),
    "sex_male": ("Gutter/menn", "Gutar/menn", "Male"),
    "sex_female": ("Jenter/kvinner", "Jenter/kvinner", "Female"),
    "sex_note": (
        "Tall etter kjønn finnes for kommunen, fylket og landet, ikke for områdene. Strekene "
        "viser 95 % konfidensintervall.",
        "Tal etter kjønn finst for kommunen, fylket og landet, ikkje for områda. Strekane viser "
        "95 % konfidensintervall.",
        "Figures by sex exist for the municipality, county and Norway, not for districts. The "
        "whiskers show 95 % confidence intervals.",
    ),
    "chart_caption": (
        "**Definisjon:** {definition} **Kilde:** {source}. **Periode:** {period}.",
        "**Definisjon:** {definition} **Kjelde:** {source}. **Periode:** {period}.",
        "**Definition:** {definition} **Source:** {source}. **Period:** {period}.",
    ),
    "bars_note": (
        "Stolpen er områdets verdi, streken 95 % konfidensintervall, og den stiplede linjen er "
        "{kommune}. Fargen og symbolet viser om forskjellen fra kommunen er statistisk sikker.",
        "Stolpen er verdien for området, streken 95 % konfidensintervall, og den stipla linja er "
        "{kommune}. Fargen og symbolet viser om skilnaden frå kommunen er statistisk sikker.",
        "The bar is the district's value, the whisker its 95 % confidence interval and the "
        "dashed line {kommune}. Colour and symbol show whether the difference is significant.",
    ),
    "period_col": ("Periode", "Periode", "Period"),
    "choose_areas": ("Velg områder", "Vel område", "Choose districts"),
    "no_district_data": (
        "Denne indikatoren finnes ikke for områdene i {kommune}, bare for kommunen, fylket og "
        "landet. Se dem nedenfor.",
        "Denne indikatoren finst ikkje for områda i {kommune}, berre for kommunen, fylket og "
        "landet. Sjå dei nedanfor.",
        "This indicator is not available for the districts of {kommune}, only for the "
        "municipality, county and Norway. See them below.",
    ),
    "choose_components": ("Velg komponenter", "Vel komponentar", "Choose components"),
    "trend_note": (
        "Det skraverte feltet rundt hver linje er 95 % konfidensintervall. Velg områder over "
        "diagrammet.",
        "Det skraverte feltet rundt kvar linje er 95 % konfidensintervall. Vel område over "
        "diagrammet.",
        "The shaded band around each line is the 95 % confidence interval. Choose districts "
        "above the chart.",
    ),
    # Levekårsindeks page.
    "page_levekar": ("Levekårsindeks", "Levekårsindeks", "Living conditions index"),
    "levekar_title": (
        "Levekårsindeks: {kommune}",
        "Levekårsindeks: {kommune}",
        "Living conditions index: {kommune}",
    ),
    "levekar_warning": (
        "**Indeksen er ikke en rangering av hvor det er best å bo.** Den samler noen få "
        "indikatorer på levekårsutfordringer og viser hvor i {kommune} de er størst, "
        "sammenlignet med de andre områdene i kommunen. Den sier ingenting om trivsel, nabolag "
        "eller hvor godt det er å vokse opp der, og den skal ikke brukes til å stemple et "
        "område eller menneskene som bor der.",
        "**Indeksen er ikkje ei rangering av kvar det er best å bu.** Han samlar nokre få "
        "indikatorar på levekårsutfordringar og viser kvar i {kommune} dei er størst, "
        "samanlikna med dei andre områda i kommunen. Han seier ingenting om trivsel, nabolag "
        "eller kor godt det er å vekse opp der, og han skal ikkje brukast til å stemple eit "
        "område eller menneska som bur der.",
        "**The index is not a ranking of where it is best to live.** It combines a few "
        "indicators of living-conditions challenges and shows where in {kommune} they are "
        "largest compared with the municipality's other districts. It says nothing about "
        "well-being, neighbourhoods or what it is like to grow up there, and must not be used "
        "to label a district or the people who live there.",
    ),
    "levekar_warning_short": (
        "Ikke en rangering av hvor det er best å bo: viser hvor levekårsutfordringene er størst.",
        "Ikkje ei rangering av kvar det er best å bu: viser kvar levekårsutfordringane er størst.",
        "Not a ranking of where it is best to live: shows where the challenges are largest.",
    ),
    "levekar_intro": (
        "Hver komponent gir områdene en skår fra 1 til 10 etter hvor de ligger blant områdene "
        "i kommunen (10 = størst utfordring; der en høy verdi er bra, er skalaen snudd). "
        "Indeksen er gjennomsnittet av skårene. Skårene er relative: 10 betyr størst "
        "utfordring her, ikke nødvendigvis stor utfordring.",
        "Kvar komponent gir områda ein skår frå 1 til 10 etter kvar dei ligg blant områda i "
        "kommunen (10 = størst utfordring; der ein høg verdi er bra, er skalaen snudd). "
        "Indeksen er gjennomsnittet av skårane. Skårane er relative: 10 tyder størst "
        "utfordring her, ikkje naudsynt stor utfordring.",
        "Each component scores the districts from 1 to 10 by where they lie among the "
        "municipality's districts (10 = largest challenge; reversed where a high value is "
        "good). The index is the mean of the scores. Scores are relative: 10 means the "
        "largest challenge here, not necessarily a large one.",
    ),
    "levekar_components": (
        "Komponenter i indeksen",
        "Komponentar i indeksen",
        "Components of the index",
    ),
    "levekar_too_few": (
        "Velg minst to komponenter.",
        "Vel minst to komponentar.",
        "Choose at least two components.",
    ),
    "levekar_heat_title": (
        "Skår per komponent (1–10) og indeks, områdene i {kommune}",
        "Skår per komponent (1–10) og indeks, områda i {kommune}",
        "Score per component (1–10) and index, districts of {kommune}",
    ),
    "levekar_bars_title": (
        "Levekårsindeks for områdene i {kommune}",
        "Levekårsindeks for områda i {kommune}",
        "Living conditions index, districts of {kommune}",
    ),
    "levekar_axis": (
        "Indeks: 1 = minst, 10 = størst levekårsutfordring i kommunen",
        "Indeks: 1 = minst, 10 = størst levekårsutfordring i kommunen",
        "Index: 1 = smallest, 10 = largest challenge in the municipality",
    ),
    "levekar_index": ("Indeks", "Indeks", "Index"),
    "score": ("Skår", "Skår", "Score"),
    "levekar_index_name": (
        "Levekårsindeks (gjennomsnitt av skår 1–10)",
        "Levekårsindeks (gjennomsnitt av skår 1–10)",
        "Living conditions index (mean of scores 1–10)",
    ),
    "levekar_score": ("Skår {score} av 10", "Skår {score} av 10", "Score {score} of 10"),
    "levekar_n": ("{n} av {k} komponenter", "{n} av {k} komponentar", "{n} of {k} components"),
    "levekar_n_col": ("Komponenter med tall", "Komponentar med tal", "Components with data"),
    "levekar_not_computed": (
        "Ingen indeks for {areas}: færre enn {m} av {k} komponenter har tall.",
        "Ingen indeks for {areas}: færre enn {m} av {k} komponentar har tal.",
        "No index for {areas}: fewer than {m} of {k} components have data.",
    ),
    "levekar_reversed": ("snudd: høy er bra", "snudd: høg er bra", "reversed: high is good"),
    "levekar_caption": (
        "**Komponenter og perioder:** {items}. **Kilde:** SSB og FHI; skår og indeks er "
        "beregnet i Utfordringsbilde etter SSBs metode (tidelsskår).",
        "**Komponentar og periodar:** {items}. **Kjelde:** SSB og FHI; skår og indeks er "
        "rekna ut i Utfordringsbilete etter metoden til SSB (tidelsskår).",
        "**Components and periods:** {items}. **Source:** SSB and FHI; scores and index "
        "computed by Utfordringsbilde with SSB's method (decile scores).",
    ),
    "levekar_bars_note": (
        "Høyere indeks betyr at flere av komponentene ligger blant de høyeste i kommunen. "
        "Forskjeller på under ett poeng er små.",
        "Høgare indeks tyder at fleire av komponentane ligg blant dei høgaste i kommunen. "
        "Skilnader på under eitt poeng er små.",
        "A higher index means more of the components are among the highest in the "
        "municipality. Differences below one point are small.",
    ),
    # --- Planevaluering (pages/evaluering.py, utfordringsbilde/evaluation.py) ---------------
    "page_evaluation": ("Planevaluering", "Planevaluering", "Plan evaluation"),
    "eval_intro": (
        "For hvert mål i planen: hvor vi står, hvor vi startet og om vi beveger oss i riktig "
        "retning. Under hver indikator ligger grunnlaget for statusen ett klikk unna.",
        "For kvart mål i planen: kvar vi står, kvar vi starta og om vi rører oss i rett "
        "retning. Under kvar indikator ligg grunnlaget for statusen eitt klikk unna.",
        "For each goal in the plan: where we stand, where we started and whether we are moving "
        "the right way. The basis of every status is one click away under its indicator.",
    ),
    "eval_no_plan": (
        "Det finnes ingen planfil for {kommune} ennå (data/plans/{code}.yaml).",
        "Det finst inga planfil for {kommune} enno (data/plans/{code}.yaml).",
        "There is no plan file for {kommune} yet (data/plans/{code}.yaml).",
    ),
    "eval_period": ("Periode", "Periode", "Period"),
    "eval_from": ("fra {start}", "frå {start}", "from {start}"),
    "eval_adopted": ("Vedtatt", "Vedteken", "Adopted"),
    "eval_not_stated": ("ikke oppgitt", "ikkje oppgitt", "not stated"),
    "eval_cycle_forum": (
        "Evalueres av {forum} hvert {years}. år",
        "Evaluerast av {forum} kvart {years}. år",
        "Evaluated by {forum} every {years} years",
    ),
    "eval_cycle": (
        "Evalueres hvert {years}. år",
        "Evaluerast kvart {years}. år",
        "Evaluated every {years} years",
    ),
    "eval_forum_only": ("Evalueres av {forum}", "Evaluerast av {forum}", "Evaluated by {forum}"),
    "eval_no_cycle": (
        "Ingen evalueringssyklus oppgitt",
        "Ingen evalueringssyklus oppgitt",
        "No evaluation cycle stated",
    ),
    "eval_revision": (
        "Revideres hvert {years}. år",
        "Reviderast kvart {years}. år",
        "Revised every {years} years",
    ),
    "eval_about_plan": (
        "Om planen og evalueringen",
        "Om planen og evalueringa",
        "About the plan and its evaluation",
    ),
    "eval_document": ("Dokument", "Dokument", "Document"),
    "eval_legal_basis": ("Lovgrunnlag", "Lovgrunnlag", "Legal basis"),
    "eval_sources": ("Kilder", "Kjelder", "Sources"),
    "eval_as_of": (
        "Data til og med {year}.",
        "Data til og med {year}.",
        "Data up to {year}.",
    ),
    "eval_summary": (
        "Status for planens {n} indikatorer",
        "Status for dei {n} indikatorane i planen",
        "Status of the plan's {n} indicators",
    ),
    "eval_status_target_met": ("Mål nådd", "Mål nådd", "Target met"),
    "eval_status_improving": ("Bedring", "Betring", "Improving"),
    "eval_status_little_or_no_change": (
        "Liten eller ingen endring",
        "Lita eller inga endring",
        "Little or no change",
    ),
    "eval_status_getting_worse": ("Forverring", "Forverring", "Getting worse"),
    "eval_status_not_judged": (
        "Endring uten god retning",
        "Endring utan god retning",
        "Change, no good direction",
    ),
    "eval_status_too_few_points": ("For få målinger", "For få målingar", "Too few points"),
    "eval_status_no_data": ("Ingen data ennå", "Ingen data enno", "No data yet"),
    "eval_red_flags": ("Røde flagg", "Raude flagg", "Red flags"),
    "eval_red_flags_intro": (
        "Dårligere enn sammenligningen *og* signifikant forverring de siste fem målingene "
        "(begge statistisk testet). Kommunen er sammenlignet med landet, områdene med kommunen.",
        "Dårlegare enn samanlikninga *og* signifikant forverring dei siste fem målingane "
        "(begge statistisk testa). Kommunen er samanlikna med landet, områda med kommunen.",
        "Worse than the benchmark *and* significantly getting worse over the last five points "
        "(both tested). The municipality is compared with Norway, districts with the "
        "municipality.",
    ),
    "eval_no_red_flags": (
        "Ingen røde flagg: ingen av planens indikatorer er både dårligere enn sammenligningen "
        "og i signifikant forverring.",
        "Ingen raude flagg: ingen av indikatorane i planen er både dårlegare enn samanlikninga "
        "og i signifikant forverring.",
        "No red flags: no indicator in the plan is both worse than its benchmark and "
        "significantly getting worse.",
    ),
    "eval_red_flag_sentence": (
        "**{area}**: {indicator} er {value} ({period}), dårligere enn {bench} ({bench_value}), "
        "og utviklingen de siste fem målingene går signifikant i feil retning.",
        "**{area}**: {indicator} er {value} ({period}), dårlegare enn {bench} ({bench_value}), "
        "og utviklinga dei siste fem målingane går signifikant i feil retning.",
        "**{area}**: {indicator} is {value} ({period}), worse than {bench} ({bench_value}), "
        "and the last five points show a significant worsening.",
    ),
    "eval_tab_goals": ("Mål og indikatorer", "Mål og indikatorar", "Goals and indicators"),
    "eval_tab_measures": (
        "Tiltak: dekning og hull",
        "Tiltak: dekning og hol",
        "Measures: coverage and gaps",
    ),
    "eval_strategy": ("Strategi", "Strategi", "Strategy"),
    "eval_other_goals": (
        "Mål som ikke hører til én strategi",
        "Mål som ikkje høyrer til éin strategi",
        "Goals not tied to one strategy",
    ),
    "eval_goal_main": ("Hovedmål", "Hovudmål", "Main goal"),
    "eval_goal_sub": ("Delmål", "Delmål", "Sub-goal"),
    "eval_also_under": (
        "Hører også til: {names}",
        "Høyrer òg til: {names}",
        "Also belongs to: {names}",
    ),
    "eval_goals_without": (
        "Mål uten egen indikator i planfilen ({n})",
        "Mål utan eigen indikator i planfila ({n})",
        "Goals with no indicator in the plan file ({n})",
    ),
    "eval_kind_population": (
        "Befolkningsindikator",
        "Befolkningsindikator",
        "Population indicator",
    ),
    "eval_kind_performance": (
        "Tjenestemål, rapporteres av kommunen",
        "Tenestemål, rapporterast av kommunen",
        "Service measure, reported by the municipality",
    ),
    "eval_latest": ("Siste", "Siste", "Latest"),
    "eval_baseline": ("Utgangspunkt", "Utgangspunkt", "Baseline"),
    "eval_target": ("Mål", "Mål", "Target"),
    "eval_achieved": (
        "Oppnådd av målsatt endring",
        "Oppnådd av målsett endring",
        "Targeted change achieved",
    ),
    "eval_not_quantified": ("ikke tallfestet", "ikkje talfesta", "not quantified"),
    "eval_demo_target": ("demomål", "demomål", "demo target"),
    "eval_by_year": ("innen {year}", "innan {year}", "by {year}"),
    "eval_no_data_reported": (
        "ingen data ennå — rapporteres av kommunen",
        "ingen data enno — rapporterast av kommunen",
        "no data yet — reported by the municipality",
    ),
    "eval_no_data_public": (
        "ingen data i databasen",
        "ingen data i databasen",
        "no data in the warehouse",
    ),
    "eval_basis": ("Grunnlag for status", "Grunnlag for status", "Basis of the status"),
    "eval_baseline_substitute": (
        "første år med tall; planen sier {year}",
        "første år med tal; planen seier {year}",
        "first year with data; the plan says {year}",
    ),
    "eval_short_target": ("målet er nådd", "målet er nådd", "target reached"),
    "eval_short_trend": ("trendtest, 5 målinger", "trendtest, 5 målingar", "trend test, 5 points"),
    "eval_short_ci_apart": ("KI overlapper ikke", "KI overlappar ikkje", "CIs apart"),
    "eval_short_ci_overlap": ("KI overlapper", "KI overlappar", "CIs overlap"),
    "eval_short_figure_inside": ("innenfor KI", "innanfor KI", "inside CI"),
    "eval_short_figure_outside": ("utenfor KI", "utanfor KI", "outside CI"),
    "eval_short_direction": ("bare retning", "berre retning", "direction only"),
    "eval_short_too_few": ("for få målinger", "for få målingar", "too few points"),
    "eval_short_baseline_is_latest": ("bare utgangspunkt", "berre utgangspunkt", "baseline only"),
    "eval_short_no_data": ("ingen tall", "ingen tal", "no figures"),
    "eval_short_unknown": ("se teknisk", "sjå teknisk", "see technical"),
    "eval_basis_from_plan": ("tall fra planen", "tal frå planen", "figure from the plan"),
    "eval_basis_from_data": ("fra dataene", "frå dataa", "from the data"),
    "eval_good_direction": ("God retning", "God retning", "Good direction"),
    "eval_high_good": ("høyere er bedre", "høgare er betre", "higher is better"),
    "eval_low_good": ("lavere er bedre", "lågare er betre", "lower is better"),
    "eval_no_good_direction": ("ingen god retning", "inga god retning", "no good direction"),
    "eval_direction_from_target": (
        "(gitt av målet)",
        "(gitt av målet)",
        "(given by the target)",
    ),
    "eval_change": ("Endring", "Endring", "Change"),
    "eval_test": ("Vurdering", "Vurdering", "Test"),
    "eval_technical": ("Teknisk", "Teknisk", "Technical"),
    "eval_target_direction_only": (
        "ikke tallfestet: statusen bygger bare på retningen",
        "ikkje talfesta: statusen byggjer berre på retninga",
        "not quantified: the status rests on the direction alone",
    ),
    "eval_test_target": (
        "Siste måling har nådd målet.",
        "Siste måling har nådd målet.",
        "The latest point reaches the target.",
    ),
    "eval_test_trend": (
        "Trendtest (Fingertips-metoden) på de siste fem målingene med 95 % "
        "konfidensintervall: signifikant ved χ² over 9,55 og samme retning når ett punkt "
        "tas ut.",
        "Trendtest (Fingertips-metoden) på dei siste fem målingane med 95 % "
        "konfidensintervall: signifikant ved χ² over 9,55 og same retning når eitt punkt "
        "blir teke ut.",
        "Trend test (Fingertips method) on the last five points with 95 % confidence "
        "intervals: significant when χ² exceeds 9.55 and the slope keeps its sign with any "
        "one point left out.",
    ),
    "eval_test_ci_apart": (
        "95 % konfidensintervall for utgangspunkt og siste måling overlapper ikke: "
        "endringen er statistisk sikker.",
        "95 % konfidensintervall for utgangspunkt og siste måling overlappar ikkje: "
        "endringa er statistisk sikker.",
        "The 95 % intervals of baseline and latest do not overlap: the change is significant.",
    ),
    "eval_test_ci_overlap": (
        "95 % konfidensintervall for utgangspunkt og siste måling overlapper: ingen sikker "
        "endring.",
        "95 % konfidensintervall for utgangspunkt og siste måling overlappar: inga sikker endring.",
        "The 95 % intervals of baseline and latest overlap: no significant change.",
    ),
    "eval_test_figure_inside": (
        "Planens tall for utgangspunktet ligger innenfor siste målings 95 % "
        "konfidensintervall: ingen sikker endring.",
        "Talet i planen for utgangspunktet ligg innanfor 95 % konfidensintervallet til siste "
        "måling: inga sikker endring.",
        "The plan's baseline figure lies inside the latest 95 % interval: no significant change.",
    ),
    "eval_test_figure_outside": (
        "Planens tall for utgangspunktet ligger utenfor siste målings 95 % "
        "konfidensintervall: endringen er statistisk sikker.",
        "Talet i planen for utgangspunktet ligg utanfor 95 % konfidensintervallet til siste "
        "måling: endringa er statistisk sikker.",
        "The plan's baseline figure lies outside the latest 95 % interval: the change is "
        "significant.",
    ),
    "eval_test_direction": (
        "Bare retningen, ikke testet mot tilfeldig variasjon (tallene har ikke "
        "konfidensintervall). Endring under ±2 % av utgangspunktet regnes som ingen endring.",
        "Berre retninga, ikkje testa mot tilfeldig variasjon (tala har ikkje "
        "konfidensintervall). Endring under ±2 % av utgangspunktet blir rekna som inga "
        "endring.",
        "Direction only, not tested against chance (the figures have no confidence "
        "intervals). A change within ±2 % of the baseline counts as no change.",
    ),
    "eval_test_too_few": (
        "For få målinger fra utgangspunktet til å vurdere endring (minst to trengs).",
        "For få målingar frå utgangspunktet til å vurdere endring (minst to trengst).",
        "Too few points from the baseline on to judge change (at least two are needed).",
    ),
    "eval_test_baseline_is_latest": (
        "Siste måling er selve utgangspunktet; det finnes ingen nyere tall ennå.",
        "Siste måling er sjølve utgangspunktet; det finst ingen nyare tal enno.",
        "The latest point is the baseline itself; there are no newer figures yet.",
    ),
    "eval_test_no_data": (
        "Ingen tall å vurdere ennå.",
        "Ingen tal å vurdere enno.",
        "No figures to judge yet.",
    ),
    "eval_test_unknown": (
        "Se teknisk beskrivelse.",
        "Sjå teknisk skildring.",
        "See the technical description.",
    ),
    "eval_test_not_judged": (
        "Indikatoren har ingen god retning og planen setter ikke noe mål, så endringen "
        "vurderes ikke som bedre eller verre.",
        "Indikatoren har inga god retning og planen set ikkje noko mål, så endringa blir "
        "ikkje vurdert som betre eller verre.",
        "The indicator has no good direction and the plan sets no target, so the change is "
        "not judged better or worse.",
    ),
    "eval_benchmark_now": (
        "{bench} i samme periode: {value}",
        "{bench} i same periode: {value}",
        "{bench} in the same period: {value}",
    ),
    "eval_gap_to_landet": (
        "Planen følger avstanden til {landet} ({area} minus {landet}): {gap_b} i {bperiod}, "
        "{gap_l} i {lperiod}.",
        "Planen følgjer avstanden til {landet} ({area} minus {landet}): {gap_b} i {bperiod}, "
        "{gap_l} i {lperiod}.",
        "The plan follows the gap to {landet} ({area} minus {landet}): {gap_b} in {bperiod}, "
        "{gap_l} in {lperiod}.",
    ),
    "eval_pp": ("prosentpoeng", "prosentpoeng", "percentage points"),
    "eval_plan_file_note": ("Fra planfilen", "Frå planfila", "From the plan file"),
    "eval_trend5": ("Trend (siste 5)", "Trend (siste 5)", "Trend (last 5)"),
    "eval_per_district": ("Per område ({n})", "Per område ({n})", "By district ({n})"),
    "eval_each_district": (
        "Planen følger denne i hvert område",
        "Planen følgjer denne i kvart område",
        "The plan follows this in every district",
    ),
    "eval_red_flag": ("Rødt flagg", "Raudt flagg", "Red flag"),
    "eval_district_note": (
        "Hvert område: egen status fra utgangspunktet med testen den bygger på (KI = 95 % "
        "konfidensintervall), sammenlignet med kommunen i siste periode, og trend over de siste "
        "fem målingene.",
        "Kvart område: eigen status frå utgangspunktet med testen han byggjer på (KI = 95 % "
        "konfidensintervall), samanlikna med kommunen i siste periode, og trend over dei siste "
        "fem målingane.",
        "Each district: its own status from the baseline with the test it rests on (CI = 95 % "
        "confidence interval), compared with the municipality in the latest period, and the "
        "trend over the last five points.",
    ),
    "eval_notes": ("Historien bak kurven", "Historia bak kurva", "The story behind the curve"),
    "eval_notes_n": (
        "Historien bak kurven ({n})",
        "Historia bak kurva ({n})",
        "The story behind the curve ({n})",
    ),
    "eval_no_notes": ("Ingen notater ennå.", "Ingen notat enno.", "No notes yet."),
    "eval_note_what_we_see": ("Hva ser vi?", "Kva ser vi?", "What do we see?"),
    "eval_note_why": ("Hvorfor?", "Kvifor?", "Why?"),
    "eval_note_what_we_do": ("Hva gjør vi?", "Kva gjer vi?", "What do we do?"),
    "eval_note_author": ("Skrevet av", "Skrive av", "Written by"),
    "eval_note_area": ("Gjelder", "Gjeld", "Concerns"),
    "eval_note_whole_kommune": ("Hele kommunen", "Heile kommunen", "The whole municipality"),
    "eval_note_add": ("Lagre notat", "Lagre notat", "Save note"),
    "eval_note_new": ("Nytt notat", "Nytt notat", "New note"),
    "eval_note_saved": ("Notatet er lagret.", "Notatet er lagra.", "The note is saved."),
    "eval_note_help": (
        "Notatene lagres for seg og blir ikke borte når dataene oppdateres. Ren tekst; "
        "HTML fjernes.",
        "Notata blir lagra for seg og blir ikkje borte når dataa blir oppdaterte. Rein tekst; "
        "HTML blir fjerna.",
        "Notes are stored separately and survive data refreshes. Plain text; HTML is removed.",
    ),
    "eval_note_err_author_missing": (
        "Skriv hvem notatet er fra.",
        "Skriv kven notatet er frå.",
        "Say who the note is from.",
    ),
    "eval_note_err_empty": (
        "Skriv noe i minst ett av feltene.",
        "Skriv noko i minst eitt av felta.",
        "Write something in at least one field.",
    ),
    "eval_note_err_too_long": (
        "For lang tekst: høyst {limit} tegn.",
        "For lang tekst: høgst {limit} teikn.",
        "Too long: at most {limit} characters.",
    ),
    "eval_note_err_other": (
        "Notatet kunne ikke lagres.",
        "Notatet kunne ikkje lagrast.",
        "The note could not be saved.",
    ),
    "eval_measures_title": (
        "Tiltak etter risikofaktor og forebyggingsnivå",
        "Tiltak etter risikofaktor og førebyggingsnivå",
        "Measures by risk factor and prevention level",
    ),
    "eval_measures_intro": (
        "Hver celle viser planens tiltak for en risikofaktor (Kvello) på ett nivå. Tomme "
        "celler er hull.",
        "Kvar celle viser tiltaka i planen for ein risikofaktor (Kvello) på eitt nivå. Tomme "
        "celler er hol.",
        "Each cell lists the plan's measures for one risk factor (Kvello) at one level. Empty "
        "cells are gaps.",
    ),
    "eval_gap": ("Hull: ingen tiltak", "Hol: ingen tiltak", "Gap: no measure"),
    "eval_gap_count": (
        "{n} av {total} celler er uten tiltak. {general} har bare generelle tiltak, som gjelder "
        "alle risikofaktorer.",
        "{n} av {total} celler er utan tiltak. {general} har berre generelle tiltak, som gjeld "
        "alle risikofaktorar.",
        "{n} of {total} cells have no measure. {general} have only general measures, which "
        "address every risk factor.",
    ),
    "eval_general_sentence": (
        "Bare generelle tiltak på {level} nivå for risikofaktorer planen selv nevner: {factors}. "
        "Ingen tiltak er rettet særskilt mot dem.",
        "Berre generelle tiltak på {level} nivå for risikofaktorar planen sjølv nemner: "
        "{factors}. Ingen tiltak er retta særskilt mot dei.",
        "Only general measures at the {level} level for risk factors the plan itself names: "
        "{factors}. No measure is aimed at them in particular.",
    ),
    "eval_all_risk_factors": (
        "Alle risikofaktorer (generelle tiltak)",
        "Alle risikofaktorar (generelle tiltak)",
        "All risk factors (general measures)",
    ),
    "eval_general_only": (
        "Bare generelle tiltak",
        "Berre generelle tiltak",
        "General measures only",
    ),
    "eval_gap_sentence": (
        "Ingen tiltak på {level} nivå for risikofaktorer planen selv nevner: {factors}. "
        "Manglende tiltak på laveste nivå bør prioriteres.",
        "Ingen tiltak på {level} nivå for risikofaktorar planen sjølv nemner: {factors}. "
        "Manglande tiltak på lågaste nivå bør prioriterast.",
        "No measure at the {level} level for risk factors the plan itself names: {factors}. "
        "Missing measures at the lowest level should come first.",
    ),
    "eval_level_universal": ("Universelt", "Universelt", "Universal"),
    "eval_level_selective": ("Selektivt", "Selektivt", "Selective"),
    "eval_level_indicated": ("Indikert", "Indikert", "Indicated"),
    "eval_level_niva_0": ("Nivå 0", "Nivå 0", "Level 0"),
    "eval_level_niva_1": ("Nivå 1", "Nivå 1", "Level 1"),
    "eval_level_niva_2": ("Nivå 2", "Nivå 2", "Level 2"),
    "eval_level_niva_3": ("Nivå 3", "Nivå 3", "Level 3"),
    "eval_no_risk_factor": (
        "Ingen risikofaktor oppgitt (systemtiltak)",
        "Ingen risikofaktor oppgitt (systemtiltak)",
        "No risk factor given (system measures)",
    ),
    "eval_in_plan": ("nevnt i planen", "nemnd i planen", "named in the plan"),
    "eval_without_level": (
        "Tiltak uten forebyggingsnivå: {names}",
        "Tiltak utan førebyggingsnivå: {names}",
        "Measures without a prevention level: {names}",
    ),
    "eval_mapped_note": (
        "Merket med stjerne (*): nivå eller risikofaktor er vår tolkning av planteksten, ikke "
        "planens egne ord.",
        "Merkt med stjerne (*): nivå eller risikofaktor er vår tolking av planteksten, ikkje "
        "orda i planen.",
        "Marked with an asterisk (*): level or risk factor is our reading of the plan text, not "
        "the plan's own words.",
    ),
    "eval_tonsberg_levels": (
        "Planen bruker Tønsbergs egne nivåer (Nivå 0–3).",
        "Planen brukar Tønsberg sine eigne nivå (Nivå 0–3).",
        "The plan uses Tønsberg's own levels (Nivå 0–3).",
    ),
    "eval_measure": ("Tiltak", "Tiltak", "Measure"),
    "eval_levels": ("Nivå", "Nivå", "Level"),
    "eval_risk_factors": ("Risikofaktorer", "Risikofaktorar", "Risk factors"),
    "eval_responsible": ("Ansvar", "Ansvar", "Responsible"),
    "eval_measure_status": ("Status", "Status", "Status"),
    "eval_priority": ("Prioritert", "Prioritert", "Prioritised"),
    "eval_mapped": ("Tolkning", "Tolking", "Our reading"),
    "eval_yes": ("ja", "ja", "yes"),
    "eval_mstatus_planned": ("Planlagt", "Planlagt", "Planned"),
    "eval_mstatus_ongoing": ("Pågår", "Pågår", "Ongoing"),
    "eval_mstatus_implemented": ("Gjennomført", "Gjennomført", "Implemented"),
    "eval_mstatus_ended": ("Avsluttet", "Avslutta", "Ended"),
    "eval_mstatus_unknown": ("Ukjent", "Ukjend", "Unknown"),
    "eval_spark_line": ("Svart linje: {area}", "Svart linje: {area}", "Black line: {area}"),
    "eval_spark_landet": ("grå stiplet: {landet}", "grå stipla: {landet}", "grey dashed: {landet}"),
    "eval_spark_ring": ("ring: utgangspunkt", "ring: utgangspunkt", "ring: baseline"),
    "eval_spark_target": ("blå prikket: mål", "blå prikka: mål", "blue dotted: target"),
    # Import of the kommune's own data (pages/importer.py)
    "page_import": ("Importer egne data", "Importer eigne data", "Import own data"),
    "import_template": ("Last ned malen", "Last ned malen", "Download the template"),
    "import_login_needed": (
        "Logg inn for å importere data. Å se på dashbordet krever ingen innlogging.",
        "Logg inn for å importere data. Å sjå på dashbordet krev inga innlogging.",
        "Sign in to import data. Viewing the dashboard needs no sign-in.",
    ),
    "import_login": ("Logg inn", "Logg inn", "Sign in"),
    "import_logout": ("Logg ut", "Logg ut", "Sign out"),
    "import_no_auth": (
        "Innlogging er ikke satt opp, så import fra siden er slått av. Bruk kommandolinjen:",
        "Innlogging er ikkje sett opp, så import frå sida er slått av. Bruk kommandolinja:",
        "Sign-in is not configured, so importing from this page is off. Use the command line:",
    ),
    "import_upload": ("Velg fil (CSV eller XLSX)", "Vel fil (CSV eller XLSX)", "Choose a file"),
    "import_errors": (
        "{n} feil: ingenting er lastet inn.",
        "{n} feil: ingenting er lasta inn.",
        "{n} errors: nothing was loaded.",
    ),
    "import_valid": (
        "Filen er gyldig: {rows} distriktsrader for {kommune}.",
        "Fila er gyldig: {rows} distriktsrader for {kommune}.",
        "The file is valid: {rows} district rows for {kommune}.",
    ),
    "import_load": ("Last inn", "Last inn", "Load"),
    "import_done": (
        "Lastet inn {rows} rader (kjøring {run}).",
        "Lasta inn {rows} rader (køyring {run}).",
        "Loaded {rows} rows (run {run}).",
    ),
    "import_warnings": ("Advarsler", "Åtvaringar", "Warnings"),
    # Meeting slides (utfordringsbilde/slides.py): Møtemodus, the PowerPoint deck and the PDF
    "slide_title": (
        "Utfordringsbilde for {kommune}",
        "Utfordringsbilete for {kommune}",
        "Challenge picture for {kommune}",
    ),
    "slide_subtitle": (
        "Oppvekst og levekår for barn og unge: viktigste funn fra statistikken",
        "Oppvekst og levekår for born og unge: viktigaste funn frå statistikken",
        "Growing up and living conditions for children: key findings from the statistics",
    ),
    "slide_district_title": (
        "{district} i {kommune}",
        "{district} i {kommune}",
        "{district}, {kommune}",
    ),
    "slide_about_kicker": ("Om tallene", "Om tala", "About the figures"),
    "slide_about_headline": (
        "Bare forskjeller som er statistisk signifikante, er omtalt som forskjeller.",
        "Berre skilnader som er statistisk signifikante, er omtalte som skilnader.",
        "Only statistically significant differences are described as differences.",
    ),
    "slide_about_body_1": (
        "Små tall om barn er skjult av personvernhensyn (:) og blir aldri gjort om til ord.",
        "Små tal om born er skjulte av omsyn til personvern (:) og blir aldri gjorde om til ord.",
        "Small counts about children are hidden for privacy (:) and never put into words.",
    ),
    "slide_about_body_2": (
        "Trender er testet over de fem siste målingene (Fingertips' metode).",
        "Trendar er testa over dei fem siste målingane (metoden til Fingertips).",
        "Trends are tested over the last five points (the Fingertips method).",
    ),
    "slide_data_date": (
        "Data: {period} · bygd {built}",
        "Data: {period} · bygd {built}",
        "Data: {period} · built {built}",
    ),
    "slide_sources": ("Kilder: {sources}", "Kjelder: {sources}", "Sources: {sources}"),
    "slide_demo": (
        "DEMODATA – simulerte tall",
        "DEMODATA – simulerte tal",
        "DEMO DATA – simulated",
    ),
    "slide_no_findings": (
        "Ingen indikatorer skiller seg signifikant fra landet eller mellom områdene.",
        "Ingen indikatorar skil seg signifikant frå landet eller mellom områda.",
        "No indicator differs significantly from Norway or between the areas.",
    ),
    "slide_alt_bars": (
        "Stolpediagram over {name} per område. {kommune}: {kommune_value}. Høyest: {top} "
        "({top_value}). Lavest: {low} ({low_value}).",
        "Stolpediagram over {name} per område. {kommune}: {kommune_value}. Høgast: {top} "
        "({top_value}). Lågast: {low} ({low_value}).",
        "Bar chart of {name} by area. {kommune}: {kommune_value}. Highest: {top} "
        "({top_value}). Lowest: {low} ({low_value}).",
    ),
    "slide_alt_hidden": (
        " {n} område(r) er skjult av personvernhensyn.",
        " {n} område(r) er skjulte av omsyn til personvern.",
        " {n} area(s) hidden for privacy.",
    ),
    "slide_alt_trend": (
        "Linjediagram over {name} over tid for {areas}. Siste verdi for {first}: {value}.",
        "Linjediagram over {name} over tid for {areas}. Siste verdi for {first}: {value}.",
        "Line chart of {name} over time for {areas}. Latest value for {first}: {value}.",
    ),
    "slide_alt_status": (
        "Stolpediagram over status for planens indikatorer: {parts}.",
        "Stolpediagram over status for indikatorane i planen: {parts}.",
        "Bar chart of the status of the plan's indicators: {parts}.",
    ),
    "slide_compared": (
        "Sammenlignet med kommunen",
        "Samanlikna med kommunen",
        "Compared with the municipality",
    ),
    "slide_status": ("Status", "Status", "Status"),
    "slide_count": ("Antall indikatorer", "Tal på indikatorar", "Number of indicators"),
    # The PDF status report (utfordringsbilde/report.py)
    "report_title": (
        "Utfordringsbilde og planevaluering",
        "Utfordringsbilete og planevaluering",
        "Challenge picture and plan evaluation",
    ),
    "report_for_forum": (
        "Statusrapport til {forum}",
        "Statusrapport til {forum}",
        "Status report for {forum}",
    ),
    "report_status_report": ("Statusrapport", "Statusrapport", "Status report"),
    "report_summary": ("Sammendrag", "Samandrag", "Summary"),
    "report_picture": (
        "Utfordringsbildet etter {level}",
        "Utfordringsbiletet etter {level}",
        "The challenge picture by {level}",
    ),
    "report_sources": ("Kilder og metode", "Kjelder og metode", "Sources and method"),
    "report_data_built": (
        "Data bygd {built}. Rapporten laget {today}.",
        "Data bygde {built}. Rapporten laga {today}.",
        "Data built {built}. Report made {today}.",
    ),
    "report_data_built_short": ("data bygd {built}", "data bygde {built}", "data built {built}"),
    "report_page": ("side {n} av {total}", "side {n} av {total}", "page {n} of {total}"),
    "report_no_plan": (
        "Kommunen har ingen planfil i data/plans/; planevalueringen er utelatt.",
        "Kommunen har inga planfil i data/plans/; planevalueringa er utelaten.",
        "The kommune has no plan file in data/plans/; the plan evaluation is left out.",
    ),
    "report_method_1": (
        "Forskjeller er testet med 95 % konfidensintervall (Wilson for andeler, Byar for "
        "rater) og omtalt som forskjeller bare når testen er signifikant.",
        "Skilnader er testa med 95 % konfidensintervall (Wilson for delar, Byar for "
        "ratar) og omtalte som skilnader berre når testen er signifikant.",
        "Differences are tested with 95 % confidence intervals (Wilson for shares, Byar "
        "for rates) and called differences only when the test is significant.",
    ),
    "report_method_2": (
        "Trender er testet over de fem siste målingene med Fingertips' metode.",
        "Trendar er testa over dei fem siste målingane med metoden til Fingertips.",
        "Trends are tested over the last five points with the Fingertips method.",
    ),
    "report_method_3": (
        "Små tall er skjult av personvernhensyn (:) og vises aldri, heller ikke i tekst.",
        "Små tal er skjulte av omsyn til personvern (:) og blir aldri viste, heller ikkje i tekst.",
        "Small numbers are hidden for privacy (:) and never shown, not even in text.",
    ),
    "report_demo_warning": (
        "DEMODATA: tallene er simulerte og beskriver ikke virkeligheten.",
        "DEMODATA: tala er simulerte og skildrar ikkje røyndomen.",
        "DEMO DATA: the figures are simulated and do not describe reality.",
    ),
    "report_chart": ("Figur", "Figur", "Figure"),
    # Møtemodus controls (ui/meeting.py)
    "mote_exit": ("← Avslutt", "← Avslutt", "← Exit"),
    "mote_exit_title": (
        "Avslutt møtemodus (Esc)",
        "Avslutt møtemodus (Esc)",
        "Leave meeting mode (Esc)",
    ),
    "mote_first": ("Første", "Første", "First"),
    "mote_prev": ("Forrige", "Førre", "Previous"),
    "mote_next": ("Neste", "Neste", "Next"),
    "mote_last": ("Siste", "Siste", "Last"),
    "mote_fullscreen": ("Fullskjerm", "Fullskjerm", "Full screen"),
    "mote_fullscreen_title": (
        "Fullskjerm av/på (F)",
        "Fullskjerm av/på (F)",
        "Toggle full screen (F)",
    ),
    "mote_auto": ("Automatisk bla", "Automatisk bla", "Advance automatically"),
    "mote_seconds": ("Sekunder per lysbilde", "Sekund per lysbilete", "Seconds per slide"),
    "mote_counter": ("Lysbilde {n} av {total}", "Lysbilete {n} av {total}", "Slide {n} of {total}"),
    "mote_table": ("Tabell", "Tabell", "Table"),
    "mote_download": ("Last ned", "Last ned", "Download"),
    "mote_chart": ("Diagram: ", "Diagram: ", "Chart: "),
    "mote_keys": (
        "Piltastene, Page Up/Down og mellomrom blar; Home/End går til første/siste; F "
        "gir fullskjerm; Esc avslutter.",
        "Piltastane, Page Up/Down og mellomrom blar; Home/End går til første/siste; F "
        "gjev fullskjerm; Esc avsluttar.",
        "Arrow keys, Page Up/Down and Space turn the slides; Home/End go to the "
        "first/last; F toggles full screen; Esc leaves.",
    ),
    # Alt text read from a chart (charts.alt_text)
    "alt_bars": ("Stolpediagram", "Stolpediagram", "Bar chart"),
    "alt_lines": ("Linjediagram", "Linjediagram", "Line chart"),
    "alt_points": ("Punktdiagram", "Punktdiagram", "Dot chart"),
    "alt_map": ("Kart", "Kart", "Map"),
    "alt_chart": ("Diagram", "Diagram", "Chart"),
    "alt_highest": ("høyest", "høgast", "highest"),
    "alt_lowest": ("lavest", "lågast", "lowest"),
    "alt_series": ("serier", "seriar", "series"),
    "alt_latest": ("siste verdi", "siste verdi", "latest value"),
    "alt_n_points": ("{n} punkter", "{n} punkt", "{n} points"),
    "alt_table": (
        "Tallene står i tabellen ved diagrammet.",
        "Tala står i tabellen ved diagrammet.",
        "The figures are in the table next to the chart.",
    ),
    # Finding sentences (utfordringsbilde/narrative.py); agreement comes from grammar.py
    "find_higher": ("høyere", "høgare", "higher"),
    "find_lower": ("lavere", "lågare", "lower"),
    "find_significantly": ("signifikant", "signifikant", "significantly"),
    "find_than_in": ("enn i", "enn i", "than in"),
    "find_not_different": (
        "ikke signifikant forskjellig fra {bench}",
        "ikkje signifikant forskjellig frå {bench}",
        "not significantly different from {bench}",
    ),
    "find_kommunen": ("kommunen", "kommunen", "the municipality"),
    "find_landet": ("landet", "landet", "Norway"),
    "find_increased": ("har økt", "har auka", "has risen"),
    "find_decreased": ("har gått ned", "har gått ned", "has fallen"),
    "find_stable": ("har vært {adj}", "har vore {adj}", "has been {adj}"),
    "find_stable_adj": ("stabil", "stabil", "stable"),
    "find_last_years": ("de siste {n} årene", "dei siste {n} åra", "over the last {n} years"),
    "find_last_periods": (
        "de siste {n} måleperiodene",
        "dei siste {n} måleperiodane",
        "over the last {n} measurement periods",
    ),
    "find_in_districts": (
        "I {count} er {subject} {sig} {direction} enn i kommunen: {names}.",
        "I {count} er {subject} {sig} {direction} enn i kommunen: {names}.",
        "In {count}, {subject} is {sig} {direction} than in the municipality: {names}.",
    ),
    "find_fallback": (
        "{name} i {area} er {value}",
        "{name} i {area} er {value}",
        "{name} in {area} is {value}",
    ),
    "find_status_target_met": ("har nådd målet", "har nådd målet", "reached the target"),
    "find_status_improving": (
        "går i riktig retning",
        "går i rett retning",
        "moved in the right direction",
    ),
    "find_status_little_or_no_change": (
        "viser liten eller ingen endring",
        "viser lita eller inga endring",
        "showed little or no change",
    ),
    "find_status_getting_worse": (
        "går i feil retning",
        "går i feil retning",
        "moved in the wrong direction",
    ),
    "find_status_not_judged": (
        "har endret seg uten at planen sier hvilken retning som er god",
        "har endra seg utan at planen seier kva retning som er god",
        "changed where the plan sets no good direction",
    ),
    "find_status_too_few_points": (
        "har for få målinger til å vurderes",
        "har for få målingar til å vurderast",
        "had too few points to judge",
    ),
    "find_status_no_data": ("mangler data", "manglar data", "had no data"),
    "find_plan_has": (
        "Planen har {count}: {clauses}.",
        "Planen har {count}: {clauses}.",
        "The plan has {count}: {clauses}.",
    ),
    "find_red_flags": (
        "Evalueringen finner {count} (dårligere enn sammenligningen og samtidig "
        "signifikant forverring)",
        "Evalueringa finn {count} (dårlegare enn samanlikninga og samtidig signifikant forverring)",
        "The evaluation finds {count} (worse than the benchmark and getting significantly worse)",
    ),
    "find_no_red_flags": (
        "Evalueringen finner ingen røde flagg: ingen områder er både dårligere enn "
        "sammenligningen og i signifikant forverring.",
        "Evalueringa finn ingen raude flagg: ingen område er både dårlegare enn "
        "samanlikninga og i signifikant forverring.",
        "The evaluation finds no red flags: no area is both worse than its benchmark and "
        "getting significantly worse.",
    ),
    # --- keys added by the vocab refactor ---
    "eval_status_not_tested": (
        "Endring, ikke testet",
        "Endring, ikkje testa",
        "Change, not tested",
    ),
    "find_status_not_tested": (
        "har endret seg uten at endringen kan testes",
        "har endra seg utan at endringa kan testast",
        "changed in a way the data cannot test",
    ),
    "eval_test_difference_sig": (
        "Utgangspunkt og siste måling er sammenlignet med en z-test på forskjellen "
        "(standardfeil fra 95 % konfidensintervall: Wilson for andeler, Byar for rater): "
        "endringen er statistisk sikker.",
        "Utgangspunkt og siste måling er samanlikna med ein z-test på skilnaden "
        "(standardfeil frå 95 % konfidensintervall: Wilson for delar, Byar for ratar): "
        "endringa er statistisk sikker.",
        "Baseline and latest are compared with a z test of the difference (standard errors "
        "from the 95 % confidence intervals: Wilson for shares, Byar for rates): the change "
        "is significant.",
    ),
    "eval_test_difference_not_sig": (
        "Utgangspunkt og siste måling er sammenlignet med en z-test på forskjellen "
        "(standardfeil fra 95 % konfidensintervall: Wilson for andeler, Byar for rater): "
        "ingen sikker endring.",
        "Utgangspunkt og siste måling er samanlikna med ein z-test på skilnaden "
        "(standardfeil frå 95 % konfidensintervall: Wilson for delar, Byar for ratar): "
        "inga sikker endring.",
        "Baseline and latest are compared with a z test of the difference (standard errors "
        "from the 95 % confidence intervals: Wilson for shares, Byar for rates): no "
        "significant change.",
    ),
    "eval_short_difference_sig": ("sikker endring", "sikker endring", "significant change"),
    "eval_short_difference_not_sig": (
        "ingen sikker endring",
        "inga sikker endring",
        "no significant change",
    ),
    "eval_basis_target": (
        "Siste måling, {latest} ({lperiod}), har nådd målet {target}.",
        "Siste måling, {latest} ({lperiod}), har nådd målet {target}.",
        "The latest point, {latest} ({lperiod}), reaches the target {target}.",
    ),
    "eval_basis_difference": (
        "Utgangspunkt {base} ({bperiod}) mot siste måling {latest} ({lperiod}): endring "
        "{change}, z\u00a0=\u00a0{z}, {outcome}.",
        "Utgangspunkt {base} ({bperiod}) mot siste måling {latest} ({lperiod}): endring "
        "{change}, z\u00a0=\u00a0{z}, {outcome}.",
        "Baseline {base} ({bperiod}) against latest {latest} ({lperiod}): change {change}, "
        "z\u00a0=\u00a0{z}, {outcome}.",
    ),
    "eval_basis_sig": (
        "statistisk sikker (|z| over {limit})",
        "statistisk sikker (|z| over {limit})",
        "significant (|z| above {limit})",
    ),
    "eval_basis_not_sig": (
        "ikke statistisk sikker (|z| høyst {limit})",
        "ikkje statistisk sikker (|z| høgst {limit})",
        "not significant (|z| at most {limit})",
    ),
    "eval_basis_figure": (
        "Planens tall for utgangspunktet, {base} ({bperiod}), mot 95 % konfidensintervall "
        "{interval} for siste måling {latest} ({lperiod}): {outcome}.",
        "Talet i planen for utgangspunktet, {base} ({bperiod}), mot 95 % konfidensintervall "
        "{interval} for siste måling {latest} ({lperiod}): {outcome}.",
        "The plan's baseline figure, {base} ({bperiod}), against the 95 % confidence interval "
        "{interval} of the latest point {latest} ({lperiod}): {outcome}.",
    ),
    "eval_basis_outside": (
        "tallet ligger utenfor, endringen er statistisk sikker",
        "talet ligg utanfor, endringa er statistisk sikker",
        "the figure lies outside, the change is significant",
    ),
    "eval_basis_inside": (
        "tallet ligger innenfor, ingen sikker endring",
        "talet ligg innanfor, inga sikker endring",
        "the figure lies inside, no significant change",
    ),
    "eval_basis_direction": (
        "Utgangspunkt {base} ({bperiod}) mot siste måling {latest} ({lperiod}): endring "
        "{change}, ikke testet fordi tallene mangler konfidensintervall (grensen for liten "
        "endring er ±{tolerance}).",
        "Utgangspunkt {base} ({bperiod}) mot siste måling {latest} ({lperiod}): endring "
        "{change}, ikkje testa fordi tala manglar konfidensintervall (grensa for lita "
        "endring er ±{tolerance}).",
        "Baseline {base} ({bperiod}) against latest {latest} ({lperiod}): change {change}, "
        "not tested because the figures have no confidence intervals (the limit for a small "
        "change is ±{tolerance}).",
    ),
    "eval_basis_pct": (
        "{pct} av den planlagte endringen er oppnådd.",
        "{pct} av den planlagde endringa er oppnådd.",
        "{pct} of the targeted change is achieved.",
    ),
    "eval_recent_trend": (
        "Trend, siste fem målinger",
        "Trend, siste fem målingar",
        "Trend, last five points",
    ),
    "eval_trend_basis": (
        "Eget signal, ikke en del av statusen: Fingertips-trendtest på de siste {n} "
        "målingene, χ²\u00a0=\u00a0{chi2} (grense {limit}): {outcome}.",
        "Eige signal, ikkje ein del av statusen: Fingertips-trendtest på dei siste {n} "
        "målingane, χ²\u00a0=\u00a0{chi2} (grense {limit}): {outcome}.",
        "A separate signal, not part of the status: Fingertips trend test on the last {n} "
        "points, χ²\u00a0=\u00a0{chi2} (limit {limit}): {outcome}.",
    ),
    "eval_trend_not_calculated": (
        "Eget signal, ikke en del av statusen: trenden kan ikke beregnes (den krever {n} "
        "målinger med konfidensintervall).",
        "Eige signal, ikkje ein del av statusen: trenden kan ikkje reknast ut (han krev {n} "
        "målingar med konfidensintervall).",
        "A separate signal, not part of the status: the trend cannot be calculated (it needs "
        "{n} points with confidence intervals).",
    ),
    "eval_method": (
        "Statusen måles fra planens utgangspunkt til siste måling (andel av planlagt endring "
        "oppnådd, etter Healthy People 2030), med en test av forskjellen som passer "
        "indikatoren. Trenden over de siste fem målingene vises ved siden av som et eget "
        "signal. En endring som ikke kan testes, blir aldri «Bedring» eller «Forverring». "
        "Metoden er beskrevet i docs/status.md.",
        "Statusen blir målt frå utgangspunktet i planen til siste måling (del av planlagd "
        "endring oppnådd, etter Healthy People 2030), med ein test av skilnaden som passar "
        "indikatoren. Trenden over dei siste fem målingane blir vist ved sida av som eit eige "
        "signal. Ei endring som ikkje kan testast, blir aldri «Betring» eller «Forverring». "
        "Metoden er skildra i docs/status.md.",
        "Status is measured from the plan's baseline to the latest point (percent of targeted "
        "change achieved, after Healthy People 2030), with a test of the difference that fits "
        "the indicator. The trend over the last five points is shown beside it as a separate "
        "signal. A change that cannot be tested is never “Improving” or “Getting worse”. The "
        "method is described in docs/status.md.",
    ),
    # --- keys added by the pages refactor ---
    "demo_note": (
        "DEMODATA (simulerte tall)",
        "DEMODATA (simulerte tal)",
        "DEMO DATA (simulated figures)",
    ),
    "sources_intro": (
        "Statistikk fra Statistisk sentralbyrå (SSB, CC BY 4.0) og Folkehelseinstituttet "
        "(Kommunehelsa/Folkehelsestatistikk), kart fra Kartverket (CC BY 4.0), og kommunens egne "
        "tall. Symboler: `:` skjult av personvernhensyn, `..` tall mangler, `.` ikke aktuelt.",
        "Statistikk frå Statistisk sentralbyrå (SSB, CC BY 4.0) og Folkehelseinstituttet "
        "(Kommunehelsa/Folkehelsestatistikk), kart frå Kartverket (CC BY 4.0), og tala til "
        "kommunen sjølv. Symbol: `:` skjult av omsyn til personvern, `..` tal manglar, "
        "`.` ikkje aktuelt.",
        "Statistics from Statistics Norway (SSB, CC BY 4.0) and the Norwegian Institute of Public "
        "Health (FHI, Kommunehelsa/Folkehelsestatistikk), maps from the Norwegian Mapping "
        "Authority (Kartverket, CC BY 4.0), and the kommune's own figures. Symbols: `:` hidden "
        "for privacy, `..` figure missing, `.` not applicable.",
    ),
    "unit_col": ("Enhet", "Eining", "Unit"),
    "suppressed_col": ("Skjulte celler", "Skjulte celler", "Hidden cells"),
    "import_intro": (
        "Kommunens egne tall per distrikt (Ungdata, helsestasjon, PPT, barnevern, "
        "skoleresultater) lastes inn fra en CSV- eller Excel-fil etter malen. Alle rader sjekkes, "
        "og alle feil vises samtidig med rad og kolonne; en fil med feil lastes ikke. Små tall "
        "skjules før noe lagres.",
        "Tala til kommunen sjølv per distrikt (Ungdata, helsestasjon, PPT, barnevern, "
        "skuleresultat) blir lasta inn frå ei CSV- eller Excel-fil etter malen. Alle rader blir "
        "sjekka, og alle feil blir viste samtidig med rad og kolonne; ei fil med feil blir ikkje "
        "lasta inn. Små tal blir skjulte før noko blir lagra.",
        "The kommune's own figures per district (Ungdata, health centres, educational "
        "psychology service, child welfare, school results) are loaded from a CSV or Excel file "
        "that follows the template. Every row is checked, and every error is shown at once "
        "with its row and column; a file with errors is not loaded. Small numbers are hidden "
        "before anything is stored.",
    ),
    "import_auth_hint": (
        "Innlogging slås på med en [auth]-seksjon i .streamlit/secrets.toml "
        "(Microsoft Entra ID eller annen OIDC-tilbyder); se README, «Import the kommune's own "
        "data».",
        "Innlogging blir slått på med ein [auth]-seksjon i .streamlit/secrets.toml "
        "(Microsoft Entra ID eller ein annan OIDC-tilbydar); sjå README, «Import the kommune's "
        "own data».",
        "Sign-in is turned on with an [auth] section in .streamlit/secrets.toml "
        "(Microsoft Entra ID or another OIDC provider); see the README, “Import the kommune's "
        "own data”.",
    ),
    "import_signed_in": ("Innlogget som {user}", "Innlogga som {user}", "Signed in as {user}"),
    "measure_number_col": ("Nr", "Nr", "No."),
    "import_too_large": (
        "{name}: filen er {size} MB; grensen er {limit} MB.",
        "{name}: fila er {size} MB; grensa er {limit} MB.",
        "{name}: the file is {size} MB; the limit is {limit} MB.",
    ),
    # --- keys added by the ux work ---
    "areas_n_one": ("{n} område", "{n} område", "{n} area"),
    "areas_n_many": ("{n} områder", "{n} område", "{n} areas"),
    "alt_series_one": ("serie", "serie", "series"),
    "provider_fhi": ("Folkehelseinstituttet (FHI)", "Folkehelseinstituttet (FHI)",
                     "Norwegian Institute of Public Health (FHI)"),
    "provider_ssb": ("Statistisk sentralbyrå (SSB)", "Statistisk sentralbyrå (SSB)",
                     "Statistics Norway (SSB)"),
    "provider_local": ("kommunens egne tall", "kommunen sine eigne tal",
                       "the kommune's own figures"),
    "provider_demo": ("simulerte demotall", "simulerte demotal", "simulated demo figures"),
    "provider_kartverket": ("Kartverket", "Kartverket", "Norwegian Mapping Authority"),
    "run_col_id": ("Kjøring", "Køyring", "Run"),
    "run_col_source": ("Kilde", "Kjelde", "Source"),
    "run_col_started": ("Startet", "Starta", "Started"),
    "run_col_finished": ("Ferdig", "Ferdig", "Finished"),
    "run_col_status": ("Status", "Status", "Status"),
    "run_col_rows": ("Rader", "Rader", "Rows"),
    "run_col_message": ("Melding", "Melding", "Message"),
    "run_status_ok": ("fullført", "fullført", "completed"),
    "run_status_failed": ("feilet", "feila", "failed"),
    "run_status_running": ("pågår", "pågår", "running"),
    "times_note": ("Tider er norsk tid.", "Tider er norsk tid.", "Times are Norwegian time."),
    "missing_col_indicator": ("Indikator", "Indikator", "Indicator"),
    "missing_col_reason": ("Årsak", "Årsak", "Reason"),
    "choose_district_here": (
        "Velg et område her eller i menyen til venstre for å se profilen.",
        "Vel eit område her eller i menyen til venstre for å sjå profilen.",
        "Choose a district here or in the sidebar to see its profile.",
    ),
    "nav_overview": ("Utfordringsbilde", "Utfordringsbilete", "Overview"),
    "definition_nb_only": (
        "Definisjon",
        "Definisjon (på bokmål)",
        "Definition (in Norwegian)",
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

UNKNOWN_TABLE = (
    "tabellen slås opp etter tittel",
    "tabellen vert slått opp etter tittel",
    "table looked up by title",
)
LOCAL_SOURCE = ("kommunens egne tall", "kommunen sine eigne tal", "the kommune's own data")

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


def pick(texts: tuple[str, str, str], lang: str) -> str:
    """The text for `lang` from an (nb, nn, en) triple; bokmål for an unknown language."""
    return texts[LANGS.index(lang)] if lang in LANGS else texts[0]


def t(key: str, lang: str = "nb", **kwargs: object) -> str:
    """The interface text `key` in `lang`, formatted with kwargs; KeyError for unknown keys."""
    text = pick(STRINGS[key], lang)
    return text.format(**kwargs) if kwargs else text


def verdict_label(verdict: str, lang: str = "nb") -> str:
    """A comparison verdict (better, similar, …) in words."""
    return pick(VERDICTS[verdict], lang)


def trend_label(direction: str, lang: str = "nb") -> str:
    """A trend direction in words, with its arrow."""
    arrow = TREND_ARROWS.get(direction, "")
    return f"{arrow} {pick(TREND_WORDS[direction], lang)}".strip()


def source_label(provider: str, table: str, verified: bool = True, lang: str = "nb") -> str:
    """Where an indicator comes from, for captions and exports: `FHI 403`, `SSB 12272 (…)`."""
    if table == "unknown":
        label = f"{provider.upper()} ({pick(UNKNOWN_TABLE, lang)})"
    elif provider == "local":
        label = f"{table} ({pick(LOCAL_SOURCE, lang)})"
    else:
        label = f"{provider.upper()} {table}"
    if not verified and table != "unknown":
        label += f" ({t('unverified_source', lang)})"
    return label


def flag_meaning(flag: str, lang: str = "nb") -> str:
    """What a source symbol (':' '..' '.') means."""
    return pick(FLAG_MEANINGS[flag], lang)

"""Building blocks of the Planevaluering page: cached evaluation, status badges, cards, notes."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from html import escape
from zoneinfo import ZoneInfo

import duckdb
import streamlit as st

from ui import access, assets, components, data, memo
from utfordringsbilde import charts, evaluation, notes, numbers, palette, paths, warehouse
from utfordringsbilde.evaluation import AreaResult, Evaluation, TargetResult
from utfordringsbilde.i18n import t, tn, verdict_label
from utfordringsbilde.pagemodels import evaluering as model
from utfordringsbilde.plan import load_plans
from utfordringsbilde.vocab import PlanStatus, Polarity, RiskFactor, Verdict

OSLO = ZoneInfo("Europe/Oslo")


# ====================================================================== data


# A resource, not data: the same object for every session and rerun (no copy of ~120 kB
# unpickled per rerun), which its sparklines are then keyed by; nothing here mutates it.
@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def evaluation_for(
    sig: warehouse.Signature, kommune: str, year: int | None, lang: str, level: str | None = None
) -> Evaluation | None:
    """The kommune's plan evaluated against the warehouse, its district figures at `level`
    (None: the default level); None when it has no plan file."""
    plan = load_plans().get(kommune)
    if plan is None:
        return None
    return evaluation.build(data.cursor(), plan, year, lang=lang, level=level)


# ====================================================================== small pieces


def badge(shown: str, lang: str, small: bool = False) -> str:
    """A status as colour + symbol + word, so it reads without colour too."""
    bg, fg, symbol = evaluation.STATUS_STYLE[shown]
    cls = (
        "ub-status"
        + (" ub-small" if small else "")
        + (" ub-nodata" if shown == PlanStatus.NO_DATA else "")
    )
    word = escape(evaluation.status_word(shown, lang))
    return (
        f'<span class="{cls}" data-status="{shown}" style="background:{bg};color:{fg}">'
        f'<span aria-hidden="true">{symbol}</span> {word}</span>'
    )


def red_chip(lang: str) -> str:
    """The red-flag mark: colour, flag symbol and word."""
    bg, fg = palette.background(Verdict.WORSE), palette.foreground(Verdict.WORSE)
    return (
        f'<span class="ub-status ub-small" style="background:{bg};color:{fg}">'
        f'<span aria-hidden="true">⚑</span> {escape(t("eval_red_flag", lang))}</span>'
    )


def _verdict_chip(verdict: str, lang: str) -> str:
    style = f"background:{palette.background(verdict)};color:{palette.foreground(verdict)}"
    return (
        f'<span class="ub-status ub-small" style="{style}"><span aria-hidden="true">'
        f"{palette.symbol(verdict)}</span> {escape(verdict_label(verdict, lang))}</span>"
    )


# ====================================================================== page sections


def header(ev: Evaluation, lang: str) -> None:
    """Plan name, period, adoption and who evaluates it how often."""
    plan = ev.plan
    st.html(assets.style("evaluation.css"))
    st.subheader(plan.name.get(lang))
    period = (
        f"{plan.period.from_}–{plan.period.to}"
        if plan.period.to
        else t("eval_from", lang, start=plan.period.from_)
    )
    ev_ = plan.evaluation
    if ev_.cycle_years and ev_.forum:
        cycle = t("eval_cycle_forum", lang, forum=ev_.forum, years=ev_.cycle_years)
    elif ev_.cycle_years:
        cycle = t("eval_cycle", lang, years=ev_.cycle_years)
    elif ev_.forum:
        cycle = t("eval_forum_only", lang, forum=ev_.forum)
    else:
        cycle = t("eval_no_cycle", lang)
    facts = [
        f"<span><b>{escape(t('eval_period', lang))}:</b> {escape(period)}</span>",
        f"<span><b>{escape(t('eval_adopted', lang))}:</b> "
        f"{escape(plan.adopted.label or t('eval_not_stated', lang))}</span>",
        f"<span><b>{escape(cycle)}</b></span>",
    ]
    if plan.revision.cycle_years:
        facts.append(
            f"<span>{escape(t('eval_revision', lang, years=plan.revision.cycle_years))}</span>"
        )
    st.html(f'<div class="ub-facts" data-testid="ub-plan-facts">{"".join(facts)}</div>')
    if plan.document_type:
        st.caption(plan.document_type.get(lang))
    with st.expander(t("eval_about_plan", lang)):
        st.markdown(ev_.description.get(lang))
        st.markdown(f"**{t('eval_legal_basis', lang)}:** {plan.legal_basis}")
        if plan.sources:
            st.markdown(
                f"**{t('eval_sources', lang)}:** " + "; ".join(s.title for s in plan.sources)
            )
    if ev.year:
        st.caption(t("eval_as_of", lang, year=ev.year))


def summary(ev: Evaluation, lang: str) -> None:
    """How many of the plan's indicators stand in each status, as chips with counts."""
    counts = ev.counts()
    chips = [
        f'<span><span class="ub-count">{n}</span>{badge(s, lang, small=True)}</span>'
        for s, n in counts.items()
        if n
    ]
    st.markdown(f"#### {tn('eval_summary', len(ev.targets), lang)}")
    st.html(f'<div class="ub-chips" data-testid="ub-eval-summary">{"".join(chips)}</div>')


def red_flags(ev: Evaluation, lang: str) -> None:
    """The red-red list in sentences, or a line saying there is none."""
    st.markdown(f"#### :material/flag: {t('eval_red_flags', lang)} ({len(ev.red_flags)})")
    st.caption(t("eval_red_flags_intro", lang))
    if not ev.red_flags:
        st.success(t("eval_no_red_flags", lang), icon=":material/check_circle:")
        return
    st.markdown("\n".join(f"- {evaluation.red_flag_sentence(f, lang)}" for f in ev.red_flags))


@functools.cache
def _method_note() -> str:
    """docs/status.md without its first heading; '' when the docs are not installed."""
    try:
        text = (paths.ROOT / "docs" / "status.md").read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.split("\n", 1)[1].strip() if text.startswith("# ") else text


def goals(ev: Evaluation, lang: str) -> None:
    """Strategies → goals → indicator cards."""
    st.markdown(t("eval_intro", lang))
    st.caption(t("eval_method", lang))
    method = _method_note()
    if method:
        # The page links to the method itself: docs/status.md, shown here (it is not served
        # anywhere else a reader of the page could open).
        with st.expander(t("eval_method_doc", lang), icon=":material/menu_book:"):
            st.markdown(method)
    all_notes = notes.by_target(_read_notes(ev.kommune, lang))
    strategy_names = {s.id: s.name.get(lang) for s in ev.plan.strategies}
    for strategy, goal_list in ev.sections():
        if strategy is not None:
            st.header(f"{t('eval_strategy', lang)}: {strategy.name.get(lang)}", divider="gray")
        else:
            st.header(t("eval_other_goals", lang), divider="gray")
        for goal in goal_list:
            level = t("eval_goal_main" if goal.level == "main" else "eval_goal_sub", lang)
            st.markdown(f"### {level}: {goal.text.get(lang)}")
            others = [strategy_names[s] for s in goal.strategies[1:] if s in strategy_names]
            if others:
                st.caption(t("eval_also_under", lang, names=", ".join(others)))
            for tg in ev.plan.targets_for(goal.id):
                target_card(ev, ev.target(tg.id), lang, all_notes.get(tg.id, []))
    without = ev.goals_without_targets()
    if without:
        with st.expander(t("eval_goals_without", lang, n=len(without))):
            st.markdown("\n".join(f"- {g.text.get(lang)}" for g in without))


def _read_notes(kommune: str, lang: str) -> list[notes.Note]:
    """The kommune's notes; a store that cannot be read costs the notes, not the page."""
    try:
        return notes.for_kommune(kommune)
    except (duckdb.Error, OSError) as e:
        st.warning(f"{t('eval_notes', lang)}: {e}", icon=":material/error:")
        return []


def target_card(ev: Evaluation, r: TargetResult, lang: str, target_notes: list) -> None:
    """One indicator: name, status, latest / baseline / target, sparkline, basis, notes."""
    a = r.kommune
    tid = r.target.id
    with st.container(border=True, key=f"eval_card_{tid}"):
        left, mid, right = st.columns([5, 5, 4], vertical_alignment="top")
        with left:
            kind = t(f"eval_kind_{r.target.kind}", lang)
            meta = f"{kind} · {numbers.unit_name(r.unit, lang)}"
            if r.target.scope == "each_district":
                meta += f" · {t('eval_each_district', lang)}"
            st.html(
                f'<div class="ub-tname">{escape(r.name.get(lang))}</div>'
                f'<div class="ub-tmeta">{escape(meta)}</div>'
                f'<div data-testid="ub-target-status" data-target="{escape(tid)}">'
                f"{badge(a.shown, lang)}</div>"
            )
        with mid:
            latest, lperiod = evaluation.latest_parts(r, a, lang)
            base, bperiod = evaluation.baseline_parts(r, a, lang)
            rows = [
                (t("eval_latest", lang), latest, lperiod),
                (t("eval_baseline", lang), base, bperiod),
                (t("eval_target", lang), evaluation.target_text(r, lang), ""),
            ]
            if r.target.has_number:
                rows.append((t("eval_achieved", lang), evaluation.pct_text(a, lang), ""))
            st.html(
                '<table class="ub-kv">'
                + "".join(
                    f"<tr><th>{escape(k)}</th><td>{escape(v)}"
                    + (f' <span class="ub-muted">({escape(p)})</span>' if p else "")
                    + "</td></tr>"
                    for k, v, p in rows
                )
                + "</table>"
            )
        with right:
            fig = memo.of_object("spark", r, (lang,), lambda: charts.sparkline(r, lang))
            if fig is None:
                st.info(evaluation.no_data_text(r, lang), icon=":material/hourglass_empty:")
            else:
                components.chart(
                    fig,
                    lang,
                    width="stretch",
                    key=f"eval_spark_{tid}",
                    config={"displayModeBar": False},
                )
                st.caption(sparkline_legend(r, lang))
        with st.expander(t("eval_basis", lang), icon=":material/info:"):
            basis(ev, r, a, lang)
        if r.districts:
            label = t("eval_per_district", lang, n=len(r.districts))
            flagged = sum(d.red_flag for d in r.districts)
            if flagged:
                label += f" · ⚑ {t('eval_red_flag', lang)}: {flagged}"
            # Open where the plan follows every district, or where a district is red-flagged.
            with st.expander(label, expanded=r.target.scope == "each_district" or flagged > 0):
                st.html(district_table(r, ev.kommune_name, lang))
                st.caption(t("eval_district_note", lang))
        n = sum(1 for note in target_notes if not note.withdrawn)
        label = t("eval_notes_n", lang, n=n) if n else t("eval_notes", lang)
        prefix = note_prefix(ev, r)
        # The count in the label changes with a saved note; the key keeps the panel the same
        # one for the browser, so it stays as the user left it (open), and a confirmation
        # waiting to be shown opens it.
        with st.expander(
            label,
            expanded=f"{prefix}_done" in st.session_state,
            icon=":material/edit_note:",
            key=f"{prefix}_panel",
        ):
            notes_block(ev, r, lang, target_notes)


def basis(ev: Evaluation, r: TargetResult, a: AreaResult, lang: str) -> None:
    """What a status rests on: baseline, latest, target or direction, polarity and the test."""
    b = a.status.basis
    latest, lperiod = evaluation.latest_parts(r, a, lang)
    pol = {
        Polarity.HIGH_GOOD: t("eval_high_good", lang),
        Polarity.LOW_GOOD: t("eval_low_good", lang),
    }.get(b.good_direction, t("eval_no_good_direction", lang))
    if b.good_direction_from_target:
        pol += " " + t("eval_direction_from_target", lang)
    target = (
        evaluation.target_text(r, lang)
        if r.target.has_number
        else t("eval_target_direction_only", lang)
    )
    rows = [
        (t("eval_baseline", lang), evaluation.baseline_row(r, a, lang)),
        (t("eval_latest", lang), f"{latest} ({lperiod})" if lperiod else latest),
        (t("eval_target", lang), target),
        (t("eval_good_direction", lang), pol),
    ]
    if b.direction and b.change is not None:
        rows.append((t("eval_change", lang), evaluation.signed(r, b.change, lang)))
    if r.target.has_number:
        rows.append((t("eval_achieved", lang), evaluation.pct_text(a, lang)))
    test = t(f"eval_test_{a.test_key}", lang)
    if a.shown == PlanStatus.NOT_JUDGED:
        test += " " + t("eval_test_not_judged", lang)
    rows.append((t("eval_test", lang), test))
    rows.append((t("eval_recent_trend", lang), evaluation.trend_basis_text(a, lang)))
    st.html(
        f'<div data-testid="ub-basis" data-target="{escape(r.target.id)}">'
        f"{badge(a.shown, lang, small=True)}"
        '<table class="ub-kv" style="margin-top:6px">'
        + "".join(
            f'<tr><th>{escape(k)}</th><td><span class="ub-plain">{escape(v)}</span></td></tr>'
            for k, v in rows
        )
        + "</table></div>"
    )
    if a.benchmark_value is not None and a.latest is not None:
        bench = t(
            "eval_benchmark_now",
            lang,
            bench=a.benchmark_name,
            value=evaluation.value_text(r, a.benchmark_value, lang),
        )
        st.markdown(f"{bench} · {_verdict_chip(a.verdict, lang)}", unsafe_allow_html=True)
    if r.target.comparison == "relative_to_landet" and not a.benchmark_series.empty:
        bp = b.baseline_period
        lp = b.latest_period
        land_b = evaluation.value_at(a.benchmark_series, bp)
        land_l = evaluation.value_at(a.benchmark_series, lp)
        known = None not in (land_b, land_l, b.baseline, b.latest)
        if known and land_b is not None and land_l is not None:
            st.markdown(
                t(
                    "eval_gap_to_landet",
                    lang,
                    landet=a.benchmark_name,
                    area=a.area_name,
                    gap_b=evaluation.signed(r, float(b.baseline or 0) - land_b, lang),
                    bperiod=evaluation.period_label(a, bp),
                    gap_l=evaluation.signed(r, float(b.latest or 0) - land_l, lang),
                    lperiod=evaluation.period_label(a, lp),
                )
            )
    st.caption(evaluation.basis_text(r, a, lang))
    base_note = r.target.baseline.note if r.target.baseline else None
    plan_notes = [n for n in (base_note, r.target.target.note if r.target.target else None) if n]
    if plan_notes:
        st.caption(f"{t('eval_plan_file_note', lang)}: " + " ".join(plan_notes))


def sparkline_legend(r: TargetResult, lang: str) -> str:
    """What the sparkline's lines and marks are, in words."""
    parts = [t("eval_spark_line", lang, area=r.kommune.area_name)]
    if r.target.comparison == "relative_to_landet" and not r.kommune.benchmark_series.empty:
        parts.append(t("eval_spark_landet", lang, landet=r.kommune.benchmark_name))
    if r.kommune.status.basis.baseline is not None:
        parts.append(t("eval_spark_ring", lang))
    if evaluation.target_value(r.target, r.polarity) is not None:
        parts.append(t("eval_spark_target", lang))
    return " · ".join(parts)


def _common(values: list[str]) -> str | None:
    """The value most rows share (the first of equals), or None for no rows."""
    return max(values, key=values.count) if values else None


def district_table(r: TargetResult, kommune_name: str, lang: str) -> str:
    """Districts of one target: latest, baseline, status and test, vs the kommune, trend.

    The period most rows share goes into the column header, so rows stay short; a row with
    another period shows it, marked * when it stands in for the plan's baseline year.
    """
    latest = [evaluation.latest_parts(r, d, lang) for d in r.districts]
    base = [evaluation.baseline_parts(r, d, lang, note=False) for d in r.districts]
    head_latest = _common([p for _, p in latest])
    head_base = _common([p for _, p in base])

    def col(key: str, period: str | None) -> str:
        return t(key, lang) + (f" ({period})" if period else "")

    head = [
        t("areas_col", lang),
        col("eval_latest", head_latest),
        col("eval_baseline", head_base),
        t("eval_measure_status", lang),
        t("eval_test", lang),
        f"{t('compared_with', lang)} {kommune_name}",
        t("eval_trend5", lang),
    ]
    rows = []
    starred = False
    for d, (lval, lper), (bval, bper) in zip(r.districts, latest, base, strict=True):
        verdict = _verdict_chip(d.verdict, lang) if d.latest is not None else escape(lval)
        lp = "" if lper == head_latest else lper
        bp = "" if bper == head_base else bper
        if bp and evaluation.stand_in(r, d):
            bp += "*"
            starred = True
        flag = f" {red_chip(lang)}" if d.red_flag else ""
        rows.append(
            f'<tr class="{"ub-redrow" if d.red_flag else ""}" data-area="{escape(d.area_code)}">'
            f'<th scope="row">{escape(d.area_name)}{flag}</th>'
            f'<td>{escape(lval)} <span class="ub-unit">{escape(lp)}</span></td>'
            f'<td>{escape(bval)} <span class="ub-unit">{escape(bp)}</span></td>'
            f"<td>{badge(d.shown, lang, small=True)}</td>"
            # The basis stays in view: the test by name, its full wording on hover.
            f'<td title="{escape(evaluation.basis_text(r, d, lang))}">'
            f"{escape(t(f'eval_short_{d.test_key}', lang))}</td>"
            f"<td>{verdict}</td>"
            f'<td class="ub-wrap">{escape(evaluation.trend_text(d, lang))}</td></tr>'
        )
    foot = ""
    if starred and r.target.baseline is not None:
        note = t("eval_baseline_substitute", lang, year=r.target.baseline.period)
        foot = f'<p class="ub-foot">* {escape(note)}</p>'
    return (
        '<div class="ub-scroll"><table class="ub-dist" data-testid="ub-district-table">'
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table>{foot}</div>"
    )


# ====================================================================== notes


def _when(created: dt.datetime) -> str:
    local = created.replace(tzinfo=dt.UTC).astimezone(OSLO)
    return local.strftime("%d.%m.%Y %H:%M")


def note_html(n: notes.Note, area_name: str | None, lang: str) -> str:
    """One note as escaped HTML: author, time, area, then the three questions (current
    version; "edited" with its time, or only "withdrawn" for a withdrawn note)."""
    head = f"<b>{escape(n.author)}</b> · {escape(_when(n.created_at))}"
    if area_name:
        head += f" · {escape(area_name)}"
    when = _when(n.updated_at or n.created_at)
    if n.edited:
        head += f" · <i>{escape(t('eval_note_edited', lang, when=when))}</i>"
    if n.withdrawn:
        gone = escape(t("eval_note_withdrawn", lang, when=when))
        return (
            f'<div class="ub-note" data-withdrawn="1"><div class="ub-note-head">{head}</div>'
            f"<p><i>{gone}</i></p></div>"
        )
    parts = [
        (t("eval_note_what_we_see", lang), n.what_we_see),
        (t("eval_note_why", lang), n.why),
        (t("eval_note_what_we_do", lang), n.what_we_do),
    ]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in parts if v)
    return f'<div class="ub-note"><div class="ub-note-head">{head}</div><dl>{body}</dl></div>'


def note_prefix(ev: Evaluation, r: TargetResult) -> str:
    """The start of the widget keys of one target's notes panel."""
    return f"eval_note_{ev.kommune}_{r.target.id}"


def notes_block(ev: Evaluation, r: TargetResult, lang: str, target_notes: list) -> None:
    """The notes on one target, newest first; for a signed-in person a form to add one and
    controls on their own notes; without sign-in, how to turn writing on."""
    prefix = note_prefix(ev, r)
    configured = access.auth_configured()
    who = access.signed_in_identity() if configured else None
    done = st.session_state.pop(f"{prefix}_done", None)
    if done:
        st.success(t(done, lang), icon=":material/check:")
    for n in target_notes:
        st.html(note_html(n, ev.district_names.get(n.area_code or ""), lang))
        if who is not None and n.author_id == who.id and not n.withdrawn:
            _own_note(n, prefix, lang, who)
    if not target_notes:
        st.caption(t("eval_no_notes", lang))
    if not configured:
        st.caption(t("eval_note_no_auth", lang) + " " + t("import_auth_hint", lang))
        return
    if who is None:
        st.caption(t("eval_note_login_needed", lang))
        if st.button(t("import_login", lang), key=f"{prefix}_login"):
            st.login()
        return
    _new_note(ev, r, lang, who, prefix)


def _new_note(
    ev: Evaluation, r: TargetResult, lang: str, who: access.Identity, prefix: str
) -> None:
    """The form for a new note, written as the signed-in person."""
    fields = ("what_we_see", "why", "what_we_do")
    # A saved note clears the form on the next run; widget state may only be reset before the
    # widgets are drawn.
    if st.session_state.pop(f"{prefix}_clear", False):
        for name in fields:
            st.session_state[f"{prefix}_{name}"] = ""
    with st.form(key=f"{prefix}_form", clear_on_submit=False, border=True):
        st.markdown(f"**{t('eval_note_new', lang)}**")
        st.caption(t("eval_note_signed_in", lang, user=who.name))
        area = None
        if r.districts:
            options = ["", *(d.area_code for d in r.districts)]
            area = st.selectbox(
                t("eval_note_area", lang),
                options,
                key=f"{prefix}_area",
                format_func=lambda c: ev.district_names.get(c, t("eval_note_whole_kommune", lang)),
            )
        see, why, do = _texts(prefix, lang, None)
        submitted = st.form_submit_button(t("eval_note_add", lang), key=f"{prefix}_submit")
        st.caption(t("eval_note_help", lang))
    if submitted:
        write = lambda: notes.add(  # noqa: E731 - one call, run under the shared error handling
            ev.kommune,
            r.target.id,
            author=who.name,
            author_id=who.id,
            what_we_see=see,
            why=why,
            what_we_do=do,
            area_code=area or None,
        )
        if _stored(write, lang):
            st.session_state[f"{prefix}_clear"] = True
            st.session_state[f"{prefix}_done"] = "eval_note_saved"
            st.rerun()


def _texts(prefix: str, lang: str, n: notes.Note | None) -> tuple[str, str, str]:
    """The three text areas, empty for a new note or holding `n`'s current texts."""
    out = []
    for name in ("what_we_see", "why", "what_we_do"):
        kw = {} if n is None else {"value": getattr(n, name)}
        out.append(
            st.text_area(
                t(f"eval_note_{name}", lang),
                key=f"{prefix}_{name}",
                max_chars=notes.MAX_TEXT,
                height=80,
                **kw,
            )
        )
    return out[0], out[1], out[2]


def _own_note(n: notes.Note, prefix: str, lang: str, who: access.Identity) -> None:
    """Edit or withdraw one's own note; either adds a version, the old ones are kept."""
    # The version is in the keys, so after a change the widgets start from the new text.
    key = f"{prefix}_{n.note_id}_v{n.version}"
    if not st.toggle(t("eval_note_change", lang), key=f"{key}_open"):
        return
    with st.form(key=f"{key}_form", border=True):
        see, why, do = _texts(key, lang, n)
        save = st.form_submit_button(t("eval_note_save_edit", lang), key=f"{key}_save")
    withdraw = st.button(t("eval_note_withdraw", lang), key=f"{key}_withdraw")
    if withdraw and _stored(lambda: notes.withdraw(n.note_id, author_id=who.id), lang):
        st.session_state[f"{prefix}_done"] = "eval_note_withdrawn_done"
        st.rerun()
    if save:
        change = lambda: notes.edit(  # noqa: E731 - as in _new_note
            n.note_id, author_id=who.id, what_we_see=see, why=why, what_we_do=do
        )
        if _stored(change, lang):
            st.session_state[f"{prefix}_done"] = "eval_note_updated"
            st.rerun()


def _stored(write: Callable[[], object], lang: str) -> bool:
    """Run one write to the notes store; False, with the reason shown, when it was refused."""
    try:
        write()
    except notes.NoteError as e:
        key = f"eval_note_err_{e.code}"
        msg = t(key, lang, limit=e.limit) if key in _ERRORS else t("eval_note_err_other", lang)
        st.error(msg)
    except (duckdb.Error, OSError) as e:  # the store is locked, read-only or full
        st.error(f"{t('eval_note_err_other', lang)} ({e})")
    else:
        return True
    return False


_ERRORS = {
    "eval_note_err_author_missing",
    "eval_note_err_empty",
    "eval_note_err_too_long",
    "eval_note_err_rate_limited",
    "eval_note_err_not_author",
    "eval_note_err_withdrawn",
}


# ====================================================================== measures


def measures(ev: Evaluation, lang: str) -> None:
    """The risk factor × level matrix with gaps marked, the gap sentence and a table."""
    m = ev.matrix
    names = evaluation.risk_factor_names(lang)
    st.header(t("eval_measures_title", lang), divider="gray")
    st.markdown(t("eval_measures_intro", lang))
    if m.level_system == "tonsberg4":
        st.caption(t("eval_tonsberg_levels", lang))
    gaps = m.gaps()
    total = len(RiskFactor) * len(m.levels)
    sentence = evaluation.gap_sentence(m, lang, names)
    if sentence:
        st.warning(sentence, icon=":material/warning:")
    thin = evaluation.general_only_sentence(m, lang, names)
    if thin:
        st.info(thin, icon=":material/info:")
    general = len(m.general_only())
    st.markdown(f"**{t('eval_gap_count', lang, n=len(gaps), total=total, general=general)}**")
    st.html(matrix_html(ev, lang, names))
    st.caption(t("eval_mapped_note", lang))
    if m.without_level:
        st.caption(
            t(
                "eval_without_level",
                lang,
                names="; ".join(
                    f"{_number(ev, x.id)}. {x.name.get(lang)}" for x in m.without_level
                ),
            )
        )
    with st.expander(t("table_alternative", lang)):
        st.dataframe(model.measures_table(ev, lang, names), hide_index=True, width="stretch")


def _number(ev: Evaluation, tiltak_id: str) -> int:
    return next(i for i, x in enumerate(ev.plan.tiltak, 1) if x.id == tiltak_id)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def matrix_html(ev: Evaluation, lang: str, names: dict[str, str]) -> str:
    """The matrix as an HTML table: numbered measures per cell, gaps hatched and worded."""
    m = ev.matrix
    head = "".join(f'<th scope="col">{escape(t(f"eval_level_{lv}", lang))}</th>' for lv in m.levels)
    rows = []
    for rf in m.rows:
        specific = rf in set(RiskFactor)
        in_plan = rf in m.plan_risk_factors
        label = escape(names[rf])
        if in_plan:
            label += f'<span class="ub-inplan">● {escape(t("eval_in_plan", lang))}</span>'
        cls = ' class="ub-notinplan"' if specific and not in_plan else ""
        if rf == evaluation.ALL_RISK_FACTORS:
            cls = ' class="ub-allrow"'
        tds = []
        for lv in m.levels:
            items = m.cells.get((rf, lv), ())
            if not items and specific and not m.cells.get((evaluation.ALL_RISK_FACTORS, lv)):
                tds.append(
                    f'<td class="ub-gap" data-gap="{rf}:{lv}">✗ {escape(t("eval_gap", lang))}</td>'
                )
                continue
            if not items and specific:
                tds.append(
                    f'<td class="ub-general" data-general="{rf}:{lv}">○ '
                    f"{escape(t('eval_general_only', lang))}</td>"
                )
                continue
            if not items:
                tds.append("<td>–</td>")
                continue
            lis = []
            for x in items:
                full = x.name.get(lang)
                mark = "*" if {"prevention_level", "risk_factors"} & set(x.mapped) else ""
                lis.append(
                    f'<li title="{escape(" ".join(full.split()))}"><b>{_number(ev, x.id)}</b> '
                    f"{escape(_short(full))}{mark}</li>"
                )
            tds.append(f"<td><ul>{''.join(lis)}</ul></td>")
        rows.append(f'<tr><th scope="row"{cls}>{label}</th>{"".join(tds)}</tr>')
    return (
        '<div class="ub-scroll"><table class="ub-matrix" data-testid="ub-measures-matrix">'
        f'<thead><tr><th scope="col">{escape(t("risk_factor", lang))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )

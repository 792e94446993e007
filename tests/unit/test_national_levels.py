"""The bench's synthetic country has every district level, each a partition of grunnkretser."""

from __future__ import annotations

from bench import national


def test_a_small_country_has_every_public_level_inside_its_kommuner() -> None:
    c = national.country(seed=1, kommuner_wanted=30)
    assert 15 <= len(c.kommune_codes) <= 45  # about 30, at least one per fylke
    assert set(c.public) == {"levekarssone", "bydel", "delomrade"}
    areas, members = national.public_areas(c)
    # Every kommune has delområder; only some have levekårssoner or bydeler.
    do = areas[areas["level"] == "delomrade"]
    assert set(do["parent_code"]) == set(c.kommune_codes)
    assert areas["level"].value_counts()["levekarssone"] < len(areas)
    # Within a level each grunnkrets is in exactly one area of its own kommune.
    joined = members.merge(areas, on="area_code")
    for level, part in joined.groupby("level"):
        assert not part["grunnkrets_code"].duplicated().any(), level
        assert (part["grunnkrets_code"].str[:4] == part["kommune_code"]).all(), level
    assert set(joined.loc[joined["level"] == "delomrade", "grunnkrets_code"]) == set(c.gk_codes)
    # Codes have the real shapes: 6-digit delområde, 'B' + 6 digits bydel, 10-digit LKS.
    lengths = areas.groupby("level")["area_code"].agg(lambda s: set(s.str.len()))
    assert lengths.to_dict() == {"bydel": {7}, "delomrade": {6}, "levekarssone": {10}}


def test_the_national_country_is_sized_like_norway() -> None:
    c = national.country(seed=1)
    assert len(c.kommune_codes) == national.KOMMUNER
    n_do = len(c.public["delomrade"][0])
    assert 1_500 <= n_do <= 2_300
    assert len({k for k in c.public["levekarssone"][1]}) == national.LKS_KOMMUNER

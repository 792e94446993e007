"""A kommune's peer group: the kommuner it is compared with beside its fylke and landet."""

from __future__ import annotations

from collections.abc import Mapping

from utfordringsbilde.config import Kommune


def peer_codes(kommune: str, kommuner: Mapping[str, Kommune]) -> list[str]:
    """The peers of `kommune`: those its own file names (`comparators.peers`), else, for a
    kommune without a file or without peers in it, the kommuner whose files name it as a peer
    (a peer relation holds both ways); in file order, then by number. Empty when none does.

    KOSTRA groups (EKG01–EKG17) are not stored in the warehouse yet, so they cannot serve here.
    """
    own = kommuner.get(kommune)
    if own is not None and own.comparators.peers:
        return list(dict.fromkeys(p.code for p in own.comparators.peers if p.code != kommune))
    return sorted(
        code
        for code, k in kommuner.items()
        if code != kommune and any(p.code == kommune for p in k.comparators.peers)
    )

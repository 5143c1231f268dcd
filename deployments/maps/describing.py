"""What the map says in words: the title of each mark, and the sentences
that tell a screen reader what the map shows."""

from __future__ import annotations

from deployments.maps import overlay
from deployments.models import Stance
from deployments.status import StatusRow


def troops_text(troops: int | None, unknown: bool) -> str:
    if troops is None:
        return "troops of unknown number"
    text = f"{troops:,} troops"
    return text + " and more of unknown number" if unknown else text


def host_text(host: overlay.Host) -> str:
    if host.only_unknown:
        return (
            f"{host.name}: troops of {host.contributors} "
            f"{'nation' if host.contributors == 1 else 'nations'}, number unknown"
        )
    known = host.contributors - host.unknown_contributors
    text = (
        f"{host.name}: {host.known_troops:,} troops of "
        f"{known} {'nation' if known == 1 else 'nations'}"
    )
    if host.unknown_contributors:
        text += f", and troops of unknown number of {host.unknown_contributors} more"
    return text


def involved_text(code: str, own: list[StatusRow], names: dict[str, str]) -> str:
    if own:
        return contributor_text(own)
    return f"{names[code]}: a stated destination"


def contributor_text(own: list[StatusRow]) -> str:
    """A nation's troops in its first few hosts: its own rows."""
    places = "; ".join(f"{row.host_name} ({row.troops_display})" for row in own[:5])
    more = f"; and {len(own) - 5} more" if len(own) > 5 else ""
    return f"{own[0].nation_name}: troops in {places}{more}"


def move_text(move: overlay.Move) -> str:
    who = ", ".join(move.nations[:5]) + (
        f" and {len(move.nations) - 5} more" if len(move.nations) > 5 else ""
    )
    where = (
        f"from {move.host_name} to {move.destination_name}"
        if move.destination
        else f"in {move.host_name}, no destination named"
    )
    temporary = ", temporarily" if move.temporary else ""
    return f"{who}: {Stance(move.stance).label.lower()} {where}{temporary}"


def sentences(
    hosts: list[overlay.Host], moves: list[overlay.Move], pairs: int, drawn: int
) -> list[str]:
    said = [host_text(host) + "." for host in hosts]
    said += [move_text(move) + "." for move in moves]
    if drawn < pairs:
        said.append(
            f"Lines are drawn for the {drawn} largest of {pairs} deployments; "
            f"{pairs - drawn} smaller ones are left out (the table has them all)."
        )
    return said

"""Article intake: turning a news report into proposed counts and statements.

``gazetteer`` names the nations and alliances an article may speak of, so
that a proposal about a nation the tracker does not hold yet can create it
when accepted.
"""
